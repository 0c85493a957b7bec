"""Every reader page is shareable and findable: canonical link, description,
OpenGraph and Twitter card from one include; a favicon; share links that
load nothing from third parties; the Mastodon share page that redirects
only to /share on a valid host name."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import make_archive, make_article
from tests.html import parse_html
from tests.test_quality import READER_PAGES

pytestmark = pytest.mark.django_db

# Pages that are not documents of their own: no canonical link, noindex.
NOT_CANONICAL = {"404"}
NOINDEX = {"404"} | {
    name for name in READER_PAGES if name.startswith(("search", "newsletter", "share"))
}


def parsed(client, url):
    return parse_html(client.get(url).content.decode())


def canonical(page):
    [href] = [link["href"] for link in page.links if link.get("rel") == "canonical"]
    return href


def test_every_reader_page_has_canonical_description_and_sharing_tags(
    client, demo_site
):
    problems = []
    for name, url in READER_PAGES.items():
        if name in NOT_CANONICAL:
            continue
        page = parsed(client, url)
        meta = page.meta
        for key in ("description", "og:title", "og:description", "og:image"):
            if not (meta.get(key) and meta[key][0]):
                problems.append(f"{name}: no {key}")
        for key in ("og:url", "og:type", "og:site_name", "twitter:card"):
            if key not in meta:
                problems.append(f"{name}: no {key}")
        if not meta.get("og:image", [""])[0].startswith("http://testserver/"):
            problems.append(f"{name}: og:image not absolute")
        try:
            href = canonical(page)
        except ValueError:
            problems.append(f"{name}: not one canonical link")
            continue
        if href != f"http://testserver{url.split('?')[0]}" and "?" not in url:
            problems.append(f"{name}: canonical {href}")
        if meta.get("og:url") != [href]:
            problems.append(f"{name}: og:url differs from canonical")
        is_noindex = meta.get("robots") == ["noindex"]
        if is_noindex != (name in NOINDEX):
            problems.append(f"{name}: noindex is {is_noindex}")
    assert problems == []


def test_pages_name_what_they_show_in_title_and_description(client, demo_site):
    topic = parsed(client, "/thema/soziale-medien/").meta
    assert topic["og:title"] == ["Thema: Soziale Medien"]
    assert "Soziale Medien" in topic["description"][0]
    place = parsed(client, "/kommune/essen/").meta
    assert place["og:title"] == ["Meldungen aus Essen"]
    article = parsed(client, "/artikel/essen-stadt-startet-tiktok-kanal/").meta
    assert article["og:type"] == ["article"]
    assert article["og:title"] == ["Essen: Stadt startet TikTok-Kanal"]
    state = parsed(client, "/land/nordrhein-westfalen/").meta
    assert state["og:title"] == ["Meldungen aus Nordrhein-Westfalen"]
    author = parsed(client, "/autor/anna-berger/").meta
    assert author["og:title"] == ["Anna Berger"]
    assert author["description"][0].startswith("Anna Berger berichtet")
    assert "/renditions/" in author["og:image"][0]  # her portrait
    dossier = parsed(client, "/schwerpunkt/soziale-medien-in-rathaeusern/").meta
    assert dossier["og:title"] == ["Schwerpunkt: Soziale Medien in Rathäusern"]
    assert dossier["description"][0].startswith("Immer mehr Städte")
    assert "/renditions/" in dossier["og:image"][0]


def test_each_page_of_a_list_is_canonical_to_itself(client, db):
    make_archive(30)
    first = parsed(client, "/")
    older = first.link("next")
    assert older.startswith("?nach=")
    second = parsed(client, "/" + older)
    assert canonical(first) == "http://testserver/"
    assert canonical(second) == f"http://testserver/{older}"


def test_tracking_parameters_stay_out_of_the_canonical_link(client, db):
    make_article(slug="tiktok")
    page = parsed(client, "/artikel/tiktok/?utm_source=newsletter&foo=1")
    assert canonical(page) == "http://testserver/artikel/tiktok/"
    home = parsed(client, "/?utm_campaign=x")
    assert canonical(home) == "http://testserver/"


def test_search_results_are_not_indexed(client, db):
    page = parsed(client, "/suche/?q=Portal&utm_source=x")
    assert page.meta["robots"] == ["noindex"]
    assert canonical(page) == "http://testserver/suche/?q=Portal"


def test_canonical_uses_the_site_url(client, settings, db):
    settings.SITE_URL = "https://news.example.de"
    page = parsed(client, "/kommunen/")
    assert canonical(page) == "https://news.example.de/kommunen/"
    assert page.meta["og:image"] == [
        "https://news.example.de/static/img/share-default.png"
    ]


def test_favicon_is_served_and_linked(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = parsed(client, "/")
    rels = {link["rel"]: link for link in page.links}
    assert rels["icon"]["type"] == "image/svg+xml"
    assert client.get(rels["icon"]["href"]).status_code == 200
    touch = client.get(rels["apple-touch-icon"]["href"])
    assert touch.status_code == 200


def test_touch_icon_is_180_px_square():
    from django.contrib.staticfiles import finders
    from PIL import Image

    with Image.open(finders.find("img/apple-touch-icon.png")) as icon:
        assert icon.size == (180, 180)


@pytest.fixture
def article_page(client, db):
    article = make_article(slug="tiktok", kicker="Essen", title="TikTok-Kanal")
    return parsed(client, article.get_absolute_url())


SHARE_TARGETS = {
    "Per E-Mail": "mailto:",
    "Mastodon": "/teilen/mastodon/",
    "LinkedIn": "https://www.linkedin.com/",
    "WhatsApp": "https://wa.me/",
}


def share_links(page):
    """{service: href} of the article's share links."""
    hrefs = [a.get("href") for a in page.find_all("a")]
    return {
        service: next(href for href in hrefs if href.startswith(start))
        for service, start in SHARE_TARGETS.items()
    }


def test_article_offers_share_links(article_page):
    links = share_links(article_page)
    url = "http://testserver/artikel/tiktok/"
    mail = urlsplit(links["Per E-Mail"])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query)["subject"] == ["Essen: TikTok-Kanal"]
    assert url in parse_qs(mail.query)["body"][0]
    mastodon = urlsplit(links["Mastodon"])
    assert mastodon.path == "/teilen/mastodon/"
    assert parse_qs(mastodon.query)["url"] == [url]
    assert parse_qs(urlsplit(links["LinkedIn"]).query)["url"] == [url]
    assert url in parse_qs(urlsplit(links["WhatsApp"]).query)["text"][0]


def test_reader_pages_load_nothing_from_other_sites(article_page):
    # Share links are links: no image, script, frame or style from elsewhere.
    for tag in ("img", "script", "iframe", "source", "link", "video"):
        for element in article_page.find_all(tag):
            for name in ("src", "srcset", "href"):
                value = element.get(name) or ""
                if tag == "link" and element.get("rel") in ("canonical",):
                    continue
                assert not value.startswith(("http", "//")) or value.startswith(
                    "http://testserver/"
                ), (tag, value)


MASTODON = "/teilen/mastodon/?url=/artikel/tiktok/&text=Essen%3A+TikTok"


def test_mastodon_share_asks_for_the_instance_and_redirects_there(client, db):
    response = client.get(MASTODON)
    assert response.status_code == 200
    assert "Ihre Mastodon-Instanz" in response.content.decode()
    response = client.get(MASTODON + "&instance=https://Mastodon.Social/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == (
        "https",
        "mastodon.social",
        "/share",
    )
    assert parse_qs(target.query)["text"] == [
        "Essen: TikTok\n\nhttp://testserver/artikel/tiktok/"
    ]


@pytest.mark.parametrize(
    "instance",
    [
        "evil.example/phish?x=",
        "evil.example#",
        "user@evil.example",
        "evil.example:8443",
        "//evil.example",
        "javascript:alert(1)",
        "localhost",
        "127.0.0.1",
        "-bad-.example",
        "a" * 300 + ".de",
        "evil.example\\@good.de",
        "",
    ],
)
def test_mastodon_share_refuses_anything_but_a_host_name(client, db, instance):
    response = client.get(
        "/teilen/mastodon/",
        {"url": "/artikel/tiktok/", "text": "Essen", "instance": instance},
    )
    assert response.status_code == 400
    assert "Instanz" in response.content.decode()
    assert "Location" not in response


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""]
)
def test_mastodon_share_only_shares_links_of_this_site(client, db, url):
    response = client.get(
        "/teilen/mastodon/", {"url": url, "instance": "mastodon.social"}
    )
    assert response.status_code == 400
    assert "nur Seiten dieser Website" in response.content.decode()
