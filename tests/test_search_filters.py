"""Search filters (/suche/?kommune=&land=&von=&bis=): alone, combined with
each other and with words, at a fixed query cost; German form errors for
unusable input. Compound words on PostgreSQL ("Portal" finds
"Bürgerportal")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from articles.models import ArticleStatus, FederalState
from tests.factories import berlin, make_archive, make_article, make_municipality
from tests.html import parse_html

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Compound search by trigrams needs PostgreSQL (DATABASE_URL=postgres://…)",
)


@pytest.fixture
def news():
    """News from Essen and Bonn (NRW) and Panketal (Brandenburg) in March
    and April 2025, and a draft that no filter may find."""
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    bonn = make_municipality(name="Bonn", federal_state=FederalState.NW)
    panketal = make_municipality(name="Panketal", federal_state=FederalState.BB)
    for title, place, moment in [
        ("Essen Anfang März", essen, berlin(2025, 3, 1, 0, 30)),
        ("Essen Ende März Rathaus", essen, berlin(2025, 3, 31, 23, 30)),
        ("Essen April Rathaus", essen, berlin(2025, 4, 1, 0, 30)),
        ("Bonn März Rathaus", bonn, berlin(2025, 3, 15, 12)),
        ("Panketal März Rathaus", panketal, berlin(2025, 3, 20, 12)),
    ]:
        make_article(title=title, municipality=place, published_at=moment)
    make_article(
        title="Entwurf Essen März",
        municipality=essen,
        published_at=berlin(2025, 3, 10, 12),
        status=ArticleStatus.DRAFT,
    )


def found(client, **params):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return sorted(article.title for article in response.context["page_obj"])


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        (
            {"kommune": "essen"},
            ["Essen Anfang März", "Essen April Rathaus", "Essen Ende März Rathaus"],
        ),
        (
            {"land": "nordrhein-westfalen"},
            [
                "Bonn März Rathaus",
                "Essen Anfang März",
                "Essen April Rathaus",
                "Essen Ende März Rathaus",
            ],
        ),
        ({"land": "brandenburg"}, ["Panketal März Rathaus"]),
        ({"von": "01.04.2025"}, ["Essen April Rathaus"]),
        (
            {"bis": "2025-03-15"},  # ISO, as <input type="date"> sends it
            ["Bonn März Rathaus", "Essen Anfang März"],
        ),
        # "All news of Essen in March 2025": both days count in full.
        (
            {"kommune": "essen", "von": "01.03.2025", "bis": "31.03.2025"},
            ["Essen Anfang März", "Essen Ende März Rathaus"],
        ),
        (
            {"q": "Rathaus", "land": "nordrhein-westfalen", "bis": "31.03.2025"},
            ["Bonn März Rathaus", "Essen Ende März Rathaus"],
        ),
        ({"q": "Rathaus", "kommune": "essen", "land": "nordrhein-westfalen"},
         ["Essen April Rathaus", "Essen Ende März Rathaus"]),
        ({"q": "Rathaus", "von": "2025-03-16", "bis": "2025-03-31"},
         ["Essen Ende März Rathaus", "Panketal März Rathaus"]),
        ({"land": "bayern"}, []),
    ],
    ids=[
        "municipality", "state", "other-state", "von", "bis-iso",
        "municipality-month", "words-state-bis", "words-municipality-state",
        "words-period", "state-without-news",
    ],
)  # fmt: skip
def test_search_filters_combine_with_each_other_and_with_words(
    client, news, params, titles
):
    assert found(client, **params) == titles


def test_filtered_search_without_words_lists_newest_first_and_keeps_filters(
    client,
):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    make_archive(22, municipality=essen, published_at=berlin(2025, 3, 30, 12))
    params = {"kommune": "essen", "von": "01.03.2025", "bis": "31.03.2025"}
    response = client.get(SEARCH, params)
    page = list(response.context["page_obj"])
    assert len(page) == 20
    assert page == sorted(page, key=lambda a: (a.published_at, a.pk), reverse=True)
    html = response.content.decode()
    assert "22 Treffer" in html
    following = parse_html(html).link("next")
    assert following == "?kommune=essen&von=01.03.2025&bis=31.03.2025&page=2"
    second = client.get(SEARCH + following)
    assert len(second.context["page_obj"]) == 2
    # The form shows the chosen filters again.
    fields = parse_html(html).form_fields()
    assert fields["kommune"] == "essen"
    assert fields["von"] == "2025-03-01"
    assert fields["bis"] == "2025-03-31"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"kommune": "gibt-es-nicht"}, "kommune", "Diese Kommune kennen wir nicht."),
        ({"land": "bavaria"}, "land", "Dieses Bundesland kennen wir nicht."),
        ({"von": "31.02.2025"}, "von", "Bitte ein Datum wie 01.03.2025 eingeben."),
        ({"bis": "morgen"}, "bis", "Bitte ein Datum wie 31.03.2025 eingeben."),
        ({"von": "01.01.0001"}, "von", "Bitte ein Datum zwischen 01.01.1900"),
        ({"bis": "9999-12-31"}, "bis", "Bitte ein Datum zwischen 01.01.1900"),
        (
            {"von": "31.03.2025", "bis": "01.03.2025"},
            "bis",
            "„bis“ darf nicht vor „von“ liegen.",
        ),
        (
            {"kommune": "essen", "land": "brandenburg"},
            "kommune",
            "Essen liegt nicht in Brandenburg.",
        ),
        ({"kommune": "essen\x00"}, "kommune", "Diese Kommune kennen wir nicht."),
        ({"q": "", "kommune": ""}, "q", "Bitte einen Suchbegriff eingeben."),
    ],
    ids=[
        "unknown-municipality", "unknown-state", "no-such-day", "not-a-date",
        "too-early", "too-late", "bis-before-von", "municipality-not-in-state",
        "nul-byte", "nothing-to-search",
    ],
)  # fmt: skip
def test_unusable_filters_get_a_german_form_error(client, news, params, field, message):
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    html = response.content.decode()
    page = parse_html(html)
    assert page.find_all("p", id=f"search-{field}-error")
    assert message in html
    [control] = [e for e in page.elements if e.get("id") == f"search-{field}"]
    assert f"search-{field}-error" in control.get("aria-describedby").split()
    assert control.get("aria-invalid") == "true"
    assert list(response.context["page_obj"]) == []


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "Rathaus"},
        {"kommune": "essen"},
        {"land": "nordrhein-westfalen", "von": "01.03.2025"},
        {"q": "Rathaus", "kommune": "essen", "von": "2025-03-01", "bis": "2025-03-31"},
        {"q": "Rathaus", "land": "brandenburg", "bis": "31.03.2025"},
    ],
    ids=["empty", "words", "municipality", "state-von", "all", "words-state-bis"],
)
@pytest.mark.parametrize("archive_size", [3, 30])
def test_search_costs_the_same_queries_for_any_filters_and_size(
    client, django_assert_num_queries, params, archive_size
):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    panketal = make_municipality(name="Panketal", federal_state=FederalState.BB)
    for place in (essen, panketal):
        make_archive(
            archive_size,
            municipality=place,
            lead="Neues aus dem Rathaus",
            published_at=berlin(2025, 3, 20, 12),
            tags=["Open Data"],
        )
    # municipalities (the form's choices), then, if there is something to
    # search, the count and the page
    with django_assert_num_queries(3 if params else 1):
        response = client.get(SEARCH, params)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"kommune": "gibt-es-nicht"}, {"von": "31.03.2025", "bis": "01.03.2025"}],
)
def test_invalid_filters_cost_one_query(client, django_assert_num_queries, params):
    make_municipality(name="Essen", federal_state=FederalState.NW)
    with django_assert_num_queries(1):  # the municipalities, nothing searched
        client.get(SEARCH, params)


def test_search_form_labels_every_filter(client):
    make_municipality(name="Essen", federal_state=FederalState.NW)
    page = parse_html(client.get(SEARCH).content.decode())
    labelled = {label.get("for") for label in page.find_all("label")}
    for name in ("q", "kommune", "land", "von", "bis"):
        [control] = [e for e in page.elements if e.get("id") == f"search-{name}"]
        assert control.get("name") == name
        assert control.get("id") in labelled, name
    assert page.find_all("legend")


# Compound words


def test_a_word_finds_the_compounds_it_is_part_of(client):
    make_article(title="Neues Bürgerportal")
    make_article(title="Stadt startet TikTok-Kanal")
    make_article(title="Portalwechsel im Rathaus")
    make_article(title="Anderes Thema")
    assert found(client, q="Portal") == [
        "Neues Bürgerportal",
        "Portalwechsel im Rathaus",
    ]
    assert found(client, q="Kanal") == ["Stadt startet TikTok-Kanal"]


def titles_in_order(client, query):
    response = client.get(SEARCH, {"q": query})
    return [article.title for article in response.context["page_obj"]]


@postgres_only
def test_postgres_compound_search_keeps_stemming(client):
    make_article(title="Stadt startet Portal")
    make_article(title="Neues Bürgerportal")
    make_article(title="Haushalt", lead="Über Portale sprach man nicht.")
    # "Portale" finds "Portal" by its stem, as before; no compound holds
    # the word "portale" itself.
    assert sorted(titles_in_order(client, "Portale")) == [
        "Haushalt",
        "Stadt startet Portal",
    ]


@postgres_only
def test_postgres_ranks_whole_words_above_compound_parts(client):
    make_article(
        title="Stadt startet Portal",
        published_at=timezone.now() - timedelta(days=3),
    )
    make_article(title="Neues Bürgerportal", lead="Portalfragen im Rat.")
    make_article(
        title="Haushalt beschlossen",
        lead="Am Rande auch das Portal.",
        published_at=timezone.now() - timedelta(days=2),
    )
    make_article(title="Entwurf: Serviceportal", status=ArticleStatus.DRAFT)
    # Whole-word (and stemmed) matches first, best first (title over
    # lead), then the compounds, although newer.
    assert titles_in_order(client, "Portal") == [
        "Stadt startet Portal",
        "Haushalt beschlossen",
        "Neues Bürgerportal",
    ]


@postgres_only
def test_postgres_compound_parts_need_every_word_and_four_letters(client):
    make_article(title="Bürgerportal in Essen")
    make_article(title="Bürgerportal in Bonn")
    make_article(title="Essener Bad", lead="Ein Rad.")
    assert titles_in_order(client, "Portal Essen") == ["Bürgerportal in Essen"]
    assert titles_in_order(client, "Portal -Essen") == ["Bürgerportal in Bonn"]
    # Three letters are too few to look inside words ("rad" in "Bürgerrad"?),
    # whole words still count.
    assert titles_in_order(client, "Rad") == ["Essener Bad"]


def test_filtered_search_is_cached_per_filter_and_refreshed_by_new_news(
    client, committed, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    make_article(title="Älteres aus Essen", municipality=essen)
    url = f"{SEARCH}?kommune=essen&von=01.01.2020"
    other = f"{SEARCH}?kommune=essen&von=01.01.2021"
    for address in (url, other):
        client.get(address)
        key = page_cache.entry_key(RequestFactory().get(address))
        assert page_cache.store().get(key) is not None
    assert page_cache.entry_key(RequestFactory().get(url)) != page_cache.entry_key(
        RequestFactory().get(other)
    )
    with committed():
        make_article(title="Neues aus Essen", municipality=essen)
    assert "Neues aus Essen" in client.get(url).content.decode()
