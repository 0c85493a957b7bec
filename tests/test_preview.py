"""The staff preview: any status, the reader's template and sidebar, 404 for
everyone else."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.models import Article, ArticleStatus
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return make_article(
        title="Geheimer Entwurf", status=ArticleStatus.DRAFT, tags=["TikTok"]
    )


def preview_url(article):
    return reverse("articles:preview", args=[article.pk])


def test_editor_previews_a_draft_as_readers_will_see_it(
    client, django_user_model, draft
):
    make_article(title="Schon erschienen", tags=["TikTok"])
    editor = django_user_model.objects.create_user("redakteurin", is_staff=True)
    editor.groups.add(Group.objects.get(name="Redaktion"))
    client.force_login(editor)

    response = client.get(preview_url(draft))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "articles/article_detail.html"
    page = response.content.decode()
    assert "<h1>Geheimer Entwurf</h1>" in page
    assert "Schon erschienen" in page  # the sidebar, as on the public page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_preview_of_a_draft_is_404_for_anonymous_readers(client, draft):
    response = client.get(preview_url(draft))
    assert response.status_code == 404  # no redirect to the login page


def test_preview_is_404_for_logged_in_non_staff(client, django_user_model, draft):
    reader = django_user_model.objects.create_user("leser")
    reader.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(reader)
    assert client.get(preview_url(draft)).status_code == 404


def test_preview_is_404_for_staff_without_article_permission(
    client, django_user_model, draft
):
    client.force_login(django_user_model.objects.create_user("azubi", is_staff=True))
    assert client.get(preview_url(draft)).status_code == 404


def test_preview_of_a_missing_article_is_404(admin_client):
    assert admin_client.get("/vorschau/999999/").status_code == 404


def test_article_admin_page_links_to_the_preview(admin_client, draft):
    response = admin_client.get(
        reverse("admin:articles_article_change", args=[draft.pk])
    )
    assert f'href="{preview_url(draft)}"' in response.content.decode()


def test_preview_of_an_empty_draft_opens(admin_client):
    draft = Article.objects.create(status=ArticleStatus.DRAFT)
    assert draft.slug == ""
    assert admin_client.get(preview_url(draft)).status_code == 200


def test_view_on_site_of_a_draft_leads_to_the_preview(admin_client, draft):
    response = admin_client.get(
        reverse("admin:articles_article_change", args=[draft.pk])
    )
    assert response.context["has_absolute_url"]
    assert response.context["original"].pk == draft.pk
    assert f'href="{preview_url(draft)}" class="viewsitelink"' in (
        response.content.decode()
    )
