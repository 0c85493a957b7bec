"""Hostile and broken uploads through the editors' admin form."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from articles.models import Article
from tests.factories import make_article, make_jpeg

pytestmark = pytest.mark.django_db


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


BAD_UPLOADS = {
    "text file": ("foto.jpg", b"Das ist kein Bild.", "gültiges Bild"),
    "svg with script": (
        "foto.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "gültiges Bild",
    ),
    "truncated jpeg": ("foto.jpg", jpeg_bytes()[:700], "unvollständig"),
    "corrupt jpeg": (
        "foto.jpg",
        jpeg_bytes()[:400] + os.urandom(2000) + b"\xff\xd9",
        "gültiges Bild",
    ),
    "decompression bomb": (
        "foto.png",
        encoded(Image.new("1", (10_000, 10_000)), "PNG"),
        "Megapixel",
    ),
    "huge bomb": (
        "foto.png",
        encoded(Image.new("1", (20_000, 20_000)), "PNG"),
        "gültiges Bild",
    ),
    "oversize file": (
        "foto.png",
        encoded(Image.frombytes("RGB", (2000, 2000), os.urandom(12_000_000)), "PNG"),
        "erlaubt sind höchstens 10,0\xa0MB",
    ),
    "gif": ("foto.gif", encoded(Image.new("RGB", (20, 20)), "GIF"), "JPEG, PNG"),
    "jpeg with html": (
        "foto.jpg",
        jpeg_bytes() + b"<html><script>alert(1)</script></html>",
        "andere Inhalte",
    ),
    "jpeg with zip": ("foto.jpg", jpeg_bytes() + zip_bytes(), "andere Inhalte"),
    "png with script chunk": ("foto.png", png_with_comment(), "andere Inhalte"),
}


def article_form(**fields):
    return {
        "kicker": "Essen",
        "title": "Neue Meldung",
        "slug": "neue-meldung",
        "lead": "Vorspann.",
        "body": "<p>Text</p>",
        "status": "draft",
        "tags": "",
        **fields,
    }


# Pillow warns about the bombs before our validator refuses them.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("case", BAD_UPLOADS, ids=list(BAD_UPLOADS))
def test_bad_upload_is_refused_with_a_german_message(admin_client, settings, case):
    name, content, message = BAD_UPLOADS[case]
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(image=SimpleUploadedFile(name, content)),
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
            image=SimpleUploadedFile("foto.jpg", jpeg_bytes() + zip_bytes()),
        ),
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == "Alter Titel"
    assert article.image.name == old_image


def test_a_good_photo_is_accepted(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(image=make_jpeg()),
    )
    assert response.status_code == 302
    assert Article.objects.get().image_width == 800
