"""A reader on a phone (390 px wide) in headless Chromium: home → article →
a related teaser → a topic page → search. Each page's screenshot is kept in
test-artifacts/ for people to look at."""

from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
        timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def keep_screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"phone-{name}.png", full_page=True)


def assert_fits_the_screen(page):
    """Nothing wider than the phone: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_reader_on_a_phone_goes_from_home_to_search(live_server, phone):
    call_command("load_demo")
    page = phone

    page.goto(live_server.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Aktuelle Meldungen"
    thumbnail = page.locator("article.teaser").first.get_by_role("img")
    # Thumbnails load lazily, possibly after the page's load event.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert (
        "Bildquelle: victor69/123rf.com" in page.locator(".credit").first.inner_text()
    )
    # Each repeated "mehr..." link says which article it opens.
    more = page.get_by_role("link", name="mehr... Digitales Rathaus ist eröffnet")
    assert more.count() == 1
    assert_fits_the_screen(page)
    keep_screenshot(page, "1-home")

    page.get_by_role("link", name="Essen: Stadt startet TikTok-Kanal").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Stadt startet TikTok-Kanal"
    )
    photo = page.locator("main figure img")
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    # 390 CSS px at 2x need the 800 px rendition; WebP where supported.
    assert photo.evaluate("img => img.currentSrc").endswith("-800.webp")
    assert_fits_the_screen(page)
    keep_screenshot(page, "2-article")

    related = page.get_by_role("complementary")
    related.get_by_role("link", name="Panketal: Digitales Rathaus ist eröffnet").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Digitales Rathaus ist eröffnet"
    )
    assert_fits_the_screen(page)
    keep_screenshot(page, "3-related")

    page.get_by_role("link", name="Onlinedienste").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thema: Onlinedienste"
    assert page.locator("main article.teaser").count() == 5
    assert_fits_the_screen(page)
    keep_screenshot(page, "4-topic")

    search = page.get_by_role("search").first
    search.get_by_label("Suchbegriff").fill("Bürgerportal")
    search.get_by_role("button", name="Suchen").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Suche nach „Bürgerportal“"
    )
    found = page.locator("main article.teaser h2").all_inner_texts()
    assert "Gütersloh: Neues Bürgerportal wird rege genutzt" in found
    assert_fits_the_screen(page)
    keep_screenshot(page, "5-search")


def test_every_reader_page_fits_a_320_px_screen(live_server, browser):
    call_command("load_demo")
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = {}
    for url in [
        "/",
        "/artikel/essen-stadt-startet-tiktok-kanal/",
        "/kommunen/",
        "/kommune/essen/",
        "/thema/soziale-medien/",
        "/archiv/",
        "/archiv/2025/04/",
        "/suche/?q=Portal",
        "/seite/barrierefreiheit/",
        "/gibt-es-nicht/",
    ]:
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    context.close()
    assert too_wide == {}
