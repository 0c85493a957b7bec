"""Build and send the newsletter edition of the last complete period."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ... import newsletters
from ...models import Frequency
from ...site_url import absolute_url


class Command(BaseCommand):
    help = (
        "Builds the daily or weekly newsletter edition of the last complete "
        "period (once) and mails it to every confirmed subscriber not yet "
        "mailed; run it again after an interruption to resume. For cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=Frequency.values)
        parser.add_argument(
            "--period",
            type=date.fromisoformat,
            help="first day of the period (YYYY-MM-DD); default: yesterday, "
            "or last week's Monday",
        )
        parser.add_argument(
            "--rate",
            type=float,
            default=None,
            help="mails per second (default: NEWSLETTER_RATE; 0 = no limit)",
        )

    def handle(self, frequency, period, rate, **options):
        try:
            absolute_url("/")
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        period = period or newsletters.latest_period(frequency)
        if frequency == Frequency.WEEKLY and period.weekday() != 0:
            raise CommandError(f"{period} ist kein Montag (wöchentliche Ausgabe).")
        rate = settings.NEWSLETTER_RATE if rate is None else rate
        forgotten = newsletters.subscribers_forget_unconfirmed()
        if forgotten:
            self.stdout.write(
                f"{forgotten} unbestätigte, abgelaufene Anmeldungen gelöscht."
            )

        edition = newsletters.edition_build(frequency=frequency, period_start=period)
        self.stdout.write(
            f"Ausgabe „{edition}“: {len(edition.article_ids)} Meldungen, "
            f"erstellt {edition.built_at:%d.%m.%Y %H:%M}."
        )
        step = [0]

        def progress(counts, total):
            done = counts["sent"] + counts["skipped"] + counts["refused"]
            if done >= step[0] + max(1, total // 20) or done == total:
                step[0] = done
                self.stdout.write(f"  {done}/{total} – {self.summary(counts)}")

        try:
            counts = newsletters.edition_send(
                edition=edition, rate=rate, progress=progress
            )
        except newsletters.SendInterrupted as error:
            raise CommandError(str(error)) from error
        if counts["uncertain"]:
            self.stderr.write(
                f"{counts['uncertain']} Zustellungen blieben bei einem abgebrochenen "
                "Lauf offen („wird gesendet“); sie werden nicht erneut gesendet, "
                "um keine Mail doppelt zu schicken."
            )
        self.stdout.write(self.style.SUCCESS(f"Fertig: {self.summary(counts)}."))

    @staticmethod
    def summary(counts):
        return (
            f"{counts['sent']} gesendet, {counts['skipped']} ohne passende "
            f"Meldungen, {counts['refused']} Adressen abgelehnt"
        )
