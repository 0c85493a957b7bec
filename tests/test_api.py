"""The content API (/api/v1/): what it shows (published articles only, with
photo, credit, tags, municipality and author), its filters and keyset
pagination, fixed query budgets, and its HTTP behaviour: ETag and 304, the
page cache and its invalidation, CORS, the rate limit and German JSON
errors."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone

from articles import page_cache
from articles.models import Article
from tests.factories import (
    HIDDEN_STATES,
    berlin,
    make_archive,
    make_article,
    make_author,
    make_credit,
    make_hidden_article,
    make_jpeg,
    make_municipality,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/artikel/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()  # the rate limit's counters
    yield
    cache.clear()


def get(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def titles(data):
    return [item["titel"] for item in data["artikel"]]


@pytest.fixture
def essen():
    return make_municipality(name="Essen", federal_state="NW")


@pytest.fixture
def story(essen):
    return make_article(
        title="Stadt startet TikTok-Kanal",
        kicker="Essen",
        municipality=essen,
        body="<p>Der <strong>Kanal</strong> startet.</p>",
        image=make_jpeg(size=(1600, 900)),
        alt_text="Ein Smartphone mit der TikTok-App",
        caption="Das Rathaus geht online.",
        image_credit=make_credit(creator="victor69", source="123rf.com"),
        authors=[make_author(name="Anna Schreiber")],
        agency="dpa",
        tags=["Soziale Medien", "Bürgerservice"],
    )


# What it shows


def test_article_list_shows_teasers_with_photo_credit_tags_and_place(client, story):
    item = get(client, LIST)["artikel"][0]

    assert item["titel"] == "Stadt startet TikTok-Kanal"
    assert item["dachzeile"] == "Essen"
    assert item["url"] == "http://testserver/artikel/" + story.slug + "/"
    assert item["api_url"] == f"http://testserver/api/v1/artikel/{story.slug}/"
    assert item["kommune"] == {
        "name": "Essen",
        "slug": "essen",
        "art": "stadt",
        "bundesland": "NW",
        "url": "http://testserver/kommune/essen/",
    }
    assert {topic["slug"] for topic in item["themen"]} == {
        "soziale-medien",
        "buergerservice",
    }
    assert item["autoren"] == [
        {"name": "Anna Schreiber", "url": "http://testserver/autor/anna-schreiber/"}
    ]
    assert item["agentur"] == "dpa"
    photo = item["foto"]
    assert photo["alternativtext"] == "Ein Smartphone mit der TikTok-App"
    assert photo["bildunterschrift"] == "Das Rathaus geht online."
    assert photo["bildnachweis"]["zeile"] == "Bildquelle: victor69/123rf.com"
    assert {(r["format"], r["breite"]) for r in photo["renditionen"]} == {
        (kind, width) for kind in ("webp", "jpeg") for width in (480, 800, 1200)
    }
    assert all(r["url"].startswith("http://testserver/") for r in photo["renditionen"])
    assert "text_html" not in item  # the list is teasers; the body is in the detail


def test_article_detail_has_the_sanitised_body(client, story):
    story.body = '<p onclick="alert(1)">Text<script>alert(1)</script></p>'
    story.save()

    item = get(client, f"/api/v1/artikel/{story.slug}/")

    assert item["titel"] == "Stadt startet TikTok-Kanal"
    assert item["text_html"] == "<p>Text</p>"
    assert item["foto"]["bildnachweis"]["urheber"] == "victor69"


def test_articles_without_photo_place_or_author_have_none(client):
    make_article(title="Bundesprogramm")

    item = get(client, LIST)["artikel"][0]

    assert (item["foto"], item["kommune"], item["autoren"]) == (None, None, [])


def test_municipalities_and_topics_list_what_readers_may_see(client, story, essen):
    make_municipality(name="Bonn", federal_state="NW")
    make_hidden_article("draft", tags=["Geheimprojekt"], municipality=essen)

    places = get(client, "/api/v1/kommunen/")["kommunen"]
    topics = get(client, "/api/v1/themen/")["themen"]

    assert [(p["name"], p["anzahl_artikel"]) for p in places] == [
        ("Bonn", 0),
        ("Essen", 1),
    ]
    assert places[1]["bundesland_name"] == "Nordrhein-Westfalen"
    assert [(t["name"], t["anzahl_artikel"]) for t in topics] == [
        ("Bürgerservice", 1),
        ("Soziale Medien", 1),
    ]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_articles_never_appear(client, state, essen):
    make_article(title="Sichtbar", municipality=essen, tags=["Open Data"])
    hidden = make_hidden_article(
        state, title="Unsichtbar", municipality=essen, tags=["Open Data", "Geheim"]
    )

    urls = [
        LIST,
        LIST + "?gemeinde=essen",
        LIST + "?thema=open-data",
        LIST + "?bundesland=NW",
        "/api/v1/kommunen/",
        "/api/v1/themen/",
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert "Unsichtbar" not in text and "Geheim" not in text, url
    assert get(client, LIST)["artikel"][0]["titel"] == "Sichtbar"
    assert get(client, "/api/v1/kommunen/")["kommunen"][0]["anzahl_artikel"] == 1
    assert get(client, f"/api/v1/artikel/{hidden.slug}/", 404) == {
        "detail": "Diesen Artikel gibt es nicht (mehr)."
    }
    assert get(client, LIST + "?thema=geheim", 404)["detail"] == (
        "Zu diesem Thema gibt es keine Artikel."
    )
    # a key of a hidden article opens no page
    assert get(client, f"{LIST}?nach={hidden.pk}", 404)["detail"]


# Filters and pagination


def test_filters_by_municipality_state_topic_and_days(client, essen):
    bonn = make_municipality(name="Bonn", federal_state="NW")
    munich = make_municipality(name="München", federal_state="BY")
    make_article(
        title="Essen 1", municipality=essen, published_at=berlin(2025, 4, 9, 8)
    )
    make_article(title="Bonn 1", municipality=bonn, published_at=berlin(2025, 4, 10, 0))
    make_article(
        title="München 1",
        municipality=munich,
        published_at=berlin(2025, 4, 30, 23, 59),
        tags=["Open Data"],
    )
    make_article(title="Bund 1", published_at=berlin(2025, 5, 1, 0), tags=["Open Data"])

    def found(query):
        return titles(get(client, f"{LIST}?{query}"))

    assert found("gemeinde=essen") == ["Essen 1"]
    assert found("bundesland=NW") == ["Bonn 1", "Essen 1"]
    assert found("bundesland=BY") == ["München 1"]
    assert found("thema=open-data") == ["Bund 1", "München 1"]
    # days in German time, both included
    assert found("von=2025-04-10&bis=2025-04-30") == ["München 1", "Bonn 1"]
    assert found("bis=2025-04-09") == ["Essen 1"]
    assert found("von=2025-05-01") == ["Bund 1"]
    assert found("thema=open-data&bundesland=BY") == ["München 1"]
    assert found("von=0001-01-01&bis=9999-12-31") == [
        "Bund 1",
        "München 1",
        "Bonn 1",
        "Essen 1",
    ]


def test_unknown_municipality_or_topic_is_a_german_404(client):
    assert get(client, LIST + "?gemeinde=atlantis", 404) == {
        "detail": "Diese Kommune gibt es nicht."
    }
    assert get(client, LIST + "?thema=unbekannt", 404)["detail"] == (
        "Zu diesem Thema gibt es keine Artikel."
    )


def test_pages_follow_the_next_link_through_the_whole_list(client, essen):
    for number in range(7):
        make_article(
            title=f"Meldung {number}",
            municipality=essen,
            published_at=timezone.now() - timedelta(hours=number),
        )
    make_article(title="Anderswo")  # not in the filtered list

    seen, url = [], f"{LIST}?gemeinde=essen&anzahl=3&utm_source=x"
    while url:
        data = get(client, url.removeprefix("http://testserver"))
        seen += titles(data)
        url = data["weiter"]
        assert url is None or ("gemeinde=essen" in url and "anzahl=3" in url)
        assert url is None or "utm_source" not in url

    assert seen == [f"Meldung {number}" for number in range(7)]


def test_articles_of_one_moment_are_paged_by_id_without_gaps(client):
    moment = timezone.now() - timedelta(hours=1)
    made = [make_article(published_at=moment) for _n in range(5)]

    first = get(client, f"{LIST}?anzahl=2")
    rest = []
    url = first["weiter"]
    while url:
        data = get(client, url.removeprefix("http://testserver"))
        rest += [item["id"] for item in data["artikel"]]
        url = data["weiter"]

    ids = [item["id"] for item in first["artikel"]] + rest
    assert ids == sorted((a.pk for a in made), reverse=True)


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("anzahl=0", "anzahl"),
        ("anzahl=101", "anzahl"),
        ("anzahl=viele", "anzahl"),
        ("nach=-1", "nach"),
        ("nach=1e3", "nach"),
        ("von=2025-13-01", "von"),
        ("bis=gestern", "bis"),
        ("bundesland=XY", "bundesland"),
        ("gemeinde=%3Cscript%3E", "gemeinde"),
        ("thema=a%00b", "thema"),
    ],
)
def test_bad_parameters_are_a_german_400_naming_the_parameter(client, query, parameter):
    data = get(client, f"{LIST}?{query}", 400)

    assert data["detail"] == "Die Anfrage ist ungültig."
    assert [problem["parameter"] for problem in data["fehler"]] == [parameter]
    assert all(problem["meldung"] for problem in data["fehler"])


# Query budgets


@pytest.mark.parametrize("archive_size", [30, 300])
def test_api_costs_the_same_queries_at_any_archive_size(
    client, django_assert_num_queries, archive_size, essen
):
    articles = make_archive(
        archive_size,
        municipality=essen,
        image=make_jpeg(),
        alt_text="Foto",
        image_credit=make_credit(),
        tags=["Open Data", "Verwaltung"],
    )
    middle = articles[archive_size // 2]
    budgets = {
        LIST: 3,  # articles with place and credit; their authors; their tags
        f"{LIST}?nach={middle.pk}&anzahl=100": 3,
        f"{LIST}?gemeinde=essen&bundesland=NW&von=2020-01-01": 4,  # + the place
        f"{LIST}?thema=open-data": 4,  # + the topic
        f"/api/v1/artikel/{middle.slug}/": 3,
        "/api/v1/kommunen/": 1,
        "/api/v1/themen/": 1,
    }
    for url, queries in budgets.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


# HTTP


def test_unknown_urls_and_methods_get_german_json_errors(client, story):
    assert get(client, "/api/v1/gibt-es-nicht/", 404) == {
        "detail": "Das gibt es hier nicht."
    }
    assert get(client, "/api/v1/artikel/a%00b/", 404)["detail"]
    response = client.post(LIST, {"titel": "Neu"})
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "detail": "Diese Methode ist hier nicht erlaubt; erlaubt ist: GET."
    }
    assert client.delete(f"/api/v1/artikel/{story.slug}/").status_code == 405
    assert Article.objects.filter(pk=story.pk).exists()


def test_an_unexpected_failure_is_a_json_error_without_details(monkeypatch, story):
    def broken():
        raise RuntimeError("database on fire")

    monkeypatch.setattr("articles.api.endpoints.articles_for_readers", broken)
    response = Client(raise_request_exception=False).get(LIST)

    assert response.status_code == 500
    assert response.json() == {"detail": "Ein interner Fehler ist aufgetreten."}


def test_head_answers_like_get_without_a_body(client, story):
    get_answer = client.get(LIST)
    head = client.head(LIST)

    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get_answer["ETag"]
    assert head["Content-Type"] == get_answer["Content-Type"]


def test_unchanged_responses_are_answered_with_304(client, story):
    first = client.get(LIST)
    etag = first["ETag"]

    again = client.get(LIST, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    story.title = "Neuer Titel"
    story.save()
    assert client.get(LIST, headers={"If-None-Match": etag}).status_code == 200


def test_get_is_allowed_from_any_origin_without_credentials(client, story):
    response = client.get(LIST, headers={"Origin": "https://www.essen.de"})
    preflight = client.options(
        LIST,
        headers={
            "Origin": "https://www.essen.de",
            "Access-Control-Request-Method": "GET",
        },
    )
    page = client.get("/", headers={"Origin": "https://www.essen.de"})
    without_origin = client.get(LIST)  # e.g. the request that fills the edge

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in page  # pages stay same-origin
    # one copy at the edge serves every origin
    assert without_origin["Access-Control-Allow-Origin"] == "*"
    assert "origin" not in response["Vary"].lower()


def test_too_many_requests_from_one_address_get_429_with_retry_after(
    client, settings, story
):
    settings.API_RATE_LIMIT = 3
    for _n in range(3):
        assert client.get(LIST).status_code == 200

    refused = client.get(f"/api/v1/artikel/{story.slug}/")
    other = Client(REMOTE_ADDR="192.0.2.7").get(LIST)

    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Zu viele Anfragen von Ihrer Adresse.")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    assert refused["Access-Control-Allow-Origin"] == "*"  # the widget can tell
    assert other.status_code == 200  # the limit is per client address
    assert client.get("/").status_code == 200  # pages have no such limit


def test_rate_limit_counts_cached_answers_too(client, settings, page_cache, story):
    settings.API_RATE_LIMIT = 2
    client.get(LIST)
    client.get(LIST)  # from the page cache

    assert client.get(LIST).status_code == 429


# The page cache


def is_cached(url):
    key = page_cache.entry_key(RequestFactory().get(url))
    return key is not None and page_cache.store().get(key) is not None


def test_api_answers_come_from_the_page_cache_without_queries(
    client, page_cache, story, django_assert_num_queries
):
    urls = [
        LIST,
        LIST + "?gemeinde=essen&anzahl=5",
        f"/api/v1/artikel/{story.slug}/",
        "/api/v1/kommunen/",
        "/api/v1/themen/",
    ]
    first = [client.get(url).content for url in urls]

    with django_assert_num_queries(0):
        again = [client.get(url).content for url in urls]

    assert again == first
    response = client.get(LIST)
    assert "list-articles" in response["xkey"].split()
    assert f"article-{story.pk}" in response["xkey"].split()
    assert f"imagecredit-{story.photo.credit_id}" in response["xkey"].split()


def test_renamed_author_shows_at_once_in_cached_answers(
    client, page_cache, committed, story
):
    author = story.byline_authors()[0]
    urls = [LIST, f"/api/v1/artikel/{story.slug}/"]
    for url in urls:
        get(client, url)
        assert is_cached(url)
    with committed():
        author.name = "Anna Schreiber-Koch"
        author.save()
    item = get(client, LIST)["artikel"][0]
    assert item["autoren"][0]["name"] == "Anna Schreiber-Koch"
    assert get(client, urls[1])["autoren"][0]["name"] == "Anna Schreiber-Koch"


def test_unknown_parameters_are_answered_but_never_stored(client, page_cache, story):
    assert client.get(LIST + "?zufall=123").status_code == 200
    assert client.get(LIST + "?utm_source=newsletter").status_code == 200
    assert client.get("/?gemeinde=essen").status_code == 200

    assert not is_cached(LIST + "?zufall=123")
    assert is_cached(LIST)  # the tracking parameter was dropped
    assert not is_cached("/?gemeinde=essen")  # an API parameter, not a page's


def test_publishing_shows_at_once_in_every_api_answer(
    client, page_cache, committed, story, essen
):
    draft = make_hidden_article(
        "draft", title="Neu im Netz", municipality=essen, tags=["Soziale Medien"]
    )
    urls = [LIST, LIST + "?gemeinde=essen", LIST + "?thema=soziale-medien"]
    for url in urls:
        assert "Neu im Netz" not in titles(get(client, url))
    places = "/api/v1/kommunen/"
    assert get(client, places)["kommunen"][0]["anzahl_artikel"] == 1

    with committed():
        draft.publish()

    for url in urls:
        assert titles(get(client, url))[0] == "Neu im Netz", url
    assert get(client, places)["kommunen"][0]["anzahl_artikel"] == 2
    assert get(client, f"/api/v1/artikel/{draft.slug}/")["titel"] == "Neu im Netz"


def test_news_elsewhere_keeps_a_municipalitys_and_a_topics_answers_cached(
    client, page_cache, committed, story
):
    urls = [
        LIST + "?gemeinde=essen",
        LIST + "?thema=soziale-medien&anzahl=5",
        f"/api/v1/artikel/{story.slug}/",
    ]
    for url in [*urls, LIST]:
        get(client, url)
    assert is_cached(LIST)
    draft = make_hidden_article(
        "draft", municipality=make_municipality(name="Bonn"), tags=["Breitband"]
    )

    with committed():
        draft.publish()

    assert all(is_cached(url) for url in urls)
    assert not is_cached(LIST)


def test_a_changed_credit_or_withdrawn_article_is_fresh_at_once(
    client, page_cache, committed, story
):
    detail = f"/api/v1/artikel/{story.slug}/"
    get(client, LIST)
    get(client, detail)

    credit = story.photo.credit
    credit.creator = "anna"
    with committed():
        credit.save()
    assert get(client, LIST)["artikel"][0]["foto"]["bildnachweis"]["urheber"] == "anna"

    with committed():
        story.unpublish()
    assert get(client, LIST)["artikel"] == []
    assert get(client, detail, 404)


def test_a_scheduled_article_appears_in_the_cached_list_when_its_time_comes(
    client, page_cache, time_machine, django_assert_num_queries
):
    start = timezone.now().replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    moment = start + timedelta(minutes=2)
    make_article(title="Schon online")
    make_article(title="Mit Termin", published_at=moment)
    assert titles(get(client, LIST)) == ["Schon online"]

    time_machine.move_to(moment - timedelta(seconds=1))
    with django_assert_num_queries(0):  # still the cached answer
        assert titles(get(client, LIST)) == ["Schon online"]

    time_machine.move_to(moment)
    assert titles(get(client, LIST)) == ["Mit Termin", "Schon online"]


# Schema and documentation


def test_schema_is_openapi_3_with_every_operation(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)

    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Nachrichten-API"
    assert set(schema["paths"]) == {
        "/api/v1/artikel/",
        "/api/v1/artikel/{slug}/",
        "/api/v1/kommunen/",
        "/api/v1/themen/",
    }


def test_documentation_page_is_german_and_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/doku/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "Nachrichten-API" in html
    assert "http" not in html.replace("http-equiv", "")  # no CDN, no third party
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.browser
def test_documentation_renders_under_the_sites_content_security_policy(live_site, page):
    refused, hosts = [], set()
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))

    page.goto(live_site.url + "/api/v1/doku/")

    page.get_by_text("/api/v1/artikel/{slug}/").wait_for()
    assert "Nachrichten-API" in page.locator(".info .title").inner_text()
    assert refused == []
    assert hosts == {live_site.url.split("/")[2]}
