"""Replace the database and the media with the contents of a backup."""

import tarfile
import tempfile
from pathlib import Path

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ... import page_cache
from .backup import DATA_NAME, MEDIA_PREFIX


class Command(BaseCommand):
    help = (
        "Restores a backup made with 'manage.py backup': replaces every row in "
        "the database and writes the media files back."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup file, e.g. newsroom.tar.gz")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask before replacing the database",
        )

    def handle(self, archive, interactive=True, **options):
        source = Path(archive)
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        try:
            with tarfile.open(source, "r:gz") as tar:
                members = {member.name: member for member in tar.getmembers()}
                if DATA_NAME not in members:
                    raise CommandError(
                        f"{source} is not a newsroom backup (no {DATA_NAME})."
                    )
                if (
                    interactive
                    and input("This replaces everything in the database. Type 'yes': ")
                    != "yes"
                ):
                    raise CommandError("Restore cancelled; nothing was changed.")
                self.restore_database(tar.extractfile(members[DATA_NAME]).read())
                media = [m for m in members.values() if m.name.startswith(MEDIA_PREFIX)]
                for number, member in enumerate(media, 1):
                    name = member.name.removeprefix(MEDIA_PREFIX)
                    if default_storage.exists(name):
                        default_storage.delete(name)
                    default_storage.save(
                        name, ContentFile(tar.extractfile(member).read())
                    )
                    if number % 100 == 0 or number == len(media):
                        self.stdout.write(f"  media files: {number}/{len(media)}")
        except (tarfile.TarError, EOFError, OSError, SuspiciousFileOperation) as error:
            raise CommandError(
                f"{source} cannot be read as a backup: {error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {source}."))

    def restore_database(self, payload):
        self.stdout.write("Replacing the database …")
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "backup.json"
            fixture.write_bytes(payload)
            # One transaction: a fixture that fails to load leaves the old data.
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", fixture, verbosity=0)
                # loaddata saves raw rows: no page can say what changed.
                page_cache.invalidate_site("database restored from a backup")
