"""Newsletters as readers and operators meet them: double opt-in with an
expiring link, nothing mailed before confirmation, one-click unsubscribe
(RFC 8058) in the mail and its headers, the edition's choice of articles,
the mail itself, and the subscriber's data (export, delete, backup, never
on a reader page)."""

import json
import re
import tarfile
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from articles import newsletters
from articles.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    Frequency,
    Page,
    Scope,
    Subscriber,
    Tag,
)
from tests.factories import make_article, make_credit, make_jpeg, make_municipality
from tests.html import parse_html

pytestmark = pytest.mark.django_db

SITE = "https://news.example.de"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.NEWSLETTER_CONFIRM_HOURS = 48


def subscribe(client, email="leserin@example.org", **fields):
    data = {"email": email, "frequency": "daily", "scope": "everything"}
    data |= {"consent": "on"} | fields
    return client.post("/newsletter/", data)


def link_in(message, path):
    """The first absolute link to `path…` in the plain text of `message`."""
    match = re.search(re.escape(SITE + path) + r"[^\s/]+/", message.body)
    assert match, message.body
    return match.group(0)


def html_of(message):
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def confirmed_subscriber(email="leserin@example.org", **fields):
    fields.setdefault("frequency", Frequency.DAILY)
    return Subscriber.objects.create(
        email=email,
        unsubscribe_token=newsletters.new_token(),
        confirmed_at=timezone.now(),
        consent_at=timezone.now(),
        consent_text="Einwilligung",
        **fields,
    )


def yesterday_at(hour):
    yesterday = timezone.localdate() - timedelta(days=1)
    return newsletters.local_midnight(yesterday) + timedelta(hours=hour)


def send_daily():
    edition = newsletters.edition_build(
        frequency=Frequency.DAILY,
        period_start=newsletters.latest_period(Frequency.DAILY),
    )
    newsletters.edition_send(edition=edition, rate=0)
    return edition


# Double opt-in


def test_subscribing_mails_only_a_confirmation_link(client):
    make_article(published_at=yesterday_at(9))
    response = subscribe(client)

    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    [message] = mail.outbox
    assert message.to == ["leserin@example.org"]
    assert "bestätigen" in message.subject
    assert link_in(message, "/newsletter/bestaetigen/")
    subscriber = Subscriber.objects.get()
    assert not subscriber.is_confirmed

    send_daily()

    assert len(mail.outbox) == 1  # no edition before confirmation


def test_confirming_stores_consent_time_and_text_then_editions_arrive(client):
    make_article(published_at=yesterday_at(9))
    subscribe(client)
    link = link_in(mail.outbox[0], "/newsletter/bestaetigen/")
    path = link.removeprefix(SITE)

    page = parse_html(client.get(path).content.decode())
    assert "Anmeldung bestätigen" in page.text
    assert not Subscriber.objects.get().is_confirmed  # a GET confirms nothing

    response = client.post(path)
    assert "Anmeldung bestätigt" in parse_html(response.content.decode()).text
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_at is not None
    assert subscriber.consent_text == str(newsletters.CONSENT_TEXT)

    send_daily()
    assert len(mail.outbox) == 2
    assert "Die Meldungen vom" in mail.outbox[1].subject


def test_an_expired_link_says_so_and_sends_a_new_one(client):
    subscribe(client)
    path = link_in(mail.outbox[0], "/newsletter/bestaetigen/").removeprefix(SITE)
    Subscriber.objects.update(confirm_expires_at=timezone.now() - timedelta(minutes=1))

    assert "abgelaufen" in parse_html(client.get(path).content.decode()).text
    client.post(path)  # the confirm button of an old tab
    assert not Subscriber.objects.get().is_confirmed

    response = client.post(path, {"renew": "1"})
    assert response["Location"] == "/newsletter/posteingang/"
    new_path = link_in(mail.outbox[1], "/newsletter/bestaetigen/").removeprefix(SITE)
    assert new_path != path
    client.post(new_path)
    assert Subscriber.objects.get().is_confirmed


def test_the_link_expires_after_newsletter_confirm_hours(client, settings):
    settings.NEWSLETTER_CONFIRM_HOURS = 2
    subscribe(client)
    expires = Subscriber.objects.get().confirm_expires_at
    assert (
        timedelta(hours=1, minutes=59) < expires - timezone.now() <= timedelta(hours=2)
    )
    assert "2 Stunden" in mail.outbox[0].body


def test_a_mail_server_failure_gets_a_german_message_not_a_500(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nobody listens
    settings.EMAIL_USE_TLS = False

    response = subscribe(client)

    assert response.status_code == 503
    text = parse_html(response.content.decode()).text
    assert "Wir konnten Ihnen gerade keine E-Mail schicken" in text


def test_an_unknown_link_is_404_in_german(client):
    response = client.get("/newsletter/bestaetigen/gibt-es-nicht/")
    assert response.status_code == 404
    assert "ungültig" in parse_html(response.content.decode()).text


def test_pages_do_not_reveal_whether_an_address_is_subscribed(client):
    confirmed_subscriber("bekannt@example.org")
    known = subscribe(client, "Bekannt@example.org")
    new = subscribe(client, "neu@example.org")

    assert known.status_code == new.status_code == 302
    assert known["Location"] == new["Location"]
    notice, confirmation = mail.outbox
    assert notice.to == ["bekannt@example.org"]
    assert "bereits" in notice.subject
    assert "/newsletter/bestaetigen/" not in notice.body
    assert link_in(notice, "/newsletter/abmelden/")
    assert confirmation.to == ["neu@example.org"]
    assert Subscriber.objects.get(email="bekannt@example.org").frequency == "daily"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"consent": ""}, "Dieses Feld ist zwingend erforderlich"),
        ({"scope": "selection"}, "mindestens eine Kommune oder ein Thema"),
        ({"frequency": "hourly"}, "keine gültige Auswahl"),
    ],
)
def test_bad_input_gets_a_german_message_and_keeps_the_form(client, fields, message):
    response = subscribe(client, **fields)
    assert response.status_code == 200
    assert message in parse_html(response.content.decode()).text
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_the_form_offers_only_municipalities_and_topics_with_published_news(client):
    essen = make_municipality(name="Essen")
    make_municipality(name="Geheimstadt")
    make_article(municipality=essen, tags=["Open Data"])
    make_article(status="draft", tags=["Geheimprojekt"])

    text = parse_html(client.get("/newsletter/").content.decode()).text

    assert "Essen" in text and "Open Data" in text
    assert "Geheimstadt" not in text and "Geheimprojekt" not in text


def test_newsletter_pages_are_never_cached(client, page_cache):
    confirmed = confirmed_subscriber()
    for path in [
        "/newsletter/",
        "/newsletter/posteingang/",
        f"/newsletter/abmelden/{confirmed.unsubscribe_token}/",
        "/newsletter/bestaetigen/x/",
    ]:
        response = client.get(path)
        assert "no-store" in response["Cache-Control"], path
        assert "xkey" not in response, path


# Unsubscribing


def test_one_click_unsubscribe_works_without_cookies_or_csrf_token():
    subscriber = confirmed_subscriber()
    mail_client = Client(enforce_csrf_checks=True)  # as a mail program posts
    path = f"/newsletter/abmelden/{subscriber.unsubscribe_token}/"

    response = mail_client.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type=("application/x-www-form-urlencoded"),
    )

    assert response.status_code == 200
    assert not response.cookies
    assert not Subscriber.objects.exists()
    assert "abgemeldet" in parse_html(response.content.decode()).text


def test_opening_the_unsubscribe_link_asks_first(client):
    subscriber = confirmed_subscriber()
    path = f"/newsletter/abmelden/{subscriber.unsubscribe_token}/"

    page = parse_html(client.get(path).content.decode())

    assert "Jetzt abmelden" in page.text
    assert Subscriber.objects.exists()
    client.post(path)
    assert not Subscriber.objects.exists()


def test_an_unknown_unsubscribe_link_answers_like_a_known_one(client):
    response = client.post("/newsletter/abmelden/unbekannt/")
    assert response.status_code == 200
    assert "abgemeldet" in parse_html(response.content.decode()).text


# The edition and its mail


def test_the_mail_has_one_click_unsubscribe_headers_and_links():
    subscriber = confirmed_subscriber()
    make_article(published_at=yesterday_at(9))

    send_daily()

    [message] = mail.outbox
    link = f"{SITE}/newsletter/abmelden/{subscriber.unsubscribe_token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert link in message.body
    assert link in parse_html(html_of(message)).urls()
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_the_mail_is_accessible_html_plus_text_with_the_photo_credit():
    confirmed_subscriber()
    article = make_article(
        title="Stadt startet TikTok-Kanal",
        image=make_jpeg(),
        alt_text="Das Rathaus von Essen",
        image_credit=make_credit(creator="victor69", source="123rf.com"),
        published_at=yesterday_at(9),
    )
    Edition.objects.create(
        frequency=Frequency.DAILY,
        period_start=newsletters.latest_period(Frequency.DAILY),
        intro="Guten Morgen aus der Redaktion!",
    )

    send_daily()

    [message] = mail.outbox
    page = parse_html(html_of(message))
    assert page.find_all("html")[0].get("lang") == "de"
    assert len(page.find_all("h1")) == 1
    assert len(page.find_all("h2")) == 1  # one heading per article
    assert "Stadt startet TikTok-Kanal" in page.text
    assert page.alts == ["Das Rathaus von Essen"]
    assert page.find_all("img")[0].get("src").startswith(SITE + "/media/")
    assert "Bildquelle: victor69/123rf.com" in page.text
    assert "Guten Morgen aus der Redaktion!" in page.text
    assert SITE + article.get_absolute_url() in page.urls()
    # The plain text carries the same news, credit and links.
    assert "Stadt startet TikTok-Kanal" in message.body
    assert "Bildquelle: victor69/123rf.com" in message.body
    assert SITE + article.get_absolute_url() in message.body
    assert "<" not in message.body.replace("<https", "")


def test_each_subscriber_gets_the_published_news_of_their_choice():
    essen = make_municipality(name="Essen")
    bonn = make_municipality(name="Bonn")
    make_article(
        title="Essen digital", municipality=essen, published_at=yesterday_at(8)
    )
    make_article(
        title="Bonn KI", municipality=bonn, tags=["KI"], published_at=yesterday_at(9)
    )
    make_article(title="Bund", published_at=yesterday_at(10))
    make_article(title="Entwurf", status="draft", published_at=yesterday_at(11))
    make_article(
        title="Abgelaufen", published_at=yesterday_at(12), unpublish_at=yesterday_at(13)
    )
    make_article(title="Von heute", published_at=timezone.now() - timedelta(minutes=1))
    make_article(title="Vorgestern", published_at=yesterday_at(-2))
    confirmed_subscriber("alles@example.org")
    places = confirmed_subscriber("essen@example.org", scope=Scope.SELECTION)
    places.municipalities.set([essen])
    topics = confirmed_subscriber("ki@example.org", scope=Scope.SELECTION)
    topics.topics.set([Tag.objects.get(name="KI")])
    weekly = confirmed_subscriber("woche@example.org", frequency=Frequency.WEEKLY)
    nothing = confirmed_subscriber("nichts@example.org", scope=Scope.SELECTION)
    nothing.municipalities.set([make_municipality(name="Ruhig")])

    edition = send_daily()

    got = {message.to[0]: message.body for message in mail.outbox}
    assert set(got) == {"alles@example.org", "essen@example.org", "ki@example.org"}
    titles = {"Essen digital", "Bonn KI", "Bund", "Entwurf", "Abgelaufen"}
    titles |= {"Von heute", "Vorgestern"}

    def shown(body):
        return {title for title in titles if f": {title}\n" in body}

    assert shown(got["alles@example.org"]) == {"Essen digital", "Bonn KI", "Bund"}
    assert shown(got["essen@example.org"]) == {"Essen digital"}
    assert shown(got["ki@example.org"]) == {"Bonn KI"}
    assert Delivery.objects.get(subscriber=nothing, edition=edition).status == (
        DeliveryStatus.SKIPPED
    )
    assert not Delivery.objects.filter(subscriber=weekly).exists()


def test_an_edition_is_built_once_and_a_withdrawn_article_is_left_out():
    first = make_article(title="Erste", published_at=yesterday_at(8))
    edition = newsletters.edition_build(
        frequency=Frequency.DAILY, period_start=newsletters.latest_period("daily")
    )
    make_article(title="Nachgereicht", published_at=yesterday_at(9))
    again = newsletters.edition_build(
        frequency=Frequency.DAILY, period_start=newsletters.latest_period("daily")
    )
    assert again.pk == edition.pk
    assert again.article_ids == [first.pk]

    first.unpublish()
    assert newsletters.edition_articles(again) == []


def test_a_second_run_sends_nothing_twice():
    confirmed_subscriber()
    make_article(published_at=yesterday_at(9))
    send_daily()
    send_daily()
    assert len(mail.outbox) == 1


def test_the_weekly_edition_covers_last_week_monday_to_sunday():
    wednesday = timezone.localdate().replace(year=2026, month=11, day=25)
    assert newsletters.latest_period("weekly", wednesday).isoformat() == "2026-11-16"
    edition = Edition(frequency="weekly", period_start=wednesday)
    assert edition.period_end.isoformat() == "2026-12-02"
    monday = Edition(frequency="weekly", period_start=wednesday - timedelta(days=2))
    assert monday.period_label() == "23.11.–29.11.2026"


def test_send_newsletter_command_reports_progress_and_needs_the_site_url(settings):
    confirmed_subscriber()
    make_article(published_at=yesterday_at(9))
    out = StringIO()

    call_command("send_newsletter", "--frequency", "daily", "--rate", "0", stdout=out)

    assert "1/1" in out.getvalue()
    assert "Fertig: 1 gesendet" in out.getvalue()
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="NEWSROOM_SITE_URL"):
        call_command("send_newsletter", "--frequency", "weekly")


def test_send_newsletter_forgets_expired_unconfirmed_requests(client):
    subscribe(client)
    Subscriber.objects.update(confirm_expires_at=timezone.now() - timedelta(hours=1))
    call_command("send_newsletter", "--frequency", "daily", stdout=StringIO())
    assert not Subscriber.objects.exists()


# Editors write the intro


def test_editors_write_the_intro_of_an_edition_before_it_is_built(editor_client):
    response = editor_client.post(
        "/admin/articles/edition/add/",
        {
            "frequency": "weekly",
            "period_start": "23.11.2026",
            "intro": "Diese Woche: Wahlen.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    edition = Edition.objects.get()
    assert edition.intro == "Diese Woche: Wahlen."
    refused = editor_client.post(
        "/admin/articles/edition/add/",
        {"frequency": "weekly", "period_start": "24.11.2026", "intro": "x"},
    )
    assert "montags" in refused.content.decode()


# The subscriber's data


def test_export_lists_everything_stored_and_delete_removes_it():
    subscriber = confirmed_subscriber(scope=Scope.SELECTION)
    subscriber.municipalities.set([make_municipality(name="Essen")])
    make_article(
        published_at=yesterday_at(9), municipality=subscriber.municipalities.get()
    )
    send_daily()
    out = StringIO()

    call_command("newsletter_subscriber", "export", "Leserin@example.org", stdout=out)

    data = json.loads(out.getvalue())
    assert data["email"] == "leserin@example.org"
    assert data["municipalities"] == ["Essen"]
    assert data["consent_text"] == "Einwilligung"
    assert [d["status"] for d in data["deliveries"]] == ["sent"]

    call_command("newsletter_subscriber", "delete", "leserin@example.org", stdout=out)
    assert not Subscriber.objects.exists()
    assert not Delivery.objects.exists()
    with pytest.raises(CommandError, match="Keine Newsletter-Anmeldung"):
        call_command("newsletter_subscriber", "export", "leserin@example.org")


def test_subscribers_never_appear_in_feeds_or_sitemaps(client):
    confirmed_subscriber("geheim@example.org")
    make_article()
    for path in ["/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/sitemap-news.xml"]:
        assert b"geheim@example.org" not in client.get(path).content, path


def test_backups_include_subscribers_and_their_choices(tmp_path):
    # Restoring them is loaddata of the same dump, as for every other row
    # (tests/test_backup.py).
    subscriber = confirmed_subscriber("gesichert@example.org", scope=Scope.SELECTION)
    subscriber.municipalities.set([make_municipality(name="Essen")])
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", str(archive), stdout=StringIO())

    with tarfile.open(archive) as tar:
        data = json.load(tar.extractfile("data.json"))
    [row] = [row for row in data if row["model"] == "articles.subscriber"]
    assert row["fields"]["email"] == "gesichert@example.org"
    assert row["fields"]["municipalities"]


def test_the_privacy_page_describes_the_newsletter(client):
    text = parse_html(
        client.get(
            Page.objects.get(slug="datenschutz").get_absolute_url()
        ).content.decode()
    ).text
    assert "Newsletter" in text
    assert "Double-Opt-in" in text
