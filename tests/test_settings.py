"""Settings come from the environment; these start fresh interpreters so that
each reads the variables it is given."""

import os
import subprocess
import sys

from django.conf import settings

PRINT_SECURITY = (
    "from django.conf import settings; "
    "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, "
    "settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS)"
)


def run_python(code, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
    )


def test_start_up_without_secret_key_stops_with_a_clear_message():
    result = run_python("pass")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_manage_py_names_the_missing_key_without_a_traceback():
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=base,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_plain_http_is_the_default():
    result = run_python(PRINT_SECURITY, DJANGO_SECRET_KEY="x")
    assert result.stdout.split() == ["False", "False", "False", "0"]


def test_https_switch_turns_on_redirect_hsts_and_secure_cookies():
    result = run_python(PRINT_SECURITY, DJANGO_SECRET_KEY="x", DJANGO_HTTPS="1")
    assert result.stdout.split() == ["True", "True", "True", "31536000"]


def test_site_speaks_german_in_berlin_time():
    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ


def test_database_url_selects_the_database():
    result = run_python(
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])",
        DJANGO_SECRET_KEY="x",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"
