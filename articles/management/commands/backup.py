"""Write the database and the uploaded media into one .tar.gz archive."""

import io
import tarfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

DATA_NAME = "data.json"
MEDIA_PREFIX = "media/"
# Rebuilt by migrate (content types, permissions) or worthless in a restore.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


def media_files(storage, folder=""):
    """Every file name in `storage`, recursively (works for S3 too)."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from media_files(storage, f"{folder}/{sub}" if folder else sub)


class Command(BaseCommand):
    help = "Backs up the database and the uploaded media into one .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="file to write, e.g. newsroom.tar.gz")

    def handle(self, archive, **options):
        target = Path(archive)
        if target.exists():
            raise CommandError(f"{target} exists already: choose a new file name.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")

        self.stdout.write("Dumping the database …")
        data = io.StringIO()
        call_command("dumpdata", natural_foreign=True, exclude=EXCLUDED, stdout=data)
        payload = data.getvalue().encode()

        names = sorted(media_files(default_storage)) if self.has_media() else []
        # Write under a temporary name so that an interrupted run never leaves
        # a file that looks like a complete backup.
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            self.add(tar, DATA_NAME, payload)
            for number, name in enumerate(names, 1):
                with default_storage.open(name) as file:
                    self.add(tar, MEDIA_PREFIX + name, file.read())
                if number % 100 == 0 or number == len(names):
                    self.stdout.write(f"  media files: {number}/{len(names)}")
        partial.rename(target)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {target}: database and {len(names)} media files."
            )
        )

    @staticmethod
    def has_media():
        try:
            default_storage.listdir("")
        except FileNotFoundError:  # nothing uploaded yet
            return False
        return True

    @staticmethod
    def add(tar, name, content):
        info = tarfile.TarInfo(name)
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
