"""Write the database and the uploaded media into one .tar.gz archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...backups import BackupError, backup_recipients, write_backup


class Command(BaseCommand):
    help = (
        "Sichert die Datenbank und die hochgeladenen Medien in eine .tar.gz-Datei, "
        "nur für ihren Besitzer lesbar (0600); mit NEWSROOM_BACKUP_RECIPIENTS "
        "mit age verschlüsselt."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="neue Datei, z. B. newsroom.tar.gz")

    def handle(self, archive, **options):
        try:
            recipients = backup_recipients(settings.BACKUP_RECIPIENTS)
            count = write_backup(
                Path(archive), recipients=recipients, progress=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        encrypted = " (verschlüsselt)" if recipients else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Sicherung in {archive}{encrypted}: Datenbank und {count} "
                "Mediendateien."
            )
        )
