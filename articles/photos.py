"""Article photos: what an upload must be, and the renditions readers get.

Uploads are checked by the model field's validator, so every path (admin,
shell, restore) applies the checks. On save, each photo gets renditions in a
few widths as WebP and JPEG, re-encoded by Pillow so that no EXIF data
(camera, GPS position) reaches readers; uploaded originals lose their EXIF
data too (without_metadata()). Renditions are made once when the photo
changes; templates read only the metadata make_renditions() returns and never
touch the storage."""

import hashlib
import io
import secrets
from math import ceil

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps

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
# Crops cut around the focal point: (width / height, widths, formats). The
# three search engines ask for, in WebP and JPEG; "og" for sharing
# (OpenGraph's 1200 × 630), JPEG only.
CROPS = {
    "16x9": (16 / 9, (480, 1200), ("webp", "jpeg")),
    "4x3": (4 / 3, (480, 1200), ("webp", "jpeg")),
    "1x1": (1, (480, 1200), ("webp", "jpeg")),
    "og": (1200 / 630, (1200,), ("jpeg",)),
}
STRUCTURED_DATA_CROPS = ("16x9", "4x3", "1x1")
# libwebp's effort (0 fast … 6 small): 1 encodes a 1200 px photo in about
# 40 % of the time of the default 4, at much the same size.
WEBP_METHOD = 1
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# JPEG segments an original keeps: JFIF (APP0), the colour profile (APP2)
# and Adobe's colour transform (APP14). EXIF and XMP (APP1), IPTC (APP13),
# the comment (COM) and everything else are dropped.
KEPT_JPEG_SEGMENTS = {0xE0, 0xE2, 0xEE}
# Every stored file lives under a name of its own random or content-derived
# part, never the upload's name (which may say what the photo shows).
RANDOM_NAME_BYTES = 16
RENDITION_HASH_CHARS = 20


def validate_photo(photo):
    """Accept only a complete JPEG, PNG or WebP photo of sensible size that is
    nothing but an image (no decompression bomb, no polyglot)."""
    if getattr(photo, "_committed", True):
        return  # already stored: it passed when it was uploaded
    check_upload(photo)


def check_upload(photo):
    """validate_photo() for a file just uploaded through a form."""
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
        if image.format == "JPEG":
            # Reads every byte but computes an eighth of the pixels: a
            # truncated or corrupt file still fails, in a fraction of the time.
            image.draft(None, (ceil(width / 8), ceil(height / 8)))
        image.load()  # decodes the whole file: finds truncated and corrupt ones
        ending = FILE_ENDINGS.get(image.format)
    smuggled = ending is not None and not data.rstrip(b"\0").endswith(ending)
    searched = outside_image_data(data, image.format).lower()
    if smuggled or any(marker in searched for marker in ACTIVE_CONTENT):
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


def random_name(image_format):
    """A file name that says nothing about the photo: 22 random characters."""
    return secrets.token_urlsafe(RANDOM_NAME_BYTES) + SUFFIXES[image_format]


def without_metadata(upload):
    """`upload` as the original to store: upright, under a random name, with
    no EXIF, XMP, GPS or comment. An upright JPEG loses its metadata
    segments without being decoded (no quality lost, no time spent); a
    turned one, PNG and WebP are re-encoded."""
    upload.seek(0)
    data = upload.read()
    with Image.open(io.BytesIO(data)) as original:
        image_format = original.format
        orientation = original.getexif().get(ExifTags.Base.Orientation, 1)
        if image_format == "JPEG" and orientation == 1:
            return ContentFile(strip_jpeg(data), name=random_name(image_format))
        image = ImageOps.exif_transpose(original)
        image.info = original.info  # clean_options() picks what to keep
        buffer = io.BytesIO()
        options = {"quality": 95} if image_format in ("JPEG", "WEBP") else {}
        if image_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        image.save(buffer, image_format, **clean_options(image), **options)
    return ContentFile(buffer.getvalue(), name=random_name(image_format))


def clean_options(image):
    """Pillow save() options that write the colour profile and a palette's
    transparent colour, and nothing else of what the source carried."""
    kept = {
        key: image.info[key]
        for key in ("icc_profile", "transparency")
        if image.info.get(key) is not None
    }
    image.info = {}
    return kept


def jpeg_segments(data):
    """The JPEG `data` as (marker, segment, image data) triples: every
    segment, and after each start of scan the entropy-coded image data up to
    the next marker (progressive JPEGs have several scans, with segments
    between them)."""
    parts = [(0xD8, data[:2], b"")]  # SOI
    position = 2
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            raise ValueError("not a JPEG segment")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9 or 0xD0 <= marker <= 0xD7:  # EOI, restart: no length
            parts.append((marker, data[position : position + 2], b""))
            position += 2
            if marker == 0xD9:
                break
            continue
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        scan_end = end
        if marker == 0xDA:  # start of scan: image data until the next marker
            while (scan_end := data.find(b"\xff", scan_end)) != -1:
                following = data[scan_end + 1 : scan_end + 2]
                if following in (b"\x00", b"\xff") or b"\xd0" <= following <= b"\xd7":
                    scan_end += 1 if following == b"\xff" else 2
                    continue
                break
            if scan_end == -1:
                scan_end = len(data)
        parts.append((marker, data[position:end], data[end:scan_end]))
        position = scan_end
    return parts


def outside_image_data(data, image_format):
    """The bytes of a photo file around its compressed image data: where
    markup would be smuggled. The image data itself is near-random, so that
    "<svg" turns up in about one 4 MB photo in 130; it is left out."""
    if image_format == "JPEG":
        return b"".join(segment for _marker, segment, _image in jpeg_segments(data))
    if image_format == "PNG":  # chunks: length, type, data, CRC
        position, kept = 8, []
        while position + 8 <= len(data):
            length = int.from_bytes(data[position : position + 4], "big")
            kind = data[position + 4 : position + 8]
            if kind != b"IDAT":
                kept.append(data[position : position + 8 + length])
            position += 12 + length
        return b"".join(kept)
    position, kept = 12, []  # WebP: RIFF chunks of type, length, data
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        length = int.from_bytes(data[position + 4 : position + 8], "little")
        if kind not in (b"VP8 ", b"VP8L", b"ALPH", b"ANMF"):
            kept.append(data[position : position + 8 + length])
        position += 8 + length + length % 2
    return b"".join(kept)


def strip_jpeg(data):
    """The JPEG `data` without its metadata segments (see KEPT_JPEG_SEGMENTS),
    also those between the scans of a progressive JPEG."""
    kept = bytearray()
    for marker, segment, image_data in jpeg_segments(data):
        is_metadata = marker == 0xFE or 0xE0 <= marker <= 0xEF
        if not is_metadata or marker in KEPT_JPEG_SEGMENTS:
            kept += segment + image_data
    return bytes(kept)


def has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def decode_for_renditions(source):
    """The upright photo, decoded once and no larger than needed: a JPEG is
    decoded at 1/2, 1/4 or 1/8 of its size (Pillow's draft) as long as its
    shorter side keeps WIDTHS[-1] pixels, which every rendition and crop
    needs at most. Returns (image, full width, full height), the size being
    that of the upright original."""
    image = Image.open(source)
    full_width, full_height = image.size
    if image.getexif().get(ExifTags.Base.Orientation, 1) in (5, 6, 7, 8):
        full_width, full_height = full_height, full_width
    if image.format == "JPEG":
        scale = min(1, WIDTHS[-1] / min(image.size))
        image.draft(None, (ceil(image.width * scale), ceil(image.height * scale)))
    image = ImageOps.exif_transpose(image)  # loads the pixels
    if has_alpha(image):
        image = image.convert("RGBA")
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.info = {}  # no comment, EXIF or XMP reaches a rendition
    return image, full_width, full_height


def flattened(image):
    """`image` on white, for JPEG, which has no transparency."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def encode(image, pillow_format):
    buffer = io.BytesIO()
    if pillow_format == "JPEG":
        flattened(image).save(buffer, "JPEG", quality=QUALITY)
    else:
        image.save(buffer, "WEBP", quality=QUALITY, method=WEBP_METHOD)
    return buffer.getvalue()


def rendition_name(data, folder, width, key):
    """A name that changes with the content (browsers may cache it for good)
    and cannot be guessed without having the file."""
    digest = hashlib.sha256(data).hexdigest()[:RENDITION_HASH_CHARS]
    return f"{folder}/{digest}-{width}.{key}"


def crop_box(width, height, ratio, focus):
    """The largest box of `ratio` (width / height) inside a `width` × `height`
    image, centred on `focus` (fractions from the top left) as far as the
    edges allow: (left, top, right, bottom)."""
    crop_width, crop_height = width, height
    if width / height > ratio:
        crop_width = round(height * ratio)
    else:
        crop_height = round(width / ratio)
    focus_x, focus_y = focus
    left = min(max(round(focus_x * width - crop_width / 2), 0), width - crop_width)
    top = min(max(round(focus_y * height - crop_height / 2), 0), height - crop_height)
    return (left, top, left + crop_width, top + crop_height)


def encoded_set(pictures, folder, files, formats=FORMATS):
    """Encode `pictures` ({width: image}) in `formats` into `files` and return
    their metadata: a srcset per format, `src` (the widest JPEG) and its
    size `src_size`."""
    metadata = {}
    for key in formats:
        srcset = []
        for width, picture in sorted(pictures.items()):
            data = encode(picture, FORMATS[key])
            name = rendition_name(data, folder, width, key)
            files[name] = data
            srcset.append(f"{default_storage.url(name)} {width}w")
        metadata[key] = ", ".join(srcset)
    metadata["src"] = srcset[-1].rsplit(" ", 1)[0]
    metadata["src_size"] = len(files[name])
    return metadata


def make_renditions(image_field, focus=(0.5, 0.5)):
    """Encode the renditions of `image_field` and return (metadata, files):
    the metadata pages read and {name: bytes} for write_renditions() to store
    once the database transaction has committed. Nothing is written here.

    The metadata: the full size, a `srcset` per format and `src`, the widest
    JPEG (browsers without srcset, feeds, with its bytes `src_size`) in the
    original's ratio; under `crops`, the same for each of CROPS cut around
    `focus`, the focal point, with their full-size `width` and `height`; and
    `files`, every stored name."""
    with image_field.open("rb") as source:
        image, full_width, full_height = decode_for_renditions(source)
    folder = "renditions/" + timezone.now().strftime("%Y/%m")
    files = {}
    resized, picture = {}, image
    for width in reversed(target_widths(full_width)):  # each from the next larger
        picture = picture.resize(
            (width, round(full_height * width / full_width)),
            Image.Resampling.LANCZOS,
            reducing_gap=3.0,  # shrink by whole factors first (Image.reduce)
        )
        resized[width] = picture
    metadata = {"source": image_field.name, "width": full_width}
    metadata |= {"height": full_height, "focus": list(focus)}
    metadata |= encoded_set(resized, folder, files)
    scale = image.width / full_width  # of the decoded image (see draft)
    crops = {}
    for name, (ratio, widths, formats) in CROPS.items():
        box = crop_box(full_width, full_height, ratio, focus)
        crop_width, crop_height = box[2] - box[0], box[3] - box[1]
        # The widest cut from the photo, each narrower one from the next
        # wider (as the widths above): a 480 px crop from 1200 px costs a
        # fifth of one from the decoded photo.
        pictures, picture = {}, image
        source_box = tuple(edge * scale for edge in box)
        for width in sorted({min(width, crop_width) for width in widths}, reverse=True):
            picture = picture.resize(
                (width, round(width / ratio)),
                Image.Resampling.LANCZOS,
                box=source_box,
                reducing_gap=3.0,
            )
            pictures[width], source_box = picture, None
        crops[name] = {"width": crop_width, "height": crop_height}
        crops[name] |= encoded_set(pictures, folder, files, formats)
    metadata["crops"] = crops
    metadata["files"] = sorted(files)
    return metadata, files


def write_renditions(files):
    """Store renditions made by make_renditions(); a name already stored
    holds the same content (the name is its hash) and is kept."""
    for name, data in files.items():
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(data))


def rendition_names(renditions):
    """The stored names of the files `renditions` (the metadata) lists; read
    from the srcsets for renditions made before the list was kept."""
    if "files" in renditions:
        return list(renditions["files"])
    if not renditions.get("jpeg"):
        return []
    prefix = default_storage.url("x")[:-1]  # S3 has no URL for an empty name
    entries = [
        entry
        for key in FORMATS
        for entry in renditions.get(key, "").split(", ")
        if entry
    ]
    urls = [entry.rsplit(" ", 1)[0] for entry in entries]
    return [url.removeprefix(prefix) for url in urls if url.startswith(prefix)]


def delete_files(names):
    """Remove stored files (a replaced or deleted photo's), missing or not."""
    for name in names:
        default_storage.delete(name)


def photo_crops(photo, names=STRUCTURED_DATA_CROPS):
    """The photo's widest JPEG of each crop in `names` as (url, width,
    height); empty for renditions made before crops existed."""
    crops = photo.renditions.get("crops", {})
    versions = []
    for name in names:
        if name in crops:
            crop = crops[name]
            width = int(crop["jpeg"].rsplit(" ", 1)[1].removesuffix("w"))
            ratio = CROPS[name][0]
            versions.append((crop["src"], width, round(width / ratio)))
    return versions


def photo_versions(photo, image_format="jpeg"):
    """The photo as (url, width, height), one per available size in its own
    ratio and `image_format` ("jpeg" or "webp"), largest first; empty
    without renditions."""
    renditions = photo.renditions
    if not renditions.get(image_format):
        return []
    versions = []
    for candidate in renditions[image_format].split(", "):
        url, width = candidate.rsplit(" ", 1)
        width = int(width.removesuffix("w"))
        height = round(renditions["height"] * width / renditions["width"])
        versions.append((url, width, height))
    return sorted(versions, key=lambda version: version[1], reverse=True)
