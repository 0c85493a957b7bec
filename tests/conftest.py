"""Fixtures that several test files share: the settings every test runs
under, users in each role, the page cache, the demo site and the browser."""

import os
import shutil

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings

from tests.factories import log_in_with_second_factor, make_user

CHROMIUM = "/usr/bin/chromium"


def _require(condition, message):
    """Skip on a developer's machine without `condition`; fail under
    CI=true, where .ci/run provides every tool and service."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def require():
    """require(condition, message): skip here, fail under CI=true."""
    return _require


# Settings every test runs under


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
def _no_page_cache(settings, tmp_path):
    """Pages render fresh so that query budgets count the page's own
    queries; the page_cache fixture turns the cache on, in a store of this
    test's own, with no edge to purge."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PAGE_CACHE_REDIS_URL = ""
    settings.PAGE_CACHE_PATH = tmp_path / "page-cache.sqlite3"
    settings.PURGE_URLS = []


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): …` makes the change inside behave as if committed:
    what waits for the commit (the page cache's invalidation) runs then."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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


@pytest.fixture
def page_cache(settings):
    """The page cache on, as in production; its store is this test's own
    (see _no_page_cache)."""
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


# Users in each role, and clients logged in as them


@pytest.fixture
def editor(db):
    """A member of the group Redaktion (staff, not superuser)."""
    return make_user(username="redakteurin", groups=["Redaktion"])


@pytest.fixture
def publisher(db):
    """A member of the group Chef vom Dienst: an editor who may publish."""
    return make_user(username="cvd", groups=["Chef vom Dienst"])


@pytest.fixture
def moderator(db):
    """A member of the group Moderation (staff, not superuser)."""
    return make_user(username="moderatorin", groups=["Moderation"])


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's superuser client, logged in with the second factor
    that superusers need (password and code)."""
    return log_in_with_second_factor(Client(), admin_user)


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def demo_site(db):
    """The demo content: the Essen article and the stories around it."""
    call_command("load_demo")


# Headless Chromium (Playwright) and the live site it visits


@pytest.fixture(scope="session")
def browser(require, django_db_setup):
    """Headless Debian Chromium driven by Playwright, one for the session."""
    require(
        shutil.which(CHROMIUM),
        f"Browser tests need Chromium at {CHROMIUM}: "
        "apt-get install chromium chromium-driver",
    )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the ORM
    # calls that tests make around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With that loop running, Django's connection handler (an asgiref Local)
    # gives this thread new connection objects. Hand them the rows that
    # pytest-django serialized after migrating, so that live_site's
    # serialized rollback still restores them.
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
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


def _new_page(browser, **options):
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin", **options
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    """A page in a desktop browser window of its own."""
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def reader_page(browser):
    """A second page with cookies of its own: a reader who is not logged in."""
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A page on a phone: 390 CSS pixels wide, at twice the density."""
    context, page = _new_page(
        browser,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe(require):
    """axe-core (from axe-playwright-python) to run on a Playwright page."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        require(
            False, "The accessibility check needs pip install axe-playwright-python"
        )
    return Axe()


@pytest.fixture
def live_site(live_server, django_db_serialized_rollback):
    """The site served over HTTP to the browser, from a database that holds
    what the migrations wrote (groups, footer pages) although an earlier
    transactional test flushed it."""
    return live_server
