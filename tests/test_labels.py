"""Kinds of text (Meldung, Pressemitteilung, Anzeige, Kommentar): the label
readers see on teasers, the page and in feeds, paid links marked
rel="sponsored", the schema.org type, and advertisements kept out of the
Google News sitemap."""

import re
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleKind
from tests.factories import article_form, make_article, make_user
from tests.html import parse_html

pytestmark = pytest.mark.django_db

LABELS = [
    (ArticleKind.PRESS_RELEASE, "Pressemitteilung"),
    (ArticleKind.SPONSORED, "Anzeige"),
    (ArticleKind.COMMENTARY, "Kommentar"),
]


def labels(html):
    """The texts of the labels on a page."""
    return re.findall(r'<p class="label [^"]*">([^<]*)</p>', html)


def test_new_article_is_news_without_a_label(client):
    article = make_article(title="Normale Meldung")
    assert article.kind == ArticleKind.NEWS
    assert labels(client.get("/").content.decode()) == []
    assert labels(client.get(article.get_absolute_url()).content.decode()) == []


@pytest.mark.parametrize(("kind", "label"), LABELS)
def test_labelled_kind_shows_on_its_teaser_and_its_page(client, kind, label):
    article = make_article(kind=kind, tags=["KI"])
    make_article(tags=["KI"])  # its page's sidebar shows the labelled teaser

    assert labels(client.get("/").content.decode()) == [label]
    assert labels(client.get("/thema/ki/").content.decode()) == [label]
    page = client.get(article.get_absolute_url()).content.decode()
    assert labels(page) == [label]


def test_sidebar_teaser_of_an_advertisement_is_labelled(client):
    make_article(kind=ArticleKind.SPONSORED, title="Bezahlt", tags=["KI"])
    other = make_article(title="Andere", tags=["KI"])
    html = client.get(other.get_absolute_url()).content.decode()
    assert labels(html) == ["Anzeige"]


@pytest.mark.parametrize("name", ["feeds:rss", "feeds:atom"])
def test_feed_titles_and_categories_name_the_label(client, name):
    make_article(kind=ArticleKind.SPONSORED, kicker="Nolis", title="Wahlhelfer")
    make_article(kicker="Essen", title="TikTok")
    feed = feedparser.parse(client.get(reverse(name)).content)
    titles = sorted(entry.title for entry in feed.entries)
    assert titles == ["Anzeige: Nolis: Wahlhelfer", "Essen: TikTok"]
    sponsored = next(e for e in feed.entries if e.title.startswith("Anzeige"))
    assert "Anzeige" in [tag.term for tag in sponsored.tags]


def body_links(html):
    return parse_html(html).find_all("a", href="https://www.example.com/")


def test_every_link_in_an_advertisement_is_sponsored(client):
    article = make_article(
        kind=ArticleKind.SPONSORED,
        body='<p><a href="https://www.example.com/" rel="follow">Anbieter</a> und '
        '<a href="https://www.example.com/" onclick="x()">noch einmal</a></p>',
    )
    links = body_links(client.get(article.get_absolute_url()).content.decode())
    assert len(links) == 2
    assert {link.get("rel") for link in links} == {"sponsored noopener noreferrer"}
    assert not any(link.get("onclick") for link in links)  # still sanitised


def test_news_links_are_not_sponsored_and_lose_it_when_no_longer_an_ad(client):
    body = '<p><a href="https://www.example.com/">Anbieter</a></p>'
    article = make_article(kind=ArticleKind.SPONSORED, body=body)
    article.kind = ArticleKind.NEWS
    article.save()
    [link] = body_links(client.get(article.get_absolute_url()).content.decode())
    assert link.get("rel") == "noopener noreferrer"


def test_advertisement_is_sponsored_when_saved_through_the_admin(client):
    editor = make_user(groups=["Redaktion"])
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form(
            kind=ArticleKind.SPONSORED,
            status="draft",
            body='<p><a href="https://www.example.com/">Anbieter</a></p>',
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="tiktok")
    assert article.kind == ArticleKind.SPONSORED
    assert 'rel="sponsored noopener noreferrer"' in article.body


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (ArticleKind.NEWS, "NewsArticle"),
        (ArticleKind.PRESS_RELEASE, "NewsArticle"),
        (ArticleKind.SPONSORED, "AdvertiserContentArticle"),
        (ArticleKind.COMMENTARY, "OpinionNewsArticle"),
    ],
)
def test_json_ld_type_follows_the_kind(client, kind, schema_type):
    article = make_article(kind=kind)
    html = client.get(article.get_absolute_url()).content.decode()
    [data] = parse_html(html).json_ld
    assert data["@type"] == schema_type


def test_news_sitemap_leaves_out_advertisements(client):
    news = make_article(title="Nachricht")
    ad = make_article(title="Werbung", kind=ArticleKind.SPONSORED)
    comment = make_article(title="Meinung", kind=ArticleKind.COMMENTARY)
    content = client.get("/sitemap-news.xml").content
    ElementTree.fromstring(content)
    text = content.decode()
    assert news.slug in text and comment.slug in text
    assert ad.slug not in text
    # Still in the ordinary sitemap: search engines may index it as what it is.
    month = timezone.localtime(ad.published_at).strftime("%Y-%m")
    assert ad.slug in client.get(f"/sitemap-artikel-{month}.xml").content.decode()


def test_api_names_the_kind(client):
    make_article(kind=ArticleKind.COMMENTARY)
    [item] = client.get("/api/v1/artikel/").json()["artikel"]
    assert item["art"] == "Kommentar"


def test_admin_lists_and_filters_by_kind(admin_client):
    make_article(title="Werbung", kind=ArticleKind.SPONSORED)
    make_article(title="Nachricht")
    url = reverse("admin:articles_article_changelist")
    html = admin_client.get(url, {"kind__exact": "sponsored"}).content.decode()
    assert "Werbung" in html and "Nachricht" not in html
    assert "Anzeige" in html
