import shutil

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, ImageCredit, Municipality, Tag
from tests.factories import make_article, make_credit, make_jpeg, make_municipality

pytestmark = pytest.mark.django_db(transaction=True)


def wipe(media_root):
    """What a lost server leaves: an empty database and no media folder."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media_root)


def test_backup_then_restore_brings_everything_back(tmp_path, settings):
    essen = make_municipality(name="Essen", ags="05113000")
    credit = make_credit(creator="victor69", source="123rf.com")
    article = make_article(
        municipality=essen,
        image=make_jpeg(),
        alt_text="Ein Smartphone",
        image_credit=credit,
        tags=["Soziale Medien", "Bürgerportal"],
    )
    photo_name = article.image.name
    photo_bytes = default_storage.open(photo_name).read()
    archive = tmp_path / "newsroom.tar.gz"

    call_command("backup", str(archive))
    wipe(settings.MEDIA_ROOT)
    assert not Article.objects.exists()
    assert not default_storage.exists(photo_name)
    call_command("restore", str(archive), interactive=False)

    restored = Article.objects.get(pk=article.pk)
    assert restored.title == article.title
    assert restored.municipality == Municipality.objects.get(ags="05113000")
    assert str(restored.image_credit) == "victor69/123rf.com"
    assert sorted(restored.tags.names()) == ["Bürgerportal", "Soziale Medien"]
    assert default_storage.open(photo_name).read() == photo_bytes
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
