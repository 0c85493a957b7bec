"""Security and settings: production's deploy check, the Content Security
Policy and other headers, throttled admin logins; settings from the
environment (each read by a fresh interpreter), HTTPS, object storage."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, make_article
from tests.html import parse_html
from tests.servers import environment, run_python

pytestmark = pytest.mark.django_db

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p7Vq-9xK2mL8wR4tY6uI0oP3aS5dF1gH7jK9lZ2xC4vB6nM8qW0eR",
    "DJANGO_HTTPS": "1",
    "DJANGO_ALLOWED_HOSTS": "news.example.de",
    "DATABASE_URL": "sqlite:///:memory:",
    "NEWSROOM_SITE_URL": "https://news.example.de",
    "NEWSROOM_TRUSTED_PROXY_COUNT": "1",
}


def test_deploy_check_with_production_settings_reports_nothing():
    result = run_python(
        environment(**PRODUCTION_ENV),
        *("manage.py", "check", "--deploy", "--fail-level", "DEBUG"),
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
    inline = [
        dict(script.attrs)
        for script in parse_html(response.content.decode()).scripts
        if script.get("src") is None and script.text.strip()
    ]
    assert inline == [{"type": "importmap", "nonce": nonce}]
    assert "unsafe-inline" not in script_src


def test_https_requests_get_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(make_article().get_absolute_url(), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_repeated_failed_admin_logins_are_throttled(client, editor):
    login = reverse("admin:login")
    wrong = {"username": editor.username, "password": "falsch"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(login, wrong).status_code == 200  # form with error
    assert client.post(login, wrong).status_code == 429
    # Now even the right password is refused for a while.
    response = client.post(login, {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_correct_login_before_the_limit_succeeds(client, editor):
    login = reverse("admin:login")
    client.post(login, {"username": editor.username, "password": "falsch"})
    response = client.post(login, {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302


# Settings from the environment


PRINT_SECURITY = (
    "from django.conf import settings; "
    "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, "
    "settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)"
)


def run_with_settings(code, **env):
    """Run `code` in a fresh interpreter with Django set up from `env`."""
    return run_python(
        environment(DJANGO_SETTINGS_MODULE="newsroom.settings", **env),
        *("-c", "import django; django.setup(); " + code),
    )


def test_start_up_without_secret_key_stops_with_a_clear_message():
    result = run_with_settings("pass")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_manage_py_names_the_missing_key_without_a_traceback():
    result = run_python(environment(), "manage.py", "check")
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_plain_http_is_the_default():
    result = run_with_settings(PRINT_SECURITY, DJANGO_SECRET_KEY="x")
    assert result.stdout.split() == ["False", "False", "False", "0"]


def test_https_switch_turns_on_redirect_hsts_and_secure_cookies():
    result = run_with_settings(PRINT_SECURITY, DJANGO_SECRET_KEY="x", DJANGO_HTTPS="1")
    assert result.stdout.split() == ["True", "True", "True", "31536000"]


def test_site_speaks_german_in_berlin_time():
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ


def test_database_url_selects_the_database():
    result = run_with_settings(
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])",
        DJANGO_SECRET_KEY="x",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_object_storage_keeps_uploads_off_the_app_servers():
    result = run_with_settings(
        "from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, settings.SERVE_MEDIA, "
        "s.url('articles/2025/04/foto.jpg'))",
        DJANGO_SECRET_KEY="x",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.de",
        AWS_S3_CUSTOM_DOMAIN="media.example.de",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "newsroom-media",
        "False",
        "https://media.example.de/articles/2025/04/foto.jpg",
    ]


PRINT_IMG_SRC = (
    "from django.conf import settings; "
    "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
)


@pytest.mark.parametrize(
    ("variables", "host"),
    [
        ({"AWS_S3_CUSTOM_DOMAIN": "media.news.example.de"}, "media.news.example.de"),
        ({"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "127.0.0.1:9000"),
        ({"AWS_S3_REGION_NAME": "eu-central-1"}, "fotos.s3.eu-central-1.amazonaws.com"),
        ({}, "fotos.s3.amazonaws.com"),
    ],
    ids=["custom domain", "endpoint", "aws region", "aws"],
)
def test_photos_on_s3_are_allowed_by_the_content_security_policy(variables, host):
    result = run_with_settings(
        PRINT_IMG_SRC,
        DJANGO_SECRET_KEY="x",
        AWS_STORAGE_BUCKET_NAME="fotos",
        **variables,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["'self'", "data:", host]


def test_photos_on_this_site_need_no_other_image_host():
    result = run_with_settings(PRINT_IMG_SRC, DJANGO_SECRET_KEY="x")
    assert result.stdout.split() == ["'self'", "data:"]
