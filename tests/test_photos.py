"""Photos: what an upload must be (hostile and broken files are
refused with a German message), what is kept of it (no EXIF, no GPS), its
renditions for responsive pages, and its stored size."""

import io
import os
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from articles.models import Article, ArticleStatus, Photo
from articles.photos import decode_for_renditions
from tests.factories import article_form, make_article, make_jpeg, make_photo
from tests.html import parse_html

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


def test_photo_whose_image_data_happens_to_spell_markup_is_accepted(admin_client):
    """Compressed image data is near-random: about one 4 MB photo in 130
    holds "<svg" somewhere in it by chance. Only what surrounds the image
    data is searched for markup."""
    data = jpeg_bytes()
    data = data[:-2] + b"<svg" + data[-2:]  # inside the scan, before its end
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            status=ArticleStatus.DRAFT, image=SimpleUploadedFile("foto.jpg", data)
        ),
    )
    assert response.status_code == 302
    assert Article.objects.get().photo is not None


def test_bad_upload_on_an_existing_article_keeps_what_was_saved(admin_client):
    article = make_article(title="Alter Titel", image=make_jpeg())
    old_image = article.photo.image.name
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
    assert article.photo.image.name == old_image


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


def rendition_files(photo):
    """(format name, width, opened image) for every stored rendition."""
    files = []
    for key in ("webp", "jpeg"):
        for entry in photo.renditions[key].split(", "):
            url, width = entry.split()
            name = url.removeprefix("/media/")
            with default_storage.open(name) as stored:
                image = Image.open(stored)
                image.load()
            files.append((key, int(width.removesuffix("w")), image))
    return files


def test_photo_gets_webp_and_jpeg_renditions_in_three_widths():
    photo = make_photo(image=jpeg_with_gps(size=(1600, 900)))
    files = rendition_files(photo)
    assert [(key, width) for key, width, _image in files] == [
        ("webp", 480), ("webp", 800), ("webp", 1200),
        ("jpeg", 480), ("jpeg", 800), ("jpeg", 1200),
    ]  # fmt: skip
    for key, width, image in files:
        assert image.format == {"webp": "WEBP", "jpeg": "JPEG"}[key]
        assert image.size == (width, round(900 * width / 1600))
    assert photo.renditions["width"] == 1600
    assert photo.renditions["height"] == 900
    assert photo.renditions["src"].endswith("-1200.jpeg")


def test_small_photo_is_never_upscaled():
    photo = make_photo(image=make_jpeg(size=(600, 400)))
    widths = [width for key, width, _image in rendition_files(photo)]
    assert widths == [480, 600, 480, 600]


def test_renditions_carry_no_exif_or_gps():
    upload = jpeg_with_gps()
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test's premise
    upload.seek(0)
    photo = make_photo(image=upload)
    for _key, _width, image in rendition_files(photo):
        assert not image.getexif()
        assert "exif" not in image.info


def test_uploaded_original_is_stored_without_exif_or_gps():
    photo = make_photo(image=jpeg_with_gps(size=(640, 480)))
    with photo.image.open() as stored:
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
    photo = make_photo(image=upload)
    assert (photo.image_width, photo.image_height) == (300, 400)
    assert (photo.renditions["width"], photo.renditions["height"]) == (300, 400)


def test_renditions_are_made_once_and_remade_when_the_photo_changes():
    photo = make_photo(image=make_jpeg(size=(500, 300)))
    first = photo.renditions
    photo.caption = "Nur die Bildunterschrift ist neu"
    photo.save()
    photo.refresh_from_db()
    assert photo.renditions == first

    photo.image = make_jpeg(name="neu.jpg", size=(700, 300))
    photo.save()
    photo.refresh_from_db()
    assert photo.renditions["width"] == 700
    assert photo.renditions["src"] != first["src"]


def test_removing_the_photo_removes_it_from_the_page(client):
    article = make_article(image=make_jpeg(), alt_text="Ein Rathaus")
    article.photo = None
    article.save()
    assert (
        'alt="Ein Rathaus"'
        not in client.get(article.get_absolute_url()).content.decode()
    )


def test_article_page_serves_the_photo_through_srcset_with_its_size(client):
    article = make_article(image=make_jpeg(size=(1600, 900)), alt_text="Ein Rathaus")
    renditions = article.photo.renditions
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<source type="image/webp" srcset="{renditions["webp"]}"' in html
    assert f'srcset="{renditions["jpeg"]}"' in html
    assert 'sizes="(min-width: 60em) 44em, calc(100vw - 2em)"' in html
    assert 'width="1600" height="900"' in html
    assert f'<img src="{renditions["src"]}"' in html


def test_photo_size_is_stored_on_upload_and_replaced_with_the_photo():
    photo = make_photo(image=make_jpeg(size=(100, 100)))
    small = photo.image_size
    photo.image = make_jpeg(size=(1600, 900), color=(200, 30, 30))
    photo.save()
    assert photo.image_size == photo.image.size > small


# Fast renditions, written after the commit


def stored(settings):
    """The names of every file in the media storage."""
    return {
        os.path.relpath(os.path.join(root, name), settings.MEDIA_ROOT)
        for root, _dirs, files in os.walk(settings.MEDIA_ROOT)
        for name in files
    }


def test_renditions_are_written_only_once_the_transaction_commits(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        photo = Photo.objects.create(image=make_jpeg(size=(1600, 900)))
        names = photo.renditions["files"]
        assert len(names) == 15  # 6 in the own ratio, 9 crops
        assert not stored(settings) & set(names)  # nothing inside the transaction
    for callback in callbacks:
        callback()
    assert set(names) <= stored(settings)


def test_a_rolled_back_save_writes_no_renditions(settings):
    with pytest.raises(RuntimeError), transaction.atomic():
        Photo.objects.create(image=make_jpeg(size=(1600, 900)))
        raise RuntimeError
    assert not any(name.startswith("renditions/") for name in stored(settings))


def test_a_large_jpeg_is_decoded_at_a_fraction_of_its_size():
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 120, 200)).save(buffer, "JPEG")
    image, width, height = decode_for_renditions(io.BytesIO(buffer.getvalue()))
    assert (width, height) == (4000, 3000)  # what pages state
    assert image.size == (2000, 1500)  # what was decoded: a quarter of the pixels


def test_renditions_of_a_large_jpeg_keep_its_full_size_and_sharp_widths():
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 120, 200)).save(buffer, "JPEG")
    photo = make_photo(image=SimpleUploadedFile("gross.jpg", buffer.getvalue()))
    assert (photo.renditions["width"], photo.renditions["height"]) == (4000, 3000)
    sizes = {(key, image.size) for key, _width, image in rendition_files(photo)}
    assert ("jpeg", (1200, 900)) in sizes and ("webp", (480, 360)) in sizes


# Transparency


def png_with_alpha():
    image = Image.new("RGBA", (600, 400), (0, 0, 0, 0))  # transparent …
    image.paste((200, 30, 30, 255), (200, 100, 400, 300))  # … but a red square
    return SimpleUploadedFile("logo.png", encoded(image, "PNG"), "image/png")


def test_transparency_is_kept_in_webp_and_white_in_jpeg():
    photo = make_photo(image=png_with_alpha())
    for key, _width, image in rendition_files(photo):
        corner, middle = (
            image.getpixel((0, 0)),
            image.getpixel((image.width // 2, image.height // 2)),
        )
        if key == "webp":
            assert image.mode == "RGBA"
            assert corner[3] == 0 and middle[3] == 255
        else:
            assert image.mode == "RGB"
            assert all(channel > 245 for channel in corner)  # white, not black
            assert middle[0] > 150 and middle[1] < 80


# No metadata in any stored file


def jpeg_with_everything():
    """A JPEG with EXIF (GPS), XMP and a comment, as editing software leaves it."""
    upload = jpeg_with_gps(size=(1600, 900))
    with Image.open(upload) as image:
        data = encoded(
            image,
            "JPEG",
            exif=image.getexif(),
            comment=b"Aufgenommen bei Familie Muster, Hauptstr. 1",
            xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Familie Muster</x:xmpmeta>',
        )
    return SimpleUploadedFile("alles.jpg", data, "image/jpeg")


def webp_with_exif():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    data = encoded(Image.new("RGB", (900, 600), (10, 120, 60)), "WEBP", exif=exif)
    return SimpleUploadedFile("bild.webp", data, "image/webp")


def progressive_jpeg_with_comment_between_scans():
    """A progressive JPEG whose comment sits between two scans, past the
    metadata segments at the start of the file."""
    data = encoded(
        Image.new("RGB", (900, 600), (10, 120, 60)), "JPEG", progressive=True
    )
    second_scan = data.index(b"\xff\xda", data.index(b"\xff\xda") + 2)
    text = b"Familie Muster, Hauptstr. 1"
    comment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    data = data[:second_scan] + comment + data[second_scan:]
    return SimpleUploadedFile("progressiv.jpg", data, "image/jpeg")


@pytest.mark.parametrize(
    "upload",
    [jpeg_with_everything, webp_with_exif, progressive_jpeg_with_comment_between_scans],
)
def test_no_stored_file_carries_exif_xmp_gps_or_a_comment(settings, upload):
    photo = make_photo(image=upload())
    for name in stored(settings):
        with default_storage.open(name) as file:
            data = file.read()
        image = Image.open(io.BytesIO(data))
        assert not image.getexif(), name
        assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp"} & set(image.info)
        assert b"Muster" not in data and b"Testkamera" not in data, name
    assert photo.image.name in stored(settings)


def test_stored_names_reveal_nothing_of_the_upload(settings):
    photo = make_photo(image=make_jpeg("familie-muster-hauptstrasse-1.jpg"))
    assert stored(settings)
    for name in stored(settings):
        assert "muster" not in name and "familie" not in name
    assert len(photo.image.name.rsplit("/", 1)[-1]) >= 22


# Old files go when a photo is replaced or deleted


def test_replaced_photo_leaves_no_old_files(settings):
    photo = make_photo(image=make_jpeg(size=(900, 600)))
    old = stored(settings)
    photo.image = make_jpeg(size=(700, 500), color=(200, 30, 30))
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo.save()
    assert not old & stored(settings)
    assert set(photo.stored_files()) == stored(settings)


def test_deleted_photo_leaves_no_files(settings):
    photo = make_photo()
    kept = make_photo(image=make_jpeg(color=(200, 30, 30)))
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo.delete()
    assert stored(settings) == set(kept.stored_files())


def test_a_file_two_photos_share_stays_until_neither_uses_it(settings):
    first = make_photo()
    second = make_photo(image=first.image.name, renditions=first.renditions)
    with TestCase.captureOnCommitCallbacks(execute=True):
        first.delete()
    assert set(second.stored_files()) <= stored(settings)


# Served for speed


def test_renditions_are_cached_for_a_year_and_change_name_with_their_content(
    client,
):
    article = make_article(image=make_jpeg(size=(1600, 900)), alt_text="Ein Rathaus")
    response = client.get(article.photo.renditions["src"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    before = set(article.photo.renditions["files"])
    photo = article.photo
    photo.image = make_jpeg(size=(1600, 900), color=(200, 30, 30))
    photo.save()
    assert not before & set(photo.renditions["files"])


def test_article_photo_is_fetched_first_and_teaser_photos_lazily(client):
    tags = ["Open Data"]
    article = make_article(image=make_jpeg(), alt_text="Groß", tags=tags)
    make_article(image=make_jpeg(color=(9, 9, 9)), alt_text="Klein", tags=tags)
    page = parse_html(client.get(article.get_absolute_url()).content.decode())
    [photo] = [img for img in page.find_all("img") if img.get("alt") == "Groß"]
    assert photo.get("fetchpriority") == "high" and photo.get("loading") is None
    home = parse_html(client.get("/").content.decode())
    teasers = [img for img in home.find_all("img") if img.get("alt")]
    assert teasers and all(img.get("loading") == "lazy" for img in teasers)


# Focal point and crops


def photo_with_subject_on_the_right():
    """White, with the subject (a red block) at the right edge."""
    image = Image.new("RGB", (1600, 900), "white")
    image.paste((220, 20, 20), (1400, 300, 1600, 600))
    return SimpleUploadedFile("rechts.jpg", encoded(image, "JPEG"), "image/jpeg")


def crop_image(photo, name, key="jpeg"):
    url = photo.renditions["crops"][name][key].split(", ")[-1].rsplit(" ", 1)[0]
    with default_storage.open(url.removeprefix("/media/")) as stored:
        image = Image.open(stored)
        image.load()
    return image


def test_crops_in_three_ratios_and_for_sharing_keep_the_focal_point():
    photo = make_photo(image=photo_with_subject_on_the_right(), focal_x=0.93)
    sizes = {name: crop_image(photo, name).size for name in ("16x9", "4x3", "1x1")}
    assert sizes == {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (900, 900)}
    assert crop_image(photo, "og").size == (1200, 630)
    square = crop_image(photo, "1x1")
    red = square.getpixel((square.width - 20, square.height // 2))
    assert red[0] > 180 and red[1] < 80  # the subject is in the square crop
    assert crop_image(photo, "1x1", "webp").size == (900, 900)
    # The original ratio stays for the article page.
    assert (photo.renditions["width"], photo.renditions["height"]) == (1600, 900)


def test_moving_the_focal_point_cuts_the_crops_again():
    photo = make_photo(image=photo_with_subject_on_the_right())
    square = crop_image(photo, "1x1")
    assert square.getpixel((square.width - 20, square.height // 2)) == (255, 255, 255)
    photo.focal_x = 0.93
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo.save()
    square = crop_image(photo, "1x1")
    assert square.getpixel((square.width - 20, square.height // 2))[1] < 80


def test_focal_point_outside_the_photo_is_refused_in_german():
    photo = make_photo()
    photo.focal_x = 1.5
    with pytest.raises(ValidationError) as error:
        photo.full_clean()
    assert "innerhalb des Fotos" in str(error.value)
