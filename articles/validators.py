"""Checks on uploaded files, run by the model so every path applies them."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # 40 megapixels: larger is a bomb, not a photo
# Markup that makes a file readable as a web page or script as well as an image.
ACTIVE_CONTENT = (b"<script", b"<html", b"<svg", b"<iframe", b"<?php", b"<!doctype")
# The last bytes of a complete file per format; anything after them is smuggled.
FILE_ENDINGS = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}


def validate_photo(photo):
    """Accept only a complete JPEG, PNG or WebP photo of sensible size that is
    nothing but an image (no decompression bomb, no polyglot)."""
    if getattr(photo, "_committed", True):
        return  # already stored: it passed when it was uploaded
    if photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("Das Foto ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {
                "size": filesizeformat(photo.size),
                "max": filesizeformat(MAX_PHOTO_BYTES),
            },
            code="photo_too_large",
        )
    photo.seek(0)
    data = photo.read()
    photo.seek(0)
    try:
        check_image(photo, data)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _(
                "Das Foto ist beschädigt oder unvollständig und lässt sich nicht "
                "öffnen. Bitte die Datei neu exportieren und erneut hochladen."
            ),
            code="photo_broken",
        ) from error
    finally:
        photo.seek(0)


def check_image(photo, data):
    with Image.open(photo) as image:
        if image.format not in PHOTO_FORMATS:
            raise ValidationError(
                _("Bitte ein Foto im Format JPEG, PNG oder WebP hochladen."),
                code="photo_format",
            )
        width, height = image.size
        if width * height > MAX_PHOTO_PIXELS:
            raise ValidationError(
                _(
                    "Das Foto hat %(width)s × %(height)s Pixel; erlaubt sind "
                    "höchstens %(max)s Megapixel."
                )
                % {
                    "width": width,
                    "height": height,
                    "max": MAX_PHOTO_PIXELS // 1_000_000,
                },
                code="photo_too_many_pixels",
            )
        image.load()  # decodes every pixel: finds truncated and corrupt files
        ending = FILE_ENDINGS.get(image.format)
    lowered = data.lower()
    smuggled = ending is not None and not data.rstrip(b"\0").endswith(ending)
    if smuggled or any(marker in lowered for marker in ACTIVE_CONTENT):
        raise ValidationError(
            _(
                "Die Datei enthält außer dem Bild noch andere Inhalte und wird "
                "deshalb abgelehnt. Bitte das Foto neu exportieren."
            ),
            code="photo_polyglot",
        )
