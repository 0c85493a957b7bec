"""Responsive renditions of article photos: a few widths as WebP and JPEG,
re-encoded by Pillow so that no EXIF data (camera, GPS position) reaches
readers. Made once when the photo changes; templates read only the metadata
that make_renditions() returns and never touch the storage. Uploaded
originals lose their EXIF data too (without_metadata())."""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

WIDTHS = (480, 800, 1200)
FORMATS = {"webp": "WEBP", "jpeg": "JPEG"}  # JPEG last: `src` is its widest
QUALITY = 80


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
