"""Groups Redaktion and Moderation, and the assign_role command."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def permissions(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("codename", flat=True))


def test_redaktion_may_manage_articles_municipalities_credits_tags_and_pages():
    assert permissions("Redaktion") == {
        f"{action}_{model}"
        for model in ("article", "municipality", "imagecredit", "tag", "page")
        for action in ("add", "change", "delete", "view")
    } | {"view_tagchange", "view_articletagging"}


def test_moderation_may_view_articles_and_change_only_tags():
    assert permissions("Moderation") == {
        "view_article",
        "view_articletagging",
        "change_articletagging",
        "view_tag",
        "change_tag",
        "delete_tag",
    }


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redakteurin", password="geheim-123")
    call_command("assign_role", "redakteurin", "redaktion")
    user.refresh_from_db()
    return user


def test_editor_works_on_articles_but_not_on_users_or_groups(client, editor):
    client.force_login(editor)
    assert not editor.is_superuser
    for name in ("article", "municipality", "imagecredit", "tag"):
        url = reverse(f"admin:articles_{name}_add")
        assert client.get(url).status_code == 200, name
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[editor.pk]),
        reverse("admin:auth_group_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("admin:auth_user_change", args=[editor.pk]),
        {"username": "redakteurin", "is_superuser": "on"},
    )
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


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


def test_moderators_see_articles_but_cannot_publish_or_edit_them(
    client, django_user_model
):
    article = make_article()
    django_user_model.objects.create_user("mod")
    call_command("assign_role", "mod", "moderation")
    client.force_login(django_user_model.objects.get(username="mod"))
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert 'value="publish_now"' not in response.content.decode()
    change = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {"title": "Übernommen"},
    )
    assert change.status_code == 403
