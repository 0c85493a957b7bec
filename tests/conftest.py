import os
import shutil

import pytest
from django.test import override_settings

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def require():
    """require(condition, message): skip on a developer's machine without
    `condition`; fail under CI=true, where .ci/run provides every tool and
    service."""

    def require(condition, message):
        if condition:
            return
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    return require


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Hash test users' passwords with MD5: PBKDF2 is slow on purpose and
    cost about half a second per user. The servers tests start as separate
    processes keep the production hasher."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ):
        yield


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages render fresh so that query budgets count the page's own queries;
    tests/test_cache.py turns the page cache on."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads go to a temporary folder; static files need no collectstatic."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright. Skips on a machine
    without it, but never under CI=true, where .ci/run installs it."""
    if not shutil.which(CHROMIUM):
        message = (
            f"Browser tests need Chromium at {CHROMIUM}: "
            "apt-get install chromium chromium-driver"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM
    # calls that tests make around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
