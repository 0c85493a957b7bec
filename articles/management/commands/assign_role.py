from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

ROLES = {
    "redaktion": "Redaktion",
    "chef-vom-dienst": "Chef vom Dienst",
    "moderation": "Moderation",
}


class Command(BaseCommand):
    help = (
        "Gives a user a role (Redaktion, Chef vom Dienst or Moderation): adds "
        "them to the group "
        "and lets them log in to the admin. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=" or ".join(ROLES))

    def handle(self, *, username, role, **options):
        group_name = ROLES.get(role.lower())
        if group_name is None:
            raise CommandError(
                f"Unbekannte Rolle „{role}“ (unknown role). "
                f"Erlaubt sind: {', '.join(ROLES)}."
            )
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                f"Benutzer „{username}“ gibt es nicht (unknown user). "
                "Bitte zuerst im Admin unter „Benutzer“ anlegen."
            ) from None
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(
                f"Die Gruppe „{group_name}“ fehlt (group missing): "
                "bitte zuerst manage.py migrate ausführen."
            ) from None
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.stdout.write(
            self.style.SUCCESS(f"{username} hat jetzt die Rolle {group_name}.")
        )
