"""Two-factor login in a real browser: a superuser sets up the app from the
enrolment page and logs in with password and a TOTP code computed here, as
the phone would."""

from base64 import b32decode

import pytest
from django.contrib.auth.models import User
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_totp_device, make_user, totp_code

pytestmark = pytest.mark.browser


def log_in_with_password(page, admin, username):
    page.goto(f"{admin}/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def test_superuser_logs_in_with_password_and_totp_code(live_site, page):
    user = make_user(username="chefin", is_superuser=True)
    device = make_totp_device(user)
    admin = f"{live_site.url}/admin"
    log_in_with_password(page, admin, "chefin")
    expect(page.get_by_text("sechsstelligen Code")).to_be_visible()

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator(".errorlist")).to_contain_text("Dieser Code stimmt nicht")
    # The admin stays shut: it asks for the code again.
    page.goto(f"{admin}/articles/article/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung bestätigen")

    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("link", name="Artikel", exact=True)).to_be_visible()
    page.goto(f"{admin}/articles/article/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Artikel")


def test_superuser_enrols_with_the_key_shown_and_gets_recovery_codes(live_site, page):
    make_user(username="chefin", is_superuser=True)
    console = []
    page.on("console", lambda message: console.append(message.text))
    admin = f"{live_site.url}/admin"
    log_in_with_password(page, admin, "chefin")
    expect(page.get_by_text("vorgeschrieben")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    # The QR code is drawn inline: the CSP blocks nothing on the page.
    assert not [text for text in console if "Content Security Policy" in text]

    key = page.locator("#two-factor-key").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(f"{totp(b32decode(key)):06d}")
    page.get_by_role("button", name="Einrichten").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    recovery_code = page.locator("#recovery-codes code").first.inner_text()

    page.get_by_role("link", name="Weiter zur Redaktion").click()
    expect(page.get_by_role("link", name="Artikel", exact=True)).to_be_visible()
    assert User.objects.get(username="chefin").totpdevice_set.get().confirmed

    # Next time: password, then a recovery code instead of the phone.
    page.get_by_role("button", name="Abmelden").click()
    log_in_with_password(page, admin, "chefin")
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("link", name="Artikel", exact=True)).to_be_visible()
