"""A clean tag vocabulary (rename, merge, delete, counts) and topic pages."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from articles.forms import tags_from_string, tags_to_string
from articles.models import Article, ArticleStatus, Tag, TagChange, TagRedirect
from articles.services import tag_merge, tag_rename
from tests.factories import make_article, make_hidden_article, make_user

pytestmark = pytest.mark.django_db

TAGS = reverse("admin:articles_tag_changelist")


@pytest.fixture
def moderator(client):
    user = make_user(groups=["Moderation"])
    client.force_login(user)
    return user


def topic_url(slug):
    return reverse("articles:topic", kwargs={"slug": slug})


def tag(name):
    return Tag.objects.get(name=name)


# 3. A clean vocabulary


def test_tags_are_case_insensitive_across_articles_and_admin(admin_client):
    make_article(tags=["Open Data"])
    make_article(tags=["open data", "OPEN DATA"])
    assert list(Tag.objects.values_list("name", flat=True)) == ["Open Data"]
    response = admin_client.post(
        reverse("admin:articles_tag_add"), {"name": "OPEN data"}
    )
    assert response.status_code == 200
    assert "gibt es schon" in response.content.decode()
    assert Tag.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Bürgerportal", "buergerportal"),
        ("Straßenbau", "strassenbau"),
        ("Öffentliche Ämter", "oeffentliche-aemter"),
        ("Überörtliche Prüfung", "ueberoertliche-pruefung"),
    ],
)
def test_tag_slugs_are_german_friendly(name, slug):
    assert Tag.objects.create(name=name).slug == slug


def test_long_umlaut_tag_names_get_slugs_that_fit():
    name = "Überörtliche Prüfung " * 4 + "ä" * 16  # 100 characters
    assert len(Tag.objects.create(name=name).slug) <= 100
    assert Tag.objects.create(name=name[:-1]).slug.endswith("-1")


def test_tag_list_shows_how_many_articles_use_each_tag(
    client, moderator, django_assert_num_queries
):
    for _i in range(3):
        make_article(tags=["Open Data", "KI"])
    make_article(tags=["KI"])
    Tag.objects.create(name="Unbenutzt")
    # session, user, permissions (2), count, count, page of tags
    with django_assert_num_queries(7):
        response = client.get(TAGS, {"o": "-3"})
    counts = [(t.name, t.article_count) for t in response.context["cl"].result_list]
    assert counts == [("KI", 4), ("Open Data", 3), ("Unbenutzt", 0)]
    assert '<td class="field-article_count">4</td>' in response.content.decode()


def test_renaming_a_tag_moves_its_topic_page_and_redirects_the_old_url(
    client, moderator
):
    make_article(title="Portal startet", tags=["Buergerportal"])
    old = tag("Buergerportal")
    response = client.post(
        reverse("admin:articles_tag_change", args=[old.pk]), {"name": "Bürgerportal"}
    )
    assert response.status_code == 302
    renamed = Tag.objects.get(pk=old.pk)
    assert (renamed.name, renamed.slug) == ("Bürgerportal", "buergerportal")
    # Same slug: nothing to redirect.
    assert not TagRedirect.objects.exists()

    tag_rename(tag=renamed, name="Digitales Bürgerportal")
    response = client.get(topic_url("buergerportal"))
    assert response.status_code == 301
    assert response.url == topic_url("digitales-buergerportal")
    assert "Portal startet" in client.get(response.url).content.decode()


def test_renaming_to_another_tags_name_in_other_case_is_refused(client, moderator):
    Tag.objects.create(name="Open Data")
    other = Tag.objects.create(name="Opendata")
    response = client.post(
        reverse("admin:articles_tag_change", args=[other.pk]), {"name": "open data"}
    )
    assert response.status_code == 200
    assert "Zusammenführen" in str(response.context["adminform"].form.errors)
    assert Tag.objects.get(pk=other.pk).name == "Opendata"


def test_renaming_back_to_an_old_name_serves_the_page_again(client):
    make_article(tags=["Open Data"])
    open_data = tag("Open Data")
    tag_rename(tag=open_data, name="Offene Daten")
    tag_rename(tag=open_data, name="Open Data")
    assert client.get(topic_url("open-data")).status_code == 200
    assert client.get(topic_url("offene-daten")).url == topic_url("open-data")


def test_renaming_to_a_slug_in_use_numbers_the_slug():
    Tag.objects.create(name="Strasse")
    other = Tag.objects.create(name="Weg")
    assert tag_rename(tag=other, name="Straße").slug == "strasse-1"


def test_merge_gives_every_article_of_the_source_the_target():
    user = User.objects.create_user("mod")
    only_source = make_article(tags=["Opendata", "KI"])
    both = make_article(tags=["Opendata", "Open Data"])
    only_target = make_article(tags=["Open Data"])
    TagRedirect.objects.create(old_slug="offene-daten", tag=tag("Opendata"))

    count = tag_merge(source=tag("Opendata"), target=tag("Open Data"), user=user)

    assert count == 2
    assert not Tag.objects.filter(name="Opendata").exists()
    assert sorted(only_source.tags.names()) == ["KI", "Open Data"]
    assert list(both.tags.names()) == ["Open Data"]
    assert list(only_target.tags.names()) == ["Open Data"]
    redirects = TagRedirect.objects.values_list("old_slug", "tag__name")
    assert sorted(redirects) == [
        ("offene-daten", "Open Data"),
        ("opendata", "Open Data"),
    ]
    logged = {
        (c.article_id, tuple(c.added), tuple(c.removed), c.user_id)
        for c in TagChange.objects.all()
    }
    assert logged == {
        (only_source.pk, ("Open Data",), ("Opendata",), user.pk),
        (both.pk, (), ("Opendata",), user.pk),
    }


def test_merging_a_tag_into_itself_is_refused():
    open_data = Tag.objects.create(name="Open Data")
    with pytest.raises(ValueError):
        tag_merge(source=open_data, target=open_data, user=None)
    assert Tag.objects.filter(pk=open_data.pk).exists()


def test_moderator_merges_tags_with_the_admin_action(client, moderator):
    make_article(title="Drei", tags=["Open Data"])
    make_article(title="Eins", tags=["Opendata"])
    make_article(title="Zwei", tags=["open-data"])
    sources = [tag("Opendata").pk, tag("open-data").pk]
    target = tag("Open Data")
    data = {"action": "merge", "_selected_action": [*sources, target.pk]}

    form_page = client.post(TAGS, data)
    assert form_page.status_code == 200
    assert "Zusammenführen in" in form_page.content.decode()

    response = client.post(TAGS, {**data, "apply": "1", "target": target.pk})
    assert response.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Open Data"]
    assert target.tagged_articles.count() == 3
    topic = client.get(topic_url("opendata"), follow=True)
    assert topic.redirect_chain == [(topic_url("open-data"), 301)]
    titles = {a.title for a in topic.context["page_obj"]}
    assert titles == {"Eins", "Zwei", "Drei"}


def test_merging_only_into_a_selected_tag_alone_shows_a_german_error(client, moderator):
    target = Tag.objects.create(name="Open Data")
    response = client.post(
        TAGS,
        {
            "action": "merge",
            "_selected_action": [target.pk],
            "apply": "1",
            "target": target.pk,
        },
    )
    assert response.status_code == 200
    assert "Bitte ein anderes Schlagwort" in response.content.decode()


def test_merge_to_a_missing_target_shows_a_german_error(client, moderator):
    source = Tag.objects.create(name="Opendata")
    response = client.post(
        TAGS,
        {
            "action": "merge",
            "_selected_action": [source.pk],
            "apply": "1",
            "target": "999999",
        },
    )
    assert response.status_code == 200
    assert "gibt es nicht" in response.content.decode()
    assert Tag.objects.filter(pk=source.pk).exists()


def test_deleting_a_tag_in_use_is_refused_naming_the_count(client, moderator):
    make_article(tags=["Open Data"])
    make_article(tags=["Open Data"])
    used = tag("Open Data")
    url = reverse("admin:articles_tag_delete", args=[used.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert "„Open Data“ wird von 2 Artikeln verwendet" in response.content.decode()
    assert used.tagged_articles.count() == 2


def test_deleting_an_unused_tag_works(client, moderator):
    unused = Tag.objects.create(name="Unbenutzt")
    url = reverse("admin:articles_tag_delete", args=[unused.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Tag.objects.exists()


# 4. Topic pages


def test_topic_page_is_paginated_newest_first(client):
    now = timezone.now()
    for hours in range(1, 24):
        make_article(
            title=f"Vor {hours} Stunden",
            published_at=now - timedelta(hours=hours),
            tags=["Open Data"],
        )
    make_article(title="Entwurf", status=ArticleStatus.DRAFT, tags=["Open Data"])
    later = now + timedelta(hours=1)
    make_article(title="Geplant", published_at=later, tags=["Open Data"])
    first = client.get(topic_url("open-data"))
    titles = [a.title for a in first.context["page_obj"]]
    assert titles == [f"Vor {hours} Stunden" for hours in range(1, 21)]
    older = first.context["page_obj"].next_key()
    second = client.get(topic_url("open-data"), {"nach": older})
    titles = [a.title for a in second.context["page_obj"]]
    assert titles == ["Vor 21 Stunden", "Vor 22 Stunden", "Vor 23 Stunden"]
    assert f'href="?nach={older}" rel="next"' in first.content.decode()
    assert 'rel="next"' not in second.content.decode()


def test_topic_page_redirect_keeps_the_page_key(client):
    make_article(tags=["Open Data"])
    target = Tag.objects.get(name="Open Data")
    TagRedirect.objects.create(old_slug="opendata", tag=target)
    response = client.get(topic_url("opendata"), {"nach": 42, "page": 2})
    assert response.status_code == 301
    assert response.url == topic_url("open-data") + "?nach=42"
    response = client.get(topic_url("opendata"), {"vor": 7})
    assert response.url == topic_url("open-data") + "?vor=7"


def test_unknown_topic_is_404(client):
    assert client.get(topic_url("gibt-es-nicht")).status_code == 404


@pytest.mark.parametrize("archive_size", [5, 40])
def test_topic_page_costs_the_same_queries_at_any_size(
    client, django_assert_num_queries, archive_size
):
    for _i in range(archive_size):
        make_article(tags=["Open Data"])
    # tag, page of articles (21 rows: one tells whether an older page exists)
    with django_assert_num_queries(2):
        response = client.get(topic_url("open-data"))
    assert response.status_code == 200


def test_tags_on_an_article_page_link_to_their_topic_page(client):
    article = make_article(tags=["Bürgerportal"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{topic_url("buergerportal")}"' in html


def test_a_deleted_article_takes_its_tag_links_but_not_its_tags():
    article = make_article(tags=["Open Data"])
    Article.objects.filter(pk=article.pk).delete()
    assert tag("Open Data").tagged_articles.count() == 0


def test_only_commas_separate_tags_typed_by_editors():
    assert tags_from_string('Open Data, "Bürgerportal" ,, KI') == [
        "Bürgerportal",
        "KI",
        "Open Data",
    ]
    article = make_article(tags=["Open Data", "KI"])
    assert tags_to_string(article.tags.all()) == "KI, Open Data"


def test_old_slug_of_a_renamed_topic_of_drafts_reveals_nothing(client):
    make_hidden_article("draft", tags=["Geheimprojekt"])
    tag_rename(tag=Tag.objects.get(name="Geheimprojekt"), name="Neues Portal")

    for url in (
        topic_url("geheimprojekt"),
        reverse("feeds:topic_rss", kwargs={"slug": "geheimprojekt"}),
        reverse("feeds:topic_atom", kwargs={"slug": "geheimprojekt"}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "neues-portal" not in response.content.decode()
