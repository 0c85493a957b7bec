"""Corrections and updates: "Aktualisiert am …" after a change an editor
marks as substantive, correction notes kept with the article (also when an
earlier version is restored), and dateModified following the substantive
change only."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import page_cache
from articles.models import Article, ArticleStatus, Correction
from tests.factories import admin_form_data, article_form, make_article
from tests.html import parse_html

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def save(client, article, **changes):
    """Save `article` in the admin as an editor does: the form as loaded,
    with `changes`."""
    data = admin_form_data(client.get(change_url(article))) | changes
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def berlin_text(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y, %H:%M")


@pytest.fixture
def article():
    return make_article(
        title="Stadt startet TikTok-Kanal",
        body="<p>Die Stadt ist seit 2012 in sozialen Medien.</p>",
        published_at=timezone.now() - timedelta(days=1),
    )


def test_editor_marks_an_update_corrects_and_restores_and_the_note_stays(
    editor_client, client, article
):
    # 1. A substantive change, marked as such.
    save(
        editor_client,
        article,
        lead="Jetzt auch mit Kanal für Jugendliche.",
        substantive_update="on",
    )
    updated = article.substantively_updated_at
    assert updated is not None
    html = page(client, article)
    assert "Aktualisiert am <time datetime=" in html
    assert f"{berlin_text(updated)} Uhr</time>" in html

    # 2. A correction note.
    save(
        editor_client,
        article,
        body="<p>Die Stadt ist seit 2014 in sozialen Medien.</p>",
        new_correction="Richtig ist: seit 2014, nicht seit 2012.",
    )
    [correction] = article.corrections.all()
    assert correction.created_by.username == "redakteurin"
    html = page(client, article)
    assert '<h2 id="corrections-heading">Korrekturhinweis</h2>' in html
    assert (
        f"{berlin_text(correction.created_at)} Uhr</time>: "
        "Richtig ist: seit 2014, nicht seit 2012." in html
    )
    # Not substantive this time: the update time stays.
    assert article.substantively_updated_at == updated

    # 3. Saved again: the note is neither lost nor doubled, nor is it
    # offered again in the form.
    save(editor_client, article, title="Stadt startet Kanal auf TikTok")
    assert article.corrections.count() == 1
    form = editor_client.get(change_url(article))
    assert not form.context["adminform"].form.initial.get("new_correction")
    assert "Richtig ist: seit 2014" in form.content.decode()  # listed

    # 4. The first version restored: its text comes back, the note stays.
    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse(
        "admin:articles_article_revision", args=[article.pk, first.pk]
    )
    form = editor_client.get(revision_url)
    response = editor_client.post(revision_url, admin_form_data(form))
    assert response.status_code == 302
    article.refresh_from_db()
    assert "seit 2012" in article.body
    assert article.corrections.count() == 1
    html = page(client, article)
    assert "Richtig ist: seit 2014, nicht seit 2012." in html
    assert "Aktualisiert am" in html
    assert article.substantively_updated_at == updated


def test_several_notes_show_oldest_first_under_a_plural_heading(client, article):
    now = timezone.now()
    Correction.objects.create(article=article, text="Zweite.", created_at=now)
    Correction.objects.create(
        article=article, text="Erste.", created_at=now - timedelta(hours=1)
    )
    html = page(client, article)
    assert "Korrekturhinweise</h2>" in html
    assert html.index("Erste.") < html.index("Zweite.")


def test_article_without_update_or_note_shows_neither(client, article):
    html = page(client, article)
    assert "Aktualisiert am" not in html
    assert "Korrekturhinweis" not in html


def test_a_note_written_as_markup_is_shown_as_text(client, article):
    Correction.objects.create(article=article, text="<b>fett</b>")
    assert "&lt;b&gt;fett&lt;/b&gt;" in page(client, article)


def test_marked_before_publication_is_no_update(client):
    article = make_article(
        status=ArticleStatus.DRAFT,
        published_at=None,
        substantively_updated_at=timezone.now() - timedelta(hours=2),
    )
    article.publish()
    assert not article.is_substantively_updated
    assert "Aktualisiert am" not in page(client, article)


def json_ld(client, article):
    [data] = parse_html(page(client, article)).json_ld
    return data


def modified_time(client, article):
    html = page(client, article)
    marker = '<meta property="article:modified_time" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_date_modified_follows_only_the_substantive_change(
    editor_client, client, article
):
    published = json_ld(client, article)["datePublished"]
    assert json_ld(client, article)["dateModified"] == published

    save(editor_client, article, title="Tippfehler behoben")
    assert article.updated_at > article.published_at
    assert json_ld(client, article)["dateModified"] == published
    assert modified_time(client, article) == published

    save(editor_client, article, lead="Neue Fakten.", substantive_update="on")
    modified = json_ld(client, article)["dateModified"]
    assert modified != published
    assert modified == timezone.localtime(article.substantively_updated_at).isoformat(
        timespec="seconds"
    )
    assert modified_time(client, article) == modified

    save(editor_client, article, title="Noch ein Tippfehler behoben")
    assert json_ld(client, article)["dateModified"] == modified


def test_correction_wording_is_fixed_in_its_own_screen(editor_client, article):
    correction = Correction.objects.create(article=article, text="Richtig ist: Mai.")
    url = reverse("admin:articles_correction_change", args=[correction.pk])
    form = editor_client.get(url)
    assert form.status_code == 200
    data = admin_form_data(form) | {"text": "Richtig ist: April."}
    assert editor_client.post(url, data).status_code == 302
    correction.refresh_from_db()
    assert correction.text == "Richtig ist: April."
    assert correction.article == article
    # Editors do not delete a note.
    delete = reverse("admin:articles_correction_delete", args=[correction.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Correction.objects.filter(pk=correction.pk).exists()


def test_deleting_the_article_deletes_its_notes(article):
    Correction.objects.create(article=article, text="Richtig ist: April.")
    Article.objects.filter(pk=article.pk).delete()
    assert not Correction.objects.exists()


# The page cache


def is_cached(url):
    key = page_cache.entry_key(RequestFactory().get(url))
    return key is not None and page_cache.store().get(key) is not None


@pytest.mark.usefixtures("page_cache")
def test_new_or_changed_note_makes_the_cached_article_page_fresh(
    client, committed, article
):
    url = article.get_absolute_url()
    first = client.get(url)
    assert is_cached(url)

    with committed():
        correction = Correction.objects.create(article=article, text="Richtig: A.")
    assert not is_cached(url)
    second = client.get(url)
    assert "Richtig: A." in second.content.decode()
    # Browsers that kept the page revalidate and get the new one.
    assert second["ETag"] != first["ETag"]
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 200

    correction.text = "Richtig: B."
    with committed():
        correction.save()
    third = client.get(url)
    assert "Richtig: B." in third.content.decode()
    assert third["ETag"] != second["ETag"]


def test_a_later_note_moves_last_modified_of_the_article_page(client, article):
    first = client.get(article.get_absolute_url())
    correction = Correction.objects.create(article=article, text="Richtig: A.")
    later = article.updated_at + timedelta(minutes=5)
    Correction.objects.filter(pk=correction.pk).update(updated_at=later)

    response = client.get(
        article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    assert response.status_code == 200
    assert "Richtig: A." in response.content.decode()
    assert response["Last-Modified"] != first["Last-Modified"]


def test_a_new_article_is_never_marked_updated(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(substantive_update="on"),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.substantively_updated_at is None
