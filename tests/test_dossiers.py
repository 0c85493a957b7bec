"""Dossiers ("Schwerpunkte"): the page with the articles editors picked, in
their order, then the newest on the topic; its feeds and the directory; the
link from each member article; publishing; the page cache; the admin."""

from datetime import timedelta

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import (
    DOSSIER_TOPIC_ARTICLES,
    Dossier,
    DossierEntry,
    Photo,
    Tag,
)
from articles.services import tag_merge
from tests.factories import (
    HIDDEN_STATES,
    log_in_in_browser,
    make_archive,
    make_article,
    make_credit,
    make_hidden_article,
    make_jpeg,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db


def ago(hours):
    return timezone.now() - timedelta(hours=hours)


def make_dossier(*, picks=(), topic=None, **fields):
    """A published dossier with `picks` in that order and `topic` (a name)."""
    fields.setdefault("title", "Soziale Medien in Rathäusern")
    fields.setdefault("is_published", True)
    if topic:
        fields["topic"] = Tag.objects.get_or_create(name=topic)[0]
    dossier = Dossier.objects.create(**fields)
    for position, article in enumerate(picks, start=1):
        DossierEntry.objects.create(dossier=dossier, article=article, position=position)
    return dossier


def titles_on(client, dossier):
    response = client.get(dossier.get_absolute_url())
    assert response.status_code == 200
    return [article.title for article in response.context["articles"]]


def test_page_lists_picked_articles_in_order_then_newest_on_topic_once(client):
    old_pick = make_article(title="Alt, ausgewählt", published_at=ago(50))
    new_pick = make_article(title="Neu, ausgewählt", published_at=ago(1), tags=["SoMe"])
    make_article(title="Thema älter", published_at=ago(20), tags=["SoMe"])
    make_article(title="Thema neuer", published_at=ago(10), tags=["SoMe"])
    make_article(title="Anderes Thema", tags=["KI"])
    dossier = make_dossier(picks=[old_pick, new_pick], topic="SoMe")

    assert titles_on(client, dossier) == [
        "Alt, ausgewählt",
        "Neu, ausgewählt",  # picked and on the topic: once, where picked
        "Thema neuer",
        "Thema älter",
    ]


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_page_and_feeds_show_only_published_articles(client, state):
    hidden_pick = make_hidden_article(state, title="Versteckt ausgewählt")
    make_hidden_article(state, title="Versteckt im Thema", tags=["SoMe"])
    make_article(title="Sichtbar", tags=["SoMe"])
    dossier = make_dossier(picks=[hidden_pick], topic="SoMe")

    assert titles_on(client, dossier) == ["Sichtbar"]
    for kind in ("rss", "atom"):
        url = reverse(f"feeds:dossier_{kind}", kwargs={"slug": dossier.slug})
        content = client.get(url).content.decode()
        assert "Sichtbar" in content
        assert "Versteckt" not in content


def test_topic_part_shows_only_the_newest_articles(client):
    make_archive(DOSSIER_TOPIC_ARTICLES + 5, tags=["SoMe"], title="Archiv")
    dossier = make_dossier(topic="SoMe")
    assert len(titles_on(client, dossier)) == DOSSIER_TOPIC_ARTICLES
    html = client.get(dossier.get_absolute_url()).content.decode()
    assert 'href="/thema/some/"' in html  # all of them on the topic page


@pytest.mark.parametrize("archive_size", [5, 40])
def test_page_costs_three_queries_at_any_size(
    client, django_assert_num_queries, archive_size
):
    articles = make_archive(
        archive_size,
        tags=["SoMe"],
        image=make_jpeg(size=(500, 300)),
        alt_text="Ein Rathaus",
        image_credit=make_credit(),
    )
    dossier = make_dossier(
        picks=articles[-3:],
        topic="SoMe",
        photo=make_photo(alt_text="Ein Handy", credit=make_credit()),
    )
    # the dossier with photo, credit and topic; the picked articles; the
    # newest on the topic
    with django_assert_num_queries(3):
        response = client.get(dossier.get_absolute_url())
    assert response.status_code == 200
    assert "Bildquelle" in response.content.decode()


def test_page_shows_the_photo_with_its_credit_and_the_introduction(client):
    credit = make_credit(creator="victor69", source="123rf.com")
    dossier = make_dossier(
        introduction="Wie Rathäuser\n\nsoziale Medien nutzen.",
        photo=make_photo(alt_text="Ein Smartphone", credit=credit),
    )
    html = client.get(dossier.get_absolute_url()).content.decode()
    assert 'alt="Ein Smartphone"' in html
    assert "Bildquelle: victor69/123rf.com" in html
    assert "<p>Wie Rathäuser</p>" in html


def test_publishing_a_dossier_needs_alt_text_and_credit_of_its_photo():
    dossier = make_dossier(is_published=False, photo=make_photo())
    dossier.full_clean()  # unpublished: may still lack them
    dossier.is_published = True
    with pytest.raises(ValidationError) as error:
        dossier.full_clean()
    messages = " ".join(error.value.message_dict["photo"])
    assert "Alternativtext" in messages and "Bildnachweis" in messages


def test_unpublished_dossier_is_hidden_everywhere(client):
    article = make_article(title="Mitglied", tags=["SoMe"])
    dossier = make_dossier(
        title="In Vorbereitung", is_published=False, picks=[article], topic="SoMe"
    )
    assert client.get(dossier.get_absolute_url()).status_code == 404
    for kind in ("rss", "atom"):
        url = reverse(f"feeds:dossier_{kind}", kwargs={"slug": dossier.slug})
        assert client.get(url).status_code == 404
    assert "In Vorbereitung" not in client.get("/schwerpunkte/").content.decode()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "In Vorbereitung" not in page
    assert "Teil des Schwerpunkts" not in page


def test_unknown_dossier_is_a_german_404(client):
    response = client.get("/schwerpunkt/gibt-es-nicht/")
    assert response.status_code == 404
    assert 'lang="de"' in response.content.decode()


def test_member_articles_link_to_the_dossier_picked_or_by_topic(client):
    picked = make_article(title="Ausgewählt")
    tagged = make_article(title="Mit Thema", tags=["SoMe"])
    outside = make_article(title="Draußen", tags=["KI"])
    dossier = make_dossier(picks=[picked], topic="SoMe")
    link = f'href="{dossier.get_absolute_url()}"'
    for member in (picked, tagged):
        html = client.get(member.get_absolute_url()).content.decode()
        assert "Teil des Schwerpunkts" in html
        assert link in html
    assert link not in client.get(outside.get_absolute_url()).content.decode()


def test_directory_lists_published_dossiers_by_title(client):
    make_dossier(title="Zukunft der Verwaltung")
    make_dossier(title="Barrierefreiheit")
    make_dossier(title="Entwurf", is_published=False)
    response = client.get("/schwerpunkte/")
    assert [d.title for d in response.context["dossiers"]] == [
        "Barrierefreiheit",
        "Zukunft der Verwaltung",
    ]
    assert 'href="/schwerpunkte/"' in response.content.decode()  # main navigation


def test_directory_costs_one_query(client, django_assert_num_queries):
    for number in range(5):
        make_dossier(title=f"Schwerpunkt {number}")
    with django_assert_num_queries(1):
        assert client.get("/schwerpunkte/").status_code == 200


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_lists_every_member_once_newest_first(
    client, django_assert_num_queries, kind
):
    pick = make_article(title="Ausgewählt", published_at=ago(30), tags=["SoMe"])
    make_article(title="Im Thema", published_at=ago(2), tags=["SoMe"])
    make_article(title="Draußen")
    dossier = make_dossier(picks=[pick], topic="SoMe")
    url = reverse(f"feeds:dossier_{kind}", kwargs={"slug": dossier.slug})
    # the dossier, the articles with photo, their tags, their bylines
    with django_assert_num_queries(4):
        response = client.get(url)
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert [entry.title for entry in feed.entries] == [
        "Musterstadt: Im Thema",
        "Musterstadt: Ausgewählt",
    ]
    assert "Soziale Medien in Rathäusern" in feed.feed.title


def test_dossier_page_announces_its_feeds(client):
    dossier = make_dossier()
    html = client.get(dossier.get_absolute_url()).content.decode()
    assert f'href="/feeds/schwerpunkt/{dossier.slug}/rss/"' in html
    assert f'href="/feeds/schwerpunkt/{dossier.slug}/atom/"' in html


def test_readers_get_the_renditions_of_a_published_dossier_photo_only():
    dossier = make_dossier(is_published=False, photo=make_photo(alt_text="Foto"))
    name = dossier.photo.renditions["src"].split("/media/", 1)[-1]
    assert not Photo.objects.with_published_rendition(name).exists()
    dossier.is_published = True
    dossier.save()
    assert Photo.objects.with_published_rendition(name).exists()


# The page cache: a change makes exactly the affected pages fresh.


@pytest.fixture
def cached(page_cache, client):
    """get(url): the page's HTML, through the page cache."""

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    return get


def test_edited_dossier_is_fresh_on_its_page_and_member_pages(committed, cached):
    picked = make_article(title="Ausgewählt")
    tagged = make_article(title="Mit Thema", tags=["SoMe"])
    dossier = make_dossier(picks=[picked], topic="SoMe")
    urls = [
        dossier.get_absolute_url(),
        picked.get_absolute_url(),
        tagged.get_absolute_url(),
        "/schwerpunkte/",
    ]
    for url in urls:
        assert "Soziale Medien in Rathäusern" in cached(url)

    dossier.title = "Rathäuser auf TikTok"
    with committed():
        dossier.save()

    for url in urls:
        assert "Rathäuser auf TikTok" in cached(url), url


def test_published_dossier_appears_on_cached_member_pages(committed, cached):
    picked = make_article(title="Ausgewählt")
    tagged = make_article(title="Mit Thema", tags=["SoMe"])
    dossier = make_dossier(picks=[picked], topic="SoMe", is_published=False)
    for article in (picked, tagged):
        assert "Teil des Schwerpunkts" not in cached(article.get_absolute_url())

    dossier.is_published = True
    with committed():
        dossier.save()

    for article in (picked, tagged):
        assert "Teil des Schwerpunkts" in cached(article.get_absolute_url())


def test_unpublished_member_leaves_the_cached_dossier_page(committed, cached):
    picked = make_article(title="Ausgewählt")
    tagged = make_article(title="Mit Thema", tags=["SoMe"])
    dossier = make_dossier(picks=[picked], topic="SoMe")
    url = dossier.get_absolute_url()
    assert "Ausgewählt" in cached(url) and "Mit Thema" in cached(url)

    with committed():
        picked.unpublish()
        tagged.unpublish()

    page = cached(url)
    assert "Ausgewählt" not in page and "Mit Thema" not in page


def test_published_or_tagged_article_enters_the_cached_dossier_page(committed, cached):
    draft = make_article(title="Jetzt ausgewählt", status="draft")
    other = make_article(title="Jetzt im Thema")
    dossier = make_dossier(picks=[draft], topic="SoMe")
    url = dossier.get_absolute_url()
    assert "Jetzt" not in cached(url)

    with committed():
        draft.publish()
    assert "Jetzt ausgewählt" in cached(url)

    with committed():
        other.tags.add("SoMe")
    assert "Jetzt im Thema" in cached(url)


def test_picked_article_is_fresh_on_the_dossier_and_its_own_page(committed, cached):
    article = make_article(title="Später ausgewählt")
    dossier = make_dossier()
    assert "Später ausgewählt" not in cached(dossier.get_absolute_url())
    assert "Teil des Schwerpunkts" not in cached(article.get_absolute_url())

    with committed():
        DossierEntry.objects.create(dossier=dossier, article=article)

    assert "Später ausgewählt" in cached(dossier.get_absolute_url())
    assert "Teil des Schwerpunkts" in cached(article.get_absolute_url())


def test_unrelated_dossier_change_keeps_other_article_pages_cached(
    committed, cached, django_assert_num_queries
):
    outside = make_article(title="Draußen", tags=["KI"])
    dossier = make_dossier(topic="SoMe")
    cached(outside.get_absolute_url())

    dossier.title = "Neu"
    with committed():
        dossier.save()

    with django_assert_num_queries(0):
        cached(outside.get_absolute_url())


# The admin


def inline_data(entries):
    """The POST data of the dossier form's inline of articles."""
    data = {
        "entries-TOTAL_FORMS": str(len(entries)),
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "1000",
    }
    for index, (position, article) in enumerate(entries):
        data[f"entries-{index}-position"] = str(position)
        data[f"entries-{index}-article"] = str(article.pk)
    return data


def test_editor_creates_a_dossier_with_ordered_articles(client):
    editor = make_user(groups=["Redaktion"])
    client.force_login(editor)
    first = make_article(title="Zuerst", published_at=ago(30))
    second = make_article(title="Danach", published_at=ago(1))
    topic = Tag.objects.create(name="SoMe")
    make_article(title="Im Thema", tags=["SoMe"])

    add = reverse("admin:articles_dossier_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "title": "Soziale Medien in Rathäusern",
            "slug": "soziale-medien-in-rathaeusern",
            "introduction": "Wie Rathäuser soziale Medien nutzen.",
            "photo": "",
            "topic": str(topic.pk),
            "is_published": "on",
        }
        | inline_data([(2, second), (1, first)]),
    )
    assert response.status_code == 302, response.context["errors"]

    dossier = Dossier.objects.get()
    reader = Client()
    assert titles_on(reader, dossier) == ["Zuerst", "Danach", "Im Thema"]
    changelist = client.get(reverse("admin:articles_dossier_changelist"))
    assert "Soziale Medien in Rathäusern" in changelist.content.decode()


def test_admin_refuses_to_publish_a_dossier_whose_photo_lacks_a_credit(client):
    editor = make_user(groups=["Redaktion"])
    client.force_login(editor)
    photo = make_photo(alt_text="Ein Handy")
    response = client.post(
        reverse("admin:articles_dossier_add"),
        {
            "title": "Ohne Bildnachweis",
            "slug": "ohne-bildnachweis",
            "photo": str(photo.pk),
            "is_published": "on",
        }
        | inline_data([]),
    )
    assert response.status_code == 200
    assert "braucht das Foto einen Bildnachweis" in response.content.decode()
    assert not Dossier.objects.exists()


def test_dossier_follows_its_topic_into_a_merge(client):
    make_article(title="Im alten Thema", tags=["Social Media"])
    dossier = make_dossier(topic="Social Media")
    target = Tag.objects.create(name="Soziale Medien")
    tag_merge(
        source=Tag.objects.get(name="Social Media"),
        target=target,
        user=make_user(),
    )
    dossier.refresh_from_db()
    assert dossier.topic == target
    assert titles_on(client, dossier) == ["Im alten Thema"]


@pytest.mark.browser
def test_editor_builds_a_dossier_in_the_browser(live_site, editor, page, reader_page):
    make_article(title="Zuerst ausgewählt", published_at=ago(30))
    make_article(title="Danach ausgewählt", published_at=ago(1))
    log_in_in_browser(page, live_site.url, editor)

    page.goto(f"{live_site.url}{reverse('admin:articles_dossier_add')}")
    page.get_by_label("Titel").press_sequentially("Soziale Medien in Rathäusern")
    expect(page.get_by_label("Kurzname in der URL")).to_have_value(
        "soziale-medien-in-rathaeusern"
    )
    page.get_by_label("veröffentlicht").check()
    for row, (position, title) in enumerate([(2, "Danach"), (1, "Zuerst")]):
        if row:
            page.locator(".add-row a").click()
        page.locator(f"#id_entries-{row}-position").fill(str(position))
        page.locator(f"#entries-{row} .field-article .select2-selection").click()
        page.locator(".select2-search__field").fill(title)
        page.locator(".select2-results__option", has_text=title).click()
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich hinzugefügt")

    reader_page.goto(f"{live_site.url}/schwerpunkt/soziale-medien-in-rathaeusern/")
    headlines = reader_page.locator("article.teaser h3").all_inner_texts()
    assert headlines == [
        "Musterstadt: Zuerst ausgewählt",
        "Musterstadt: Danach ausgewählt",
    ]
