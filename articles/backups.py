"""Backups of the database and the uploaded media in one archive, and
restores that change nothing unless they succeed.

A backup is a .tar.gz with data.json (every row, as dumpdata writes it) and
media/<name> for every stored file, readable by its owner only (0600) and,
with NEWSROOM_BACKUP_RECIPIENTS, encrypted with age (pyrage).

A restore first reads the whole archive without writing anything: every
member must be data.json or a regular file under media/ with a plain
relative name, and the archive must unpack to no more than
NEWSROOM_RESTORE_MAX_MB and MAX_RATIO times its own size (a compression
bomb stops at its first oversized header). Then it unpacks into a private
temporary folder, and only then replaces the database and puts the media
files in place, in one transaction: a media file that cannot be written
rolls the database back and puts back the files already replaced. Every
refusal is a BackupError with one German line naming the cause."""

import contextlib
import gzip
import io
import os
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

import pyrage
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.utils import validate_file_name
from django.core.management import call_command
from django.db import transaction

from . import page_cache

DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"
# Rebuilt by migrate (content types, permissions) or worthless in a restore.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
# A backup holds JSON (about 10:1 under gzip) and photos (about 1:1); a
# gzip bomb reaches 1000:1.
MAX_RATIO = 100
TAR_BLOCK = 512  # every member costs a header block, even an empty one
AGE_HEADERS = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")
MEMBER_KINDS = {
    tarfile.SYMTYPE: "ein symbolischer Link",
    tarfile.LNKTYPE: "ein harter Link",
    tarfile.CHRTYPE: "eine Gerätedatei",
    tarfile.BLKTYPE: "eine Gerätedatei",
    tarfile.FIFOTYPE: "ein FIFO",
}


class BackupError(Exception):
    """A backup or restore refused, with one German line naming the cause;
    nothing was changed."""


def media_files(storage, folder=""):
    """Every file name in `storage`, recursively (works for S3 too)."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from media_files(storage, f"{folder}/{sub}" if folder else sub)


def stored_media(storage):
    """Every media file name, or none before the first upload."""
    try:
        return sorted(media_files(storage))
    except FileNotFoundError:  # nothing uploaded yet: no media folder
        return []


# Keys


def backup_recipients(texts):
    """age recipients from public keys ("age1…", or an SSH public key)."""
    recipients = []
    for text in texts:
        try:
            if text.startswith("ssh-"):
                recipients.append(pyrage.ssh.Recipient.from_str(text))
            else:
                recipients.append(pyrage.x25519.Recipient.from_str(text))
        except pyrage.RecipientError:
            raise BackupError(
                f"NEWSROOM_BACKUP_RECIPIENTS: „{text[:20]}…“ ist kein "
                "öffentlicher age-Schlüssel (age1…)."
            ) from None
    return recipients


def restore_identities(value):
    """age identities from `value`: a secret key (AGE-SECRET-KEY-1…) or the
    path of a file with such keys (one a line, # comments), as age-keygen
    writes it, or of an SSH private key."""
    if not value:
        return []
    if value.startswith("AGE-SECRET-KEY-"):
        lines, source = [value], "NEWSROOM_BACKUP_IDENTITY"
    else:
        path = Path(value)
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as error:
            cause = error.__class__.__name__
            raise BackupError(
                f"Die Schlüsseldatei {path} ist nicht lesbar ({cause})."
            ) from None
        if "PRIVATE KEY-----" in text:
            try:
                return [pyrage.ssh.Identity.from_buffer(text.encode())]
            except pyrage.IdentityError:
                raise BackupError(
                    f"{path} ist kein SSH-Schlüssel, den age lesen kann."
                ) from None
        lines, source = text.splitlines(), str(path)
    identities = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                identities.append(pyrage.x25519.Identity.from_str(line))
            except pyrage.IdentityError:
                raise BackupError(
                    f"{source} enthält keinen geheimen age-Schlüssel "
                    "(AGE-SECRET-KEY-1…)."
                ) from None
    if not identities:
        raise BackupError(f"{source} enthält keinen geheimen age-Schlüssel.")
    return identities


# Backup


def private_file(path):
    """A new file at `path` that only its owner can read (0600), whatever
    the umask; refuses to open an existing one."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def write_backup(target, *, recipients=(), progress=print):
    """Write the database and every media file to the new file `target`,
    readable by its owner only, encrypted to `recipients` if any. Returns
    the number of media files. Under a temporary name until complete, so an
    interrupted run never leaves what looks like a backup."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} gibt es schon: bitte einen neuen Dateinamen.")
    if not target.parent.is_dir():
        raise BackupError(f"Den Ordner {target.parent} gibt es nicht.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left by an interrupted run
    try:
        with tempfile.TemporaryDirectory(prefix="newsroom-backup-") as work:
            data = Path(work) / DATA_NAME
            progress("Datenbank wird gesichert …")
            call_command(
                "dumpdata",
                natural_foreign=True,
                exclude=EXCLUDED,
                output=str(data),
                verbosity=0,
            )
            with private_file(partial) as out:
                if recipients:
                    with tempfile.TemporaryFile(dir=work) as plain:
                        count = write_archive(plain, data, progress)
                        plain.seek(0)
                        pyrage.encrypt_io(plain, out, list(recipients))
                else:
                    count = write_archive(out, data, progress)
        partial.rename(target)
    except (OSError, pyrage.EncryptError) as error:
        partial.unlink(missing_ok=True)
        raise BackupError(
            f"Die Sicherung {target} ließ sich nicht schreiben "
            f"({error.__class__.__name__}: {first_line(error)})."
        ) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def write_archive(fileobj, data, progress):
    """The .tar.gz of `data` (the dumped database) and the media files."""
    names = stored_media(default_storage)
    with tarfile.open(fileobj=fileobj, mode="w:gz") as tar:
        tar.add(data, arcname=DATA_NAME, recursive=False, filter=private_member)
        for number, name in enumerate(names, 1):
            with default_storage.open(name) as file:
                content = file.read()
            info = private_member(tarfile.TarInfo(MEDIA_PREFIX + name))
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
            if number % 100 == 0 or number == len(names):
                progress(f"  Mediendateien: {number}/{len(names)}")
    return len(names)


def private_member(info):
    """A member as restore expects it: owner-only, no owner names."""
    info.mode, info.uname, info.gname, info.uid, info.gid = 0o600, "", "", 0, 0
    return info


# Restore


def restore_backup(source, *, identities=(), confirm=None, progress=print):
    """Replace the database and put back the media files of the backup
    `source`, or change nothing and raise BackupError. `confirm()` runs
    after the archive was checked and before anything changes; it may
    raise to stop."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} gibt es nicht.")
    with tempfile.TemporaryDirectory(prefix="newsroom-restore-") as work:
        work = Path(work)
        archive = decrypted(source, identities, work)
        plan = check_archive(archive, source)
        needed = sum(plan.values()) * 2  # staged, plus the files replaced
        if shutil.disk_usage(work).free < needed:
            raise BackupError(
                f"Zu wenig Platz in {work.parent} für {source}: "
                f"{needed // 2**20} MB nötig."
            )
        if confirm is not None:
            confirm()
        staged = stage(archive, plan, work / "staged", source)
        progress("Datenbank wird ersetzt …")
        replace_everything(staged, work / "replaced", source, progress)


def decrypted(source, identities, work):
    """`source` itself, or its decrypted copy in `work` if it is encrypted."""
    with source.open("rb") as file:
        head = file.read(64)
    if not head.startswith(AGE_HEADERS):
        return source
    if not identities:
        raise BackupError(
            f"{source} ist verschlüsselt: den geheimen Schlüssel mit "
            "NEWSROOM_BACKUP_IDENTITY oder --identity angeben."
        )
    plain = work / "backup.tar.gz"
    try:
        with source.open("rb") as encrypted, private_file(plain) as out:
            pyrage.decrypt_io(encrypted, out, list(identities))
    except pyrage.DecryptError:
        raise BackupError(
            f"{source} lässt sich mit diesem Schlüssel nicht entschlüsseln "
            "(falscher Schlüssel oder beschädigte Datei)."
        ) from None
    return plain


class BoundedReader:
    """The decompressed stream of a .tar.gz that refuses to yield more than
    `limit` bytes: a bomb hidden where no member size tells (a huge pax or
    long-name header) stops there too, before it fills memory or disk."""

    def __init__(self, path, limit, source):
        self.raw = gzip.open(path, "rb")
        self.limit, self.source, self.count = limit, source, 0

    def read(self, size=-1):
        chunk = self.raw.read(size)
        self.count += len(chunk)
        if self.count > self.limit:
            raise BackupError(
                f"{self.source} wird nicht eingespielt: es entpackt auf mehr als "
                f"{self.limit // 2**20} MB (Kompressionsbombe?)."
            )
        return chunk

    def close(self):
        self.raw.close()


def open_tar(archive, source):
    """`archive` as a tar stream, its unpacked size bounded by both the size
    limit and the ratio limit (with room for the end-of-archive blocks)."""
    limit = min(settings.RESTORE_MAX_BYTES, stored_size(archive) * MAX_RATIO)
    reader = BoundedReader(archive, limit + 64 * 1024, source)
    tar = tarfile.open(fileobj=reader, mode="r|")
    return contextlib.closing(reader), tar


def stored_size(archive):
    return max(1, archive.stat().st_size)


def refuse(source, member, cause):
    raise BackupError(f"{source} wird nicht eingespielt: „{member}“ {cause}.")


def check_archive(archive, source):
    """{member name: size} of the data and media members of `archive`,
    after every member passed; BackupError at the first that does not. Reads
    headers only, so a compression bomb stops at its first huge header."""
    allowed = stored_size(archive) * MAX_RATIO
    limit = settings.RESTORE_MAX_BYTES
    plan, total = {}, 0
    try:
        reader, tar = open_tar(archive, source)
        with reader, tar:
            while (member := tar.next()) is not None:
                tar.members.clear()  # keep no list of a million headers
                check_member(member, source)
                total += TAR_BLOCK + member.size
                if total > limit:
                    refuse(
                        source,
                        member.name,
                        f"überschreitet die Grenze von {limit // 2**20} MB "
                        "entpackt (NEWSROOM_RESTORE_MAX_MB)",
                    )
                if total > allowed:
                    refuse(
                        source,
                        member.name,
                        f"entpackt auf mehr als das {MAX_RATIO}-Fache der "
                        "Archivgröße (Kompressionsbombe?)",
                    )
                if member.isdir():
                    continue
                if member.name in plan:
                    refuse(source, member.name, "steht zweimal im Archiv")
                plan[member.name] = member.size
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(
            f"{source} ist keine lesbare Sicherung ({error.__class__.__name__}: "
            f"{first_line(error)})."
        ) from None
    if DATA_NAME not in plan:
        raise BackupError(f"{source} ist keine Newsroom-Sicherung (kein {DATA_NAME}).")
    return plan


def check_member(member, source):
    """Refuse a member that is no plain file or folder under media/, or
    whose name could point anywhere else."""
    name = member.name
    if member.type in MEMBER_KINDS:
        refuse(source, name, f"ist {MEMBER_KINDS[member.type]}")
    if not (member.isreg() or member.isdir()):
        refuse(source, name, "ist keine gewöhnliche Datei")
    path = PurePosixPath(name)
    if name.startswith("/") or path.is_absolute() or "\\" in name or "\0" in name:
        refuse(source, name, "hat einen absoluten oder unzulässigen Pfad")
    if ".." in path.parts:
        refuse(source, name, "enthält „..“ im Pfad")
    inside_media = path.parts[:1] == ("media",)
    if member.isdir():
        if not inside_media:
            refuse(source, name, "ist ein Ordner außerhalb von media/")
        return
    if name == DATA_NAME:
        return
    if not inside_media or len(path.parts) < 2:
        refuse(source, name, "liegt außerhalb von media/")
    try:
        validate_file_name(media_name(name), allow_relative_path=True)
    except SuspiciousFileOperation:
        refuse(source, name, "hat einen unzulässigen Dateinamen")


def media_name(member_name):
    """The storage name of a media member: media/a/b.jpg → a/b.jpg."""
    return str(PurePosixPath(*PurePosixPath(member_name).parts[1:]))


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else ""


def stage(archive, plan, folder, source):
    """Unpack the checked members of `archive` into `folder`: the path of
    data.json and [(storage name, path)] of the media files. Writes nothing
    else; a member not in `plan` (the file changed since) is refused."""
    media = []
    data = None
    try:
        reader, tar = open_tar(archive, source)
        with reader, tar:
            while (member := tar.next()) is not None:
                tar.members.clear()
                if member.isdir():
                    continue
                if plan.get(member.name) != member.size:
                    refuse(source, member.name, "hat sich seit der Prüfung geändert")
                if member.name == DATA_NAME:
                    target = data = folder / DATA_NAME
                else:
                    name = media_name(member.name)
                    target = folder / "media" / name
                    media.append((name, target))
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as content, target.open("xb") as out:
                    shutil.copyfileobj(content, out)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(
            f"{source} ließ sich nicht entpacken ({error.__class__.__name__}: "
            f"{first_line(error)}); nichts wurde geändert."
        ) from None
    return data, media


def replace_everything(staged, keep, source, progress):
    """In one transaction: the database from data.json, then the media
    files. A failure rolls the database back and restores replaced files."""
    data, media = staged
    keep.mkdir()
    replaced = []
    try:
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data), verbosity=0)
            for number, (name, path) in enumerate(media, 1):
                put_file(name, path, keep, replaced)
                if number % 100 == 0 or number == len(media):
                    progress(f"  Mediendateien: {number}/{len(media)}")
            # loaddata saves raw rows: no page can say what changed.
            page_cache.invalidate_site("database restored from a backup")
    except Exception as error:
        put_back(replaced)
        raise BackupError(
            f"{source} ließ sich nicht einspielen ({error.__class__.__name__}: "
            f"{first_line(error)}); Datenbank und Medien sind unverändert."
        ) from None


def put_file(name, path, keep, replaced):
    """Store the staged `path` as `name`, first copying a file of that name
    into `keep` and noting it in `replaced`, so put_back() can undo it."""
    previous = None
    if default_storage.exists(name):
        previous = keep / str(len(replaced))
        with default_storage.open(name) as old, previous.open("xb") as copy:
            shutil.copyfileobj(old, copy)
        default_storage.delete(name)
    replaced.append((name, previous))
    with path.open("rb") as new:
        saved = default_storage.save(name, File(new, name=name))
    if saved != name:
        raise OSError(f"stored as {saved} instead of {name}")


def put_back(replaced):
    """Undo put_file(): the files of the restore go, the old ones return."""
    for name, previous in reversed(replaced):
        if default_storage.exists(name):
            default_storage.delete(name)
        if previous is not None:
            with previous.open("rb") as old:
                default_storage.save(name, File(old, name=name))
