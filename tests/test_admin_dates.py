"""Admin lists with a date hierarchy: a date no calendar filter can bound
(?published_at__year=9999, year 0, 31 February) sends the editor back to the
whole list with a German message, never to a 500."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.services import article_tags_set
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LISTS = {
    "articles": ("admin:articles_article_changelist", "published_at"),
    "tag changes": ("admin:articles_tagchange_changelist", "created_at"),
}
IMPOSSIBLE = [
    "year=99999",
    "year=9999",
    "year=9999&{field}__month=12&{field}__day=31",
    "year=1",
    "year=0",
    "year=-3",
    "year=zwanzig",
    "year=2025&{field}__month=13",
    "year=2025&{field}__month=2&{field}__day=30",
]


@pytest.fixture
def listed(editor):
    article = make_article(title="Gefunden")
    article_tags_set(article=article, names=["Open Data"], user=editor)
    return article


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("query", IMPOSSIBLE)
def test_an_impossible_date_shows_the_whole_list_with_a_german_message(
    editor_client, listed, name, query
):
    url_name, field = LISTS[name]
    url = reverse(url_name)
    response = editor_client.get(f"{url}?{field}__{query.format(field=field)}")
    assert response.status_code == 302
    response = editor_client.get(response["Location"])
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Dieses Datum kann der Filter nicht zeigen (Jahre 2 bis 9998); "
        "die Liste zeigt wieder alle Einträge."
    ]


@pytest.mark.parametrize("name", LISTS)
def test_a_real_date_still_filters(editor_client, listed, name):
    url_name, field = LISTS[name]
    year = (listed.published_at if field == "published_at" else listed.created_at).year
    response = editor_client.get(f"{reverse(url_name)}?{field}__year={year}")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    response = editor_client.get(f"{reverse(url_name)}?{field}__year=9998")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 0
