"""Stable article URLs: every URL name an article ever had answers with a
301 to its current URL; sitemaps and feeds name only the current one; the
admin pre-fills URL names exactly as the server makes them."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, ArticleRedirect, ArticleStatus
from articles.text import german_slugify
from tests.factories import admin_form_data, log_in_in_browser, make_article

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def rename(client, article, slug):
    data = admin_form_data(client.get(change_url(article)))
    response = client.post(change_url(article), data | {"slug": slug})
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_every_former_url_of_an_article_redirects_to_its_current_one(
    admin_client, client
):
    article = make_article(slug="erster-name")
    rename(admin_client, article, "zweiter-name")
    rename(admin_client, article, "dritter-name")

    for old in ("erster-name", "zweiter-name"):
        response = client.get(f"/artikel/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/artikel/dritter-name/"  # no chains
    assert client.get("/artikel/dritter-name/").status_code == 200


def test_going_back_to_a_former_name_drops_its_redirect(admin_client, client):
    article = make_article(slug="a-name")
    rename(admin_client, article, "b-name")
    rename(admin_client, article, "a-name")

    assert client.get("/artikel/a-name/").status_code == 200
    assert client.get("/artikel/b-name/")["Location"] == "/artikel/a-name/"
    assert list(ArticleRedirect.objects.values_list("old_slug", flat=True)) == [
        "b-name"
    ]


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.REVIEW])
def test_former_url_of_an_unpublished_article_is_404(client, status):
    article = make_article(slug="vorher")
    article.slug = "nachher"
    article.save()
    Article.objects.filter(pk=article.pk).update(status=status)
    assert client.get("/artikel/vorher/").status_code == 404
    assert client.get("/artikel/nie-gegeben/").status_code == 404


def test_redirect_survives_the_page_cache(page_cache, committed, client):
    with committed():
        article = make_article(slug="vorher")
    assert client.get("/artikel/vorher/").status_code == 200
    article.slug = "nachher"
    with committed():
        article.save()
    assert client.get("/artikel/vorher/").status_code == 301


def test_sitemaps_and_feeds_name_only_the_current_url(client):
    article = make_article(slug="alter-name")
    article.slug = "neuer-name"
    article.save()
    month = timezone.localtime(article.published_at).strftime("%Y-%m")
    for url in (f"/sitemap-artikel-{month}.xml", "/sitemap-news.xml", "/feeds/rss/"):
        body = client.get(url).content.decode()
        assert "/artikel/neuer-name/" in body, url
        assert "alter-name" not in body, url


def test_a_published_articles_url_name_says_it_keeps_old_links():
    help_text = str(Article._meta.get_field("slug").help_text)
    assert "leiten alle früheren Adressen dauerhaft" in help_text


# The admin pre-fills the URL name as the server would.

TITLES = [
    "Bürgerämter öffnen",
    "Straße der Ämter: Übergabe an Öffentliche Stellen",
    "  Café & Co. – 100 % digital!  ",
    "Wunsiedel__Kreis --- neu_",
    "ÄÖÜ äöü ß ẞ é ñ ﬁ Œ",
    "Kommune\x1cmit\tTab",
    "„Zitat“ und 'Apostroph' ‚hier‘",
    "x" * 198 + " yz",
]


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_admin_prefills_the_url_name_as_the_server_makes_it(
    live_site, admin_user, page
):
    log_in_in_browser(page, live_site.url, admin_user, password="password")
    page.goto(f"{live_site.url}/admin/articles/article/add/")

    page.get_by_label("Überschrift").press_sequentially("Bürgerämter öffnen")
    expect(page.get_by_label("Kurzname in der URL")).to_have_value(
        "buergeraemter-oeffnen"
    )
    for title in TITLES:
        in_browser = page.evaluate("(title) => URLify(title, 200)", title)
        assert in_browser == german_slugify(title)[:200], title


def test_prefilling_script_is_on_the_article_form(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert page.index("articles/js/german_slug.js") > page.index("urlify.js")
