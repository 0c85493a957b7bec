import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p7Vq-9xK2mL8wR4tY6uI0oP3aS5dF1gH7jK9lZ2xC4vB6nM8qW0eR",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "news.example.de",
    "DATABASE_URL": "sqlite:///:memory:",
}


def test_deploy_check_with_production_settings_reports_nothing():
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=settings.BASE_DIR,
        env={**base, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def csp_directives(response):
    """The policy as {directive: sources}; django-csp's order varies."""
    return dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )


def test_reader_pages_send_a_strict_content_security_policy(client):
    response = client.get(make_article().get_absolute_url())
    policy = csp_directives(response)
    assert policy["script-src"] == "'self'"  # no nonce: the page needs none
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_admin_sends_the_same_policy(admin_client):
    response = admin_client.get(reverse("admin:articles_article_changelist"))
    assert csp_directives(response)["script-src"] == "'self'"


def test_the_editors_only_inline_script_carries_the_responses_nonce(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    script_src = csp_directives(response)["script-src"]
    nonce = re.fullmatch(r"'self' 'nonce-([^']+)'", script_src).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>\s*\S", html)
    assert inline == [f' type="importmap" nonce="{nonce}"']
    assert "unsafe-inline" not in script_src


def test_https_requests_get_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(make_article().get_absolute_url(), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_repeated_failed_admin_logins_are_throttled(client, django_user_model):
    django_user_model.objects.create_user(
        "redakteurin", password="richtig-und-lang-genug", is_staff=True
    )
    login = reverse("admin:login")
    wrong = {"username": "redakteurin", "password": "falsch"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(login, wrong).status_code == 200  # form with error
    assert client.post(login, wrong).status_code == 429
    # Now even the right password is refused for a while.
    response = client.post(
        login, {"username": "redakteurin", "password": "richtig-und-lang-genug"}
    )
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_before_the_limit_succeeds(client, django_user_model):
    django_user_model.objects.create_user(
        "redakteurin", password="richtig-und-lang-genug", is_staff=True
    )
    login = reverse("admin:login")
    client.post(login, {"username": "redakteurin", "password": "falsch"})
    response = client.post(
        login, {"username": "redakteurin", "password": "richtig-und-lang-genug"}
    )
    assert response.status_code == 302
