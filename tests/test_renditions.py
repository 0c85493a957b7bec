"""Responsive renditions of article photos: widths, formats, no EXIF, made once."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from tests.factories import make_article, make_jpeg

pytestmark = pytest.mark.django_db


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
