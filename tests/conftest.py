import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _no_page_cache(settings, tmp_path):
    """Pages render fresh so that query budgets count the page's own queries;
    tests/test_cache.py turns the page cache on, in a store of its own."""
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
