"""The embeddable widget (static/widget/nachrichten.js) on a foreign page:
docs/widget-demo/index.html, served from another port than the site, shows
the latest news about its municipality through the API (CORS), accessible
(axe-core, WCAG 2.1 AA), with dates as dd.mm.yyyy and each photo's credit,
and loads no cookies and nothing from a third party."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import (
    berlin,
    make_article,
    make_credit,
    make_hidden_article,
    make_jpeg,
    make_municipality,
)
from tests.servers import bound_socket
from tests.test_quality import WCAG_21_AA

pytestmark = pytest.mark.browser

DEMO = Path(__file__).resolve().parent.parent / "docs" / "widget-demo"
PORTAL_IN_DEMO = "http://127.0.0.1:8000"


@pytest.fixture
def demo_site(tmp_path, live_site):
    """The demo page on a port of its own, its script from the live site."""
    page = (DEMO / "index.html").read_text()
    assert PORTAL_IN_DEMO in page
    (tmp_path / "index.html").write_text(page.replace(PORTAL_IN_DEMO, live_site.url))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    sock = bound_socket()
    host, port = sock.getsockname()
    sock.close()
    server = ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{host}:{port}/index.html"
    server.shutdown()
    server.server_close()


@pytest.fixture
def essen_news(transactional_db):
    essen = make_municipality(name="Essen", slug="essen", federal_state="NW")
    make_article(
        title="Stadt startet TikTok-Kanal",
        kicker="Essen",
        municipality=essen,
        published_at=berlin(2025, 4, 9, 10, 30),
        image=make_jpeg(size=(1200, 675)),
        alt_text="Ein Smartphone mit der TikTok-App vor dem Rathaus",
        image_credit=make_credit(creator="victor69", source="123rf.com"),
    )
    make_article(
        title="Bürgerbüro bucht Termine online",
        kicker="Essen",
        municipality=essen,
        published_at=berlin(2025, 3, 31, 23, 30),
    )
    make_article(title="Nachricht aus Bonn", municipality=make_municipality())
    make_hidden_article("draft", title="Entwurf aus Essen", municipality=essen)
    make_hidden_article("scheduled", title="Geplant für Essen", municipality=essen)


def test_widget_shows_the_municipalitys_news_on_a_foreign_page(
    demo_site, live_site, essen_news, page, axe
):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(demo_site)
    widget = page.locator(".nachrichten-widget")
    widget.locator("li").first.wait_for()

    assert (
        widget.get_by_role("heading", level=2).inner_text() == "Nachrichten aus Essen"
    )
    links = widget.get_by_role("link")
    assert links.all_inner_texts() == [
        "Stadt startet TikTok-Kanal",
        "Bürgerbüro bucht Termine online",
    ]
    assert links.first.get_attribute("href").startswith(live_site.url + "/artikel/")
    assert widget.locator("time").all_inner_texts() == ["09.04.2025", "31.03.2025"]
    assert widget.locator("figcaption").all_inner_texts() == [
        "Bildquelle: victor69/123rf.com"
    ]
    assert widget.get_by_role("img").get_attribute("alt") == (
        "Ein Smartphone mit der TikTok-App vor dem Rathaus"
    )
    text = widget.inner_text()
    assert "Entwurf" not in text and "Geplant" not in text and "Bonn" not in text
    # the host page's font, no cookies, nothing but the page and the portal
    fonts = page.evaluate(
        "[document.body, document.querySelector('.nachrichten-widget a')]"
        ".map(node => getComputedStyle(node).fontFamily)"
    )
    assert fonts[0] == fonts[1] and "Georgia" in fonts[0]
    assert page.context.cookies() == []
    assert hosts == {urlsplit(demo_site).netloc, urlsplit(live_site.url).netloc}

    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    problems = [
        f"{violation['id']} ({violation['impact']})"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert problems == []


def test_widget_says_so_when_the_news_cannot_be_loaded(
    demo_site, transactional_db, page
):
    # no municipality "essen" on the portal: the API answers 404
    page.goto(demo_site)

    message = page.locator(".nachrichten-widget")
    message.wait_for()

    assert "konnten nicht geladen werden" in message.inner_text()
    assert message.get_by_role("link").inner_text() == "Zu den Nachrichten"
