"""The related-news sidebar of the article page: up to 15 teasers, chosen by
shared tags, then the same municipality, then the latest news; shown newest
first; only published articles, never the article itself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import ArticleStatus
from tests.factories import make_article, make_municipality

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def sidebar(client, article):
    """Teaser headlines of the article page's sidebar, in page order."""
    response = client.get(article.get_absolute_url())
    return [item.title for item in response.context["related_articles"]]


def test_sidebar_prefers_shared_tags_then_municipality_then_latest(client):
    essen = make_municipality(name="Essen")
    article = make_article(municipality=essen, tags=["TikTok", "Soziale Medien"])
    make_article(title="Zwei Schlagwörter", published_at=days_ago(30),
                 tags=["TikTok", "Soziale Medien"])  # fmt: skip
    make_article(title="Ein Schlagwort", published_at=days_ago(20), tags=["TikTok"])
    make_article(title="Gleiche Kommune", published_at=days_ago(10), municipality=essen)
    for number in range(14):
        make_article(title=f"Neueste {number}", published_at=days_ago(1 + number / 24))

    titles = sidebar(client, article)

    assert len(titles) == 15
    # The three best matches made the cut although 14 newer articles exist.
    assert {"Zwei Schlagwörter", "Ein Schlagwort", "Gleiche Kommune"} <= set(titles)
    assert "Neueste 13" not in titles and "Neueste 12" not in titles


def test_sidebar_is_newest_first(client):
    article = make_article(tags=["Open Data"])
    make_article(title="Alt", published_at=days_ago(9), tags=["Open Data"])
    make_article(title="Neu", published_at=days_ago(2))
    make_article(title="Mittel", published_at=days_ago(5), tags=["Open Data"])
    assert sidebar(client, article) == ["Neu", "Mittel", "Alt"]


def test_sidebar_falls_back_to_latest_news_without_shared_tags(client):
    article = make_article(tags=["Einzigartig"])
    make_article(title="Irgendeine Meldung")
    assert sidebar(client, article) == ["Irgendeine Meldung"]


def test_sidebar_never_shows_the_article_itself_or_unpublished_ones(client):
    article = make_article(tags=["Open Data"])
    make_article(title="Entwurf", status=ArticleStatus.DRAFT, tags=["Open Data"])
    make_article(
        title="Geplant",
        published_at=timezone.now() + timedelta(hours=1),
        tags=["Open Data"],
    )
    response = client.get(article.get_absolute_url())
    assert response.context["related_articles"] == []
    assert "Weitere Meldungen" not in response.content.decode()
