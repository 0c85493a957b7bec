"""Article photos: what an upload must be (hostile and broken files are
refused with a German message), what is kept of it (no EXIF, no GPS), its
renditions for responsive pages, and its stored size."""

import io
import os
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from articles.models import Article, ArticleStatus
from tests.factories import article_form, make_article, make_jpeg

pytestmark = pytest.mark.django_db


# Uploads through the editors' admin form


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg_bytes():
    return make_jpeg().read()


def png_with_comment(text="<script>alert(1)</script>"):
    info = PngInfo()
    info.add_text("Comment", text)
    return encoded(Image.new("RGB", (20, 20)), "PNG", pnginfo=info)


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return buffer.getvalue()


# name, a function that makes the file's bytes (only when its test runs: the
# bombs take a second to encode), the German message the editor gets
BAD_UPLOADS = {
    "text file": ("foto.jpg", lambda: b"Das ist kein Bild.", "gültiges Bild"),
    "svg with script": (
        "foto.svg",
        lambda: (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ),
        "gültiges Bild",
    ),
    "truncated jpeg": ("foto.jpg", lambda: jpeg_bytes()[:700], "unvollständig"),
    "corrupt jpeg": (
        "foto.jpg",
        lambda: jpeg_bytes()[:400] + os.urandom(2000) + b"\xff\xd9",
        "gültiges Bild",
    ),
    "decompression bomb": (
        "foto.png",
        lambda: encoded(Image.new("1", (10_000, 10_000)), "PNG"),
        "Megapixel",
    ),
    "huge bomb": (
        "foto.png",
        lambda: encoded(Image.new("1", (20_000, 20_000)), "PNG"),
        "gültiges Bild",
    ),
    "oversize file": (
        "foto.png",
        lambda: encoded(
            Image.frombytes("RGB", (2000, 2000), os.urandom(12_000_000)), "PNG"
        ),
        "erlaubt sind höchstens 10,0\xa0MB",
    ),
    "gif": (
        "foto.gif",
        lambda: encoded(Image.new("RGB", (20, 20)), "GIF"),
        "JPEG, PNG",
    ),
    "jpeg with html": (
        "foto.jpg",
        lambda: jpeg_bytes() + b"<html><script>alert(1)</script></html>",
        "andere Inhalte",
    ),
    "jpeg with zip": ("foto.jpg", lambda: jpeg_bytes() + zip_bytes(), "andere Inhalte"),
    "png with script chunk": ("foto.png", png_with_comment, "andere Inhalte"),
}


# Pillow warns about the bombs before our validator refuses them.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_upload_is_refused_with_a_german_message(admin_client, settings, case):
    name, content, message = BAD_UPLOADS[case]
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            status=ArticleStatus.DRAFT, image=SimpleUploadedFile(name, content())
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["image"]
    assert message in " ".join(errors)
    assert not Article.objects.exists()
    assert not any(files for _root, _dirs, files in os.walk(settings.MEDIA_ROOT))


def test_bad_upload_on_an_existing_article_keeps_what_was_saved(admin_client):
    article = make_article(title="Alter Titel", image=make_jpeg())
    old_image = article.image.name
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form(
            title="Neuer Titel",
            slug=article.slug,
            status=ArticleStatus.DRAFT,
            image=SimpleUploadedFile("foto.jpg", jpeg_bytes() + zip_bytes()),
        ),
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Alter Titel"
    assert article.image.name == old_image


# What is kept, and the renditions


def jpeg_with_gps(size=(1600, 900)):
    """A JPEG as a phone makes it: camera make and the GPS position in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 27.0, 22.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (7.0, 0.0, 47.0)
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("handy.jpg", buffer.getvalue(), "image/jpeg")


def rendition_files(article):
    """(format name, width, opened image) for every stored rendition."""
    files = []
    for key in ("webp", "jpeg"):
        for entry in article.renditions[key].split(", "):
            url, width = entry.split()
            name = url.removeprefix("/media/")
            with default_storage.open(name) as stored:
                image = Image.open(stored)
                image.load()
            files.append((key, int(width.removesuffix("w")), image))
    return files


def test_photo_gets_webp_and_jpeg_renditions_in_three_widths():
    article = make_article(image=jpeg_with_gps(size=(1600, 900)))
    files = rendition_files(article)
    assert [(key, width) for key, width, _image in files] == [
        ("webp", 480), ("webp", 800), ("webp", 1200),
        ("jpeg", 480), ("jpeg", 800), ("jpeg", 1200),
    ]  # fmt: skip
    for key, width, image in files:
        assert image.format == {"webp": "WEBP", "jpeg": "JPEG"}[key]
        assert image.size == (width, round(900 * width / 1600))
    assert article.renditions["width"] == 1600
    assert article.renditions["height"] == 900
    assert article.renditions["src"].endswith("-1200.jpeg")


def test_small_photo_is_never_upscaled():
    article = make_article(image=make_jpeg(size=(600, 400)))
    widths = [width for key, width, _image in rendition_files(article)]
    assert widths == [480, 600, 480, 600]


def test_renditions_carry_no_exif_or_gps():
    upload = jpeg_with_gps()
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's premise
    upload.seek(0)
    article = make_article(image=upload)
    for _key, _width, image in rendition_files(article):
        assert not image.getexif()
        assert "exif" not in image.info


def test_uploaded_original_is_stored_without_exif_or_gps():
    article = make_article(image=jpeg_with_gps(size=(640, 480)))
    with article.image.open() as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert image.size == (640, 480)
        assert not image.getexif()


def test_upright_orientation_survives_losing_the_exif_data():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was held upright
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300)).save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("hoch.jpg", buffer.getvalue(), "image/jpeg")
    article = make_article(image=upload)
    assert (article.image_width, article.image_height) == (300, 400)
    assert (article.renditions["width"], article.renditions["height"]) == (300, 400)


def test_renditions_are_made_once_and_remade_when_the_photo_changes():
    article = make_article(image=make_jpeg(size=(500, 300)))
    first = article.renditions
    article.title = "Nur der Titel ist neu"
    article.save()
    article.refresh_from_db()
    assert article.renditions == first

    article.image = make_jpeg(name="neu.jpg", size=(700, 300))
    article.save()
    article.refresh_from_db()
    assert article.renditions["width"] == 700
    assert "neu" in article.renditions["src"]


def test_removing_the_photo_removes_it_from_the_page(client):
    article = make_article(image=make_jpeg(), alt_text="Ein Rathaus")
    article.image = None
    article.save()
    article.refresh_from_db()
    assert article.renditions == {}
    assert (
        'alt="Ein Rathaus"'
        not in client.get(article.get_absolute_url()).content.decode()
    )


def test_article_page_serves_the_photo_through_srcset_with_its_size(client):
    article = make_article(image=make_jpeg(size=(1600, 900)), alt_text="Ein Rathaus")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<source type="image/webp" srcset="{article.renditions["webp"]}"' in html
    assert f'srcset="{article.renditions["jpeg"]}"' in html
    assert 'sizes="(min-width: 60em) 44em, calc(100vw - 2em)"' in html
    assert 'width="1600" height="900"' in html
    assert f'<img src="{article.renditions["src"]}"' in html


def test_photo_size_is_stored_on_upload_and_cleared_with_the_photo():
    article = make_article(image=make_jpeg(size=(100, 100)))
    small = article.image_size
    article.image = make_jpeg(size=(1600, 900), color=(200, 30, 30))
    article.save()
    assert article.image_size == article.image.size > small
    article.image = ""
    article.save()
    assert article.image_size is None
