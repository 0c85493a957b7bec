"""Moderators: a tags-only role, the tagging queue, and the tag-change log."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.models import Article, ArticleStatus, Tag, TagChange
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:articles_articletagging_changelist")
MODERATION_PERMISSIONS = {
    "view_articletagging",
    "change_articletagging",
    "view_tag",
    "change_tag",
    "delete_tag",
}


@pytest.fixture
def moderator(client):
    user = make_user(groups=["Moderation"])
    client.force_login(user)
    return user


def tagging_url(article):
    return reverse("admin:articles_articletagging_change", args=[article.pk])


def run_action(client, action, articles, **data):
    """Post an admin action on the queue; `apply` submits its second step."""
    return client.post(
        f"{QUEUE}?queue=all",
        {"action": action, "_selected_action": [a.pk for a in articles], **data},
    )


# 1. A narrow role


def test_moderation_group_gets_tagging_permissions_and_no_article_change():
    codenames = set(
        Group.objects.get(name="Moderation").permissions.values_list(
            "codename", flat=True
        )
    )
    assert MODERATION_PERMISSIONS <= codenames
    # view_article and view_tag come from the roles migration of issue 3.
    assert codenames <= MODERATION_PERMISSIONS | {"view_article"}


def test_permission_migration_keeps_an_existing_group_and_its_permissions():
    migration = importlib.import_module(
        "articles.migrations.0004_moderation_permissions"
    )
    Group.objects.filter(name="Moderation").delete()
    group = Group.objects.create(name="Moderation")
    view_article = Permission.objects.get(codename="view_article")
    group.permissions.add(view_article)

    migration.grant_permissions(apps, schema_editor=None)

    assert Group.objects.filter(name="Moderation").count() == 1
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == MODERATION_PERMISSIONS | {"view_article"}


def test_moderator_finds_the_queue_and_the_tags_in_the_admin(client, moderator):
    tag = Tag.objects.create(name="Open Data")
    models = {
        model["object_name"]
        for app in client.get(reverse("admin:index")).context["app_list"]
        for model in app["models"]
    }
    assert {"ArticleTagging", "Tag"} <= models
    assert "Article" not in models or "view_article" in {
        p.codename for p in Permission.objects.filter(group__name="Moderation")
    }
    tag_page = client.get(reverse("admin:articles_tag_change", args=[tag.pk]))
    assert tag_page.status_code == 200


def test_moderator_cannot_change_title_or_status_in_the_article_admin(
    client, moderator
):
    article = make_article(title="Original", status=ArticleStatus.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(
        url, {"title": "Gehackt", "status": ArticleStatus.PUBLISHED, "tags": "X"}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Original", ArticleStatus.DRAFT)
    assert list(article.tags.names()) == []


def test_moderator_changes_only_the_tags_in_the_tagging_admin(client, moderator):
    article = make_article(
        title="Original", status=ArticleStatus.DRAFT, published_at=None, tags=["Alt"]
    )
    response = client.post(
        tagging_url(article),
        {
            "title": "Gehackt",
            "kicker": "Gehackt",
            "status": ArticleStatus.PUBLISHED,
            "tags": "Open Data, Bürgerportal",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.kicker, article.status) == (
        "Original",
        "Musterstadt",
        ArticleStatus.DRAFT,
    )
    assert sorted(article.tags.names()) == ["Bürgerportal", "Open Data"]
    change = TagChange.objects.get()
    assert (change.article_id, change.user) == (article.pk, moderator)
    assert (change.added, change.removed) == (["Bürgerportal", "Open Data"], ["Alt"])


def test_tagging_admin_shows_the_article_read_only(client, moderator):
    article = make_article(title="Stadt startet TikTok-Kanal")
    response = client.get(tagging_url(article))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == ["tags"]
    assert "Stadt startet TikTok-Kanal" in response.content.decode()


def test_moderator_can_neither_add_nor_delete_articles(client, moderator):
    article = make_article()
    assert client.get(reverse("admin:articles_articletagging_add")).status_code == 403
    delete = reverse("admin:articles_articletagging_delete", args=[article.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert (
        client.post(
            reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Article.objects.filter(pk=article.pk).exists()


# 2. The tagging queue


def test_queue_lists_untagged_and_marked_articles_newest_first(client, moderator):
    old = make_article(title="Alt ohne")
    make_article(title="Verschlagwortet", tags=["Open Data"])
    marked = make_article(title="Markiert", tags=["KI"], needs_tags=True)
    draft = make_article(title="Entwurf ohne", status=ArticleStatus.DRAFT)
    response = client.get(QUEUE)
    assert list(response.context["cl"].result_list) == [draft, marked, old]


def test_queue_can_show_all_articles(client, moderator):
    make_article(tags=["Open Data"])
    make_article()
    assert client.get(QUEUE, {"queue": "all"}).context["cl"].result_count == 2


@pytest.mark.parametrize("queue_size", [5, 30])
def test_queue_costs_the_same_queries_at_any_size(
    client, moderator, django_assert_num_queries, queue_size
):
    for _i in range(queue_size):
        make_article(needs_tags=True, tags=["Open Data"])
    # session, user, permissions (2), filter count, total count, page, tags
    with django_assert_num_queries(8):
        response = client.get(QUEUE)
    assert response.context["cl"].result_count == queue_size


def test_add_tags_action_offers_existing_tags_for_autocomplete(client, moderator):
    Tag.objects.create(name="Bürgerportal")
    article = make_article()
    response = run_action(client, "add_tags", [article])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'list="id_tags-suggestions"' in html
    assert '<datalist id="id_tags-suggestions"><option value="Bürgerportal">' in html


def test_queue_adds_tags_to_many_articles_at_once(client, moderator):
    existing = Tag.objects.create(name="Bürgerportal")
    first = make_article(needs_tags=True, tags=["KI"])
    second = make_article()
    response = run_action(
        client, "add_tags", [first, second], apply="1", tags="bürgerportal, Open Data"
    )
    assert response.status_code == 302
    assert sorted(first.tags.names()) == ["Bürgerportal", "KI", "Open Data"]
    assert sorted(second.tags.names()) == ["Bürgerportal", "Open Data"]
    assert Tag.objects.filter(name__iexact="bürgerportal").get() == existing
    first.refresh_from_db()
    assert not first.needs_tags
    assert client.get(QUEUE).context["cl"].result_count == 0
    assert TagChange.objects.filter(user=moderator).count() == 2


def test_add_tags_without_tags_shows_a_german_error(client, moderator):
    article = make_article()
    response = run_action(client, "add_tags", [article], apply="1", tags=" , ")
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not TagChange.objects.exists()


def test_add_tags_refuses_overlong_names_in_german(client, moderator):
    article = make_article()
    response = run_action(
        client, "add_tags", [article], apply="1", tags=f"KI, {'x' * 101}"
    )
    assert response.status_code == 200
    assert "höchstens 100 Zeichen" in response.content.decode()
    assert not Tag.objects.exists()


def test_queue_removes_tags_from_many_articles_at_once(client, moderator):
    first = make_article(tags=["KI", "Open Data"])
    second = make_article(tags=["KI"])
    form = run_action(client, "remove_tags", [first, second]).context["form"]
    ki = Tag.objects.get(name="KI")
    assert set(form.fields["tags"].queryset) == {ki, Tag.objects.get(name="Open Data")}
    response = run_action(
        client, "remove_tags", [first, second], apply="1", tags=[ki.pk]
    )
    assert response.status_code == 302
    assert list(first.tags.names()) == ["Open Data"]
    assert list(second.tags.names()) == []
    assert sorted(c.removed for c in TagChange.objects.all()) == [["KI"], ["KI"]]


# 5. Accountability


def test_editor_tag_edits_in_the_article_admin_are_logged(admin_client, admin_user):
    article = make_article(title="Chatbot", tags=["KI", "Alt"])
    response = admin_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "kicker": article.kicker,
            "title": article.title,
            "slug": article.slug,
            "lead": article.lead,
            "body": article.body,
            "status": ArticleStatus.PUBLISHED,
            "published_at_0": "10.04.2025",
            "published_at_1": "09:30:00",
            "tags": "KI, Open Data",
            "needs_tags": "on",
            "opened_version": article.updated_at.isoformat(),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = TagChange.objects.get()
    assert (change.user, change.added, change.removed) == (
        admin_user,
        ["Open Data"],
        ["Alt"],
    )
    article.refresh_from_db()
    assert article.needs_tags  # the editor's own mark stays


def test_tag_log_is_a_read_only_list_for_editors(client):
    editor = make_user(groups=["Redaktion"])
    moderator = make_user(groups=["Moderation"], username="mod")
    first = make_article(title="Erste")
    second = make_article(title="Zweite")
    TagChange.objects.create(article=first, user=moderator, added=["KI"])
    TagChange.objects.create(article=second, user=editor, added=["KI"])
    client.force_login(editor)
    url = reverse("admin:articles_tagchange_changelist")

    by_user = client.get(url, {"user__id__exact": moderator.pk}).context["cl"]
    assert [change.article for change in by_user.result_list] == [first]
    by_article = client.get(url, {"article__id__exact": second.pk}).context["cl"]
    assert [change.user for change in by_article.result_list] == [editor]

    change = TagChange.objects.first()
    assert client.get(reverse("admin:articles_tagchange_add")).status_code == 403
    edit = reverse("admin:articles_tagchange_change", args=[change.pk])
    assert client.post(edit, {"added": "[]"}).status_code == 403
    delete = reverse("admin:articles_tagchange_delete", args=[change.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert TagChange.objects.count() == 2


def test_tagging_admin_page_shows_the_articles_tag_history(client, moderator):
    article = make_article()
    TagChange.objects.create(
        article=article, user=moderator, added=["Open Data"], removed=["Opendata"]
    )
    html = client.get(tagging_url(article)).content.decode()
    assert "+ Open Data − Opendata" in html
    assert moderator.username in html
