"""Sending an edition through a real SMTP server (aiosmtpd, started by the
test): interrupted part-way and resumed, every subscriber gets exactly one
mail. Once with 1,000 subscribers and a mail the server refuses (the sender
notices), once with a sending process killed while it waits for the
server's answer (the crash window the sender cannot see; 200 subscribers,
since a SQLite file commits slowly)."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from email import message_from_bytes
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles import newsletters
from articles.models import Delivery, DeliveryStatus, Frequency, Subscriber
from tests.factories import make_article
from tests.servers import ROOT, SmtpServer, run_python, site_environment

SITE = "https://news.example.de"
SUBSCRIBERS = 1000
KILLED_SUBSCRIBERS = 200


def address(number):
    return f"leser{number}@example.org"


def yesterday_noon():
    yesterday = timezone.localdate() - timedelta(days=1)
    return newsletters.local_midnight(yesterday) + timedelta(hours=12)


def add_subscribers(count):
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(
            email=address(number),
            frequency=Frequency.DAILY,
            unsubscribe_token=f"abmelden-{number}",
            confirmed_at=now,
            consent_at=now,
            consent_text="Einwilligung",
        )
        for number in range(count)
    )


def refuse_once_after(count):
    """An on_message hook: the mail after `count` accepted ones is refused
    with a temporary error, as a server going down for maintenance does."""
    refused = []

    def on_message(server):
        if server.count == count and not refused:
            refused.append(True)
            return "451 4.3.0 Wartung, bitte später erneut versuchen"
        return None

    return on_message


@pytest.mark.django_db
def test_an_interrupted_send_resumes_and_mails_everyone_exactly_once(settings):
    settings.SITE_URL = SITE
    make_article(title="Stadt startet TikTok-Kanal", published_at=yesterday_noon())
    add_subscribers(SUBSCRIBERS)
    with SmtpServer(on_message=refuse_once_after(400)) as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = False
        send = ["send_newsletter", "--frequency", "daily", "--rate", "0"]

        with pytest.raises(CommandError, match="Versand unterbrochen"):
            call_command(*send, stdout=StringIO())
        assert smtp.count == 400

        out = StringIO()
        call_command(*send, stdout=out)

    assert smtp.count == SUBSCRIBERS
    assert set(smtp.received) == {address(n) for n in range(SUBSCRIBERS)}
    assert set(smtp.received.values()) == {1}
    assert f"{SUBSCRIBERS - 400}/{SUBSCRIBERS - 400}" in out.getvalue()
    assert "Fertig: 600 gesendet" in out.getvalue()
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert statuses == {DeliveryStatus.SENT}

    mail = message_from_bytes(smtp.last_message)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith(f"<{SITE}/newsletter/abmelden/")
    assert mail.get_content_type() == "multipart/alternative"

    call_command(*send, stdout=StringIO())  # a third run: nothing left to send
    assert smtp.count == SUBSCRIBERS


SITE_WITH_SUBSCRIBERS = f"""
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Subscriber
yesterday = timezone.localdate() - timedelta(days=1)
Article.objects.create(
    title="Stadt startet TikTok-Kanal", slug="tiktok", kicker="Essen",
    lead="Nun kommt TikTok dazu.", status="published",
    published_at=timezone.make_aware(
        timezone.datetime.combine(yesterday, timezone.datetime.min.time())
    ) + timedelta(hours=12),
)
now = timezone.now()
Subscriber.objects.bulk_create(
    Subscriber(
        email=f"leser{{n}}@example.org", frequency="daily",
        unsubscribe_token=f"abmelden-{{n}}", confirmed_at=now, consent_at=now,
    )
    for n in range({KILLED_SUBSCRIBERS})
)
"""


def test_a_sender_killed_mid_send_resumes_without_mailing_anyone_twice(tmp_path):
    sender = {}

    def kill_the_sender(server):
        # The 121st mail arrives; the sender dies before it hears "250".
        if server.count == 120:
            os.kill(sender["process"].pid, signal.SIGKILL)
            sender["process"].wait()

    smtp = SmtpServer(on_message=kill_the_sender)
    env = site_environment(
        tmp_path,
        SITE_WITH_SUBSCRIBERS,
        NEWSROOM_SITE_URL=SITE,
        NEWSLETTER_RATE="0",
        **smtp.environment(),
    )
    send = ["manage.py", "send_newsletter", "--frequency", "daily"]
    with smtp:
        sender["process"] = subprocess.Popen(
            [sys.executable, *send],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert sender["process"].wait(timeout=300) == -signal.SIGKILL
        assert smtp.count == 121

        resumed = run_python(env, *send)

    assert resumed.returncode == 0, resumed.stderr
    assert "Fertig: 79 gesendet" in resumed.stdout
    # The one mail in the crash window is not sent again, and says so.
    assert "1 Zustellungen blieben" in resumed.stderr
    assert set(smtp.received) == {address(n) for n in range(KILLED_SUBSCRIBERS)}
    assert set(smtp.received.values()) == {1}


def test_the_throttle_keeps_to_the_rate():
    clock = [0.0]

    def sleep(seconds):
        clock[0] += seconds

    throttle = newsletters.Throttle(10, clock=lambda: clock[0], sleep=sleep)
    for _mail in range(21):
        throttle.wait()
    assert clock[0] == pytest.approx(2.0)  # 21 mails at 10 per second

    unlimited = newsletters.Throttle(0, clock=lambda: clock[0], sleep=sleep)
    for _mail in range(100):
        unlimited.wait()
    assert clock[0] == pytest.approx(2.0)
