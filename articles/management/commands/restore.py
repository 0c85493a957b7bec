"""Replace the database and the media with the contents of a backup."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...backups import BackupError, restore_backup, restore_identities


class Command(BaseCommand):
    help = (
        "Spielt eine Sicherung von 'manage.py backup' ein: ersetzt alle Zeilen "
        "der Datenbank und schreibt die Mediendateien zurück, ganz oder gar nicht."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Sicherung, z. B. newsroom.tar.gz")
        parser.add_argument(
            "--identity",
            help="Datei mit dem geheimen age-Schlüssel einer verschlüsselten "
            "Sicherung (sonst NEWSROOM_BACKUP_IDENTITY)",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="nicht nachfragen, bevor die Datenbank ersetzt wird",
        )

    def handle(self, archive, identity=None, interactive=True, **options):
        def confirm():
            answer = input("Das ersetzt alles in der Datenbank. 'ja' eingeben: ")
            if answer.strip().lower() not in ("ja", "yes"):
                raise BackupError("Abgebrochen; nichts wurde geändert.")

        try:
            identities = restore_identities(identity or settings.BACKUP_IDENTITY)
            restore_backup(
                archive,
                identities=identities,
                confirm=confirm if interactive else None,
                progress=self.stdout.write,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{archive} eingespielt."))
