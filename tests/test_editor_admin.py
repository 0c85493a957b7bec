"""The editors' admin: list screen, actions, publishing checks on the form,
rich text, revisions and optimistic locking."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleStatus, FederalState, TaggedArticle
from tests.adminform import admin_form_data
from tests.factories import make_article, make_jpeg, make_municipality

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def titles(response):
    return sorted(article.title for article in response.context["cl"].result_list)


def messages(response):
    return [str(message) for message in response.context["messages"]]


# List screen


def test_list_shows_columns_and_scheduled_as_geplant(admin_client):
    essen = make_municipality(name="Essen")
    make_article(
        kicker="Essen",
        title="Kommt morgen",
        municipality=essen,
        published_at=timezone.make_aware(timezone.datetime(2099, 4, 9, 9, 30)),
        tags=["TikTok", "Soziale Medien"],
    )
    response = admin_client.get(CHANGELIST)
    page = response.content.decode()
    row = list(response.context["results"])[0]
    cells = " ".join(str(cell) for cell in row)
    for text in [
        "Essen",
        "Kommt morgen",
        "geplant",
        "09.04.2099 09:30",
        "Soziale Medien, TikTok",
    ]:
        assert text in cells, text
    for column in ["Dachzeile", "Überschrift", "Kommune", "Status", "Schlagwörter"]:
        assert column in page
    assert '<option value="publish_now">Jetzt veröffentlichen</option>' in page
    assert '<option value="unpublish">Zurückziehen (wieder Entwurf)</option>' in page


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", ["Entwurf"]),
        ("review", ["In Prüfung"]),
        ("scheduled", ["Geplant"]),
        ("published", ["Online"]),
        ("expired", ["Abgelaufen"]),
        ("archived", ["Archiv"]),
    ],
)
def test_list_filters_by_status_including_scheduled(admin_client, status, expected):
    now = timezone.now()
    make_article(title="Entwurf", status=ArticleStatus.DRAFT)
    make_article(title="In Prüfung", status=ArticleStatus.REVIEW)
    make_article(title="Geplant", published_at=now + timedelta(days=1))
    make_article(title="Online")
    make_article(title="Abgelaufen", unpublish_at=now - timedelta(minutes=1))
    make_article(title="Archiv", status=ArticleStatus.ARCHIVED)
    assert titles(admin_client.get(CHANGELIST, {"status": status})) == expected


def test_list_filters_by_municipality_federal_state_and_tag(admin_client):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    munich = make_municipality(name="München", federal_state=FederalState.BY)
    make_article(title="Essen", municipality=essen, tags=["TikTok"])
    make_article(title="München", municipality=munich, tags=["Open Data"])
    assert titles(
        admin_client.get(CHANGELIST, {"municipality__id__exact": essen.pk})
    ) == ["Essen"]
    by_state = {"municipality__federal_state__exact": "BY"}
    assert titles(admin_client.get(CHANGELIST, by_state)) == ["München"]
    tag = Article.objects.get(title="Essen").tags.get()
    assert titles(admin_client.get(CHANGELIST, {"tags__id__exact": tag.pk})) == [
        "Essen"
    ]


def test_list_has_a_date_hierarchy(admin_client):
    make_article(published_at=timezone.make_aware(timezone.datetime(2025, 4, 9, 10)))
    make_article(
        title="Alt", published_at=timezone.make_aware(timezone.datetime(2024, 1, 5))
    )
    assert "?published_at__year=2024" in admin_client.get(CHANGELIST).content.decode()
    response = admin_client.get(CHANGELIST, {"published_at__year": "2024"})
    assert titles(response) == ["Alt"]


def test_change_form_uses_autocomplete_for_municipality_and_credit(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in page
    assert page.count("admin-autocomplete") >= 2
    assert 'name="municipality"' in page and 'name="image_credit"' in page


def bulk_archive(size):
    """`size` published articles with one tag each, without save() per row."""
    now = timezone.now()
    essen = make_municipality(name="Essen")
    tag_owner = make_article(title="Mit Schlagwort", tags=["TikTok"])
    Article.objects.bulk_create(
        Article(
            kicker="Essen",
            title=f"Archivmeldung {number}",
            slug=f"archiv-{number}",
            lead="Vorspann.",
            municipality=essen,
            status=ArticleStatus.PUBLISHED,
            published_at=now - timedelta(hours=number),
        )
        for number in range(size - 1)
    )
    tag = tag_owner.tags.get()
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=article, tag=tag)
        for article in Article.objects.exclude(pk=tag_owner.pk)
    )


# Session, user, savepoint pair, the municipality and tag filter choices, two
# counts (filtered, total), one page of articles, their tags, and two for the
# date hierarchy: the same whatever the archive's size.
LIST_QUERIES = 12


@pytest.mark.parametrize("size", [10, 10_000])
def test_list_costs_the_same_queries_for_10_and_10000_articles(
    admin_client, django_assert_num_queries, size
):
    bulk_archive(size)
    assert Article.objects.count() == size
    with django_assert_num_queries(LIST_QUERIES):
        response = admin_client.get(CHANGELIST)
    assert response.context["cl"].result_count == size
    assert len(response.context["cl"].result_list) == min(size, 100)


# Actions


def test_bulk_publish_publishes_the_complete_and_names_the_incomplete(admin_client):
    complete = make_article(title="Fertig", status=ArticleStatus.DRAFT)
    incomplete = make_article(
        title="Ohne Vorspann", lead="", status=ArticleStatus.DRAFT
    )
    response = admin_client.post(
        CHANGELIST,
        {"action": "publish_now", "_selected_action": [complete.pk, incomplete.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert list(Article.objects.published()) == [complete]
    assert messages(response) == [
        "„Ohne Vorspann“ wurde nicht veröffentlicht: "
        "Zum Veröffentlichen fehlt der Vorspann.",
        "1 Artikel veröffentlicht.",
    ]
    incomplete.refresh_from_db()
    assert incomplete.status == ArticleStatus.DRAFT


def test_bulk_unpublish_takes_articles_off_the_site(admin_client, admin_user):
    articles = [make_article(), make_article()]
    response = admin_client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )
    assert messages(response) == ["2 Artikel zurückgezogen."]
    assert not Article.objects.published().exists()
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    for article in articles:
        revision = Version.objects.get_for_object(article).get().revision
        assert revision.user == admin_user
        assert revision.get_comment() == "2 Artikel zurückgezogen."


# Publishing checks on the form


def article_form(**fields):
    data = {
        "kicker": "Essen",
        "title": "Stadt startet TikTok-Kanal",
        "slug": "tiktok",
        "lead": "Nun kommt TikTok dazu.",
        "body": "<p>Text</p>",
        "status": ArticleStatus.PUBLISHED,
        "published_at_0": "10.04.2025",
        "published_at_1": "09:30:00",
        "unpublish_at_0": "",
        "unpublish_at_1": "",
        "tags": "",
    }
    return data | fields


def test_publishing_a_photo_without_alt_text_and_credit_is_refused_on_the_form(
    admin_client,
):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(image=make_jpeg(), alt_text=""),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["alt_text"] == [
        "Zum Veröffentlichen braucht das Foto einen Alternativtext."
    ]
    assert errors["image_credit"] == [
        "Zum Veröffentlichen braucht das Foto einen Bildnachweis."
    ]
    assert not Article.objects.exists()


def test_incomplete_draft_saves_from_the_form(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            kicker="",
            lead="",
            slug="",
            status=ArticleStatus.DRAFT,
            published_at_0="",
            published_at_1="",
        ),
    )
    assert response.status_code == 302
    assert Article.objects.get().lead == ""


# Rich text


def test_body_is_edited_in_the_wysiwyg_editor(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-django-prose-editor-configurable" in page
    assert "django_prose_editor/editor.js" in page


def test_posted_body_loses_scripts_handlers_and_javascript_links(admin_client):
    hostile = (
        '<p onmouseover="steal()">Hallo<script>alert(1)</script></p>'
        '<img src="x" onerror="alert(2)">'
        '<p><a href="javascript:alert(3)">Klick</a> '
        '<a href="https://essen.de" onclick="alert(4)">Essen</a></p>'
        "<h2>Zwischentitel</h2><blockquote>Zitat</blockquote>"
    )
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(body=hostile, published_at_0="01.01.2025"),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    page = admin_client.get(article.get_absolute_url()).content.decode()
    rendered_body = page.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    for stored_or_rendered in (article.body, rendered_body, page):
        for bad in ("alert(", "onmouseover", "onerror", "javascript:"):
            assert bad not in stored_or_rendered, bad
    assert "<script" not in article.body and "<script" not in rendered_body
    assert '<a href="https://essen.de" rel="noopener noreferrer">Essen</a>' in page
    assert "<h2>Zwischentitel</h2><blockquote>Zitat</blockquote>" in page


# Revisions


def test_every_admin_save_keeps_a_version_with_the_user(admin_client, admin_user):
    article = make_article(title="Erste Fassung")
    data = admin_form_data(admin_client.get(change_url(article)))
    admin_client.post(change_url(article), data | {"title": "Zweite Fassung"})
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    assert versions[0].revision.user == admin_user
    assert versions[0].field_dict["title"] == "Zweite Fassung"
    history = admin_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    table = history[history.index('id="change-history"') :]
    assert "admin" in table
    assert "Überschrift geändert." in table


def test_editor_compares_and_restores_an_earlier_version(admin_client):
    article = make_article(title="Erste Fassung", tags=["TikTok"])
    data = admin_form_data(admin_client.get(change_url(article)))
    admin_client.post(change_url(article), data)  # version 1
    data = admin_form_data(admin_client.get(change_url(article)))
    data |= {"title": "Zweite Fassung", "tags": "Open Data,"}
    admin_client.post(change_url(article), data)  # version 2
    article.refresh_from_db()
    assert article.title == "Zweite Fassung"
    assert list(article.tags.names()) == ["Open Data"]

    first, second = Version.objects.get_for_object(article).order_by("pk")
    compare = admin_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert compare.status_code == 200
    assert "Zweite Fassung" in compare.content.decode()

    revision_url = reverse(
        "admin:articles_article_revision", args=[article.pk, first.pk]
    )
    restore_form = admin_client.get(revision_url)
    assert restore_form.context["adminform"].form.initial["title"] == "Erste Fassung"
    response = admin_client.post(revision_url, admin_form_data(restore_form))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Erste Fassung"
    assert list(article.tags.names()) == ["TikTok"]
    assert Version.objects.get_for_object(article).count() == 3


# Optimistic locking


def test_second_editor_cannot_overwrite_unseen_changes(client, django_user_model):
    redaktion = Group.objects.get(name="Redaktion")
    anna, ben = (
        django_user_model.objects.create_user(name, is_staff=True)
        for name in ("anna", "ben")
    )
    for user in (anna, ben):
        user.groups.add(redaktion)
    article = make_article(title="Alter Titel")
    anna_client, ben_client = client, client.__class__()
    anna_client.force_login(anna)
    ben_client.force_login(ben)
    anna_form = admin_form_data(anna_client.get(change_url(article)))
    ben_form = admin_form_data(ben_client.get(change_url(article)))

    saved = anna_client.post(change_url(article), anna_form | {"title": "Annas Titel"})
    assert saved.status_code == 302
    refused = ben_client.post(
        change_url(article), ben_form | {"title": "Bens Titel", "lead": "Bens Vorspann"}
    )

    assert refused.status_code == 200
    article.refresh_from_db()
    assert article.title == "Annas Titel"
    form = refused.context["adminform"].form
    [error] = form.non_field_errors()
    assert "geändert, seit Sie ihn geöffnet haben" in error
    assert "von anna am" in error
    page = refused.content.decode()
    assert 'value="Bens Titel"' in page
    assert "Bens Vorspann" in page

    # Having seen the warning, Ben may save deliberately.
    again = ben_client.post(change_url(article), admin_form_data(refused))
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.title == "Bens Titel"


def test_municipalities_and_credits_keep_versions_too(admin_client, admin_user):
    admin_client.post(
        reverse("admin:articles_municipality_add"),
        {"name": "Essen", "slug": "essen", "kind": "stadt", "federal_state": "NW"},
    )
    admin_client.post(
        reverse("admin:articles_imagecredit_add"),
        {"creator": "victor69", "source": "123rf.com"},
    )
    versions = Version.objects.select_related("revision")
    assert sorted(str(version) for version in versions) == [
        "Essen",
        "victor69/123rf.com",
    ]
    assert {version.revision.user for version in versions} == {admin_user}
