"""Restoring an earlier version brings back content (texts, photo, tags),
never visibility: status, publication dates and URL name stay as they are,
and the message names what came back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, ArticleStatus
from tests.factories import (
    admin_form_data,
    log_in_in_browser,
    make_article,
    make_user,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def revision_url(article, version):
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def save(client, article, **changes):
    data = admin_form_data(client.get(change_url(article)))
    response = client.post(change_url(article), data | changes)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()


@pytest.fixture
def published_after_review(admin_client):
    """An article saved in review (version 1), then published with a new
    title, tags and URL name (version 2)."""
    article = make_article(
        title="Erste Fassung",
        slug="erste-fassung",
        status=ArticleStatus.REVIEW,
        published_at=None,
        tags=["TikTok"],
    )
    save(admin_client, article)
    save(
        admin_client,
        article,
        title="Zweite Fassung",
        slug="zweite-fassung",
        status=ArticleStatus.PUBLISHED,
        tags="Open Data,",
    )
    assert article.is_published
    return article


def messages(response):
    return [str(message) for message in response.context["messages"]]


def test_restoring_keeps_a_published_article_online_at_its_url(
    admin_client, client, published_after_review
):
    article = published_after_review
    published_at = article.published_at
    first = Version.objects.get_for_object(article).order_by("pk").first()

    form = admin_client.get(revision_url(article, first))
    initial = form.context["adminform"].form.initial
    assert initial["title"] == "Erste Fassung"
    assert initial["status"] == ArticleStatus.PUBLISHED
    assert initial["slug"] == "zweite-fassung"
    response = admin_client.post(
        revision_url(article, first), admin_form_data(form), follow=True
    )

    article.refresh_from_db()
    assert article.title == "Erste Fassung"
    assert list(article.tags.names()) == ["TikTok"]
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == published_at.replace(microsecond=0)
    assert article.slug == "zweite-fassung"
    assert client.get("/artikel/zweite-fassung/").status_code == 200
    [message] = messages(response)
    assert "wiederhergestellt: Überschrift, Schlagwörter." in message
    assert "Veröffentlichungsdaten und Kurzname in der URL sind unverändert" in message
    assert "erfolgreich geändert" not in message


def test_restore_keeps_a_scheduled_end_and_a_draft_stays_a_draft(admin_client):
    ends = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    article = make_article(title="Alt", status=ArticleStatus.DRAFT, published_at=None)
    save(admin_client, article)
    first = Version.objects.get_for_object(article).get()
    Article.objects.filter(pk=article.pk).update(title="Neu", unpublish_at=ends)

    form = admin_client.get(revision_url(article, first))
    admin_client.post(revision_url(article, first), admin_form_data(form))

    article.refresh_from_db()
    assert article.title == "Alt"
    assert article.status == ArticleStatus.DRAFT
    assert article.unpublish_at == ends


def test_changing_the_status_on_the_restore_form_on_purpose_is_named(
    admin_client, published_after_review
):
    article = published_after_review
    first = Version.objects.get_for_object(article).order_by("pk").first()
    form = admin_client.get(revision_url(article, first))
    data = admin_form_data(form) | {"status": ArticleStatus.DRAFT}

    response = admin_client.post(revision_url(article, first), data, follow=True)

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    [message] = messages(response)
    assert "Außerdem von Ihnen geändert: Status." in message


def test_restoring_the_same_content_says_nothing_was_restored(admin_client):
    article = make_article()
    save(admin_client, article)
    first = Version.objects.get_for_object(article).get()
    form = admin_client.get(revision_url(article, first))
    response = admin_client.post(
        revision_url(article, first), admin_form_data(form), follow=True
    )
    [message] = messages(response)
    assert "nichts wiederhergestellt" in message


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_editor_restores_a_published_article_from_the_comparison(
    live_site, page, reader_page
):
    editor = make_user(username="rita", groups=["Redaktion"])
    article = make_article(
        title="Erste Fassung", slug="stadt-startet", status=ArticleStatus.REVIEW
    )
    admin = f"{live_site.url}/admin"
    log_in_in_browser(page, admin.removesuffix("/admin"), editor)
    page.goto(f"{live_site.url}{change_url(article)}")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    # A publisher publishes it with a better headline meanwhile.
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED)
    page.goto(f"{live_site.url}{change_url(article)}")
    page.get_by_label("Überschrift").fill("Zweite Fassung")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")

    page.goto(
        f"{live_site.url}{reverse('admin:articles_article_history', args=[article.pk])}"
    )
    page.get_by_role("button", name="Vergleichen").click()
    expect(page.locator("#content")).to_contain_text("Zweite Fassung")
    page.get_by_role("link", name="Alte Fassung wiederherstellen").click()
    expect(page.get_by_label("Überschrift")).to_have_value("Erste Fassung")
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "wiederhergestellt: Überschrift."
    )
    article.refresh_from_db()
    assert article.title == "Erste Fassung"
    assert article.status == ArticleStatus.PUBLISHED
    assert reader_page.goto(f"{live_site.url}/artikel/stadt-startet/").status == 200


# The comparison


def test_comparison_shows_word_level_changes_and_tags_in_german(admin_client):
    article = make_article(
        title="Stadt startet Kanal",
        body="<p>Die Stadt Essen startet heute einen Kanal.</p>",
        tags=["TikTok"],
    )
    save(admin_client, article)
    save(
        admin_client,
        article,
        body="<p>Die Stadt Essen startet morgen einen Kanal.</p>",
        tags="TikTok, Jugend",
    )
    first, second = Version.objects.get_for_object(article).order_by("pk")
    response = admin_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": second.pk, "version_id2": first.pk},
    )
    page = response.content.decode()
    assert "Fassungen vergleichen" in page
    assert "<del>heute</del> <ins>morgen</ins>" in page
    assert "&lt;p&gt;" not in page and "<p>Die Stadt" not in page
    assert response.context["tags"]["added"] == ["Jugend"]
    assert 'id="comparison-tags"' in page
    assert f'href="{revision_url(article, first)}"' in page  # restore: part 1
    assert response.context["rows"][0]["label"] == "Text"


def test_comparison_needs_two_versions_of_this_article(admin_client):
    article = make_article()
    url = reverse("admin:articles_article_compare", args=[article.pk])
    assert admin_client.get(url).status_code == 404
    assert (
        admin_client.get(url, {"version_id1": "x", "version_id2": 1}).status_code == 404
    )


def test_history_labels_the_comparison_in_german(admin_client):
    article = make_article()
    save(admin_client, article)
    save(admin_client, article, title="Neu")
    page = admin_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    assert 'value="Vergleichen"' in page
    assert 'aria-label="Fassung vom' in page
