"""Article photos: what an upload must be, and the renditions readers get.

Uploads are checked by the model field's validator, so every path (admin,
shell, restore) applies the checks. On save, each photo gets renditions in a
few widths as WebP and JPEG, re-encoded by Pillow so that no EXIF data
(camera, GPS position) reaches readers; uploaded originals lose their EXIF
data too (without_metadata()). Renditions are made once when the photo
changes; templates read only the metadata make_renditions() returns and never
touch the storage."""

import io
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

PHOTO_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # 40 megapixels: larger is a bomb, not a photo
# Markup that makes a file readable as a web page or script as well as an image.
ACTIVE_CONTENT = (b"<script", b"<html", b"<svg", b"<iframe", b"<?php", b"<!doctype")
# The last bytes of a complete file per format; anything after them is smuggled.
FILE_ENDINGS = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}

WIDTHS = (480, 800, 1200)
FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}  # JPEG last: `src` is its widest
QUALITY = 80


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
    """Raise ValidationError unless `photo` (whose bytes are `data`) is an
    allowed format and size, decodes completely and carries nothing else."""
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


def target_widths(width):
    """The widths to make for a photo `width` pixels wide; never upscaled."""
    return sorted({*(w for w in WIDTHS if w < width), min(width, WIDTHS[-1])})


def without_metadata(upload):
    """`upload` re-encoded upright in its own format without EXIF data, to be
    stored as the original: /media/ serves originals too."""
    with Image.open(upload) as original:
        image_format = original.format
        image = ImageOps.exif_transpose(original)
        buffer = io.BytesIO()
        options = {"quality": 95} if image_format in ("JPEG", "WEBP") else {}
        image.save(buffer, image_format, **options)
    return ContentFile(buffer.getvalue(), name=PurePosixPath(upload.name).name)


def make_renditions(image_field):
    """Write the renditions of `image_field` to the default storage and return
    their metadata: the source name, the full size, a `srcset` per format and
    `src`, the widest JPEG, for browsers without srcset."""
    with image_field.open("rb") as source:
        with Image.open(source) as original:
            # Apply the EXIF orientation before the EXIF data is dropped.
            image = ImageOps.exif_transpose(original).convert("RGB")
    stem = PurePosixPath(image_field.name).with_suffix("")
    metadata = {"source": image_field.name, "width": image.width}
    metadata["height"] = image.height
    for key, pillow_format in FORMATS.items():
        srcset = []
        for width in target_widths(image.width):
            height = round(image.height * width / image.width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            # No exif= argument: Pillow writes no metadata of its own.
            resized.save(buffer, pillow_format, quality=QUALITY)
            name = default_storage.save(
                f"renditions/{stem}-{width}.{key}", ContentFile(buffer.getvalue())
            )
            url = default_storage.url(name)
            srcset.append(f"{url} {width}w")
        metadata[key] = ", ".join(srcset)
    metadata["src"] = url
    return metadata


def photo_versions(article):
    """The article's photo as (url, width, height), one per available size,
    largest first; empty without a photo. The one place that knows which
    sizes exist, so structured data and sharing tags list them all."""
    if not article.image:
        return []
    renditions = article.renditions
    if not renditions.get("jpeg"):  # not made yet: the original only
        return [(article.image.url, article.image_width, article.image_height)]
    versions = []
    for candidate in renditions["jpeg"].split(", "):
        url, width = candidate.rsplit(" ", 1)
        width = int(width.removesuffix("w"))
        height = round(renditions["height"] * width / renditions["width"])
        versions.append((url, width, height))
    return sorted(versions, key=lambda version: version[1], reverse=True)
