"""Newsletters: readers who subscribed with double opt-in, the editions sent
to them (one per frequency and period) and a record of every mail sent.

Subscribers are personal data: no reader page, feed, sitemap or API shows
them; operators export and delete them with `manage.py
newsletter_subscriber`. The writes are in articles/newsletters.py."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    DAILY = "daily", _("täglich")
    WEEKLY = "weekly", _("wöchentlich")


class Scope(models.TextChoices):
    EVERYTHING = "everything", _("alle Meldungen")
    SELECTION = "selection", _("nur ausgewählte Kommunen und Themen")


class DeliveryStatus(models.TextChoices):
    # Recorded (and committed) before the mail goes to the SMTP server: a
    # row still "sending" after a crash may or may not have been delivered,
    # and is not sent again (see articles/newsletters.py).
    SENDING = "sending", _("wird gesendet")
    SENT = "sent", _("gesendet")
    FAILED = "failed", _("fehlgeschlagen")
    SKIPPED = "skipped", _("nichts Passendes")


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Subscribers who confirmed their address: the only ones who get
        editions."""
        return self.filter(confirmed_at__isnull=False)

    def expired_unconfirmed(self, now=None):
        """Subscriptions whose confirmation link expired unused."""
        now = now or timezone.now()
        return self.filter(confirmed_at__isnull=True, confirm_expires_at__lte=now)


class Subscriber(models.Model):
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    frequency = models.CharField(
        _("Häufigkeit"), max_length=10, choices=Frequency, default=Frequency.WEEKLY
    )
    scope = models.CharField(
        _("Auswahl"), max_length=10, choices=Scope, default=Scope.EVERYTHING
    )
    municipalities = models.ManyToManyField(
        "articles.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("Kommunen"),
    )
    topics = models.ManyToManyField(
        "articles.Tag", blank=True, related_name="+", verbose_name=_("Themen")
    )
    # Only the SHA-256 of the confirmation token is kept: the token itself
    # is in the one mail that asks for confirmation.
    confirm_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirm_expires_at = models.DateTimeField(
        _("Bestätigungslink gültig bis"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    consent_at = models.DateTimeField(_("Einwilligung am"), null=True, blank=True)
    consent_text = models.TextField(_("Text der Einwilligung"), blank=True)
    unsubscribe_token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Newsletter-Abonnent")
        verbose_name_plural = _("Newsletter-Abonnenten")
        ordering = ["email"]
        indexes = [models.Index(fields=["frequency", "confirmed_at"])]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class Edition(models.Model):
    frequency = models.CharField(_("Häufigkeit"), max_length=10, choices=Frequency)
    period_start = models.DateField(
        _("Zeitraum ab"),
        help_text=_(
            "Täglich: der Tag, dessen Meldungen die Ausgabe bringt (z. B. "
            "gestern); wöchentlich: der Montag der Woche."
        ),
    )
    intro = models.TextField(
        _("Einleitung"),
        blank=True,
        help_text=_(
            "Steht über den Meldungen, als reiner Text, z. B. „Guten Morgen! "
            "Heute im Überblick: …“. Nach dem Versand nicht mehr änderbar."
        ),
    )
    # The articles as the edition was built, so that a send resumed after an
    # interruption mails the same edition; each is checked against
    # published() again when mailed.
    article_ids = models.JSONField(default=list, blank=True, editable=False)
    built_at = models.DateTimeField(_("erstellt am"), null=True, blank=True)
    finished_at = models.DateTimeField(
        _("Versand abgeschlossen am"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("Newsletter-Ausgabe")
        verbose_name_plural = _("Newsletter-Ausgaben")
        ordering = ["-period_start", "frequency"]
        constraints = [
            models.UniqueConstraint(
                fields=["frequency", "period_start"],
                name="unique_edition_per_period",
                violation_error_message=_(
                    "Für diese Häufigkeit und diesen Zeitraum gibt es schon "
                    "eine Ausgabe."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} {self.period_label()}"

    @property
    def period_end(self):
        """The first day after the period."""
        days = 7 if self.frequency == Frequency.WEEKLY else 1
        return self.period_start + timedelta(days=days)

    @property
    def is_built(self):
        return self.built_at is not None

    def clean(self):
        # Not a CheckConstraint: SQLite would need Django's own function for
        # the weekday, which other tools reading the file lack.
        if self.frequency == Frequency.WEEKLY and self.period_start:
            if self.period_start.weekday() != 0:
                raise ValidationError(
                    {"period_start": _("Eine wöchentliche Ausgabe beginnt montags.")},
                    code="not_monday",
                )

    def period_label(self):
        """The period in German dates: "28.11.2026" or "23.11.–29.11.2026"."""
        if self.frequency == Frequency.WEEKLY:
            end = self.period_end - timedelta(days=1)
            return f"{self.period_start:%d.%m.}–{end:%d.%m.%Y}"
        return f"{self.period_start:%d.%m.%Y}"


class Delivery(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, models.CASCADE, related_name="deliveries"
    )
    edition = models.ForeignKey(Edition, models.CASCADE, related_name="deliveries")
    status = models.CharField(_("Status"), max_length=10, choices=DeliveryStatus)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Newsletter-Versand")
        verbose_name_plural = _("Newsletter-Versand")
        ordering = ["edition", "subscriber"]
        constraints = [
            # The database, not the sender, guarantees one mail per
            # subscriber and edition, even with two senders at once.
            models.UniqueConstraint(
                fields=["subscriber", "edition"], name="one_delivery_per_edition"
            )
        ]

    def __str__(self):
        return f"{self.edition} → {self.subscriber}"
