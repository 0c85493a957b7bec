"""Files offered for download with an article ("Links und Downloads"): what
an upload must be, the name it is stored under and the name readers get.

As with photos, the model field's validator checks every upload (admin,
shell, restore): the file's real type comes from its bytes, not from its
name or the browser's Content-Type, and anything a browser could run as a
page or script is refused."""

import io
import re
import secrets
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from .photos import ACTIVE_CONTENT
from .text import german_slugify

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
RANDOM_NAME_BYTES = 16

# Kind → (label readers see, suffix of the stored and offered name).
DOWNLOAD_KINDS = {
    "pdf": ("PDF", ".pdf"),
    "odt": ("ODT", ".odt"),
    "ods": ("ODS", ".ods"),
    "docx": ("DOCX", ".docx"),
    "xlsx": ("XLSX", ".xlsx"),
    "csv": ("CSV", ".csv"),
}
# OpenDocument names its type in a first, uncompressed member "mimetype".
OPENDOCUMENT_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Office Open XML: the folder holding the main part says what it is.
OFFICE_FOLDERS = {"word/": "docx", "xl/": "xlsx"}
# PDF features that run something or carry another file when opened.
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)\b")
# Leading bytes of programs and scripts (Windows, ELF, Mach-O, shell).
EXECUTABLE_STARTS = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")


def validate_download(upload):
    """Accept only a PDF, OpenDocument, Word/Excel (no macros) or CSV file of
    sensible size that is nothing else as well."""
    if getattr(upload, "_committed", True):
        return  # already stored: it passed when it was uploaded
    if upload.size > MAX_DOWNLOAD_BYTES:
        raise ValidationError(
            _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(MAX_DOWNLOAD_BYTES),
            },
            code="download_too_large",
        )
    download_kind(upload)


def download_kind(upload):
    """The kind ("pdf", "odt", …) of `upload`, read from its bytes; raises
    ValidationError for any other or a disguised file."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    allowed = {ending for _label, ending in DOWNLOAD_KINDS.values()}
    if suffix not in allowed:
        raise ValidationError(
            _(
                "Bitte eine Datei im Format PDF, ODT, ODS, DOCX, XLSX oder CSV "
                "hochladen."
            ),
            code="download_format",
        )
    kind = sniff(data)
    if kind is None or DOWNLOAD_KINDS[kind][1] != suffix:
        raise ValidationError(
            _(
                "Die Datei heißt „…%(suffix)s“, ihr Inhalt ist aber keine "
                "%(label)s-Datei. Bitte die Datei neu exportieren."
            )
            % {"suffix": suffix, "label": suffix[1:].upper()},
            code="download_disguised",
        )
    if not active_content_free(kind, data):
        raise ValidationError(
            _(
                "Die Datei enthält Skripte, Makros, eingebettete Dateien oder "
                "Webseiten-Code und wird deshalb abgelehnt. Bitte ohne diese "
                "Inhalte neu exportieren."
            ),
            code="download_active_content",
        )
    return kind


def sniff(data):
    """The kind the bytes `data` are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf" if b"%%EOF" in data[-2048:] else None
    if data.startswith(b"PK\x03\x04"):
        return zip_kind(data)
    if data.startswith(EXECUTABLE_STARTS):
        return None
    return "csv" if is_csv(data) else None


def zip_kind(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                return OPENDOCUMENT_TYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                for folder, kind in OFFICE_FOLDERS.items():
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    return None


def is_csv(data):
    """Plain UTF-8 (or Windows-1252) text with no control characters other
    than tab and line breaks, in lines with a field separator."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    if not text.strip() or re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        return False
    first = text.lstrip().splitlines()[0]
    return any(separator in first for separator in ",;\t")


def active_content_free(kind, data):
    """False where a file of `kind` carries scripts, macros, other files or
    markup a browser would render."""
    lowered = data.lower()
    if kind in ("pdf", "csv") and any(marker in lowered for marker in ACTIVE_CONTENT):
        return False
    if kind == "pdf":
        return PDF_ACTIVE.search(data) is None
    if kind in ("docx", "xlsx", "odt", "ods"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [name.lower() for name in archive.namelist()]
        return not any(
            "vbaproject" in name or name.startswith(("basic/", "scripts/"))
            for name in names
        )
    return True


def stored_name(instance, filename):
    """upload_to: downloads/<year>/<month>/<22 random characters>.<suffix>;
    nothing of the upload's name, which may say more than the article does."""
    suffix = DOWNLOAD_KINDS.get(instance.file_kind, ("", ".bin"))[1]
    month = timezone.localdate().strftime("%Y/%m")
    return f"downloads/{month}/{secrets.token_urlsafe(RANDOM_NAME_BYTES)}{suffix}"


def offered_name(title, kind):
    """The name a reader's browser saves the file under: the title, in
    German (umlauts kept, no path), e.g. "Studie Digitale Verwaltung.pdf"."""
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", title)
    name = " ".join(name.split()).strip(". ")[:120] or german_slugify(title)
    return (name or "download") + DOWNLOAD_KINDS.get(kind, ("", ""))[1]
