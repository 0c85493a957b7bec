"""Newsletters: double opt-in, editions and sending that never mails twice.

Subscribing (German law, UWG § 7 and Art. 7 GDPR): a reader's request
stores the address unconfirmed and mails one confirmation link, which
expires after NEWSLETTER_CONFIRM_HOURS. Nothing else is ever mailed to an
unconfirmed address. Confirming stores the time and the text of the consent.
Pages never tell whether an address is subscribed already: the owner of a
confirmed address gets a notice by mail instead. Unsubscribing deletes the
subscriber with its delivery records.

Sending (`manage.py send_newsletter`): the edition of a period is built once
(its articles are fixed then) and mailed to each confirmed subscriber of its
frequency with the articles of their choice. Before a mail goes to the SMTP
server, a Delivery row "sending" is committed; after the server accepted it,
the row becomes "sent"; a refusal makes it "failed", and the next run sends
it again. A run that dies between handing a mail to the server and recording
"sent" (a crash, a kill) leaves that one row "sending": the mail may or may
not have gone out, and it is *not* sent again, because a reader who misses
one digest is better off than one who gets duplicates, and the window is one
mail wide per running sender. The database's unique (subscriber, edition)
keeps two senders from mailing the same subscriber.
"""

import hashlib
import logging
import secrets
import smtplib
import time
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    Article,
    Delivery,
    DeliveryStatus,
    Edition,
    Frequency,
    Scope,
    Subscriber,
)
from .photos import photo_versions
from .site_url import absolute_url

log = logging.getLogger("newsroom.newsletters")

CONSENT_TEXT = _(
    "Ich möchte den Newsletter per E-Mail erhalten. Meine E-Mail-Adresse und "
    "meine Auswahl werden nur dafür gespeichert. Ich kann mich jederzeit über "
    "den Link in jeder Ausgabe abmelden."
)
# Mail clients show photos narrower than the page: the rendition nearest this.
MAIL_PHOTO_WIDTH = 600


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


# Subscribing, confirming, unsubscribing


def subscription_request(*, email, frequency, scope, municipalities, topics, request):
    """Record a subscription request for `email` and mail the confirmation
    link; the owner of an already confirmed address gets a notice instead
    (no page may tell the two apart). Raises MailNotSent when the SMTP
    server does not take the mail (the request is kept; asking again
    mails a new link)."""
    email = email.strip().lower()
    choice = (frequency, scope, municipalities, topics)
    try:
        mail = _record_request(email, choice, request)
    except IntegrityError:  # the same address sent twice at once: take the first
        mail = _record_request(email, choice, request)
    _deliver(mail)  # after the commit: the link must work when it arrives


def _record_request(email, choice, request):
    frequency, scope, municipalities, topics = choice
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is not None and subscriber.is_confirmed:
            return partial(_mail_already_subscribed, subscriber, request)
        if subscriber is None:
            subscriber = Subscriber(email=email, unsubscribe_token=new_token())
        token = new_token()
        subscriber.frequency = frequency
        subscriber.scope = scope
        subscriber.confirm_token_hash = token_hash(token)
        subscriber.confirm_expires_at = timezone.now() + timedelta(
            hours=settings.NEWSLETTER_CONFIRM_HOURS
        )
        subscriber.consent_text = str(CONSENT_TEXT)
        subscriber.save()
        selected = scope == Scope.SELECTION
        subscriber.municipalities.set(municipalities if selected else [])
        subscriber.topics.set(topics if selected else [])
        return partial(_mail_confirmation, subscriber, token, request)


def subscription_confirm(*, token):
    """Confirm the subscription whose link carries `token`; returns
    ("confirmed", subscriber), ("expired", None) or ("unknown", None)."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(confirm_token_hash=token_hash(token))
            .first()
        )
        if subscriber is None:
            return "unknown", None
        if subscriber.is_confirmed:
            return "confirmed", subscriber  # the link clicked twice
        now = timezone.now()
        if subscriber.confirm_expires_at <= now:
            return "expired", None
        subscriber.confirmed_at = subscriber.consent_at = now
        subscriber.save(update_fields=["confirmed_at", "consent_at"])
        return "confirmed", subscriber


def subscription_renew(*, token, request):
    """Mail a fresh confirmation link for the unconfirmed subscription whose
    expired link carries `token`; False if there is none."""
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update()
            .filter(confirm_token_hash=token_hash(token), confirmed_at__isnull=True)
            .first()
        )
        if subscriber is None:
            return False
        new = new_token()
        subscriber.confirm_token_hash = token_hash(new)
        subscriber.confirm_expires_at = timezone.now() + timedelta(
            hours=settings.NEWSLETTER_CONFIRM_HOURS
        )
        subscriber.save(update_fields=["confirm_token_hash", "confirm_expires_at"])
    _deliver(partial(_mail_confirmation, subscriber, new, request))
    return True


def subscription_state(token):
    """What the confirmation link with `token` leads to without using it:
    "pending", "confirmed", "expired" or "unknown"."""
    subscriber = Subscriber.objects.filter(confirm_token_hash=token_hash(token)).first()
    if subscriber is None:
        return "unknown"
    if subscriber.is_confirmed:
        return "confirmed"
    if subscriber.confirm_expires_at <= timezone.now():
        return "expired"
    return "pending"


def subscriber_unsubscribe(*, token):
    """Delete the subscriber whose unsubscribe link carries `token`, with
    their delivery records; True if there was one."""
    deleted, _by_model = Subscriber.objects.filter(unsubscribe_token=token).delete()
    return bool(deleted)


def subscribers_forget_unconfirmed():
    """Delete subscription requests whose confirmation link expired unused
    (data minimisation); returns how many."""
    deleted, _by_model = Subscriber.objects.expired_unconfirmed().delete()
    return deleted


class MailNotSent(Exception):
    """The SMTP server did not take a mail a reader asked for."""


def _deliver(mail):
    try:
        mail()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("newsletter mail not sent (%s: %s)", type(error).__name__, error)
        raise MailNotSent(str(error)) from error


def new_token():
    return secrets.token_urlsafe(32)


def unsubscribe_url(subscriber, request=None):
    path = reverse(
        "articles:newsletter_unsubscribe", args=[subscriber.unsubscribe_token]
    )
    return absolute_url(path, request)


def _send(subject, template, context, to, *, headers=None, connection=None):
    """Send the mail `template` (.txt and .html) to `to`."""
    context = {"site_name": settings.SITE_NAME, "subject": subject, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"newsletters/mail/{template}.txt", context),
        to=[to],
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(
        render_to_string(f"newsletters/mail/{template}.html", context), "text/html"
    )
    return message


def _mail_confirmation(subscriber, token, request):
    path = reverse("articles:newsletter_confirm", args=[token])
    context = {
        "confirm_url": absolute_url(path, request),
        "hours": settings.NEWSLETTER_CONFIRM_HOURS,
        "subscriber": subscriber,
    }
    subject = gettext("Bitte bestätigen Sie Ihre Newsletter-Anmeldung")
    _send(subject, "confirm", context, subscriber.email).send()


def _mail_already_subscribed(subscriber, request):
    context = {
        "unsubscribe_url": unsubscribe_url(subscriber, request),
        "subscribe_url": absolute_url(reverse("articles:newsletter"), request),
        "subscriber": subscriber,
    }
    subject = gettext("Sie erhalten unseren Newsletter bereits")
    _send(subject, "already_subscribed", context, subscriber.email).send()


# Editions


def latest_period(frequency, today=None):
    """The first day of the last complete period before `today` (local
    date): yesterday, or the Monday of last week."""
    today = today or timezone.localdate()
    if frequency == Frequency.WEEKLY:
        return today - timedelta(days=today.weekday() + 7)
    return today - timedelta(days=1)


def local_midnight(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def edition_build(*, frequency, period_start):
    """The edition of `frequency` for the period starting `period_start`,
    built once: its published articles of the period are fixed at the first
    call (an intro written in the admin beforehand is kept)."""
    with transaction.atomic():
        edition, _created = Edition.objects.select_for_update().get_or_create(
            frequency=frequency, period_start=period_start
        )
        if edition.is_built:
            return edition
        start, end = local_midnight(period_start), local_midnight(edition.period_end)
        edition.article_ids = list(
            Article.objects.published()
            .filter(published_at__gte=start, published_at__lt=end)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)
        )
        edition.built_at = timezone.now()
        edition.save(update_fields=["article_ids", "built_at"])
    return edition


def edition_articles(edition):
    """The edition's articles that are still published, newest first, with
    what a mail shows (municipality, credit, tag ids)."""
    return list(
        Article.objects.published()
        .filter(pk__in=edition.article_ids)
        .select_related("municipality", "photo__credit")
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")
    )


def articles_for(subscriber, articles):
    """The articles of `articles` in `subscriber`'s choice: all, or those
    about one of their municipalities or with one of their topics."""
    if subscriber.scope == Scope.EVERYTHING:
        return articles
    places = {m.pk for m in subscriber.municipalities.all()}
    topics = {t.pk for t in subscriber.topics.all()}
    return [
        article
        for article in articles
        if article.municipality_id in places
        or any(tag.pk in topics for tag in article.tags.all())
    ]


def mail_photo(article):
    """(url, width, height) of the rendition a mail shows, or None."""
    if article.photo is None:
        return None
    versions = photo_versions(article.photo)
    if not versions:
        return None
    fitting = [v for v in versions if v[1] <= MAIL_PHOTO_WIDTH] or versions[-1:]
    url, width, height = fitting[0]
    if width > MAIL_PHOTO_WIDTH:
        width, height = MAIL_PHOTO_WIDTH, round(height * MAIL_PHOTO_WIDTH / width)
    return absolute_url(url), width, height


def mail_items(articles):
    """What the edition mail shows of each article, absolute links included."""
    return [
        {
            "article": article,
            "url": absolute_url(article.get_absolute_url()),
            "photo": mail_photo(article),
        }
        for article in articles
    ]


def edition_subject(edition):
    if edition.frequency == Frequency.WEEKLY:
        text = gettext("%(site)s: Die Woche vom %(period)s")
    else:
        text = gettext("%(site)s: Die Meldungen vom %(period)s")
    return text % {"site": settings.SITE_NAME, "period": edition.period_label()}


def edition_message(edition, subscriber, items, *, connection=None):
    """The mail of `edition` for `subscriber` with `items` (mail_items()),
    with one-click unsubscribe headers (RFC 8058)."""
    link = unsubscribe_url(subscriber)
    context = {
        "edition": edition,
        "items": items,
        "unsubscribe_url": link,
        "home_url": absolute_url(reverse("articles:index")),
        "privacy_url": absolute_url(reverse("articles:page", args=["datenschutz"])),
        "subscriber": subscriber,
    }
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return _send(
        edition_subject(edition),
        "edition",
        context,
        subscriber.email,
        headers=headers,
        connection=connection,
    )


# Sending


class SendInterrupted(Exception):
    """The SMTP server failed mid-run; the message says how far it got."""


def edition_recipients(edition):
    """Confirmed subscribers of the edition's frequency still to be mailed:
    no delivery yet, or a failed one."""
    done = Delivery.objects.filter(edition=edition).exclude(
        status=DeliveryStatus.FAILED
    )
    return (
        Subscriber.objects.confirmed()
        .filter(frequency=edition.frequency)
        .exclude(pk__in=done.values("subscriber_id"))
        .prefetch_related("municipalities", "topics")
        .order_by("pk")
    )


def _claim(subscriber, edition, status):
    """Record `status` for the pair, committed; False if another run has it."""
    try:
        with transaction.atomic():
            Delivery.objects.create(
                subscriber=subscriber, edition=edition, status=status
            )
        return True
    except IntegrityError:
        return bool(
            Delivery.objects.filter(
                subscriber=subscriber, edition=edition, status=DeliveryStatus.FAILED
            ).update(status=status)
        )


def _record(subscriber, edition, status):
    Delivery.objects.filter(subscriber=subscriber, edition=edition).update(
        status=status, sent_at=timezone.now() if status == DeliveryStatus.SENT else None
    )


class Throttle:
    """Waits so that at most `rate` mails per second go out (0: no limit)."""

    def __init__(self, rate, *, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1 / rate if rate > 0 else 0
        self.clock, self.sleep = clock, sleep
        self.next = clock()

    def wait(self):
        if not self.interval:
            return
        now = self.clock()
        if self.next > now:
            self.sleep(self.next - now)
        self.next = max(now, self.next) + self.interval


def edition_send(*, edition, rate, progress=None, chunk=500):
    """Mail `edition` to every recipient still due, at most `rate` mails per
    second; returns the counts of this run ("sent", "skipped" for nothing
    matching their choice, "refused" addresses, "uncertain" deliveries an
    earlier run left "sending"). `progress(counts, total)` is called after
    each recipient. Raises SendInterrupted when the SMTP server fails:
    running again resumes."""
    articles = edition_articles(edition)
    total = edition_recipients(edition).count()
    uncertain = edition.deliveries.filter(status=DeliveryStatus.SENDING).count()
    counts = {"sent": 0, "skipped": 0, "refused": 0, "uncertain": uncertain}
    if total:
        _send_all(edition, articles, counts, total, rate, progress, chunk)
    if edition.finished_at is None and not edition_recipients(edition).exists():
        edition.finished_at = timezone.now()
        edition.save(update_fields=["finished_at"])
    return counts


def _send_all(edition, articles, counts, total, rate, progress, chunk):
    items = {item["article"].pk: item for item in mail_items(articles)}
    throttle = Throttle(rate)
    connection = get_connection()
    try:
        connection.open()  # one SMTP session for the run, not one per mail
    except (OSError, smtplib.SMTPException) as error:
        raise SendInterrupted(
            gettext("SMTP-Server nicht erreichbar: %(error)s") % {"error": error}
        ) from error
    last_pk = 0
    try:
        while True:
            # Keyset batches: an address refused in this run stays a
            # recipient (for the next run) without being mailed twice here.
            batch = list(edition_recipients(edition).filter(pk__gt=last_pk)[:chunk])
            if not batch:
                break
            for subscriber in batch:
                chosen = [
                    items[article.pk] for article in articles_for(subscriber, articles)
                ]
                _send_one(edition, subscriber, chosen, connection, throttle, counts)
                if progress:
                    progress(counts, total)
            last_pk = batch[-1].pk
    finally:
        connection.close()


def _send_one(edition, subscriber, chosen, connection, throttle, counts):
    if not chosen:
        if _claim(subscriber, edition, DeliveryStatus.SKIPPED):
            counts["skipped"] += 1
        return
    if not _claim(subscriber, edition, DeliveryStatus.SENDING):
        return  # another run mails this subscriber
    throttle.wait()
    message = edition_message(edition, subscriber, chosen, connection=connection)
    try:
        connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused:
        # This address only (mailbox unknown, full): the others go on.
        _record(subscriber, edition, DeliveryStatus.FAILED)
        counts["refused"] += 1
        return
    except Exception as error:
        _record(subscriber, edition, DeliveryStatus.FAILED)
        raise SendInterrupted(
            gettext(
                "Versand unterbrochen bei %(email)s: %(error)s. In diesem Lauf "
                "gesendet: %(sent)s. Ein neuer Lauf setzt fort."
            )
            % {"email": subscriber.email, "error": error, "sent": counts["sent"]}
        ) from error
    _record(subscriber, edition, DeliveryStatus.SENT)
    counts["sent"] += 1
