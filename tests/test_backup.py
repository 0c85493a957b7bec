"""manage.py backup and restore: everything back after a lost server;
nothing overwritten, nothing changed by a file that is no backup or a
hostile one; backups readable by their owner only, optionally encrypted."""

import io
import json
import os
import shutil
import stat
import tarfile

import pyrage
import pytest
import reversion
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from articles.backups import stored_media
from articles.models import Article, ImageCredit, Municipality, Tag
from tests.factories import make_article, make_credit, make_jpeg, make_municipality
from tests.servers import environment, run_python

# Transactional: backup and restore run their own transactions. Serialized
# rollback gives the next test back the rows the migrations wrote.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def wipe(media_root):
    """What a lost server leaves: an empty database and no media folder."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)


def stored_files():
    """Every media file (photos and their renditions) with its bytes."""
    return {
        name: default_storage.open(name).read()
        for name in stored_media(default_storage)
    }


def test_backup_then_restore_brings_everything_back(tmp_path, settings, editor):
    essen = make_municipality(name="Essen", ags="05113000")
    credit = make_credit(creator="victor69", source="123rf.com")
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Erste Fassung")
        article = make_article(
            municipality=essen,
            title="Erste Überschrift",
            image=make_jpeg(),
            alt_text="Ein Smartphone",
            image_credit=credit,
            tags=["Soziale Medien", "Bürgerportal"],
        )
    with reversion.create_revision():
        reversion.set_user(editor)
        article.title = "Zweite Überschrift"
        article.save()
    files = stored_files()
    assert article.photo.image.name in files and len(files) > 1  # renditions too
    archive = tmp_path / "newsroom.tar.gz"

    call_command("backup", str(archive))
    wipe(settings.MEDIA_ROOT)
    assert not Article.objects.exists()
    assert not default_storage.exists(article.photo.image.name)
    call_command("restore", str(archive), interactive=False)

    restored = Article.objects.get(pk=article.pk)
    assert restored.title == article.title
    assert restored.municipality == Municipality.objects.get(ags="05113000")
    assert str(restored.photo.credit) == "victor69/123rf.com"
    assert sorted(restored.tags.names()) == ["Bürgerportal", "Soziale Medien"]
    assert stored_files() == files
    versions = Version.objects.get_for_object(restored)
    assert [v.field_dict["title"] for v in versions] == [
        "Zweite Überschrift",
        "Erste Überschrift",
    ]
    assert {v.revision.user for v in versions} == {editor}
    assert versions.last().revision.get_comment() == "Erste Fassung"
    assert Tag.objects.count() == 2 and ImageCredit.objects.count() == 1
    # New rows continue after the restored ones (sequences were reset).
    assert make_article().pk > article.pk


def test_backup_refuses_to_overwrite_an_existing_file(tmp_path):
    archive = tmp_path / "newsroom.tar.gz"
    archive.write_text("older backup")
    with pytest.raises(CommandError, match="gibt es schon"):
        call_command("backup", str(archive))
    assert archive.read_text() == "older backup"


def test_restoring_a_file_that_is_no_backup_changes_nothing(tmp_path):
    article = make_article()
    bogus = tmp_path / "holiday.tar.gz"
    bogus.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="keine lesbare Sicherung"):
        call_command("restore", str(bogus), interactive=False)
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_backup_is_readable_by_its_owner_only(tmp_path):
    make_article(image=make_jpeg())
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        assert {member.mode for member in tar.getmembers()} == {0o600}


# Encrypted backups (age, through pyrage)


@pytest.fixture
def age_key(settings):
    """An age key pair; backups are encrypted to its public half."""
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_RECIPIENTS = [str(identity.to_public())]
    settings.BACKUP_IDENTITY = ""
    return identity


def test_an_encrypted_backup_restores_with_its_key(tmp_path, settings, age_key):
    article = make_article(title="Verschlüsselt", image=make_jpeg())
    files = stored_files()
    archive = tmp_path / "newsroom.tar.gz.age"
    call_command("backup", str(archive))
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert archive.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert b"Verschl" not in archive.read_bytes()
    wipe(settings.MEDIA_ROOT)

    with pytest.raises(CommandError, match="ist verschlüsselt"):
        call_command("restore", str(archive), interactive=False)
    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(f"# created: today\n{age_key}\n")
    settings.BACKUP_IDENTITY = str(key_file)
    call_command("restore", str(archive), interactive=False)

    assert Article.objects.get(pk=article.pk).title == "Verschlüsselt"
    assert stored_files() == files


def test_the_wrong_key_is_refused_in_german(tmp_path, settings, age_key):
    article = make_article()
    archive = tmp_path / "newsroom.tar.gz.age"
    call_command("backup", str(archive))
    Article.objects.filter(pk=article.pk).update(title="Nach der Sicherung")

    settings.BACKUP_IDENTITY = str(pyrage.x25519.Identity.generate())
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), interactive=False)
    assert str(refused.value) == (
        f"{archive} lässt sich mit diesem Schlüssel nicht entschlüsseln "
        "(falscher Schlüssel oder beschädigte Datei)."
    )
    assert Article.objects.get(pk=article.pk).title == "Nach der Sicherung"


def test_a_wrong_recipient_is_refused_before_anything_is_written(tmp_path, settings):
    settings.BACKUP_RECIPIENTS = ["age1kaputt"]
    archive = tmp_path / "newsroom.tar.gz.age"
    with pytest.raises(CommandError, match="kein öffentlicher age-Schlüssel"):
        call_command("backup", str(archive))
    assert not archive.exists()
    assert not archive.with_name(archive.name + ".partial").exists()


# Hostile archives: refused with one German line before anything changes


def hostile_archive(path, *members, data=None, compresslevel=9):
    """A .tar.gz with a valid data.json (`data`, else an empty database)
    followed by `members`: (TarInfo, bytes or None)."""
    payload = json.dumps(data if data is not None else []).encode()
    with tarfile.open(path, "w:gz", compresslevel=compresslevel) as tar:
        info = tarfile.TarInfo("data.json")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
        for info, content in members:
            if content is not None:
                info.size = len(content)
            tar.addfile(info, io.BytesIO(content) if content is not None else None)
    return path


def entry(name, kind=tarfile.REGTYPE, content=b"x", **fields):
    info = tarfile.TarInfo(name)
    info.type = kind
    for field, value in fields.items():
        setattr(info, field, value)
    return info, content if kind == tarfile.REGTYPE else None


HOSTILE = {
    "symlink": (
        [entry("media/articles/link.jpg", tarfile.SYMTYPE, linkname="/etc/passwd")],
        "„media/articles/link.jpg“ ist ein symbolischer Link",
    ),
    "hardlink": (
        [entry("media/hart.jpg", tarfile.LNKTYPE, linkname="data.json")],
        "„media/hart.jpg“ ist ein harter Link",
    ),
    "device": (
        [entry("media/null", tarfile.CHRTYPE, devmajor=1, devminor=3)],
        "„media/null“ ist eine Gerätedatei",
    ),
    "fifo": ([entry("media/rohr", tarfile.FIFOTYPE)], "„media/rohr“ ist ein FIFO"),
    "absolute path": (
        [entry("/etc/cron.d/evil")],
        "„/etc/cron.d/evil“ hat einen absoluten oder unzulässigen Pfad",
    ),
    "dot-dot path": (
        [entry("media/../../newsroom/settings.py")],
        "„media/../../newsroom/settings.py“ enthält „..“ im Pfad",
    ),
    "file outside media": (
        [entry("static/evil.js")],
        "„static/evil.js“ liegt außerhalb von media/",
    ),
    "folder outside media": (
        [entry("var", tarfile.DIRTYPE)],
        "„var“ ist ein Ordner außerhalb von media/",
    ),
    "duplicate": (
        [entry("media/a.jpg"), entry("media/a.jpg")],
        "„media/a.jpg“ steht zweimal im Archiv",
    ),
}


def assert_nothing_changed(article, files):
    assert list(Article.objects.values_list("pk", "title")) == [
        (article.pk, article.title)
    ]
    assert stored_files() == files


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_archive_is_refused_and_changes_nothing(tmp_path, kind):
    article = make_article(image=make_jpeg())
    files = stored_files()
    members, cause = HOSTILE[kind]
    archive = hostile_archive(tmp_path / "hostile.tar.gz", *members)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), interactive=False)
    assert str(refused.value) == f"{archive} wird nicht eingespielt: {cause}."
    assert "\n" not in str(refused.value)
    assert_nothing_changed(article, files)


class Zeros:
    """A file of zeros of any length, read without holding it in memory."""

    def read(self, size):
        return bytes(size)


def test_a_compression_bomb_is_refused_before_it_is_unpacked(tmp_path):
    """64 MB of zeros compress to about 64 KB; the header gives it away."""
    article = make_article()
    bomb = tarfile.TarInfo("media/bomb.jpg")
    bomb.size = 64 * 2**20
    archive = tmp_path / "bomb.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        payload = b"[]"
        data = tarfile.TarInfo("data.json")
        data.size = len(payload)
        tar.addfile(data, io.BytesIO(payload))
        tar.addfile(bomb, Zeros())
    assert archive.stat().st_size < bomb.size / 100
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), interactive=False)
    assert str(refused.value) == (
        f"{archive} wird nicht eingespielt: „media/bomb.jpg“ entpackt auf mehr "
        "als das 100-Fache der Archivgröße (Kompressionsbombe?)."
    )
    assert_nothing_changed(article, {})


def test_an_archive_above_the_size_limit_is_refused(tmp_path, settings):
    article = make_article()
    settings.RESTORE_MAX_BYTES = 4096
    archive = hostile_archive(
        tmp_path / "big.tar.gz", entry("media/gross.jpg", content=os.urandom(8192))
    )
    with pytest.raises(CommandError, match="Grenze von 0 MB entpackt"):
        call_command("restore", str(archive), interactive=False)
    assert_nothing_changed(article, {})


def test_a_truncated_archive_is_refused_in_german(tmp_path):
    article = make_article(image=make_jpeg())
    files = stored_files()
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive))
    content = archive.read_bytes()
    archive.write_bytes(content[: len(content) // 2])
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), interactive=False)
    assert str(refused.value).startswith(f"{archive} ist keine lesbare Sicherung (")
    assert_nothing_changed(article, files)


def test_a_broken_database_part_leaves_database_and_media_alone(tmp_path):
    article = make_article(image=make_jpeg())
    files = stored_files()
    archive = hostile_archive(
        tmp_path / "broken.tar.gz",
        entry(f"media/{article.photo.image.name}", content=b"anderes Foto"),
        data=[{"model": "articles.article", "pk": 1, "fields": {"title": None}}],
    )
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), interactive=False)
    assert str(refused.value).endswith("Datenbank und Medien sind unverändert.")
    assert "\n" not in str(refused.value)
    assert_nothing_changed(article, files)


def test_a_media_file_that_cannot_be_written_rolls_the_database_back(
    tmp_path, settings
):
    """The database part succeeds, then a media file cannot replace what is
    stored under its name (a folder): the database is rolled back, and the
    files already replaced are put back."""
    article = make_article(title="Vorher", image=make_jpeg())
    (settings.MEDIA_ROOT / "blockiert").mkdir()
    (settings.MEDIA_ROOT / "blockiert" / "drin.txt").write_bytes(b"bleibt")
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive))
    Article.objects.filter(pk=article.pk).update(title="Nachher")
    make_article(title="Neu")
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    # The backup's photo comes first and is replaced, then the folder blocks.
    (photo,) = [
        m for m, _content in members if m.name == f"media/{article.photo.image.name}"
    ]
    default_storage.delete(article.photo.image.name)
    with default_storage.open(article.photo.image.name, "wb") as file:
        file.write(b"neueres Foto")
    files = stored_files()
    with tarfile.open(archive, "w:gz") as tar:
        for member, content in members:
            if member.name.startswith("media/blockiert"):
                continue
            tar.addfile(member, io.BytesIO(content))
        blocked = tarfile.TarInfo("media/blockiert")
        blocked.size = 1
        tar.addfile(blocked, io.BytesIO(b"x"))
    titles = sorted(Article.objects.values_list("title", flat=True))

    with pytest.raises(CommandError, match="Datenbank und Medien sind unverändert"):
        call_command("restore", str(archive), interactive=False)

    assert sorted(Article.objects.values_list("title", flat=True)) == titles
    assert stored_files() == files
    assert photo.size != len(b"neueres Foto")


def test_restore_asks_before_it_replaces_anything(tmp_path, monkeypatch):
    article = make_article()
    archive = tmp_path / "newsroom.tar.gz"
    call_command("backup", str(archive))
    Article.objects.filter(pk=article.pk).update(title="Geändert")
    monkeypatch.setattr("builtins.input", lambda prompt: "nein")
    with pytest.raises(CommandError, match="Abgebrochen; nichts wurde geändert."):
        call_command("restore", str(archive))
    assert Article.objects.get(pk=article.pk).title == "Geändert"


def test_manage_py_names_the_refusal_in_one_line_without_a_traceback(tmp_path):
    archive = hostile_archive(
        tmp_path / "hostile.tar.gz",
        entry("media/link.jpg", tarfile.SYMTYPE, linkname="../../etc/passwd"),
    )
    result = run_python(
        environment(
            DJANGO_SECRET_KEY="x",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            MEDIA_ROOT=str(tmp_path / "media"),
        ),
        *("manage.py", "restore", str(archive), "--no-input"),
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: {archive} wird nicht eingespielt: „media/link.jpg“ ist "
        "ein symbolischer Link."
    ]
    assert not (tmp_path / "media").exists()


def test_a_bomb_in_a_header_is_refused_before_it_fills_memory(tmp_path):
    """A pax header's size is no member size: the unpacked stream stops."""
    article = make_article()
    archive = tmp_path / "pax-bomb.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tar:
        payload = b"[]"
        data = tarfile.TarInfo("data.json")
        data.size = len(payload)
        data.pax_headers = {"comment": "0" * 32 * 2**20}
        tar.addfile(data, io.BytesIO(payload))
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), interactive=False)
    assert str(refused.value).startswith(
        f"{archive} wird nicht eingespielt: es entpackt auf mehr als "
    )
    assert_nothing_changed(article, {})


def test_a_partial_file_of_an_interrupted_backup_is_replaced(tmp_path):
    make_article()
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "newsroom.tar.gz.partial").write_bytes(b"abgebrochen")
    call_command("backup", str(folder / "newsroom.tar.gz"))
    assert [path.name for path in folder.iterdir()] == ["newsroom.tar.gz"]
