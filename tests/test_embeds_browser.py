"""The consent placeholder in a real browser: nothing goes to TikTok before
the click, the keyboard loads the player, and "immer laden" holds for the
next visit. The machine has no internet: requests to the provider are
answered here with an empty page (page.route) and counted."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTICLE = "/artikel/essen-stadt-startet-tiktok-kanal/"
PLAYER = "https://www.tiktok.com/embed/v2/7491234567890123456"
PROVIDER_HOSTS = (
    "tiktok.com",
    "tiktokcdn.com",
    "youtube.com",
    "youtube-nocookie.com",
    "vimeo.com",
    "instagram.com",
    "social.bund.de",
)


def is_provider(url):
    host = urlsplit(url).hostname or ""
    return any(host == name or host.endswith("." + name) for name in PROVIDER_HOSTS)


@pytest.fixture
def watched(page):
    """The page with every request and CSP complaint recorded, and the
    provider's answers faked (no internet here)."""
    requests, csp_errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.route(
        is_provider,
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<p>Video</p>"
        ),
    )
    return page, requests, csp_errors


def test_tiktok_loads_only_after_the_keyboard_click_and_is_remembered(
    live_site, watched
):
    call_command("load_demo")
    page, requests, csp_errors = watched
    page.goto(live_site.url + ARTICLE)
    button = page.get_by_role("button", name="Inhalt von TikTok laden")
    expect(button).to_be_visible()
    expect(
        page.get_by_role("link", name="Mehr in der Datenschutzerklärung")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert [url for url in requests if is_provider(url)] == []
    assert page.locator("iframe").count() == 0

    # Tick "immer laden" and press the button, both by keyboard.
    page.get_by_role("checkbox", name="Inhalte von TikTok immer laden").focus()
    page.keyboard.press("Space")
    button.focus()
    page.keyboard.press("Enter")
    frame = page.locator(".embed iframe")
    expect(frame).to_have_attribute("src", PLAYER)
    expect(frame).to_have_attribute("title", "Inhalt von TikTok")
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    page.wait_for_load_state("networkidle")
    assert [url for url in requests if is_provider(url)] == [PLAYER]
    assert csp_errors == []

    # The next visit loads the player directly, with no button.
    requests.clear()
    page.goto(live_site.url + ARTICLE)
    expect(page.locator(".embed iframe")).to_have_attribute("src", PLAYER)
    expect(page.get_by_role("button", name="Inhalt von TikTok laden")).to_have_count(0)
    assert csp_errors == []


def test_without_javascript_the_placeholder_is_a_plain_link(live_site, browser):
    call_command("load_demo")
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(live_site.url + ARTICLE)
        link = page.get_by_role("link", name="Beitrag bei TikTok öffnen")
        expect(link).to_have_attribute(
            "href", "https://www.tiktok.com/@essen_ruhr/video/7491234567890123456"
        )
        # The button does nothing without JavaScript, so it is not shown.
        expect(
            page.get_by_role("button", name="Inhalt von TikTok laden")
        ).to_be_hidden()
    finally:
        context.close()
