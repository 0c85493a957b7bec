"""manage.py backup and restore: everything back after a lost server;
nothing overwritten, nothing changed by a file that is no backup."""

import shutil

import pytest
import reversion
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from articles.management.commands.backup import media_files
from articles.models import Article, ImageCredit, Municipality, Tag
from tests.factories import make_article, make_credit, make_jpeg, make_municipality

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
        name: default_storage.open(name).read() for name in media_files(default_storage)
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
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive))
    assert archive.read_text() == "older backup"


def test_restoring_a_file_that_is_no_backup_changes_nothing(tmp_path):
    article = make_article()
    bogus = tmp_path / "holiday.tar.gz"
    bogus.write_bytes(b"not a tar file at all")
    with pytest.raises(CommandError, match="cannot be read as a backup"):
        call_command("restore", str(bogus), interactive=False)
    assert Article.objects.filter(pk=article.pk).exists()
