"""Sitemaps for search engines (index, articles, municipalities, topics),
the Google News sitemap and robots.txt."""

import re
from datetime import datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    HIDDEN_STATES,
    berlin,
    make_archive,
    make_article,
    make_hidden_article,
    make_municipality,
)

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), complete date plus time
W3C_DATETIME = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})\Z")


def fetch_xml(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return ElementTree.fromstring(response.content)


def w3c(text):
    """A W3C datetime from a sitemap as an aware datetime."""
    assert W3C_DATETIME.match(text), text
    return datetime.fromisoformat(text)


def to_second(value):
    return value.replace(microsecond=0)


def month_sitemap(article):
    """The article sitemap of the month `article` was published in."""
    return f"/sitemap-artikel-{timezone.localtime(article.published_at):%Y-%m}.xml"


def url_entries(root):
    """{loc: <url> element} of a sitemaps.org urlset."""
    assert root.tag == f"{SM}urlset"
    return {url.findtext(f"{SM}loc"): url for url in root.findall(f"{SM}url")}


def test_index_lists_the_three_sections_with_lastmod(client):
    article = make_article(municipality=make_municipality(), tags=["Open Data"])
    root = fetch_xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    sections = {
        entry.findtext(f"{SM}loc"): w3c(entry.findtext(f"{SM}lastmod"))
        for entry in root.findall(f"{SM}sitemap")
    }
    assert sections == {
        f"http://testserver{url}": to_second(article.updated_at)
        for url in (
            month_sitemap(article),
            "/sitemap-kommunen.xml",
            "/sitemap-themen.xml",
        )
    }
    for location in sections:
        fetch_xml(client, location.removeprefix("http://testserver"))


def test_index_counts_months_in_berlin_time_and_skips_empty_ones(client):
    """An article at 00:30 on 1 April in Berlin is still 31 March in UTC; a
    month without news between two with news gets no file."""
    make_article(published_at=berlin(2025, 3, 31, 23, 30))
    make_article(published_at=berlin(2025, 4, 1, 0, 30))
    make_article(published_at=berlin(2025, 6, 15, 12, 0))
    root = fetch_xml(client, "/sitemap.xml")
    months = [
        entry.findtext(f"{SM}loc").removeprefix("http://testserver")
        for entry in root.findall(f"{SM}sitemap")
    ][:-2]
    assert months == [
        "/sitemap-artikel-2025-03.xml",
        "/sitemap-artikel-2025-04.xml",
        "/sitemap-artikel-2025-06.xml",
    ]
    for month in months:
        assert len(url_entries(fetch_xml(client, month))) == 1


def lastmods(client, url):
    """{location: lastmod} of the sitemaps.org urlset at `url`."""
    entries = url_entries(fetch_xml(client, url))
    return {loc: w3c(entry.findtext(f"{SM}lastmod")) for loc, entry in entries.items()}


def test_article_sitemap_lists_published_articles_with_lastmod(client):
    first = make_article()
    second = make_article()
    make_hidden_article("draft")
    assert lastmods(client, month_sitemap(first)) == {
        f"http://testserver{article.get_absolute_url()}": to_second(article.updated_at)
        for article in (first, second)
    }


def test_municipality_sitemap_lists_places_with_published_news(client):
    essen = make_municipality(name="Essen")
    bonn = make_municipality(name="Bonn")
    make_municipality(name="Ohne Meldungen")
    newest = make_article(municipality=essen)
    make_article(municipality=essen)
    in_bonn = make_article(municipality=bonn)
    Article.objects.filter(pk=newest.pk).update(
        updated_at=timezone.now() + timedelta(hours=1)
    )
    newest.refresh_from_db()
    assert lastmods(client, "/sitemap-kommunen.xml") == {
        "http://testserver/kommune/essen/": to_second(newest.updated_at),
        "http://testserver/kommune/bonn/": to_second(in_bonn.updated_at),
    }


def test_topic_sitemap_lists_topics_with_published_news(client):
    article = make_article(tags=["Open Data", "Bürgerportal"])
    make_hidden_article("draft", tags=["Nur im Entwurf"])
    assert lastmods(client, "/sitemap-themen.xml") == {
        "http://testserver/thema/open-data/": to_second(article.updated_at),
        "http://testserver/thema/buergerportal/": to_second(article.updated_at),
    }


def test_news_sitemap_follows_the_google_news_format(client):
    article = make_article(title="Stadt startet TikTok-Kanal & mehr")
    root = fetch_xml(client, "/sitemap-news.xml")
    [(location, url)] = url_entries(root).items()
    assert location == f"http://testserver{article.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Kommune Digital"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "de"
    published = w3c(news.findtext(f"{NEWS}publication_date"))
    assert published == to_second(article.published_at)
    assert published.utcoffset() in (timedelta(hours=1), timedelta(hours=2))  # Berlin
    assert news.findtext(f"{NEWS}title") == "Stadt startet TikTok-Kanal & mehr"


def test_news_sitemap_holds_only_the_last_two_days(client):
    now = timezone.now()
    recent = make_article(published_at=now - timedelta(days=1, hours=23))
    make_article(published_at=now - timedelta(days=2, minutes=1))
    entries = url_entries(fetch_xml(client, "/sitemap-news.xml"))
    assert list(entries) == [f"http://testserver{recent.get_absolute_url()}"]


def test_news_sitemap_holds_at_most_1000_newest_articles(client):
    newest_first = make_archive(1001, step=timedelta(seconds=1))
    entries = url_entries(fetch_xml(client, "/sitemap-news.xml"))
    assert len(entries) == 1000
    assert f"http://testserver{newest_first[0].get_absolute_url()}" in entries
    assert f"http://testserver{newest_first[-1].get_absolute_url()}" not in entries


def test_robots_txt_names_both_sitemaps_and_keeps_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_article_is_in_no_sitemap(client, state):
    visible = make_article()
    place = make_municipality(name="Geheimstadt")
    hidden = make_hidden_article(
        state, title="Geheim", municipality=place, tags=["Geheimthema"]
    )
    for url in (
        "/sitemap.xml",
        month_sitemap(visible),
        "/sitemap-kommunen.xml",
        "/sitemap-themen.xml",
        "/sitemap-news.xml",
    ):
        content = client.get(url).content.decode()
        assert hidden.slug not in content
        assert "geheimstadt" not in content
        assert "geheimthema" not in content
    assert visible.slug in client.get("/sitemap-news.xml").content.decode()
    assert visible.slug in client.get(month_sitemap(visible)).content.decode()


def test_every_sitemap_location_is_a_page_readers_can_open(client):
    essen = make_municipality(name="Essen")
    article = make_article(municipality=essen, title="Offen", tags=["Open Data"])
    make_hidden_article("draft", municipality=essen, title="Noch geheim")
    locations = []
    for url in (month_sitemap(article), "/sitemap-kommunen.xml", "/sitemap-themen.xml"):
        locations += url_entries(fetch_xml(client, url))
    assert len(locations) == 3
    for location in locations:
        response = client.get(location.removeprefix("http://testserver"))
        assert response.status_code == 200
    page = client.get(essen.get_absolute_url()).content.decode()
    assert "Offen" in page
    assert "Noch geheim" not in page
    assert article.get_absolute_url() in page


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/sitemap.xml", 3),  # months with count and newest change; the others
        ("/sitemap-artikel-{month}.xml", 2),  # page count, items
        ("/sitemap-kommunen.xml", 2),
        ("/sitemap-themen.xml", 2),
        ("/sitemap-news.xml", 2),
    ],
)
@pytest.mark.parametrize("archive_size", [3, 15])
def test_sitemap_costs_same_queries_at_any_size(
    client, django_assert_num_queries, url, queries, archive_size
):
    for number in range(archive_size):
        make_article(municipality=make_municipality(), tags=[f"Thema {number}"])
    newest = Article.objects.order_by("pk").last()
    url = url.format(month=f"{timezone.localtime(newest.published_at):%Y-%m}")
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    expected = 3 if url == "/sitemap.xml" else archive_size
    assert response.content.count(b"<loc>") == expected
