from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.two_factor import is_required, two_factor_reset


class Command(BaseCommand):
    help = (
        "Removes a user's authenticator app and recovery codes (a lost phone); "
        "at the next login they set up two-factor login again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                f"Benutzer „{username}“ gibt es nicht (unknown user)."
            ) from None
        removed = two_factor_reset(user=user)
        if not removed:
            self.stdout.write(
                f"{username} hatte keine Zwei-Faktor-Anmeldung eingerichtet."
            )
            return
        then = (
            "richtet sie beim nächsten Anmelden neu ein"
            if is_required(user)
            else "meldet sich wieder nur mit dem Passwort an"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Zwei-Faktor-Anmeldung von {username} zurückgesetzt "
                f"({removed} Gerät(e) entfernt); {username} {then}."
            )
        )
