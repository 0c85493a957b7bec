"""Federal states (/land/<slug>/): the published news of all municipalities
of one state, as a page and as feeds; links to it; its page cache keys."""

from datetime import timedelta

import feedparser
import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from articles.models import ArticleStatus, FederalState
from articles.services import articles_publish
from tests.factories import make_archive, make_article, make_municipality, make_user
from tests.html import parse_html

pytestmark = pytest.mark.django_db

NRW = "/land/nordrhein-westfalen/"


@pytest.fixture
def places():
    """Essen and Bonn in North Rhine-Westphalia, Panketal in Brandenburg,
    and a place without a state."""
    return {
        "essen": make_municipality(name="Essen", federal_state=FederalState.NW),
        "bonn": make_municipality(name="Bonn", federal_state=FederalState.NW),
        "panketal": make_municipality(name="Panketal", federal_state=FederalState.BB),
        "nowhere": make_municipality(name="Irgendwo"),
    }


def page_urls(client, url):
    return parse_html(client.get(url).content.decode()).urls()


def titles(response):
    return [article.title for article in response.context["page_obj"]]


def test_state_page_lists_the_published_news_of_all_its_municipalities(client, places):
    make_article(title="Aus Essen", municipality=places["essen"])
    make_article(
        title="Aus Bonn",
        municipality=places["bonn"],
        published_at=timezone.now() - timedelta(hours=2),
    )
    make_article(title="Aus Panketal", municipality=places["panketal"])
    make_article(title="Von irgendwo", municipality=places["nowhere"])
    make_article(title="Ohne Ort")
    make_article(
        title="Entwurf aus Essen",
        municipality=places["essen"],
        status=ArticleStatus.DRAFT,
    )
    make_article(
        title="Geplant in Bonn",
        municipality=places["bonn"],
        published_at=timezone.now() + timedelta(hours=1),
    )
    response = client.get(NRW)
    assert response.status_code == 200
    assert titles(response) == ["Aus Essen", "Aus Bonn"]
    html = response.content.decode()
    assert "Meldungen aus Nordrhein-Westfalen" in html
    assert "Panketal" not in html


def test_state_without_news_says_so_and_unknown_state_is_404(client, places):
    make_article(municipality=places["essen"])
    empty = client.get("/land/bayern/")
    assert empty.status_code == 200
    assert "Noch keine Meldungen aus Bayern." in empty.content.decode()
    assert client.get("/land/gibt-es-nicht/").status_code == 404
    assert client.get("/land/NW/").status_code == 404


@pytest.mark.parametrize("archive_size", [3, 30])
def test_state_page_costs_one_query_at_any_size(
    client, places, django_assert_num_queries, archive_size
):
    make_archive(archive_size, municipality=places["essen"], tags=["Open Data"])
    make_archive(archive_size, municipality=places["panketal"])
    with django_assert_num_queries(1):  # teasers and "is there more"
        response = client.get(NRW)
    assert len(response.context["page_obj"]) == min(archive_size, 20)


def test_state_page_is_keyset_paginated_across_municipalities(client, places):
    essen = make_archive(25, municipality=places["essen"])
    bonn = make_archive(20, municipality=places["bonn"], step=timedelta(minutes=50))
    make_archive(5, municipality=places["panketal"])
    expected = sorted(essen + bonn, key=lambda a: (a.published_at, a.pk))[::-1]
    seen, url = [], NRW
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [article.pk for article in response.context["page_obj"]]
        href = parse_html(response.content.decode()).link("next")
        url = href and NRW + href
    assert seen == [article.pk for article in expected]
    assert client.get(f"{NRW}?nach=999999").status_code == 404


def test_state_page_answers_conditional_requests(client, places, page_cache):
    make_article(municipality=places["essen"])
    first = client.get(NRW)
    assert first["ETag"]
    again = client.get(NRW, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_directory_and_municipality_pages_link_their_state(client, places):
    make_article(municipality=places["essen"])
    directory = page_urls(client, reverse("articles:municipalities"))
    assert NRW in directory
    assert "/land/brandenburg/" in directory
    assert NRW in page_urls(client, places["essen"].get_absolute_url())
    # A place without a state links to no state.
    nowhere = page_urls(client, places["nowhere"].get_absolute_url())
    assert not [url for url in nowhere if url.startswith("/land/")]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_state_feeds_hold_only_the_states_published_news(client, places, kind):
    make_article(title="Aus Essen", municipality=places["essen"])
    make_article(title="Aus Bonn", municipality=places["bonn"])
    make_article(title="Aus Panketal", municipality=places["panketal"])
    make_article(
        title="Entwurf", municipality=places["bonn"], status=ArticleStatus.DRAFT
    )
    url = reverse(f"feeds:state_{kind}", kwargs={"slug": "nordrhein-westfalen"})
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert "Nordrhein-Westfalen" in feed.feed.title
    assert sorted(entry.title.split(": ", 1)[1] for entry in feed.entries) == [
        "Aus Bonn",
        "Aus Essen",
    ]
    unknown = reverse(f"feeds:state_{kind}", kwargs={"slug": "gibt-es-nicht"})
    assert client.get(unknown).status_code == 404


@pytest.mark.parametrize("archive_size", [5, 60])
def test_state_feed_costs_same_queries_at_any_size(
    client, places, django_assert_num_queries, archive_size
):
    make_archive(archive_size, municipality=places["bonn"], tags=["Open Data"])
    url = reverse("feeds:state_rss", kwargs={"slug": "nordrhein-westfalen"})
    with django_assert_num_queries(3):  # articles, their tags, their bylines
        response = client.get(url)
    assert len(feedparser.parse(response.content).entries) == min(archive_size, 50)


def test_state_page_announces_its_feeds(client, places):
    links = parse_html(client.get(NRW).content.decode()).links
    announced = [link["href"] for link in links if link.get("rel") == "alternate"]
    assert announced == [
        "/feeds/land/nordrhein-westfalen/rss/",
        "/feeds/land/nordrhein-westfalen/atom/",
    ]


def is_cached(url):
    key = page_cache.entry_key(RequestFactory().get(url))
    return key is not None and page_cache.store().get(key) is not None


def test_publishing_in_a_municipality_refreshes_its_states_page_only(
    places, committed, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    make_article(title="Älteres aus Bonn", municipality=places["bonn"])
    make_article(title="Aus Panketal", municipality=places["panketal"])
    draft = make_article(
        title="Essen öffnet Daten",
        municipality=places["essen"],
        status=ArticleStatus.DRAFT,
    )
    reader = Client()
    brandenburg = "/land/brandenburg/"
    feed = reverse("feeds:state_atom", kwargs={"slug": "nordrhein-westfalen"})
    for url in (NRW, brandenburg, feed):
        assert "Essen öffnet Daten" not in reader.get(url).content.decode()
        assert is_cached(url)

    with committed():
        articles_publish(articles=[draft], user=make_user())

    assert not is_cached(NRW)
    assert not is_cached(feed)
    assert is_cached(brandenburg)
    assert "Essen öffnet Daten" in reader.get(NRW).content.decode()
    assert "Essen öffnet Daten" in reader.get(feed).content.decode()

    # Withdrawn again: it leaves the state page at once.
    reader.get(NRW)
    with committed():
        draft.refresh_from_db()
        draft.unpublish()
    assert not is_cached(NRW)
    assert "Essen öffnet Daten" not in reader.get(NRW).content.decode()


def test_municipality_moving_to_another_state_refreshes_both_pages(
    places, committed, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    make_article(title="Aus Panketal", municipality=places["panketal"])
    reader = Client()
    brandenburg, berlin = "/land/brandenburg/", "/land/berlin/"
    for url in (brandenburg, berlin):
        reader.get(url)
        assert is_cached(url)
    with committed():
        places["panketal"].federal_state = FederalState.BE
        places["panketal"].save()
    assert not is_cached(brandenburg)
    assert not is_cached(berlin)
    assert "Aus Panketal" in reader.get(berlin).content.decode()
    assert "Aus Panketal" not in reader.get(brandenburg).content.decode()
