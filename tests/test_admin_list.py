"""Small things an editor notices on the article screens: an empty draft
is refused, search covers the body, the list shows the author and filters
"Meine Artikel"."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleStatus
from tests.factories import article_form, make_article, make_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
CHANGELIST = reverse("admin:articles_article_changelist")


def test_a_completely_empty_draft_is_refused_in_german(admin_client):
    empty = dict.fromkeys(article_form(), "") | {
        "status": ArticleStatus.DRAFT,
        "body": "<p></p>",
    }
    response = admin_client.post(ADD, empty)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith("Der Artikel ist noch leer")
    assert not Article.objects.exists()


def test_a_draft_with_only_a_title_saves(admin_client):
    data = dict.fromkeys(article_form(), "") | {
        "status": ArticleStatus.DRAFT,
        "title": "Nur ein Titel",
    }
    assert admin_client.post(ADD, data).status_code == 302


def test_admin_search_finds_words_in_the_body(admin_client):
    make_article(title="Treffer", body="<p>Die Glasfaser kommt.</p>")
    make_article(title="Kein Treffer")
    response = admin_client.get(CHANGELIST, {"q": "Glasfaser"})
    assert [a.title for a in response.context["cl"].result_list] == ["Treffer"]


def test_list_shows_the_author_and_filters_my_articles(editor, editor_client):
    make_article(title="Meiner", author=editor)
    make_article(title="Fremder", author=make_user(username="kollege"))
    everything = editor_client.get(CHANGELIST)
    assert "field-author" in everything.content.decode()
    mine = editor_client.get(CHANGELIST, {"mine": "1"})
    assert [a.title for a in mine.context["cl"].result_list] == ["Meiner"]
