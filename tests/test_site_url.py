"""Absolute links on NEWSROOM_SITE_URL: an allowed host with any port in
the Host header (127.0.0.1:1337) never reaches what feed readers, search
engines and sharing services keep: feeds, sitemaps, robots.txt, JSON-LD and
the canonical link."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import make_article, make_jpeg, make_municipality
from tests.html import parse_html

pytestmark = pytest.mark.django_db

SITE = "https://news.example.de"
HOSTILE_HOST = "127.0.0.1:1337"
URL = re.compile(r"(?:https?:)?//[^\s\"'<>]+")


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    essen = make_municipality(name="Essen")
    article = make_article(municipality=essen, tags=["Open Data"], image=make_jpeg())
    return article


def fetch(client, url):
    response = client.get(url, HTTP_HOST=HOSTILE_HOST)
    assert response.status_code == 200, url
    return response.content.decode()


def absolute_urls(text):
    """Every absolute URL in `text`, except XML namespaces and schemas."""
    return [
        url
        for url in URL.findall(text)
        if not url.startswith(
            (
                "http://www.sitemaps.org/",
                "http://www.google.com/schemas/",
                "http://www.w3.org/",
                "https://schema.org",
            )
        )
    ]


def feed_urls(site):
    topic = site.tags.get()
    return [
        reverse(f"feeds:{prefix}{kind}", kwargs=kwargs)
        for prefix, kwargs in (
            ("", {}),
            ("municipality_", {"slug": site.municipality.slug}),
            ("topic_", {"slug": topic.slug}),
        )
        for kind in ("rss", "atom")
    ]


def test_feeds_link_to_the_site_url_whatever_the_host(client, site):
    for url in feed_urls(site):
        text = fetch(client, url)
        ET.fromstring(text)  # still well-formed
        found = absolute_urls(text)
        assert found, url
        assert all(link.startswith(f"{SITE}/") for link in found), (url, found)
        assert f"{SITE}{site.get_absolute_url()}" in found
        assert any(link.startswith(f"{SITE}/media/") for link in found)  # photo


def test_sitemaps_and_robots_txt_name_the_site_url(client, site):
    index = fetch(client, "/sitemap.xml")
    files = [url.removeprefix(SITE) for url in absolute_urls(index)]
    assert files and all(url.startswith("/sitemap-") for url in files)
    for path in [*files, "/sitemap-news.xml"]:
        found = absolute_urls(fetch(client, path))
        assert found and all(url.startswith(f"{SITE}/") for url in found), path
    robots = fetch(client, "/robots.txt").splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in robots
    assert f"Sitemap: {SITE}/sitemap-news.xml" in robots


def test_json_ld_and_sharing_tags_name_the_site_url(client, site):
    html = fetch(client, site.get_absolute_url())
    page = parse_html(html)
    (data,) = page.json_ld
    assert data["url"] == f"{SITE}{site.get_absolute_url()}"
    found = absolute_urls(json.dumps(data))
    assert any(url.startswith(f"{SITE}/media/") for url in found)  # the photo
    assert all(url.startswith(f"{SITE}/") for url in found)
    assert page.link("canonical") == f"{SITE}{site.get_absolute_url()}"
    assert page.meta["og:image"][0].startswith(f"{SITE}/media/")
    assert HOSTILE_HOST not in html


def test_without_a_site_url_links_follow_the_request(client, settings, db):
    settings.SITE_URL = ""
    make_article()
    robots = client.get("/robots.txt").content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
