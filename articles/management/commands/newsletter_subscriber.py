"""Export or delete a newsletter subscriber's data (GDPR Art. 15, 17, 20)."""

import json

from django.core.management.base import BaseCommand, CommandError

from ...models import Subscriber


def subscriber_data(subscriber):
    """Everything stored about `subscriber`, as JSON-ready data."""

    def moment(value):
        return value.isoformat() if value else None

    return {
        "email": subscriber.email,
        "frequency": subscriber.frequency,
        "scope": subscriber.scope,
        "municipalities": sorted(m.name for m in subscriber.municipalities.all()),
        "topics": sorted(t.name for t in subscriber.topics.all()),
        "subscribed_at": moment(subscriber.created_at),
        "confirmation_link_expires_at": moment(subscriber.confirm_expires_at),
        "confirmed_at": moment(subscriber.confirmed_at),
        "consent_at": moment(subscriber.consent_at),
        "consent_text": subscriber.consent_text,
        "deliveries": [
            {
                "edition": str(delivery.edition),
                "status": delivery.status,
                "sent_at": moment(delivery.sent_at),
            }
            for delivery in subscriber.deliveries.select_related("edition")
        ],
    }


class Command(BaseCommand):
    help = (
        "Exports (as JSON) or deletes what is stored about one newsletter "
        "subscriber, by e-mail address."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "delete"])
        parser.add_argument("email")

    def handle(self, action, email, **options):
        subscriber = Subscriber.objects.filter(email=email.strip().lower()).first()
        if subscriber is None:
            raise CommandError(f"Keine Newsletter-Anmeldung für {email}.")
        if action == "export":
            data = subscriber_data(subscriber)
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            subscriber.delete()
            self.stdout.write(
                f"Newsletter-Anmeldung von {subscriber.email} mit allen "
                "Versanddaten gelöscht. Ältere Datensicherungen enthalten sie "
                "noch, bis sie ablaufen."
            )
