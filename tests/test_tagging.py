"""Tags and the moderators who keep them: the tag model and vocabulary
(case, German slugs), the services that write tags (articles/services.py),
the tag admin (counts, rename, merge, delete), the redirects of renamed and
merged topics, the moderators' tagging queue and screen, the tag-change
log, and a moderator's day in a real browser."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from articles.forms import tags_from_string, tags_to_string
from articles.models import Article, ArticleStatus, Tag, TagChange, TagRedirect
from articles.services import tag_merge, tag_rename
from tests.factories import (
    HIDDEN_STATES,
    admin_form_data,
    log_in_in_browser,
    make_article,
    make_hidden_article,
)

pytestmark = pytest.mark.django_db

TAGS = reverse("admin:articles_tag_changelist")
QUEUE = reverse("admin:articles_articletagging_changelist")


def topic_url(slug):
    return reverse("articles:topic", kwargs={"slug": slug})


def tagging_url(article):
    return reverse("admin:articles_articletagging_change", args=[article.pk])


def tag(name):
    return Tag.objects.get(name=name)


# The vocabulary: one tag per name whatever its case, German slugs


def test_tags_are_case_insensitive_across_articles_and_admin(admin_client):
    first = make_article(tags=["Open Data"])
    second = make_article(tags=["open data", "OPEN DATA"])
    assert list(Tag.objects.values_list("name", flat=True)) == ["Open Data"]
    assert list(first.tags.all()) == list(second.tags.all())
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


def test_only_commas_separate_tags_typed_by_editors():
    assert tags_from_string('Open Data, "Bürgerportal" ,, KI') == [
        "Bürgerportal",
        "KI",
        "Open Data",
    ]
    article = make_article(tags=["Open Data", "KI"])
    assert tags_to_string(article.tags.all()) == "KI, Open Data"


def test_a_deleted_article_takes_its_tag_links_but_not_its_tags():
    article = make_article(tags=["Open Data"])
    Article.objects.filter(pk=article.pk).delete()
    assert tag("Open Data").tagged_articles.count() == 0


# The tag admin: counts, rename, merge, delete


def test_tag_list_shows_how_many_articles_use_each_tag(
    moderator_client, django_assert_num_queries
):
    for _i in range(3):
        make_article(tags=["Open Data", "KI"])
    make_article(tags=["KI"])
    Tag.objects.create(name="Unbenutzt")
    # session, user, permissions (2), whether a second factor is set up,
    # count, count, page of tags
    with django_assert_num_queries(8):
        response = moderator_client.get(TAGS, {"o": "-3"})
    counts = [(t.name, t.article_count) for t in response.context["cl"].result_list]
    assert counts == [("KI", 4), ("Open Data", 3), ("Unbenutzt", 0)]
    assert '<td class="field-article_count">4</td>' in response.content.decode()


def test_renaming_a_tag_moves_its_topic_page_and_redirects_the_old_url(
    moderator_client,
):
    make_article(title="Portal startet", tags=["Buergerportal"])
    old = tag("Buergerportal")
    response = moderator_client.post(
        reverse("admin:articles_tag_change", args=[old.pk]), {"name": "Bürgerportal"}
    )
    assert response.status_code == 302
    renamed = Tag.objects.get(pk=old.pk)
    assert (renamed.name, renamed.slug) == ("Bürgerportal", "buergerportal")
    # Same slug: nothing to redirect.
    assert not TagRedirect.objects.exists()

    tag_rename(tag=renamed, name="Digitales Bürgerportal")
    response = moderator_client.get(topic_url("buergerportal"))
    assert response.status_code == 301
    assert response.url == topic_url("digitales-buergerportal")
    assert "Portal startet" in moderator_client.get(response.url).content.decode()


def test_renaming_to_another_tags_name_in_other_case_is_refused(moderator_client):
    Tag.objects.create(name="Open Data")
    other = Tag.objects.create(name="Opendata")
    response = moderator_client.post(
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


def test_merge_gives_every_article_of_the_source_the_target(moderator):
    only_source = make_article(tags=["Opendata", "KI"])
    both = make_article(tags=["Opendata", "Open Data"])
    only_target = make_article(tags=["Open Data"])
    TagRedirect.objects.create(old_slug="offene-daten", tag=tag("Opendata"))

    count = tag_merge(source=tag("Opendata"), target=tag("Open Data"), user=moderator)

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
        (only_source.pk, ("Open Data",), ("Opendata",), moderator.pk),
        (both.pk, (), ("Opendata",), moderator.pk),
    }


def test_merging_a_tag_into_itself_is_refused():
    open_data = Tag.objects.create(name="Open Data")
    with pytest.raises(ValueError):
        tag_merge(source=open_data, target=open_data, user=None)
    assert Tag.objects.filter(pk=open_data.pk).exists()


def merge(client, selected, **data):
    """Post the tag admin's merge action for the `selected` tags."""
    return client.post(
        TAGS, {"action": "merge", "_selected_action": [t.pk for t in selected], **data}
    )


def test_moderator_merges_tags_with_the_admin_action(moderator_client):
    make_article(title="Drei", tags=["Open Data"])
    make_article(title="Eins", tags=["Opendata"])
    make_article(title="Zwei", tags=["open-data"])
    target = tag("Open Data")
    selected = [tag("Opendata"), tag("open-data"), target]

    form_page = merge(moderator_client, selected)
    assert form_page.status_code == 200
    assert "Zusammenführen in" in form_page.content.decode()

    response = merge(moderator_client, selected, apply="1", target=target.pk)
    assert response.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Open Data"]
    assert target.tagged_articles.count() == 3
    topic = moderator_client.get(topic_url("opendata"), follow=True)
    assert topic.redirect_chain == [(topic_url("open-data"), 301)]
    titles = {a.title for a in topic.context["page_obj"]}
    assert titles == {"Eins", "Zwei", "Drei"}


@pytest.mark.parametrize(
    ("target", "message"),
    [("selected", "Bitte ein anderes Schlagwort"), ("missing", "gibt es nicht")],
)
def test_merging_into_itself_or_a_missing_tag_shows_a_german_error(
    moderator_client, target, message
):
    source = Tag.objects.create(name="Opendata")
    target_pk = source.pk if target == "selected" else 999_999
    response = merge(moderator_client, [source], apply="1", target=target_pk)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Tag.objects.filter(pk=source.pk).exists()


def test_deleting_a_tag_in_use_is_refused_naming_the_count(moderator_client):
    make_article(tags=["Open Data"])
    make_article(tags=["Open Data"])
    used = tag("Open Data")
    url = reverse("admin:articles_tag_delete", args=[used.pk])
    response = moderator_client.post(url, {"post": "yes"}, follow=True)
    assert "„Open Data“ wird von 2 Artikeln verwendet" in response.content.decode()
    assert used.tagged_articles.count() == 2


def test_deleting_an_unused_tag_works(moderator_client):
    unused = Tag.objects.create(name="Unbenutzt")
    url = reverse("admin:articles_tag_delete", args=[unused.pk])
    assert moderator_client.post(url, {"post": "yes"}).status_code == 302
    assert not Tag.objects.exists()


# Old topic URLs of renamed and merged tags


def test_topic_page_redirect_keeps_the_page_key(client):
    make_article(tags=["Open Data"])
    target = Tag.objects.get(name="Open Data")
    TagRedirect.objects.create(old_slug="opendata", tag=target)
    response = client.get(topic_url("opendata"), {"nach": 42, "page": 2})
    assert response.status_code == 301
    assert response.url == topic_url("open-data") + "?nach=42"
    response = client.get(topic_url("opendata"), {"vor": 7})
    assert response.url == topic_url("open-data") + "?vor=7"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_of_a_merged_topic_redirects_to_its_successor(client, kind):
    make_article(tags=["Offene Daten"])
    make_article(tags=["Open Data"])
    tag_merge(source=tag("Offene Daten"), target=tag("Open Data"), user=None)

    response = client.get(f"/feeds/thema/offene-daten/{kind}/")
    assert response.status_code == 301
    assert response["Location"] == f"/feeds/thema/open-data/{kind}/"
    assert client.get(response["Location"]).status_code == 200
    assert client.get(f"/feeds/thema/gibt-es-nicht/{kind}/").status_code == 404


# The moderators' screens: the queue and the tagging form


def test_moderator_finds_the_queue_and_the_tags_in_the_admin(moderator_client):
    open_data = Tag.objects.create(name="Open Data")
    index = moderator_client.get(reverse("admin:index"))
    models = {
        model["object_name"]
        for app in index.context["app_list"]
        for model in app["models"]
    }
    assert {"ArticleTagging", "Tag"} <= models
    assert "Article" not in models or "view_article" in {
        p.codename for p in Permission.objects.filter(group__name="Moderation")
    }
    tag_page = moderator_client.get(
        reverse("admin:articles_tag_change", args=[open_data.pk])
    )
    assert tag_page.status_code == 200


def test_moderator_changes_only_the_tags_in_the_tagging_admin(
    moderator_client, moderator
):
    article = make_article(
        title="Original", status=ArticleStatus.DRAFT, published_at=None, tags=["Alt"]
    )
    response = moderator_client.post(
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


def test_tagging_admin_shows_the_article_read_only(moderator_client):
    article = make_article(title="Stadt startet TikTok-Kanal")
    response = moderator_client.get(tagging_url(article))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == ["tags"]
    assert "Stadt startet TikTok-Kanal" in response.content.decode()


def test_queue_lists_untagged_and_marked_articles_newest_first(moderator_client):
    old = make_article(title="Alt ohne")
    make_article(title="Verschlagwortet", tags=["Open Data"])
    marked = make_article(title="Markiert", tags=["KI"], needs_tags=True)
    draft = make_article(title="Entwurf ohne", status=ArticleStatus.DRAFT)
    response = moderator_client.get(QUEUE)
    assert list(response.context["cl"].result_list) == [draft, marked, old]


def test_queue_can_show_all_articles(moderator_client):
    make_article(tags=["Open Data"])
    make_article()
    response = moderator_client.get(QUEUE, {"queue": "all"})
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize("queue_size", [5, 30])
def test_queue_costs_the_same_queries_at_any_size(
    moderator_client, django_assert_num_queries, queue_size
):
    for _i in range(queue_size):
        make_article(needs_tags=True, tags=["Open Data"])
    # session, user, permissions (2), whether a second factor is set up,
    # filter count, total count, page, tags
    with django_assert_num_queries(9):
        response = moderator_client.get(QUEUE)
    assert response.context["cl"].result_count == queue_size


def run_action(client, action, articles, **data):
    """Post an admin action on the queue; `apply` submits its second step."""
    return client.post(
        f"{QUEUE}?queue=all",
        {"action": action, "_selected_action": [a.pk for a in articles], **data},
    )


def test_add_tags_action_offers_existing_tags_for_autocomplete(moderator_client):
    Tag.objects.create(name="Bürgerportal")
    article = make_article()
    response = run_action(moderator_client, "add_tags", [article])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'list="id_tags-suggestions"' in html
    assert '<datalist id="id_tags-suggestions"><option value="Bürgerportal">' in html


def test_queue_adds_tags_to_many_articles_at_once(moderator_client, moderator):
    existing = Tag.objects.create(name="Bürgerportal")
    first = make_article(needs_tags=True, tags=["KI"])
    second = make_article()
    response = run_action(
        moderator_client,
        "add_tags",
        [first, second],
        apply="1",
        tags="bürgerportal, Open Data",
    )
    assert response.status_code == 302
    assert sorted(first.tags.names()) == ["Bürgerportal", "KI", "Open Data"]
    assert sorted(second.tags.names()) == ["Bürgerportal", "Open Data"]
    assert Tag.objects.filter(name__iexact="bürgerportal").get() == existing
    first.refresh_from_db()
    assert not first.needs_tags
    assert moderator_client.get(QUEUE).context["cl"].result_count == 0
    assert TagChange.objects.filter(user=moderator).count() == 2


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (" , ", "Dieses Feld ist zwingend erforderlich."),
        (f"KI, {'x' * 101}", "höchstens 100 Zeichen"),
    ],
    ids=["none", "overlong"],
)
def test_add_tags_without_usable_tags_shows_a_german_error(
    moderator_client, tags, message
):
    article = make_article()
    response = run_action(moderator_client, "add_tags", [article], apply="1", tags=tags)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Tag.objects.exists()
    assert not TagChange.objects.exists()


def test_queue_removes_tags_from_many_articles_at_once(moderator_client):
    first = make_article(tags=["KI", "Open Data"])
    second = make_article(tags=["KI"])
    form = run_action(moderator_client, "remove_tags", [first, second]).context["form"]
    ki = tag("KI")
    assert set(form.fields["tags"].queryset) == {ki, tag("Open Data")}
    response = run_action(
        moderator_client, "remove_tags", [first, second], apply="1", tags=[ki.pk]
    )
    assert response.status_code == 302
    assert list(first.tags.names()) == ["Open Data"]
    assert list(second.tags.names()) == []
    assert sorted(c.removed for c in TagChange.objects.all()) == [["KI"], ["KI"]]


# The tag-change log: who changed which article's tags when


def test_editor_tag_edits_in_the_article_admin_are_logged(admin_client, admin_user):
    article = make_article(title="Chatbot", tags=["KI", "Alt"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(admin_client.get(url))
    response = admin_client.post(
        url, data | {"tags": "KI, Open Data", "needs_tags": "on"}
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


def test_tag_log_is_a_read_only_list_for_editors(editor_client, editor, moderator):
    first = make_article(title="Erste")
    second = make_article(title="Zweite")
    TagChange.objects.create(article=first, user=moderator, added=["KI"])
    TagChange.objects.create(article=second, user=editor, added=["KI"])
    url = reverse("admin:articles_tagchange_changelist")

    by_user = editor_client.get(url, {"user__id__exact": moderator.pk}).context["cl"]
    assert [change.article for change in by_user.result_list] == [first]
    by_article = editor_client.get(url, {"article__id__exact": second.pk})
    assert [change.user for change in by_article.context["cl"].result_list] == [editor]

    change = TagChange.objects.first()
    add = reverse("admin:articles_tagchange_add")
    assert editor_client.get(add).status_code == 403
    edit = reverse("admin:articles_tagchange_change", args=[change.pk])
    assert editor_client.post(edit, {"added": "[]"}).status_code == 403
    delete = reverse("admin:articles_tagchange_delete", args=[change.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert TagChange.objects.count() == 2


def test_tagging_admin_page_shows_the_articles_tag_history(moderator_client, moderator):
    article = make_article()
    TagChange.objects.create(
        article=article, user=moderator, added=["Open Data"], removed=["Opendata"]
    )
    html = moderator_client.get(tagging_url(article)).content.decode()
    assert "+ Open Data − Opendata" in html
    assert moderator.username in html


# A moderator's day in a real browser (headless Chromium)


def run_list_action(page, action_label, labels):
    """Tick the rows whose link text is in `labels` and run an admin action."""
    for label in labels:
        row = page.locator("#result_list tbody tr").filter(
            has=page.get_by_role("link", name=label, exact=True)
        )
        row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.get_by_role("button", name="Ausführen").click()


@pytest.mark.browser
def test_moderator_tags_from_the_queue_and_reader_finds_the_articles(
    live_site, moderator, page, reader_page
):
    titles = ["Bürgerportal geht online", "Open-Data-Portal wächst", "Neue Geodaten"]
    for title in titles:
        make_article(title=title)
    make_article(title="Schon verschlagwortet", tags=["KI"])

    log_in_in_browser(page, live_site.url, moderator)
    page.get_by_role("link", name="Verschlagwortung").first.click()

    queue = page.locator("#result_list tbody tr")
    expect(queue).to_have_count(3)
    run_list_action(page, "Schlagwörter hinzufügen", titles[:2])
    page.get_by_label("Schlagwörter hinzufügen").fill("Open Data")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator(".messagelist")).to_contain_text("2 Artikel verschlagwortet.")
    expect(queue).to_have_count(1)

    run_list_action(page, "Schlagwörter hinzufügen", titles[2:])
    field = page.get_by_label("Schlagwörter hinzufügen")
    suggestions = page.locator(f"datalist#{field.get_attribute('list')} option")
    assert "Open Data" in suggestions.evaluate_all("os => os.map(o => o.value)")
    field.fill("Offene Daten")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Artikel verschlagwortet.")
    expect(queue).to_have_count(0)

    page.goto(f"{live_site.url}/admin/articles/tag/")
    run_list_action(page, "Zusammenführen", ["Offene Daten"])
    page.get_by_label("Zusammenführen in").select_option(label="Open Data")
    page.get_by_role("button", name="Zusammenführen").click()
    expect(page.locator(".messagelist")).to_contain_text("zusammengeführt")
    assert not Tag.objects.filter(name="Offene Daten").exists()

    reader_page.goto(f"{live_site.url}/thema/offene-daten/")
    assert reader_page.url == f"{live_site.url}/thema/open-data/"
    assert reader_page.get_by_role("heading", level=1).inner_text() == (
        "Thema: Open Data"
    )
    found = reader_page.locator("article.teaser h2").all_inner_texts()
    assert sorted(found) == sorted(f"Musterstadt: {title}" for title in titles)


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_old_slug_of_a_renamed_topic_of_hidden_news_reveals_nothing(client, state):
    make_hidden_article(state, tags=["Geheimprojekt"])
    tag_rename(tag=Tag.objects.get(name="Geheimprojekt"), name="Neues Portal")

    for url in (
        topic_url("geheimprojekt"),
        reverse("feeds:topic_rss", kwargs={"slug": "geheimprojekt"}),
        reverse("feeds:topic_atom", kwargs={"slug": "geheimprojekt"}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "neues-portal" not in response.content.decode()


def test_moderator_sees_what_they_tag_and_can_preview_a_draft(moderator_client):
    draft = make_article(
        title="Entwurf zum Taggen",
        lead="Der Vorspann.",
        body="<p>Der <strong>Fließtext</strong>.</p>",
        status=ArticleStatus.DRAFT,
    )
    url = reverse("admin:articles_articletagging_change", args=[draft.pk])
    page = moderator_client.get(url).content.decode()
    assert "Der Vorspann." in page
    assert "Der <strong>Fließtext</strong>." in page
    preview = reverse("articles:preview", args=[draft.pk])
    assert f'href="{preview}"' in page
    assert moderator_client.get(preview).status_code == 200
