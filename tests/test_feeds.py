"""RSS and Atom feeds: the latest news, per municipality and per topic;
what each item carries, what each costs, and where pages announce them.
(Hidden articles in feeds: tests/test_no_leaks.py; feeds of merged topics:
tests/test_tagging.py.)"""

import html
from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    make_archive,
    make_article,
    make_author,
    make_jpeg,
    make_municipality,
    make_user,
)
from tests.html import parse_html

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"

FEEDS = [
    ("feeds:rss", {}),
    ("feeds:atom", {}),
    ("feeds:municipality_rss", {"slug": "essen"}),
    ("feeds:municipality_atom", {"slug": "essen"}),
    ("feeds:topic_rss", {"slug": "open-data"}),
    ("feeds:topic_atom", {"slug": "open-data"}),
]


def fetch(client, name, **kwargs):
    """The feed at URL `name`, checked to be well-formed for feedparser and XML."""
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    ElementTree.fromstring(response.content)  # raises if not well-formed XML
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def shown(detail):
    """The text a feed reader displays for a parsed title or summary."""
    if detail.type == "text/html":  # feedparser has removed any markup already
        return html.unescape(detail.value)
    return detail.value


@pytest.fixture
def essen():
    return make_municipality(name="Essen")


@pytest.mark.parametrize(("name", "kwargs"), FEEDS)
def test_feed_item_has_title_link_dates_lead_and_photo(client, essen, name, kwargs):
    article = make_article(
        author=make_user(first_name="Erika", last_name="Angelegt"),
        authors=[make_author(name="Maria Muster")],
        municipality=essen,
        kicker="Essen & Umland",
        title="Stadt startet <TikTok>-Kanal",
        lead="Nun kommt TikTok dazu & mehr <Videos>.",
        image=make_jpeg("tiktok.jpg"),
        tags=["Open Data"],
    )

    feed = fetch(client, name, **kwargs)

    assert feed.version in ("rss20", "atom10")
    [entry] = feed.entries
    assert shown(entry.title_detail) == "Essen & Umland: Stadt startet <TikTok>-Kanal"
    assert entry.link == f"http://testserver{article.get_absolute_url()}"
    assert shown(entry.summary_detail) == "Nun kommt TikTok dazu & mehr <Videos>."
    assert entry.published_parsed[:6] == article.published_at.utctimetuple()[:6]
    assert [tag.term for tag in entry.tags] == ["Open Data"]
    assert entry.author == "Maria Muster"
    [enclosure] = entry.enclosures
    # The widest JPEG rendition, never the original.
    renditions = article.photo.renditions
    assert enclosure.href == f"http://testserver{renditions['src']}"
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == renditions["src_size"] > 0
    assert client.get(renditions["src"])["Content-Length"] == enclosure.length


def test_atom_entry_is_updated_by_a_substantive_change_only(client):
    article = make_article()
    [entry] = fetch(client, "feeds:atom").entries
    assert entry.updated_parsed[:6] == article.published_at.utctimetuple()[:6]

    # A typo fixed: the entry is not "updated" for subscribers.
    Article.objects.filter(pk=article.pk).update(
        updated_at=timezone.now() + timedelta(minutes=5)
    )
    [entry] = fetch(client, "feeds:atom").entries
    assert entry.updated_parsed[:6] == article.published_at.utctimetuple()[:6]

    updated = timezone.now() + timedelta(minutes=10)
    Article.objects.filter(pk=article.pk).update(substantively_updated_at=updated)
    [entry] = fetch(client, "feeds:atom").entries
    assert entry.updated_parsed[:6] == updated.utctimetuple()[:6]


def test_enclosure_length_comes_from_the_database_not_the_storage(client, settings):
    article = make_article(image=make_jpeg())
    size = article.photo.renditions["src_size"]
    for name in article.photo.renditions["files"]:
        default_storage.delete(name)  # storage gone: still stated
    [entry] = fetch(client, "feeds:rss").entries
    assert int(entry.enclosures[0].length) == size


def test_article_without_photo_has_no_enclosure(client):
    make_article()
    [entry] = fetch(client, "feeds:rss").entries
    assert entry.enclosures == []


def test_atom_feed_names_the_site_as_author(client):
    make_article()
    feed = fetch(client, "feeds:atom")
    assert feed.feed.author == "Kommune Digital"
    assert "author" not in feed.entries[0]  # no named author: the feed's applies


def test_rss_feed_names_site_and_links_home(client):
    feed = fetch(client, "feeds:rss")
    assert feed.feed.title == "Kommune Digital: Aktuelle Meldungen"
    assert feed.feed.link == "http://testserver/"
    assert feed.feed.language == "de"


def test_feed_lists_the_latest_50_newest_first(client):
    newest_first = make_archive(55)
    entries = fetch(client, "feeds:rss").entries
    assert [entry.link for entry in entries] == [
        f"http://testserver{article.get_absolute_url()}"
        for article in newest_first[:50]
    ]


def test_municipality_feed_holds_only_its_articles(client, essen):
    make_article(municipality=essen, title="In Essen")
    make_article(municipality=make_municipality(name="Bonn"), title="In Bonn")
    make_article(title="Ohne Kommune")
    feed = fetch(client, "feeds:municipality_rss", slug="essen")
    assert [entry.title for entry in feed.entries] == ["Musterstadt: In Essen"]
    assert feed.feed.title == "Kommune Digital: Meldungen aus Essen"
    assert feed.feed.link == "http://testserver/kommune/essen/"


def test_topic_feed_holds_only_its_articles(client):
    make_article(title="Offen", tags=["Open Data"])
    make_article(title="Anderes", tags=["Website"])
    feed = fetch(client, "feeds:topic_atom", slug="open-data")
    assert [entry.title for entry in feed.entries] == ["Musterstadt: Offen"]
    assert feed.feed.title == "Kommune Digital: Thema Open Data"


@pytest.mark.parametrize(
    "name", ["feeds:municipality_rss", "feeds:topic_rss", "feeds:topic_atom"]
)
def test_feed_of_unknown_municipality_or_topic_is_404(client, name):
    response = client.get(reverse(name, kwargs={"slug": "gibt-es-nicht"}))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "kwargs", "queries"),
    [
        ("feeds:rss", {}, 3),  # articles, their tags, their bylines
        ("feeds:atom", {}, 3),
        ("feeds:municipality_rss", {"slug": "essen"}, 4),  # + the municipality
        ("feeds:topic_atom", {"slug": "open-data"}, 4),  # + the tag
    ],
)
@pytest.mark.parametrize("archive_size", [5, 50])
def test_feed_costs_same_queries_at_any_size(
    client, essen, django_assert_num_queries, name, kwargs, queries, archive_size
):
    make_archive(
        archive_size, municipality=essen, image=make_jpeg(), tags=["Open Data"]
    )
    with django_assert_num_queries(queries):
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert len(feedparser.parse(response.content).entries) == min(archive_size, 50)


@pytest.mark.parametrize(
    ("page", "rss", "atom"),
    [
        ("/", "/feeds/rss/", "/feeds/atom/"),
        ("/thema/open-data/", "/feeds/thema/open-data/rss/", None),
        ("/kommune/essen/", "/feeds/kommune/essen/rss/", None),
        ("article", "/feeds/rss/", "/feeds/atom/"),
    ],
)
def test_pages_announce_their_feeds(client, essen, page, rss, atom):
    article = make_article(municipality=essen, tags=["Open Data"])
    url = article.get_absolute_url() if page == "article" else page
    links = parse_html(client.get(url).content.decode()).links
    announced = [link for link in links if link.get("rel") == "alternate"]
    atom = atom or rss.replace("/rss/", "/atom/")
    assert [(link["type"], link["href"]) for link in announced] == [
        ("application/rss+xml", rss),
        ("application/atom+xml", atom),
    ]
    assert all(link["title"] for link in announced)
    # Each announced feed exists and parses.
    for feed_url in (rss, atom):
        assert feedparser.parse(client.get(feed_url).content).bozo == 0
