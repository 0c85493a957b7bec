"""The reader's view in a real browser (headless Chromium)."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_opens_the_essen_article_from_home(live_server, page):
    call_command("load_demo")
    page.goto(live_server.url)
    page.get_by_role("link", name="Essen: Stadt startet TikTok-Kanal").click()

    article = page.locator("main article")
    assert article.locator(".kicker").inner_text() == "Essen"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Stadt startet TikTok-Kanal"
    )
    assert "TikTok als weiterer Kanal" in article.locator(".lead").inner_text()
    photo = article.get_by_role("img")
    assert "Smartphone" in photo.get_attribute("alt")
    # srcset picks a WebP rendition sized for the 44em column.
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 704
    assert photo.evaluate("img => img.currentSrc").endswith("-800.webp")
    caption = article.locator("figcaption").inner_text()
    assert "Bildquelle: victor69/123rf.com" in caption
    assert "@essen_ruhr" in article.locator(".body").inner_text()
    assert page.get_by_role("link", name="Soziale Medien").is_visible()
    sidebar = page.get_by_role("complementary")
    assert sidebar.locator("article.teaser").count() == 15
    more = sidebar.get_by_role("link", name="mehr... Digitales Rathaus ist eröffnet")
    assert more.count() == 1
