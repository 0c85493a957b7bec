"""Authors as readers see them: the byline under the headline, the author's
page (photo, bio, their published articles, paginated by key) and feeds,
JSON-LD Person with the page's URL, and how editors pick authors."""

import json
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse

from articles import page_cache
from articles.models import Article, ArticleAuthor
from tests.factories import (
    HIDDEN_STATES,
    admin_form_data,
    make_archive,
    make_article,
    make_author,
    make_hidden_article,
    make_jpeg,
    make_photo,
    make_user,
)
from tests.html import parse_html

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def byline(client, article):
    """The byline's text and its links, as a reader sees them."""
    html = page(client, article.get_absolute_url())
    start = html.index('<p class="byline">')
    return html[start : html.index("</p>", start) + 4]


@pytest.fixture
def anna():
    return make_author(
        name="Anna Berger",
        bio="Anna Berger schreibt seit 2019 über Onlinedienste.",
        photo=make_photo(alt_text="Porträt von Anna Berger"),
    )


@pytest.fixture
def jonas():
    return make_author(name="Jonas Weber")


# The byline


def test_byline_names_the_authors_in_order_each_linking_to_their_page(
    client, anna, jonas
):
    article = make_article(authors=[jonas, anna])
    assert byline(client, article) == (
        '<p class="byline">Von <a href="/autor/jonas-weber/" rel="author">Jonas '
        'Weber</a> und <a href="/autor/anna-berger/" rel="author">Anna Berger</a>'
        "</p>"
    )


def test_byline_of_three_authors_and_an_agency(client, anna, jonas):
    third = make_author(name="Lea Roth")
    article = make_article(authors=[anna, jonas, third], agency="dpa")
    text = byline(client, article)
    assert ">Anna Berger</a>, <a" in text
    assert ">Jonas Weber</a> und <a" in text
    assert text.endswith(">Lea Roth</a>, dpa</p>")


def test_agency_article_names_the_agency_as_source(client):
    article = make_article(agency="dpa")
    assert byline(client, article) == '<p class="byline">Quelle: dpa</p>'


def test_byline_does_not_name_the_user_who_created_the_article(client):
    article = make_article(author=make_user(first_name="Erika", last_name="Muster"))
    html = page(client, article.get_absolute_url())
    assert 'class="byline"' not in html
    assert "Erika" not in html


def test_json_ld_names_each_author_as_person_with_page_and_agency_as_organization(
    client, anna, jonas
):
    article = make_article(authors=[anna, jonas], agency="dpa")
    [data] = parse_html(page(client, article.get_absolute_url())).json_ld
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Anna Berger",
            "url": "http://testserver/autor/anna-berger/",
        },
        {
            "@type": "Person",
            "name": "Jonas Weber",
            "url": "http://testserver/autor/jonas-weber/",
        },
        {"@type": "Organization", "name": "dpa"},
    ]


# The author's page


def test_author_page_shows_photo_bio_and_only_published_articles(client, anna):
    shown = make_article(title="Sichtbare Meldung", authors=[anna])
    hidden = [
        make_hidden_article(state, title=f"Versteckt {state}", authors=[anna])
        for state in HIDDEN_STATES
    ]
    make_article(title="Meldung von jemand anderem")

    html = page(client, "/autor/anna-berger/")

    assert "<h1>Anna Berger</h1>" in html
    assert "Anna Berger schreibt seit 2019 über Onlinedienste." in html
    assert 'alt="Porträt von Anna Berger"' in html
    assert shown.get_absolute_url() in html
    assert "Meldung von jemand anderem" not in html
    for article in hidden:
        assert article.title not in html
    # The photo's rendition is served to readers (the app serves media).
    src = anna.photo.renditions["src"]
    assert client.get(src).status_code == 200


@pytest.mark.parametrize("state", sorted(HIDDEN_STATES))
def test_author_with_only_hidden_articles_has_no_page_or_feed(client, jonas, state):
    make_hidden_article(state, authors=[jonas])
    assert client.get("/autor/jonas-weber/").status_code == 404
    assert client.get("/feeds/autor/jonas-weber/rss/").status_code == 404
    assert client.get("/feeds/autor/jonas-weber/atom/").status_code == 404


def test_unknown_author_is_a_german_404(client):
    response = client.get("/autor/gibt-es-nicht/")
    assert response.status_code == 404


def test_photo_of_an_author_without_published_articles_is_not_served(client, jonas):
    jonas.photo = make_photo()
    jonas.save()
    make_hidden_article("draft", authors=[jonas])
    assert client.get(jonas.photo.renditions["src"]).status_code == 404
    assert default_storage.exists(jonas.photo.renditions["files"][0])


@pytest.mark.parametrize("archive_size", [5, 60])
def test_author_page_costs_two_queries_at_any_size_and_any_depth(
    client, django_assert_num_queries, anna, archive_size
):
    articles = make_archive(archive_size, image=make_jpeg())
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=anna) for article in articles
    )
    # the author with photo and credit; 21 teasers with their photos
    with django_assert_num_queries(2):
        page(client, "/autor/anna-berger/")
    with django_assert_num_queries(2):
        response = client.get(f"/autor/anna-berger/?nach={articles[2].pk}")
    assert response.status_code == 200


def test_author_page_is_paginated_by_key_newest_first(client, anna):
    articles = make_archive(45)
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=anna) for article in articles
    )
    make_article(title="Nicht von Anna")  # not on her list, not a valid key

    first = client.get("/autor/anna-berger/")
    assert [a.pk for a in first.context["page_obj"]] == [a.pk for a in articles[:20]]
    assert f'href="?nach={articles[19].pk}"' in first.content.decode()

    second = client.get(f"/autor/anna-berger/?nach={articles[19].pk}")
    assert [a.pk for a in second.context["page_obj"]] == [a.pk for a in articles[20:40]]
    html = second.content.decode()
    assert f'href="?vor={articles[20].pk}"' in html
    assert f'href="?nach={articles[39].pk}"' in html

    third = client.get(f"/autor/anna-berger/?nach={articles[39].pk}")
    assert [a.pk for a in third.context["page_obj"]] == [a.pk for a in articles[40:]]
    assert 'href="?nach=' not in third.content.decode()  # no older page

    other = Article.objects.get(title="Nicht von Anna")
    assert client.get(f"/autor/anna-berger/?nach={other.pk}").status_code == 404
    assert client.get("/autor/anna-berger/?nach=x").status_code == 404
    assert client.get("/autor/anna-berger/?page=2").status_code == 301


# The author's feeds


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_author_feed_lists_only_their_published_articles(client, anna, jonas, kind):
    mine = make_article(title="Von Anna", authors=[anna, jonas])
    make_hidden_article("scheduled", title="Geplant", authors=[anna])
    make_article(title="Nur von Jonas", authors=[jonas])

    response = client.get(f"/feeds/autor/anna-berger/{kind}/")

    assert response.status_code == 200
    ElementTree.fromstring(response.content)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert "Anna Berger" in feed.feed.title
    [entry] = feed.entries
    assert entry.link == f"http://testserver{mine.get_absolute_url()}"
    assert entry.author == "Anna Berger, Jonas Weber"


def test_atom_entry_links_the_first_author_s_page(client, anna):
    make_article(authors=[anna])
    feed = feedparser.parse(client.get("/feeds/autor/anna-berger/atom/").content)
    [entry] = feed.entries
    assert entry.author_detail.href == "http://testserver/autor/anna-berger/"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_author_feed_costs_the_same_queries_at_any_size(
    client, django_assert_num_queries, anna, kind
):
    for size in (5, 60):
        ArticleAuthor.objects.all().delete()
        articles = make_archive(size, image=make_jpeg(), tags=["Open Data"])
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=anna) for article in articles
        )
        # the author, the articles with photos, their tags, their bylines
        with django_assert_num_queries(4):
            response = client.get(f"/feeds/autor/anna-berger/{kind}/")
        assert response.status_code == 200


def test_author_page_announces_its_feeds(client, anna):
    make_article(authors=[anna])
    html = page(client, "/autor/anna-berger/")
    assert 'href="/feeds/autor/anna-berger/rss/"' in html
    assert 'href="/feeds/autor/anna-berger/atom/"' in html


# Editors


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_editor_picks_authors_in_the_article_form_in_their_order(
    editor_client, anna, jonas
):
    article = make_article(status="draft", published_at=None)
    data = admin_form_data(editor_client.get(change_url(article)))
    data["byline"] = [str(jonas.pk), str(anna.pk)]
    data["agency"] = "epd"

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 302
    assert article.byline_authors() == [jonas, anna]
    article.refresh_from_db()
    assert article.agency == "epd"
    # The form shows them in that order again; a second save keeps it.
    form = editor_client.get(change_url(article))
    assert form.context["adminform"].form.initial["byline"] == [jonas.pk, anna.pk]
    data = admin_form_data(form)
    data["byline"] = [str(anna.pk), str(jonas.pk)]
    editor_client.post(change_url(article), data)
    assert article.byline_authors() == [anna, jonas]
    data = admin_form_data(editor_client.get(change_url(article)))
    data.pop("byline")  # nothing chosen
    editor_client.post(change_url(article), data)
    assert article.byline_authors() == []


def test_editor_finds_authors_by_autocomplete(editor_client, anna, jonas):
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "authors",
            "term": "Ann",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in json.loads(response.content)["results"]] == [
        "Anna Berger"
    ]


def test_author_of_a_byline_cannot_be_deleted(admin_client, anna):
    make_article(authors=[anna])
    response = admin_client.post(
        reverse("admin:articles_author_delete", args=[anna.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # the admin names what protects it
    assert ArticleAuthor.objects.filter(author=anna).exists()


# The page cache


@pytest.fixture
def cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


def is_cached(url):
    key = page_cache.entry_key(RequestFactory().get(url))
    return key is not None and page_cache.store().get(key) is not None


@pytest.mark.usefixtures("cache_on")
def test_renamed_author_makes_their_page_and_bylined_articles_fresh(
    client, committed, anna, jonas
):
    article = make_article(authors=[anna])
    other = make_article(authors=[jonas])
    urls = [
        article.get_absolute_url(),
        other.get_absolute_url(),
        anna.get_absolute_url(),
    ]
    for url in urls:
        page(client, url)
    assert all(is_cached(url) for url in urls)

    anna.name = "Anna Berger-Roth"
    with committed():
        anna.save()

    assert not is_cached(article.get_absolute_url())
    assert not is_cached(anna.get_absolute_url())
    assert is_cached(other.get_absolute_url())  # not hers
    assert ">Anna Berger-Roth</a>" in page(client, article.get_absolute_url())
    assert "<h1>Anna Berger-Roth</h1>" in page(client, anna.get_absolute_url())


@pytest.mark.usefixtures("cache_on")
def test_article_gaining_or_losing_an_author_refreshes_the_author_page(
    client, committed, anna, jonas
):
    make_article(title="Erste", authors=[anna])
    second = make_article(title="Zweite", authors=[jonas])
    assert "Zweite" not in page(client, anna.get_absolute_url())

    with committed():
        byline = ArticleAuthor.objects.create(article=second, author=anna)
    assert "Zweite" in page(client, anna.get_absolute_url())
    assert ">Anna Berger</a>" in page(client, second.get_absolute_url())

    with committed():
        byline.delete()
    assert "Zweite" not in page(client, anna.get_absolute_url())


@pytest.mark.usefixtures("cache_on")
def test_published_or_retitled_article_refreshes_its_author_s_page(
    client, committed, anna
):
    make_article(title="Erste", authors=[anna])
    draft = make_hidden_article("draft", title="Entwurf", authors=[anna])
    assert "Entwurf" not in page(client, anna.get_absolute_url())

    with committed():
        draft.publish()
    assert "Entwurf" in page(client, anna.get_absolute_url())

    draft.title = "Neuer Titel"
    with committed():
        draft.save()
    assert "Neuer Titel" in page(client, anna.get_absolute_url())
    assert "Neuer Titel" in page(client, "/feeds/autor/anna-berger/rss/")


@pytest.mark.usefixtures("cache_on")
def test_changed_author_photo_refreshes_their_page(client, committed, anna):
    make_article(authors=[anna])
    page(client, anna.get_absolute_url())
    anna.photo.alt_text = "Anna Berger am Schreibtisch"
    with committed():
        anna.photo.save()
    assert 'alt="Anna Berger am Schreibtisch"' in page(client, anna.get_absolute_url())


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_editor_picks_authors_by_typing_and_the_byline_keeps_their_order(
    live_site, page
):
    from playwright.sync_api import expect

    from tests.factories import log_in_in_browser

    editor = make_user(username="rita", groups=["Redaktion"])
    for name in ("Anna Berger", "Jonas Weber", "Lea Roth"):
        make_author(name=name)
    article = make_article(title="Stadt startet TikTok-Kanal")
    log_in_in_browser(page, live_site.url, editor)
    page.goto(f"{live_site.url}{change_url(article)}")

    def choose(name):
        # The field's own search box (a click on the box might hit a
        # chosen author's "×").
        search = page.locator(".field-byline .select2-search__field")
        search.click()
        search.press_sequentially(name.split()[0][:3], delay=50)
        page.locator(".select2-results__option", has_text=name).click()

    choose("Lea Roth")
    choose("Anna Berger")
    choose("Jonas Weber")
    # Lea taken out and chosen again: now last.
    page.locator(
        ".field-byline .select2-selection__choice", has_text="Lea Roth"
    ).locator(".select2-selection__choice__remove").click()
    page.keyboard.press("Escape")
    choose("Lea Roth")
    page.get_by_label("Agentur").fill("dpa")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")

    assert [author.name for author in article.byline_authors()] == [
        "Anna Berger",
        "Jonas Weber",
        "Lea Roth",
    ]
    expect(page.locator(".field-byline .select2-selection__choice")).to_have_count(3)
    choices = page.locator(".field-byline .select2-selection__choice").all_inner_texts()
    assert [text.strip("×\n ") for text in choices] == [
        "Anna Berger",
        "Jonas Weber",
        "Lea Roth",
    ]
