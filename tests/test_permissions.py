"""Roles and who may do what: the groups Redaktion and Moderation and
their permissions, the assign_role command, and the permission matrix of
every admin URL, admin action and the staff preview for each role.

The matrix's URLs come from the admin site itself (every registered model
admin, with the views it adds: reversion's recover and revision views, the
compare view), so an admin registered tomorrow makes
test_every_admin_url_has_a_row_in_the_matrix fail until
tests/admin_permissions.txt says who may use it.
"""

import importlib
import re
from datetime import date
from pathlib import Path

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import URLResolver, reverse
from reversion.models import Version

from articles.models import (
    AccessibilityStatement,
    Article,
    ArticleStatus,
    Correction,
    Dossier,
    Edition,
    Page,
    Tag,
    TagChange,
)
from articles.services import article_tags_set
from tests.factories import (
    article_form,
    log_in_with_second_factor,
    make_article,
    make_author,
    make_credit,
    make_municipality,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db


# The groups and their permissions

MODERATION = {
    "view_article",
    "view_articletagging",
    "change_articletagging",
    "view_tag",
    "change_tag",
    "delete_tag",
}


def permissions(group):
    return set(group.permissions.values_list("codename", flat=True))


def test_redaktion_may_manage_articles_municipalities_credits_tags_and_pages():
    assert permissions(Group.objects.get(name="Redaktion")) == {
        f"{action}_{model}"
        for model in (
            "article",
            "articleattachment",
            "municipality",
            "imagecredit",
            "photo",
            "tag",
            "page",
            "accessibilitystatement",
            "accessibilitybarrier",
            "dossier",
            "dossierentry",
        )
        for action in ("add", "change", "delete", "view")
    } | {"view_tagchange", "view_articletagging"} | {
        "add_edition",
        "change_edition",
        "view_edition",
    } | {f"{action}_author" for action in ("add", "change", "delete", "view")} | {
        "add_correction",
        "change_correction",
        "view_correction",
    }


def test_moderation_may_view_articles_and_change_only_tags():
    assert permissions(Group.objects.get(name="Moderation")) == MODERATION


def test_permission_migration_keeps_an_existing_group_and_its_permissions():
    migration = importlib.import_module(
        "articles.migrations.0004_moderation_permissions"
    )
    Group.objects.filter(name="Moderation").delete()
    group = Group.objects.create(name="Moderation")
    group.permissions.add(Permission.objects.get(codename="view_article"))

    migration.grant_permissions(apps, schema_editor=None)

    assert Group.objects.filter(name="Moderation").count() == 1
    assert permissions(group) == MODERATION


def test_assign_role_makes_staff_and_is_idempotent(django_user_model, capsys):
    user = django_user_model.objects.create_user("mod")
    call_command("assign_role", "mod", "moderation")
    call_command("assign_role", "mod", "Moderation")
    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Moderation"]
    assert "mod hat jetzt die Rolle Moderation." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("username", "role", "message"),
    [
        ("niemand", "redaktion", "Benutzer „niemand“ gibt es nicht (unknown user)"),
        ("mod", "chef", "Unbekannte Rolle „chef“ (unknown role)"),
    ],
)
def test_assign_role_explains_unknown_user_or_role(
    django_user_model, username, role, message
):
    django_user_model.objects.create_user("mod")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("assign_role", username, role)


# The permission matrix

ROLES = ["anonymous", "moderator", "editor", "superuser"]
MATRIX = Path(__file__).with_name("admin_permissions.txt")


def parse_matrix(text):
    """{(model, view): {role: expected}} from the table's text."""
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    header = lines[0].split()
    assert header[2:] == ROLES
    table = {}
    for line in lines[1:]:
        model, view, *answers = line.split()
        assert (model, view) not in table, f"{model} {view} twice"
        table[model, view] = dict(zip(ROLES, answers, strict=True))
    return table


EXPECTED = parse_matrix(MATRIX.read_text())


def admin_url_names(patterns=None):
    """The names of all the admin site's URL patterns, model admins' included."""
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_url_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


def admin_views():
    """(model, view) for every admin URL, as the rows of MATRIX name them."""
    prefixes = {
        f"{model._meta.app_label}_{model._meta.model_name}_": model._meta.label_lower
        for model in admin.site._registry
    }
    views = {("-", "preview")}
    for model, model_admin in admin.site._registry.items():
        for _function, name, _description in model_admin._get_base_actions():
            views.add((model._meta.label_lower, f"do:{name}"))
    for name in admin_url_names():
        prefix = next((p for p in prefixes if name.startswith(p)), None)
        if prefix:
            views.add((prefixes[prefix], name.removeprefix(prefix)))
        elif name == "app_list":
            views |= {(model._meta.app_label, name) for model in admin.site._registry}
        else:
            views.add(("-", name))
    return views


def test_every_admin_url_has_a_row_in_the_matrix():
    assert admin_views() == set(EXPECTED)


def saved_twice(obj):
    """`obj` with two versions, as after two saves in the admin."""
    for _ in range(2):
        with reversion.create_revision():
            obj.save()
    return obj


def deleted_version(obj):
    """The version of `obj` from which the recover view brings it back."""
    saved_twice(obj)
    pk = obj.pk
    obj.delete()
    return Version.objects.get_deleted(type(obj)).get(object_id=str(pk))


@pytest.fixture
def users(moderator, editor, admin_user):
    return {
        "anonymous": None,
        "moderator": moderator,
        "editor": editor,
        "superuser": admin_user,
    }


@pytest.fixture
def objects(users):
    """One object per admin, the URL arguments that name it, and the versions
    that reversion's views need."""
    draft = saved_twice(make_article(status=ArticleStatus.DRAFT, tags=["Open Data"]))
    article_tags_set(article=draft, names=["Open Data", "KI"], user=users["editor"])
    found = {
        "articles.article": draft,
        "articles.articletagging": draft,
        "articles.tag": Tag.objects.get(name="Open Data"),
        "articles.tagchange": TagChange.objects.get(article=draft),
        "articles.municipality": saved_twice(make_municipality()),
        "articles.imagecredit": saved_twice(make_credit()),
        "articles.photo": saved_twice(make_photo()),
        "articles.page": Page.objects.get(slug="impressum"),
        "articles.author": saved_twice(make_author()),
        "articles.correction": Correction.objects.create(
            article=draft, text="Richtig ist: im April."
        ),
        "articles.accessibilitystatement": AccessibilityStatement.objects.get(),
        "articles.dossier": Dossier.objects.create(title="Open Data", slug="open-data"),
        "articles.edition": Edition.objects.create(
            frequency="daily", period_start=date(2026, 11, 28)
        ),
        "auth.user": User.objects.create_user("leser"),
        "auth.group": Group.objects.get(name="Moderation"),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="x", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="x"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(username="x"),
    }
    deleted = {
        "articles.article": deleted_version(make_article()),
        "articles.municipality": deleted_version(make_municipality()),
        "articles.imagecredit": deleted_version(make_credit()),
        "articles.photo": deleted_version(make_photo()),
        "articles.author": deleted_version(make_author()),
    }
    return found, deleted


def url_for(model, view, objects):
    found, deleted = objects
    draft = found["articles.article"]
    if model == "-":
        return {
            "preview": reverse("articles:preview", args=[draft.pk]),
            "autocomplete": reverse("admin:autocomplete")
            + "?app_label=articles&model_name=article&field_name=municipality",
            "view_on_site": reverse(
                "admin:view_on_site",
                args=[ContentType.objects.get_for_model(Article).pk, draft.pk],
            ),
        }.get(view) or reverse(f"admin:{view}")
    if view == "app_list":
        return reverse("admin:app_list", args=[model])
    name = f"admin:{model.replace('.', '_')}_{view}"
    if view.startswith("do:"):
        return reverse(name.split("do:")[0] + "changelist")
    if view in ("changelist", "add", "recoverlist", "autosave"):
        return reverse(name)
    if view == "recover":
        return reverse(name, args=[deleted[model].pk])
    obj = found[model]
    if view in ("revision", "compare"):
        versions = Version.objects.get_for_object(obj).order_by("pk")
    if view == "revision":
        return reverse(name, args=[obj.pk, versions.first().pk])
    if view == "compare":
        first, last = versions.first().pk, versions.last().pk
        return reverse(name, args=[obj.pk]) + f"?version_id1={first}&version_id2={last}"
    return reverse(name, args=[obj.pk])


ACTION_PAGES = {
    "admin/articles/action_form.html",
    "admin/delete_selected_confirmation.html",
}


def answer_to(response):
    """The response as MATRIX names it."""
    if response.status_code == 302 and response["Location"].startswith(
        reverse("admin:login") + "?next="
    ):
        return "login"
    if response.status_code not in (200, 302):
        return str(response.status_code)
    if ACTION_PAGES & {template.name for template in response.templates}:
        return "form"
    return str(response.status_code)


def succeeded(response):
    """An info or success message; refusals come as warnings or errors."""
    return any(
        message.level in (messages.INFO, messages.SUCCESS)
        for message in messages.get_messages(response.wsgi_request)
    )


def run_action(client, url, view, obj):
    """POST the action for `obj` (its first step, as the list's "Ausführen"
    button does) and undo whatever it changed."""
    with transaction.atomic():
        response = client.post(
            url, {"action": view.removeprefix("do:"), ACTION_CHECKBOX_NAME: obj.pk}
        )
        transaction.set_rollback(True)
    answer = answer_to(response)
    if answer in ("200", "302"):
        answer = "done" if succeeded(response) else "refused"
    # The message would show on the next page, as if that had succeeded.
    client.cookies.pop("messages", None)
    return answer


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_from_every_admin_url(
    client, users, objects, role
):
    if users[role]:
        log_in_with_second_factor(client, users[role])
    answers = {}
    for model, view in sorted(EXPECTED):
        url = url_for(model, view, objects)
        if view.startswith("do:"):
            answers[model, view] = run_action(client, url, view, objects[0][model])
        else:
            answers[model, view] = answer_to(client.get(url))
    expected = {key: roles[role] for key, roles in EXPECTED.items()}
    assert answers == expected


# Dangerous POSTs: each role either may do it, or gets refused and the
# database stays as it was.


def article_state(article):
    article.refresh_from_db()
    return (article.status, article.title, article.published_at)


def action(client, admin_name, name, *objects):
    return client.post(
        reverse(f"admin:{admin_name}_changelist"),
        {"action": name, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]},
    )


def login_as(client, users, role):
    if users[role]:
        log_in_with_second_factor(client, users[role])


def refused(response):
    """Refused: 403, the login page for anonymous users, or the list again
    without a success message (Django's admin offers no such action)."""
    if response.status_code == 403:
        return True
    if response.status_code == 302 and response["Location"].startswith(
        reverse("admin:login")
    ):
        return True
    return response.status_code in (200, 302) and not succeeded(response)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("moderator", False),
        ("editor", False),
        ("publisher", True),
        ("superuser", True),
    ],
)
def test_only_publishers_publish_and_unpublish(client, users, role, allowed):
    users["publisher"] = make_user(username="chefin", groups=["Chef vom Dienst"])
    draft = make_article(status=ArticleStatus.DRAFT)
    online = make_article()
    before = article_state(draft), article_state(online)
    login_as(client, users, role)
    publish = action(client, "articles_article", "publish_now", draft)
    unpublish = action(client, "articles_article", "unpublish", online)
    after = article_state(draft), article_state(online)
    if allowed:
        assert publish.status_code == unpublish.status_code == 302
        assert after[0][0] == ArticleStatus.PUBLISHED
        assert after[1][0] == ArticleStatus.DRAFT
    else:
        assert refused(publish) and refused(unpublish)
        assert after == before


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("anonymous", False), ("moderator", False), ("editor", True), ("superuser", True)],
)
def test_only_editors_delete_articles(client, users, role, allowed):
    one, two = make_article(), make_article()
    login_as(client, users, role)
    by_form = client.post(
        reverse("admin:articles_article_delete", args=[one.pk]), {"post": "yes"}
    )
    by_action = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [two.pk], "post": "yes"},
    )
    left = set(Article.objects.values_list("pk", flat=True))
    if allowed:
        assert by_form.status_code == by_action.status_code == 302
        assert left == set()
    else:
        assert by_form.status_code in (302, 403) and refused(by_form)
        assert refused(by_action)
        assert left == {one.pk, two.pk}
    # Nor through the moderators' tagging screen, which has no delete at all.
    tagging = client.post(
        reverse("admin:articles_articletagging_delete", args=[one.pk]), {"post": "yes"}
    )
    assert tagging.status_code in (302, 403)
    assert Article.objects.filter(pk=one.pk).exists() == (not allowed)


@pytest.mark.parametrize("role", ["anonymous", "moderator"])
def test_moderators_change_no_article_field_but_tags(client, users, role):
    article = saved_twice(make_article(title="Alt", tags=["Open Data"]))
    first_version = Version.objects.get_for_object(article).order_by("pk").first()
    before = article_state(article)
    login_as(client, users, role)
    posted = article_form(
        title="Neu",
        kicker="Neu",
        slug=article.slug,
        lead="Neu",
        status=ArticleStatus.DRAFT,
        published_at_0="01.01.2020",
        published_at_1="10:00",
        tags="Open Data, KI",
    )
    change = client.post(
        reverse("admin:articles_article_change", args=[article.pk]), posted
    )
    revert = client.post(
        reverse("admin:articles_article_revision", args=[article.pk, first_version.pk]),
        posted,
    )
    tagging = client.post(
        reverse("admin:articles_articletagging_change", args=[article.pk]), posted
    )
    assert article_state(article) == before
    if role == "anonymous":
        assert {change.status_code, revert.status_code, tagging.status_code} == {302}
        assert set(article.tags.names()) == {"Open Data"}
    else:
        assert change.status_code == revert.status_code == 403
        # The tagging screen takes the tags and ignores everything else.
        assert tagging.status_code == 302
        assert set(article.tags.names()) == {"Open Data", "KI"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("moderator", False),
        ("editor", False),
        ("superuser", True),
    ],
)
def test_only_superusers_make_superusers(client, users, role, allowed):
    reader = User.objects.create_user("leser", is_staff=True)
    editors = Group.objects.get(name="Redaktion")
    permissions_before = set(editors.permissions.all())
    login_as(client, users, role)
    response = client.post(
        reverse("admin:auth_user_change", args=[reader.pk]),
        {
            "username": "leser",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "01.01.2026",
            "date_joined_1": "10:00",
        },
    )
    group = client.post(
        reverse("admin:auth_group_change", args=[editors.pk]),
        {"name": "Redaktion", "permissions": []},
    )
    reader.refresh_from_db()
    assert reader.is_superuser == allowed
    assert (set(editors.permissions.all()) == permissions_before) == (not allowed)
    if not allowed:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == group.status_code == expected
