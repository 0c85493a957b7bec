"""The page cache for anonymous readers (articles/page_cache.py): cached
pages cost no query, every committed change an editor or moderator makes
shows at once on every page (and a refused one changes nothing), every model
readers see is watched, scheduled moments expire pages by themselves, and
editors always get fresh private pages."""

from datetime import timedelta

import pytest
import reversion
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import (
    AccessibilityBarrier,
    AccessibilityStatement,
    Article,
    ArticleAttachment,
    ArticleAuthor,
    ArticleRedirect,
    Correction,
    Dossier,
    DossierEntry,
    Municipality,
    Page,
    Tag,
    TaggedArticle,
    TagRedirect,
)
from articles.page_cache import SHOWN_TO_READERS, is_shown_to_readers
from articles.page_cache import store as page_store
from tests.factories import (
    make_archive,
    make_article,
    make_author,
    make_credit,
    make_jpeg,
    make_municipality,
    make_photo,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def story():
    """An article with a neighbour that shows it in its sidebar."""
    article = make_article(
        title="Stadt startet TikTok-Kanal",
        municipality=make_municipality(name="Essen"),
        image=make_jpeg(),
        image_credit=make_credit(creator="victor69", source="123rf.com"),
        tags=["Soziale Medien"],
    )
    neighbour = make_article(title="Nachbar", tags=["Soziale Medien"])
    return article, neighbour


def pages_showing(article, neighbour):
    return [
        article.get_absolute_url(),
        neighbour.get_absolute_url(),
        reverse("articles:index"),
        reverse("articles:topic", kwargs={"slug": "soziale-medien"}),
    ]


def test_cached_pages_are_served_without_database_queries(
    client, story, django_assert_num_queries
):
    urls = pages_showing(*story)
    first = [html(client, url) for url in urls]
    with django_assert_num_queries(0):
        again = [html(client, url) for url in urls]
    assert again == first
    assert client.head(urls[0]).status_code == 200


def test_changed_article_is_fresh_on_every_page_that_shows_it(committed, client, story):
    article, neighbour = story
    urls = pages_showing(article, neighbour)
    for url in urls:
        assert "Stadt startet TikTok-Kanal" in html(client, url)

    article.title = "Stadt startet Instagram-Kanal"
    with committed():
        article.save()

    for url in urls:
        page = html(client, url)
        assert "Stadt startet Instagram-Kanal" in page
        assert "TikTok" not in page


def test_renamed_municipality_renders_its_pages_afresh(
    committed, client, story, django_assert_num_queries
):
    article, _neighbour = story
    html(client, article.get_absolute_url())
    with django_assert_num_queries(0):
        html(client, article.get_absolute_url())

    with committed():
        Municipality.objects.filter(name="Essen").get().save()  # e.g. a rename

    # rendered again: the page's two queries (and, once a second per
    # process, the next scheduled change when the store does not know it)
    with CaptureQueriesContext(connection) as queries:
        html(client, article.get_absolute_url())
    assert 2 <= len(queries) <= 3


def test_changed_credit_shows_on_the_article_page(committed, client, story):
    article, _neighbour = story
    assert "Bildquelle: victor69/123rf.com" in html(client, article.get_absolute_url())

    article.photo.credit.source = "pixabay.com"
    with committed():
        article.photo.credit.save()

    assert "Bildquelle: victor69/pixabay.com" in html(
        client, article.get_absolute_url()
    )


def test_changed_library_photo_shows_on_every_page_showing_it(committed, client):
    photo = make_photo(image=make_jpeg(), alt_text="Ein Rathaus", credit=make_credit())
    first = make_article(photo=photo, tags=["Soziale Medien"])
    second = make_article(photo=photo)
    urls = [first.get_absolute_url(), second.get_absolute_url(), "/"]
    for url in urls:
        assert 'alt="Ein Rathaus"' in html(client, url)

    photo.alt_text = "Ein Rathaus bei Nacht"
    with committed():
        photo.save()

    for url in urls:
        assert 'alt="Ein Rathaus bei Nacht"' in html(client, url)


def test_added_and_removed_tags_show_on_article_and_topic_pages(
    committed, client, story
):
    article, _neighbour = story
    topic = "/thema/open-data/"
    assert "/thema/open-data/" not in html(client, article.get_absolute_url())
    assert client.get(topic).status_code == 404

    with committed():
        article.tags.add("Open Data")
    assert 'href="/thema/open-data/"' in html(client, article.get_absolute_url())
    assert "Stadt startet TikTok-Kanal" in html(client, topic)

    make_article(title="Bleibt im Thema", tags=["Open Data"])
    with committed():
        article.tags.remove("Open Data")
    assert 'href="/thema/open-data/"' not in html(client, article.get_absolute_url())
    assert "Stadt startet TikTok-Kanal" not in html(client, topic)


def test_renamed_tag_shows_on_its_topic_page(committed, client, story):
    url = reverse("articles:topic", kwargs={"slug": "soziale-medien"})
    assert "Thema: Soziale Medien" in html(client, url)

    tag = Tag.objects.get(slug="soziale-medien")
    tag.name = "Social Media"
    with committed():
        tag.save()

    assert "Thema: Social Media" in html(client, url)


def test_deleted_article_disappears_from_every_page(committed, client, story):
    article, neighbour = story
    urls = pages_showing(article, neighbour)
    for url in urls:
        html(client, url)

    with committed():
        Article.objects.filter(pk=article.pk).delete()

    assert client.get(urls[0]).status_code == 404
    for url in urls[1:]:
        assert "Stadt startet TikTok-Kanal" not in html(client, url)


@pytest.mark.parametrize(
    ("field", "shown_before"),
    [("published_at", False), ("unpublish_at", True)],
    ids=["scheduled publication", "end of publication"],
)
def test_cached_page_turns_fresh_when_an_articles_time_comes(
    client, time_machine, django_assert_num_queries, field, shown_before
):
    """No signal fires when a scheduled moment comes: the page cache must
    expire the page then by itself. The clock is moved, not waited for; it
    moves the cache's clock (time.time()) and the ORM's (timezone.now())."""
    start = timezone.now().replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    moment = start + timedelta(minutes=2)
    make_article(title="Bleibt online")
    make_article(title="Meldung mit Termin", **{field: moment})
    home = reverse("articles:index")
    assert ("Meldung mit Termin" in html(client, home)) == shown_before

    time_machine.move_to(moment - timedelta(seconds=1))
    with django_assert_num_queries(0):  # still the page cached at the start
        assert ("Meldung mit Termin" in html(client, home)) == shown_before

    time_machine.move_to(moment)
    assert ("Meldung mit Termin" in html(client, home)) != shown_before


def test_editors_always_get_fresh_private_pages(client, story, editor):
    article, _neighbour = story
    html(client, article.get_absolute_url())  # cached for anonymous readers
    client.force_login(editor)

    Article.objects.filter(pk=article.pk).update(title="Ohne Signal geändert")

    response = client.get(article.get_absolute_url())
    assert "Ohne Signal geändert" in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_lists_never_count_and_show_a_new_page_at_once(
    client, editor, django_assert_num_queries
):
    make_archive(20)
    client.force_login(editor)
    home = reverse("articles:index")

    # 21 rows tell whether an older page exists; no count to cache
    with django_assert_num_queries(1) as queries:
        assert 'rel="next"' not in html(client, home)
    assert "COUNT" not in queries.captured_queries[0]["sql"].upper()

    make_article()
    assert 'rel="next"' in html(client, home)


# Models whose rows no reader page shows, each with the reason. A new model
# must either register with @shown_to_readers or be listed here.
NOT_SHOWN_TO_READERS = {
    "articles.tagchange": "the log of tag changes is read by editors only",
    "articles.subscriber": "personal data: mailed to, never shown on a page",
    "articles.edition": "newsletter editions go out by mail, not on pages",
    "articles.delivery": "the record of mails sent, read by the sender only",
    "articles.editingdraft": "open forms and their automatic saves: editors only",
    "articles.missedinvalidation": "the page cache's own record of keys to resend",
}

# How to make a row of each model shown to readers, for the test below.
BUILDERS = {
    "articles.article": lambda: make_article(),
    "articles.municipality": lambda: make_municipality(),
    "articles.imagecredit": lambda: make_credit(),
    "articles.photo": lambda: make_photo(),
    "articles.tag": lambda: Tag.objects.create(name="Verwaltung"),
    "articles.taggedarticle": lambda: TaggedArticle.objects.create(
        content_object=make_article(), tag=Tag.objects.create(name="KI")
    ),
    "articles.tagredirect": lambda: TagRedirect.objects.create(
        old_slug="alt", tag=Tag.objects.create(name="Neu")
    ),
    "articles.page": lambda: Page.objects.create(title="Kontakt", slug="kontakt"),
    "articles.accessibilitystatement": lambda: AccessibilityStatement.objects.get(),
    "articles.accessibilitybarrier": lambda: AccessibilityBarrier.objects.create(
        statement=AccessibilityStatement.objects.get(),
        description="Videos ohne Audiodeskription.",
        alternative="Eine Textfassung auf Anfrage.",
    ),
    "articles.dossier": lambda: Dossier.objects.create(title="KI", is_published=True),
    "articles.dossierentry": lambda: DossierEntry.objects.create(
        dossier=Dossier.objects.create(title="KI", is_published=True),
        article=make_article(),
    ),
    "articles.articleredirect": lambda: ArticleRedirect.objects.create(
        old_slug="alt", article=make_article()
    ),
    "articles.author": lambda: make_author(),
    "articles.articleauthor": lambda: ArticleAuthor.objects.create(
        article=make_article(), author=make_author()
    ),
    "articles.correction": lambda: Correction.objects.create(
        article=make_article(), text="Richtig ist: im April."
    ),
    "articles.articleattachment": lambda: ArticleAttachment.objects.create(
        article=make_article(), title="Link", url="https://example.org/"
    ),
}


def test_every_model_of_the_app_says_whether_readers_see_it():
    undecided = [
        model._meta.label_lower
        for model in apps.get_app_config("articles").get_models()
        if not model._meta.proxy
        and not is_shown_to_readers(model)
        and model._meta.label_lower not in NOT_SHOWN_TO_READERS
    ]
    assert undecided == [], (
        "Register these models with @shown_to_readers (articles/page_cache.py) "
        "or list them in NOT_SHOWN_TO_READERS with the reason."
    )


@pytest.mark.parametrize(
    "label", sorted(model._meta.label_lower for model in SHOWN_TO_READERS)
)
def test_saving_or_deleting_any_model_readers_see_invalidates_cached_pages(
    committed, label
):
    row = BUILDERS[label]()
    store = page_store()
    for change in (row.save, row.delete):
        before = store.sequence()
        with committed():
            change()
        # Only redirects show them, and redirects are not cached.
        if label in ("articles.tagredirect", "articles.articleredirect"):
            assert store.sequence() == before
        else:
            assert store.sequence() > before


def test_edited_footer_page_is_fresh_for_readers_at_once(committed, client):
    impressum = Page.objects.get(slug="impressum")
    assert "Musterstraße 1" not in html(client, impressum.get_absolute_url())

    impressum.body = "<p>Musterstraße 1, 45127 Essen</p>"
    with committed():
        impressum.save()

    assert "Musterstraße 1" in html(client, impressum.get_absolute_url())


def test_refused_restore_of_a_version_keeps_the_cached_pages(
    committed, client, moderator, django_assert_num_queries
):
    with reversion.create_revision():
        article = make_article(title="Alte Überschrift")
    article.title = "Neue Überschrift"
    with reversion.create_revision():
        article.save()
    old_version = Version.objects.get_for_object(article).last()
    reader = Client()
    assert "Neue Überschrift" in html(reader, article.get_absolute_url())

    # A moderator may view articles but not change them: the restore is
    # refused, and rolled back after reversion had already written the rows.
    client.force_login(moderator)
    url = reverse("admin:articles_article_revision", args=[article.pk, old_version.pk])
    with committed():
        response = client.post(url, {"title": "Alte Überschrift"})
    assert response.status_code == 403

    with django_assert_num_queries(0):  # still served from the cache
        assert "Neue Überschrift" in html(reader, article.get_absolute_url())
