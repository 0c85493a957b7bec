import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus
from tests.factories import make_article, make_credit, make_jpeg, make_municipality

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def teaser_titles(response):
    """Teaser headlines of the related-news sidebar, in page order."""
    return [item.title for item in response.context["related_articles"]]


def test_article_page_shows_every_part_of_the_reference(client):
    essen = make_municipality(name="Essen")
    article = make_article(
        municipality=essen,
        kicker="",
        title="Stadt startet TikTok-Kanal",
        lead="Nun kommt TikTok dazu.",
        body="<p>Seit zehn Jahren in sozialen Netzwerken.</p>",
        image=make_jpeg(),
        alt_text="Ein Smartphone mit Abspielknopf",
        caption="Kurze Videos für junge Menschen.",
        image_credit=make_credit(creator="victor69", source="123rf.com"),
        published_at=timezone.now() - timedelta(hours=1),
        tags=["Soziale Medien"],
    )
    make_article(title="Digitales Rathaus ist eröffnet", kicker="Panketal")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<p class="kicker">Essen</p>' in html
    assert "<h1>Stadt startet TikTok-Kanal</h1>" in html
    assert '<p class="lead">Nun kommt TikTok dazu.</p>' in html
    assert 'alt="Ein Smartphone mit Abspielknopf"' in html
    assert 'width="800" height="450"' in html
    assert "Bildquelle: victor69/123rf.com" in html
    assert "<p>Seit zehn Jahren in sozialen Netzwerken.</p>" in html
    assert '<a href="/thema/soziale-medien/">Soziale Medien</a>' in html
    assert "Panketal: Digitales Rathaus ist eröffnet" in html
    # Parts appear in the reference's order.
    positions = [
        html.index(part)
        for part in ("kicker", "<h1>", 'class="lead"', "Bildquelle", "Seit zehn")
    ]
    assert positions == sorted(positions)


def test_teaser_shows_date_lead_and_a_named_more_link(client):
    article = make_article()
    make_article(
        kicker="Bonn",
        title="Website in elf Sprachen",
        lead="Eine Software übersetzt.",
        published_at=timezone.make_aware(timezone.datetime(2025, 4, 3, 23, 30)),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">Bonn: Website in elf Sprachen</a>" in html
    assert "[03.04.2025] Eine Software übersetzt." in html
    assert re.search(
        r'mehr\.\.\.<span class="visually-hidden"> Website in elf Sprachen</span>', html
    )


def test_article_url_is_readable_and_stable():
    article = make_article(slug="essen-stadt-startet-tiktok-kanal")
    assert article.get_absolute_url() == "/artikel/essen-stadt-startet-tiktok-kanal/"


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ArticleStatus.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_article_answers_404(client, fields):
    article = make_article(**fields)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_sidebar_prefers_shared_tags_then_municipality_then_latest(client):
    essen = make_municipality(name="Essen")
    article = make_article(municipality=essen, tags=["TikTok", "Soziale Medien"])
    make_article(title="Zwei Schlagwörter", published_at=days_ago(30),
                 tags=["TikTok", "Soziale Medien"])  # fmt: skip
    make_article(title="Ein Schlagwort", published_at=days_ago(20), tags=["TikTok"])
    make_article(title="Gleiche Kommune", published_at=days_ago(10), municipality=essen)
    for number in range(14):
        make_article(title=f"Neueste {number}", published_at=days_ago(1 + number / 24))

    titles = teaser_titles(client.get(article.get_absolute_url()))

    assert len(titles) == 15
    # The three best matches made the cut although 14 newer articles exist.
    assert {"Zwei Schlagwörter", "Ein Schlagwort", "Gleiche Kommune"} <= set(titles)
    assert "Neueste 13" not in titles and "Neueste 12" not in titles


def test_sidebar_is_newest_first(client):
    article = make_article(tags=["Open Data"])
    make_article(title="Alt", published_at=days_ago(9), tags=["Open Data"])
    make_article(title="Neu", published_at=days_ago(2))
    make_article(title="Mittel", published_at=days_ago(5), tags=["Open Data"])
    assert teaser_titles(client.get(article.get_absolute_url())) == [
        "Neu",
        "Mittel",
        "Alt",
    ]


def test_sidebar_falls_back_to_latest_news_without_shared_tags(client):
    article = make_article(tags=["Einzigartig"])
    make_article(title="Irgendeine Meldung")
    assert teaser_titles(client.get(article.get_absolute_url())) == [
        "Irgendeine Meldung"
    ]


def test_sidebar_never_shows_the_article_itself_or_unpublished_ones(client):
    article = make_article(tags=["Open Data"])
    make_article(title="Entwurf", status=ArticleStatus.DRAFT, tags=["Open Data"])
    make_article(
        title="Geplant",
        published_at=timezone.now() + timedelta(hours=1),
        tags=["Open Data"],
    )
    response = client.get(article.get_absolute_url())
    assert teaser_titles(response) == []
    assert "Weitere Meldungen" not in response.content.decode()


@pytest.mark.parametrize("archive_size", [20, 200])
def test_article_page_costs_same_queries_at_any_size(
    client, django_assert_num_queries, archive_size
):
    place = make_municipality()
    article = make_article(
        municipality=place, image_credit=make_credit(), tags=["Open Data", "KI"]
    )
    for number in range(archive_size):
        make_article(municipality=place, tags=["Open Data", f"Thema {number % 7}"])
    # article with municipality and credit, its tags, the sidebar
    with django_assert_num_queries(3):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["related_articles"]) == 15


def test_home_lists_latest_published_articles_linking_to_them(client):
    older = make_article(title="Ältere Meldung", published_at=days_ago(3))
    newer = make_article(title="Neuere Meldung", published_at=days_ago(1))
    make_article(title="Entwurf", status=ArticleStatus.DRAFT)
    html = client.get(reverse("articles:index")).content.decode()
    assert html.index("Neuere Meldung") < html.index("Ältere Meldung")
    assert f'href="{older.get_absolute_url()}"' in html
    assert f'href="{newer.get_absolute_url()}"' in html
    assert "Entwurf" not in html


def test_home_is_paginated(client):
    for _number in range(25):
        make_article()
    first = client.get(reverse("articles:index"))
    oldest_first = first.context["page_obj"].next_key()
    second = client.get(reverse("articles:index"), {"nach": oldest_first})
    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 5
    assert f'href="?nach={oldest_first}" rel="next"' in first.content.decode()
    assert 'rel="next"' not in second.content.decode()


def test_topic_page_lists_only_published_articles_with_that_tag(client):
    make_article(title="Portal startet", tags=["Bürgerportal"])
    make_article(title="Anderes Thema", tags=["Open Data"])
    make_article(title="Entwurf", status=ArticleStatus.DRAFT, tags=["Bürgerportal"])
    response = client.get("/thema/buergerportal/")
    html = response.content.decode()
    assert "Thema: Bürgerportal" in html
    assert "Portal startet" in html
    assert "Anderes Thema" not in html and "Entwurf" not in html


def test_unknown_topic_answers_404(client):
    assert client.get("/thema/gibt-es-nicht/").status_code == 404


def test_topic_of_a_tag_only_drafts_use_answers_404(client):
    """The name of a tag made for an unpublished story reveals nothing."""
    make_article(status=ArticleStatus.DRAFT, tags=["Fusion der Stadtwerke"])
    for url in [
        "/thema/fusion-der-stadtwerke/",
        "/feeds/thema/fusion-der-stadtwerke/rss/",
        "/feeds/thema/fusion-der-stadtwerke/atom/",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Fusion der Stadtwerke" not in response.content.decode()
    make_article(tags=["Fusion der Stadtwerke"])
    assert client.get("/thema/fusion-der-stadtwerke/").status_code == 200
