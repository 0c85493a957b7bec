"""Search (/suche/?q=): what it finds, its pages and its messages; German
full-text search with ranking on PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus
from tests.factories import make_archive, make_article

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German full-text search needs PostgreSQL (DATABASE_URL=postgres://…)",
)


def found(client, query):
    """Titles of the hits for `query`, in page order."""
    response = client.get(SEARCH, {"q": query})
    return [article.title for article in response.context["page_obj"]]


def test_search_finds_words_in_kicker_title_lead_and_body(client):
    make_article(kicker="Gütersloh", title="Eins")
    make_article(title="Neues Bürgerportal")
    make_article(title="Drei", lead="Das Bürgerportal wächst.")
    make_article(title="Vier", body="<p>Mehr zum Bürgerportal.</p>")
    make_article(title="Entwurf zum Bürgerportal", status=ArticleStatus.DRAFT)
    make_article(title="Anderes Thema")
    assert sorted(found(client, "Bürgerportal")) == [
        "Drei",
        "Neues Bürgerportal",
        "Vier",
    ]
    assert found(client, "Gütersloh") == ["Eins"]


def test_search_results_are_paginated_and_keep_the_query(client):
    make_archive(22, lead="Open Data im Rathaus")
    first = client.get(SEARCH, {"q": "Rathaus"})
    second = client.get(SEARCH, {"q": "Rathaus", "page": 2})
    assert len(first.context["page_obj"]) == 20
    assert len(second.context["page_obj"]) == 2
    assert 'href="?q=Rathaus&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Bitte einen Suchbegriff eingeben."),
        ("   ", "Bitte einen Suchbegriff eingeben."),
        ("x" * 5000, "Bitte höchstens 200 Zeichen eingeben."),
        ("?!.;--", "Bitte mindestens ein Wort oder eine Zahl eingeben."),
    ],
    ids=["empty", "blank", "too-long", "punctuation"],
)
def test_unusable_search_gets_a_friendly_german_page(client, query, message):
    make_article(title="Portal")
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(response.context["page_obj"]) == []


def test_search_without_query_invites_to_search(client):
    html = client.get(SEARCH).content.decode()
    assert "Geben Sie ein Wort ein" in html
    assert "form-error" not in html


def test_search_considers_only_the_newest_matches(client, monkeypatch):
    monkeypatch.setattr("articles.models.articles.SEARCH_RESULTS_LIMIT", 3)
    monkeypatch.setattr("articles.views.SEARCH_RESULTS_LIMIT", 3)
    for days in range(5):
        make_article(
            title=f"Rathaus {days}",
            published_at=timezone.now() - timedelta(days=days + 1),
        )
    response = client.get(SEARCH, {"q": "Rathaus"})
    titles = [article.title for article in response.context["page_obj"]]
    assert sorted(titles) == ["Rathaus 0", "Rathaus 1", "Rathaus 2"]
    assert "3 oder mehr Treffer" in response.content.decode()


def test_search_without_hits_says_so(client):
    make_article(title="Portal")
    html = client.get(SEARCH, {"q": "Schwimmbad"}).content.decode()
    assert "Keine Meldungen gefunden" in html


@postgres_only
def test_postgres_search_finds_inflected_forms_best_match_first(client):
    make_article(title="Stadt startet Portal", lead="Neu.", body="<p>Kurz.</p>")
    make_article(
        title="Haushalt beschlossen",
        lead="Der Rat tagte.",
        body="<p>Auch über Portale sprach man am Rande.</p>",
        published_at=timezone.now() - timedelta(minutes=5),  # newer
    )
    make_article(title="Entwurf", lead="Portal", status=ArticleStatus.DRAFT)
    # A title hit outranks a newer body hit.
    assert found(client, "Portale") == ["Stadt startet Portal", "Haushalt beschlossen"]


@postgres_only
def test_postgres_search_follows_edits_and_bulk_writes(client):
    article = make_article(title="Schwimmbad öffnet")
    article.title = "Bibliothek öffnet"
    article.save()
    Article.objects.bulk_create(
        [Article(kicker="Bonn", title="Neue Bibliotheken", slug="bonn-bib",
                 lead="Mehr Bücher.", status=ArticleStatus.PUBLISHED,
                 published_at=timezone.now() - timedelta(hours=2))]
    )  # fmt: skip
    assert found(client, "Schwimmbad") == []
    assert found(client, "Bibliothek") == ["Bibliothek öffnet", "Neue Bibliotheken"]
