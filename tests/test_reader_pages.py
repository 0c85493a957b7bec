"""The reader site around the article page: layout, home, municipalities,
archive, search, footer pages, error pages and HTTP caching."""

import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus, FederalState, Page
from articles.views import server_error
from tests.factories import make_article, make_credit, make_jpeg, make_municipality

pytestmark = pytest.mark.django_db


def berlin(*args):
    return timezone.make_aware(datetime(*args))


def titles(response):
    return [article.title for article in response.context["page_obj"]]


# Layout


def test_layout_has_skip_link_navigation_search_and_footer_pages(client):
    html = client.get(reverse("articles:index")).content.decode()
    assert '<a class="skip-link" href="#inhalt">' in html
    assert '<main id="inhalt"' in html
    for url, label in [
        ("/", "Start"),
        ("/kommunen/", "Kommunen"),
        ("/archiv/", "Archiv"),
        ("/suche/", "Suche"),
        ("/seite/impressum/", "Impressum"),
        ("/seite/datenschutz/", "Datenschutz"),
        ("/seite/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
    ]:
        assert f'<a href="{url}">{label}</a>' in html
    assert 'role="search" action="/suche/"' in html
    assert 'href="mailto:barrierefreiheit@example.org">Barriere melden</a>' in html


def test_barrier_report_address_comes_from_settings(client, settings):
    settings.ACCESSIBILITY_CONTACT = "barrieren@essen.de"
    html = client.get(reverse("articles:index")).content.decode()
    assert 'href="mailto:barrieren@essen.de"' in html


@pytest.mark.parametrize("slug", ["impressum", "datenschutz", "barrierefreiheit"])
def test_footer_pages_exist_with_placeholder_text(client, slug):
    response = client.get(reverse("articles:page", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert "Platzhalter" in response.content.decode()


def test_editors_page_text_is_shown_and_cleaned(client):
    page = Page.objects.get(slug="impressum")
    page.body = "<p>Stadt Essen, Rathaus</p><script>alert(1)</script>"
    page.save()
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<p>Stadt Essen, Rathaus</p>" in html
    assert "<script>alert" not in html


def test_unknown_address_gets_the_german_404_page_in_the_layout(client):
    response = client.get("/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html
    assert 'href="/seite/impressum/"' in html


def test_500_page_renders_in_the_layout_without_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Technischer Fehler" in html
    assert "Kommune Digital" in html
    assert 'href="/seite/barrierefreiheit/"' in html


def test_failing_page_gets_the_german_500_page(client, settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client.raise_request_exception = False
    response = client.get("/kaputt/")
    assert response.status_code == 500
    assert "Technischer Fehler" in response.content.decode()


# Home


def test_home_teaser_shows_thumbnail_with_credit_line(client):
    make_article(
        title="Mit Foto",
        image=make_jpeg(),
        alt_text="Ein Rathaus",
        image_credit=make_credit(creator="victor69", source="123rf.com"),
    )
    make_article(title="Ohne Foto")
    html = client.get(reverse("articles:index")).content.decode()
    assert 'alt="Ein Rathaus"' in html
    assert '<figcaption class="credit">Bildquelle: victor69/123rf.com</figcaption>' in (
        html
    )
    assert html.count("<picture>") == 1
    assert '<h2><a href="/artikel/' in html  # right under the page's h1
    assert 'type="image/webp"' in html


@pytest.mark.parametrize("archive_size", [5, 25])
def test_home_costs_one_query_at_any_size(
    client, django_assert_num_queries, archive_size
):
    credit = make_credit()
    photo = make_jpeg(size=(500, 300))
    for _number in range(archive_size):
        make_article(image=photo, image_credit=credit)
    with django_assert_num_queries(1):  # 21 teasers: the page and "is there more"
        response = client.get(reverse("articles:index"))
    assert "Bildquelle" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/thema/open-data/", 2),  # tag, teasers
        ("/kommune/essen/", 2),  # municipality, teasers
        ("/kommunen/", 1),
        ("/archiv/", 1),
        ("/archiv/2025/03/", 1),  # teasers (none: 404)
        ("/suche/?q=Rathaus", 2),  # count, teasers
    ],
)
@pytest.mark.parametrize("archive_size", [3, 12])
def test_list_pages_cost_fixed_queries_at_any_size(
    client, django_assert_num_queries, url, queries, archive_size
):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    make_municipality(name="Bonn", federal_state=FederalState.NW)
    credit = make_credit()
    photo = make_jpeg(size=(500, 300))
    for _number in range(archive_size):
        make_article(
            municipality=essen,
            lead="Neues aus dem Rathaus",
            published_at=berlin(2025, 3, 10, 12),
            image=photo,
            image_credit=credit,
            tags=["Open Data"],
        )
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


# Keyset pagination of the date-ordered lists

LISTS = ["/", "/thema/open-data/", "/kommune/essen/", "/archiv/2025/03/"]


def link(response, rel):
    """The query string of the page's rel=prev/next link, or None."""
    found = re.search(rf'href="\?([^"]+)" rel="{rel}"', response.content.decode())
    return found and found[1].replace("&amp;", "&")


@pytest.fixture
def archive():
    """45 published articles of one list, several sharing a publication
    time, among articles the list must not show."""
    essen = make_municipality(name="Essen")
    published = [
        make_article(
            title=f"Meldung {number}",
            municipality=essen,
            published_at=berlin(2025, 3, 1 + number // 3, 9),  # 3 per moment
            tags=["Open Data"],
        )
        for number in range(45)
    ]
    make_article(title="Entwurf", municipality=essen, status=ArticleStatus.DRAFT)
    return sorted(published, key=lambda a: (a.published_at, a.pk), reverse=True)


@pytest.mark.parametrize("url", LISTS)
def test_walking_a_list_visits_every_article_once_in_order(client, archive, url):
    pages = [client.get(url)]
    while query := link(pages[-1], "next"):
        pages.append(client.get(f"{url}?{query}"))
    assert link(pages[0], "prev") is None
    older = [title for page in pages for title in titles(page)]
    assert older == [article.title for article in archive]
    assert [len(page.context["page_obj"]) for page in pages] == [20, 20, 5]

    back = [pages[-1]]
    while query := link(back[-1], "prev"):
        back.append(client.get(f"{url}?{query}"))
    assert [titles(page) for page in back] == [titles(page) for page in pages][::-1]
    assert link(back[-1], "next") == link(pages[0], "next")


@pytest.mark.parametrize(
    ("url", "queries"), list(zip(LISTS, [1, 2, 2, 1], strict=True))
)
def test_a_deep_page_costs_the_queries_of_the_first(
    client, django_assert_num_queries, archive, url, queries
):
    first = client.get(url)
    with django_assert_num_queries(queries):
        second = client.get(f"{url}?{link(first, 'next')}")
    with django_assert_num_queries(queries) as captured:
        third = client.get(f"{url}?{link(second, 'next')}")
    assert titles(third) == [article.title for article in archive[40:]]
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert "OFFSET" not in captured.captured_queries[-1]["sql"].upper()


@pytest.mark.parametrize(
    "query",
    [
        "nach=abc",
        "nach=0",
        "nach=-3",
        "vor=",
        "nach=123456789012345678901234567890",
        "nach=1&vor=1",
    ],
)
def test_malformed_page_keys_are_404(client, archive, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_keys_outside_the_list_are_404(client, archive):
    draft = Article.objects.get(title="Entwurf")
    elsewhere = make_article(municipality=make_municipality(name="Bonn"))
    assert client.get(f"/?nach={draft.pk}").status_code == 404
    assert client.get(f"/kommune/essen/?nach={elsewhere.pk}").status_code == 404
    assert client.get(f"/thema/open-data/?vor={elsewhere.pk}").status_code == 404
    assert client.get(f"/archiv/2025/04/?nach={archive[0].pk}").status_code == 404
    # The oldest article has no older page, the newest no newer one.
    assert client.get(f"/?nach={archive[-1].pk}").status_code == 404
    assert client.get(f"/?vor={elsewhere.pk}").status_code == 404


@pytest.mark.parametrize("url", LISTS)
def test_old_page_numbers_redirect_to_the_first_page(client, archive, url):
    response = client.get(url, {"page": 3})
    assert response.status_code == 301
    assert response.url == url
    assert client.get(url, {"page": "x"}).url == url


# Municipalities


def test_directory_groups_municipalities_by_federal_state(client):
    make_municipality(name="Essen", federal_state=FederalState.NW)
    make_municipality(name="Bonn", federal_state=FederalState.NW)
    make_municipality(name="Panketal", federal_state=FederalState.BB)
    response = client.get(reverse("articles:municipalities"))
    states = dict(response.context["states"])
    assert [m.name for m in states["Nordrhein-Westfalen"]] == ["Bonn", "Essen"]
    assert [m.name for m in states["Brandenburg"]] == ["Panketal"]
    html = response.content.decode()
    assert html.index("Brandenburg") < html.index("Nordrhein-Westfalen")
    assert '<a href="/kommune/essen/">Essen</a>' in html


def test_directory_counts_only_published_news(client):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    make_article(municipality=essen)
    make_article(municipality=essen)
    make_article(municipality=essen, status=ArticleStatus.DRAFT)
    html = client.get(reverse("articles:municipalities")).content.decode()
    assert "Essen</a> <span" in html and "(2 Meldungen)" in html


def test_municipality_page_lists_only_its_published_news(client):
    essen = make_municipality(name="Essen")
    make_article(title="Aus Essen", municipality=essen)
    make_article(title="Entwurf aus Essen", municipality=essen, status="draft")
    make_article(title="Aus Bonn", municipality=make_municipality(name="Bonn"))
    response = client.get(essen.get_absolute_url())
    assert essen.get_absolute_url() == "/kommune/essen/"
    assert titles(response) == ["Aus Essen"]
    assert "Meldungen aus Essen" in response.content.decode()


def test_municipality_page_is_paginated(client):
    essen = make_municipality(name="Essen")
    for _number in range(23):
        make_article(municipality=essen)
    first = client.get(essen.get_absolute_url())
    second = client.get(
        essen.get_absolute_url(), {"nach": first.context["page_obj"].next_key()}
    )
    assert len(second.context["page_obj"]) == 3


def test_unknown_municipality_answers_404(client):
    assert client.get("/kommune/atlantis/").status_code == 404


# Archive


def test_archive_lists_months_with_counts_in_german(client):
    make_article(published_at=berlin(2025, 3, 1, 10))
    make_article(published_at=berlin(2025, 3, 31, 23, 30))  # still March in Berlin
    make_article(published_at=berlin(2024, 12, 5, 10))
    make_article(published_at=berlin(2025, 1, 5, 10), status=ArticleStatus.DRAFT)
    html = client.get(reverse("articles:archive")).content.decode()
    assert '<a href="/archiv/2025/03/">März 2025</a>' in html
    assert "(2 Meldungen)" in html
    assert '<a href="/archiv/2024/12/">Dezember 2024</a>' in html
    assert "Januar 2025" not in html
    assert html.index("März 2025") < html.index("Dezember 2024")


def test_archive_month_lists_that_months_articles(client):
    make_article(title="Ende März", published_at=berlin(2025, 3, 31, 23, 30))
    make_article(title="Anfang April", published_at=berlin(2025, 4, 1, 0, 30))
    response = client.get("/archiv/2025/03/")
    assert titles(response) == ["Ende März"]
    assert "Archiv: März 2025" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/archiv/2025/13/", "/archiv/0000/01/", "/archiv/2020/01/"]
)
def test_impossible_or_empty_month_answers_404(client, path):
    make_article(published_at=berlin(2025, 3, 1, 10))
    assert client.get(path).status_code == 404


# Search


def test_search_finds_words_in_kicker_title_lead_and_body(client):
    make_article(kicker="Gütersloh", title="Eins")
    make_article(title="Neues Bürgerportal")
    make_article(title="Drei", lead="Das Bürgerportal wächst.")
    make_article(title="Vier", body="<p>Mehr zum Bürgerportal.</p>")
    make_article(title="Entwurf zum Bürgerportal", status=ArticleStatus.DRAFT)
    make_article(title="Anderes Thema")
    found = titles(client.get(reverse("articles:search"), {"q": "Bürgerportal"}))
    assert sorted(found) == ["Drei", "Neues Bürgerportal", "Vier"]
    assert titles(client.get(reverse("articles:search"), {"q": "Gütersloh"})) == [
        "Eins"
    ]


def test_search_results_are_paginated_and_keep_the_query(client):
    for _number in range(22):
        make_article(lead="Open Data im Rathaus")
    first = client.get(reverse("articles:search"), {"q": "Rathaus"})
    second = client.get(reverse("articles:search"), {"q": "Rathaus", "page": 2})
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
        ("Portal\x00", "Nullzeichen sind nicht erlaubt."),
    ],
    ids=["empty", "blank", "too-long", "punctuation", "nul"],
)
def test_unusable_search_gets_a_friendly_german_page(client, query, message):
    make_article(title="Portal")
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert titles(response) == []


def test_search_without_query_invites_to_search(client):
    html = client.get(reverse("articles:search")).content.decode()
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
    response = client.get(reverse("articles:search"), {"q": "Rathaus"})
    assert sorted(titles(response)) == ["Rathaus 0", "Rathaus 1", "Rathaus 2"]
    assert "3 oder mehr Treffer" in response.content.decode()


def test_search_without_hits_says_so(client):
    make_article(title="Portal")
    html = client.get(reverse("articles:search"), {"q": "Schwimmbad"}).content.decode()
    assert "Keine Meldungen gefunden" in html


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German full-text search needs PostgreSQL (DATABASE_URL=postgres://…)",
)
def test_postgres_search_finds_inflected_forms_best_match_first(client):
    make_article(title="Stadt startet Portal", lead="Neu.", body="<p>Kurz.</p>")
    make_article(
        title="Haushalt beschlossen",
        lead="Der Rat tagte.",
        body="<p>Auch über Portale sprach man am Rande.</p>",
        published_at=timezone.now() - timedelta(minutes=5),  # newer
    )
    make_article(title="Entwurf", lead="Portal", status=ArticleStatus.DRAFT)
    found = titles(client.get(reverse("articles:search"), {"q": "Portale"}))
    # A title hit outranks a newer body hit.
    assert found == ["Stadt startet Portal", "Haushalt beschlossen"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="German full-text search needs PostgreSQL (DATABASE_URL=postgres://…)",
)
def test_postgres_search_follows_edits_and_bulk_writes(client):
    article = make_article(title="Schwimmbad öffnet")
    article.title = "Bibliothek öffnet"
    article.save()
    Article.objects.bulk_create(
        [Article(kicker="Bonn", title="Neue Bibliotheken", slug="bonn-bib",
                 lead="Mehr Bücher.", status=ArticleStatus.PUBLISHED,
                 published_at=timezone.now() - timedelta(hours=2))]
    )  # fmt: skip
    search = reverse("articles:search")
    assert titles(client.get(search, {"q": "Schwimmbad"})) == []
    assert titles(client.get(search, {"q": "Bibliothek"})) == [
        "Bibliothek öffnet",
        "Neue Bibliotheken",
    ]


# HTTP caching


def test_article_page_sends_last_modified_and_etag(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert response["ETag"].startswith('"')
    sent = parsedate_to_datetime(response["Last-Modified"])
    assert sent == article.updated_at.replace(microsecond=0)


def test_conditional_request_for_unchanged_article_gets_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    by_etag = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(
        article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304


def test_changed_article_gets_a_new_etag_and_a_full_page(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    article.title = "Neue Überschrift"
    article.save()
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Neue Überschrift" in again.content.decode()


def test_new_related_article_changes_the_etag(client):
    article = make_article(tags=["Open Data"])
    first = client.get(article.get_absolute_url())
    make_article(title="Neu im Sidebar", tags=["Open Data"])
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "Neu im Sidebar" in again.content.decode()


def test_editors_change_footer_pages_in_the_admin(admin_client):
    page = Page.objects.get(slug="datenschutz")
    url = reverse("admin:articles_page_change", args=[page.pk])
    assert (
        admin_client.get(reverse("admin:articles_page_changelist")).status_code == 200
    )
    response = admin_client.post(
        url, {"title": "Datenschutz", "slug": "datenschutz", "body": "<p>Neu.</p>"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body == "<p>Neu.</p>"
