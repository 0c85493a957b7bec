"""The reader site: layout, article page, home, topic and municipality
pages, archive, footer pages, error pages, keyset pagination of the lists,
query budgets and HTTP caching; and readers in a real browser, on a desktop
and on a phone."""

from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles.management.commands.load_demo import demo_pdf
from articles.models import (
    Article,
    ArticleAttachment,
    ArticleStatus,
    Dossier,
    FederalState,
    Page,
)
from articles.views import server_error
from tests.factories import (
    HIDDEN_STATES,
    berlin,
    make_archive,
    make_article,
    make_author,
    make_credit,
    make_hidden_article,
    make_jpeg,
    make_municipality,
    make_user,
)
from tests.html import parse_html

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def titles(response):
    return [article.title for article in response.context["page_obj"]]


# Layout


def test_layout_has_skip_link_navigation_search_and_footer_pages(client):
    html = client.get(reverse("articles:index")).content.decode()
    assert '<a class="skip-link" href="#inhalt">' in html
    assert '<main id="inhalt"' in html
    for url, label in [
        ("/", "Start"),
        ("/kommunen/", "Kommunen"),
        ("/archiv/", "Archiv"),
        ("/suche/", "Suche"),
        ("/seite/impressum/", "Impressum"),
        ("/seite/datenschutz/", "Datenschutz"),
        ("/seite/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
    ]:
        assert f'<a href="{url}">{label}</a>' in html
    assert 'role="search" action="/suche/"' in html
    assert 'href="mailto:barrierefreiheit@example.org">Barriere melden</a>' in html


def test_barrier_report_address_comes_from_settings(client, settings):
    settings.ACCESSIBILITY_CONTACT = "barrieren@essen.de"
    html = client.get(reverse("articles:index")).content.decode()
    assert 'href="mailto:barrieren@essen.de"' in html


# The article page


def test_article_page_shows_every_part_of_the_reference(client):
    essen = make_municipality(name="Essen")
    article = make_article(
        municipality=essen,
        kicker="",
        title="Stadt startet TikTok-Kanal",
        lead="Nun kommt TikTok dazu.",
        body="<p>Seit zehn Jahren in sozialen Netzwerken.</p>",
        image=make_jpeg(),
        alt_text="Ein Smartphone mit Abspielknopf",
        caption="Kurze Videos für junge Menschen.",
        image_credit=make_credit(creator="victor69", source="123rf.com"),
        published_at=timezone.now() - timedelta(hours=1),
        tags=["Soziale Medien"],
    )
    make_article(title="Digitales Rathaus ist eröffnet", kicker="Panketal")

    html = client.get(article.get_absolute_url()).content.decode()

    assert '<p class="kicker">Essen</p>' in html
    assert "<h1>Stadt startet TikTok-Kanal</h1>" in html
    assert '<p class="lead">Nun kommt TikTok dazu.</p>' in html
    assert 'alt="Ein Smartphone mit Abspielknopf"' in html
    assert 'width="800" height="450"' in html
    assert "Bildquelle: victor69/123rf.com" in html
    assert "<p>Seit zehn Jahren in sozialen Netzwerken.</p>" in html
    assert '<a href="/thema/soziale-medien/">Soziale Medien</a>' in html
    assert "Panketal: Digitales Rathaus ist eröffnet" in html
    # Parts appear in the reference's order.
    positions = [
        html.index(part)
        for part in ("kicker", "<h1>", 'class="lead"', "Bildquelle", "Seit zehn")
    ]
    assert positions == sorted(positions)


def test_teaser_shows_date_lead_and_a_named_more_link(client):
    article = make_article()
    make_article(
        kicker="Bonn",
        title="Website in elf Sprachen",
        lead="Eine Software übersetzt.",
        published_at=berlin(2025, 4, 3, 23, 30),
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert ">Bonn: Website in elf Sprachen</a>" in html
    assert "[03.04.2025] Eine Software übersetzt." in html
    assert (
        'mehr...<span class="visually-hidden"> Website in elf Sprachen</span>' in html
    )


def test_article_url_is_readable_and_stable():
    article = make_article(slug="essen-stadt-startet-tiktok-kanal")
    assert article.get_absolute_url() == "/artikel/essen-stadt-startet-tiktok-kanal/"


@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_hidden_article_answers_404(client, state):
    hidden = make_hidden_article(state, title="Geheime Meldung")
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 404
    assert "Geheime Meldung" not in response.content.decode()


@pytest.mark.parametrize("archive_size", [20, 200])
def test_article_page_costs_two_queries_at_any_size(
    client, django_assert_num_queries, archive_size
):
    place = make_municipality()
    article = make_article(
        municipality=place,
        image=make_jpeg(),
        alt_text="Ein Rathaus",
        image_credit=make_credit(),
        author=make_user(first_name="Maria", last_name="Muster"),
        authors=[make_author(), make_author()],
        tags=["Open Data", "KI"],
    )
    article.corrections.create(text="Richtig ist: im April.")
    make_archive(archive_size, municipality=place, tags=["Open Data"])
    # the article with municipality and credit and, as JSON, its tags,
    # links and downloads, byline, correction notes and dossiers; the sidebar
    with django_assert_num_queries(2):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["related_articles"]) == 15
    html = response.content.decode()
    assert "Richtig ist: im April." in html
    assert html.count('rel="author"') == 2
    assert ">Open Data</a>" in html and ">KI</a>" in html


def test_article_page_query_reads_its_rows_as_the_orm_does():
    """for_page() reads tags, byline, corrections, links and downloads and
    dossiers as JSON: the same objects, values and order as the ORM."""
    article = make_article(
        tags=["Open Data", "KI", "Ämter"], authors=[make_author(), make_author()]
    )
    article.corrections.create(text="Erste Korrektur.")
    article.corrections.create(text="Zweite Korrektur.")
    ArticleAttachment.objects.create(
        article=article,
        title="Studie",
        file=ContentFile(demo_pdf("Studie"), "studie.pdf"),
        file_kind="pdf",
        file_size=8,
        position=2,
    )
    ArticleAttachment.objects.create(
        article=article,
        title="OZG",
        url="https://www.onlinezugangsgesetz.de/",
        position=1,
    )
    by_topic = Dossier.objects.create(
        title="Zukunft",
        slug="zukunft",
        is_published=True,
        topic=article.tags.get(name="KI"),
    )
    picked = Dossier.objects.create(title="Apps", slug="apps", is_published=True)
    picked.entries.create(article=article)
    hidden = Dossier.objects.create(title="Entwurf", slug="entwurf")
    hidden.entries.create(article=article)
    Dossier.objects.create(title="Fremd", slug="fremd", is_published=True)

    loaded = Article.objects.for_page().published().get(pk=article.pk)

    def rows(objects):
        return [
            [getattr(obj, field.attname) for field in obj._meta.concrete_fields]
            for obj in objects
        ]

    for name in ["tags", "bylines", "corrections", "attachments"]:
        expected = getattr(Article.objects.get(pk=article.pk), name).all()
        assert rows(getattr(loaded, name).all()) == rows(expected), name
    assert [byline.author.updated_at for byline in loaded.bylines.all()] == [
        byline.author.updated_at for byline in article.bylines.order_by("position")
    ]
    assert [(d.title, d.updated_at) for d in loaded.published_dossiers] == [
        (d.title, d.updated_at) for d in [picked, by_topic]
    ]


# Home


def test_home_lists_latest_published_articles_linking_to_them(client):
    now = timezone.now()
    older = make_article(title="Ältere Meldung", published_at=now - timedelta(days=3))
    newer = make_article(title="Neuere Meldung", published_at=now - timedelta(days=1))
    make_article(title="Entwurf", status=ArticleStatus.DRAFT)
    html = client.get(reverse("articles:index")).content.decode()
    assert html.index("Neuere Meldung") < html.index("Ältere Meldung")
    assert f'href="{older.get_absolute_url()}"' in html
    assert f'href="{newer.get_absolute_url()}"' in html
    assert "Entwurf" not in html


def test_home_teaser_shows_thumbnail_with_credit_line(client):
    make_article(
        title="Mit Foto",
        image=make_jpeg(),
        alt_text="Ein Rathaus",
        image_credit=make_credit(creator="victor69", source="123rf.com"),
    )
    make_article(title="Ohne Foto")
    html = client.get(reverse("articles:index")).content.decode()
    assert 'alt="Ein Rathaus"' in html
    assert '<figcaption class="credit">Bildquelle: victor69/123rf.com</figcaption>' in (
        html
    )
    assert html.count("<picture>") == 1
    assert '<h2><a href="/artikel/' in html  # right under the page's h1
    assert 'type="image/webp"' in html


@pytest.mark.parametrize("archive_size", [5, 25])
def test_home_costs_one_query_at_any_size(
    client, django_assert_num_queries, archive_size
):
    make_archive(
        archive_size, image=make_jpeg(size=(500, 300)), image_credit=make_credit()
    )
    with django_assert_num_queries(1):  # 21 teasers: the page and "is there more"
        response = client.get(reverse("articles:index"))
    assert "Bildquelle" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/thema/open-data/", 2),  # tag, teasers
        ("/kommune/essen/", 2),  # municipality, teasers
        ("/kommunen/", 1),
        ("/archiv/", 1),
        ("/archiv/2025/03/", 1),  # teasers (none: 404)
        ("/land/nordrhein-westfalen/", 1),  # teasers (the state needs none)
        ("/suche/?q=Rathaus", 3),  # municipalities (filter choices), count, teasers
    ],
)
@pytest.mark.parametrize("archive_size", [3, 12])
def test_list_pages_cost_fixed_queries_at_any_size(
    client, django_assert_num_queries, url, queries, archive_size
):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    make_municipality(name="Bonn", federal_state=FederalState.NW)
    make_archive(
        archive_size,
        municipality=essen,
        lead="Neues aus dem Rathaus",
        published_at=berlin(2025, 3, 10, 12),
        image=make_jpeg(size=(500, 300)),
        image_credit=make_credit(),
        tags=["Open Data"],
    )
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


# Keyset pagination of the date-ordered lists

LISTS = ["/", "/thema/open-data/", "/kommune/essen/", "/archiv/2025/03/"]


def link(response, rel):
    """The query string of the page's rel=prev/next link, or None."""
    href = parse_html(response.content.decode()).link(rel)
    return href and href.removeprefix("?")


@pytest.fixture
def archive():
    """45 published articles of one list, several sharing a publication
    time, among articles the list must not show (a draft, a scheduled one)."""
    essen = make_municipality(name="Essen")
    published = make_archive(45, municipality=essen, tags=["Open Data"])
    for number, article in enumerate(published):
        article.published_at = berlin(2025, 3, 1 + number // 3, 9)  # 3 per moment
    Article.objects.bulk_update(published, ["published_at"])
    make_article(title="Entwurf", municipality=essen, status=ArticleStatus.DRAFT)
    make_article(
        title="Geplant",
        municipality=essen,
        published_at=timezone.now() + timedelta(hours=1),
        tags=["Open Data"],
    )
    return sorted(published, key=lambda a: (a.published_at, a.pk), reverse=True)


@pytest.mark.parametrize("url", LISTS)
def test_walking_a_list_visits_every_article_once_in_order(client, archive, url):
    pages = [client.get(url)]
    while query := link(pages[-1], "next"):
        pages.append(client.get(f"{url}?{query}"))
    assert link(pages[0], "prev") is None
    older = [title for page in pages for title in titles(page)]
    assert older == [article.title for article in archive]
    assert [len(page.context["page_obj"]) for page in pages] == [20, 20, 5]

    back = [pages[-1]]
    while query := link(back[-1], "prev"):
        back.append(client.get(f"{url}?{query}"))
    assert [titles(page) for page in back] == [titles(page) for page in pages][::-1]
    assert link(back[-1], "next") == link(pages[0], "next")


@pytest.mark.parametrize(
    ("url", "queries"), list(zip(LISTS, [1, 2, 2, 1], strict=True))
)
def test_a_deep_page_costs_the_queries_of_the_first(
    client, django_assert_num_queries, archive, url, queries
):
    first = client.get(url)
    with django_assert_num_queries(queries):
        second = client.get(f"{url}?{link(first, 'next')}")
    with django_assert_num_queries(queries) as captured:
        third = client.get(f"{url}?{link(second, 'next')}")
    assert titles(third) == [article.title for article in archive[40:]]
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
    assert "OFFSET" not in captured.captured_queries[-1]["sql"].upper()


@pytest.mark.parametrize(
    "query",
    [
        "nach=abc",
        "nach=0",
        "nach=-3",
        "vor=",
        "nach=123456789012345678901234567890",
        "nach=1&vor=1",
    ],
)
def test_malformed_page_keys_are_404(client, archive, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_keys_outside_the_list_are_404(client, archive):
    draft = Article.objects.get(title="Entwurf")
    elsewhere = make_article(municipality=make_municipality(name="Bonn"))
    assert client.get(f"/?nach={draft.pk}").status_code == 404
    assert client.get(f"/kommune/essen/?nach={elsewhere.pk}").status_code == 404
    assert client.get(f"/thema/open-data/?vor={elsewhere.pk}").status_code == 404
    assert client.get(f"/archiv/2025/04/?nach={archive[0].pk}").status_code == 404
    # The oldest article has no older page, the newest no newer one.
    assert client.get(f"/?nach={archive[-1].pk}").status_code == 404
    assert client.get(f"/?vor={elsewhere.pk}").status_code == 404


@pytest.mark.parametrize("url", LISTS)
def test_old_page_numbers_redirect_to_the_first_page(client, archive, url):
    response = client.get(url, {"page": 3})
    assert response.status_code == 301
    assert response.url == url
    assert client.get(url, {"page": "x"}).url == url


# Topic pages


def test_topic_page_lists_only_published_articles_with_that_tag(client):
    make_article(title="Portal startet", tags=["Bürgerportal"])
    make_article(title="Anderes Thema", tags=["Open Data"])
    make_article(title="Entwurf", status=ArticleStatus.DRAFT, tags=["Bürgerportal"])
    response = client.get("/thema/buergerportal/")
    html = response.content.decode()
    assert "Thema: Bürgerportal" in html
    assert "Portal startet" in html
    assert "Anderes Thema" not in html and "Entwurf" not in html


@pytest.mark.parametrize("url", ["/thema/gibt-es-nicht/", "/kommune/atlantis/"])
def test_unknown_topic_or_municipality_answers_404(client, url):
    assert client.get(url).status_code == 404


def test_topic_of_a_tag_only_drafts_use_answers_404(client):
    """The name of a tag made for an unpublished story reveals nothing."""
    make_article(status=ArticleStatus.DRAFT, tags=["Fusion der Stadtwerke"])
    for url in [
        "/thema/fusion-der-stadtwerke/",
        "/feeds/thema/fusion-der-stadtwerke/rss/",
        "/feeds/thema/fusion-der-stadtwerke/atom/",
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Fusion der Stadtwerke" not in response.content.decode()
    make_article(tags=["Fusion der Stadtwerke"])
    assert client.get("/thema/fusion-der-stadtwerke/").status_code == 200


# Municipalities


def test_directory_groups_municipalities_by_federal_state(client):
    make_municipality(name="Essen", federal_state=FederalState.NW)
    make_municipality(name="Bonn", federal_state=FederalState.NW)
    make_municipality(name="Panketal", federal_state=FederalState.BB)
    response = client.get(reverse("articles:municipalities"))
    states = dict(response.context["states"])
    assert [m.name for m in states["Nordrhein-Westfalen"]] == ["Bonn", "Essen"]
    assert [m.name for m in states["Brandenburg"]] == ["Panketal"]
    html = response.content.decode()
    assert html.index("Brandenburg") < html.index("Nordrhein-Westfalen")
    assert '<a href="/kommune/essen/">Essen</a>' in html


def test_directory_counts_only_published_news(client):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    make_article(municipality=essen)
    make_article(municipality=essen)
    make_article(municipality=essen, status=ArticleStatus.DRAFT)
    html = client.get(reverse("articles:municipalities")).content.decode()
    assert "Essen</a> <span" in html and "(2 Meldungen)" in html


def test_municipality_page_lists_only_its_published_news(client):
    essen = make_municipality(name="Essen")
    make_article(title="Aus Essen", municipality=essen)
    make_article(title="Entwurf aus Essen", municipality=essen, status="draft")
    make_article(title="Aus Bonn", municipality=make_municipality(name="Bonn"))
    response = client.get(essen.get_absolute_url())
    assert essen.get_absolute_url() == "/kommune/essen/"
    assert titles(response) == ["Aus Essen"]
    assert "Meldungen aus Essen" in response.content.decode()


# Archive


def test_archive_lists_months_with_counts_in_german(client):
    make_article(published_at=berlin(2025, 3, 1, 10))
    make_article(published_at=berlin(2025, 3, 31, 23, 30))  # still March in Berlin
    make_article(published_at=berlin(2024, 12, 5, 10))
    make_article(published_at=berlin(2025, 1, 5, 10), status=ArticleStatus.DRAFT)
    html = client.get(reverse("articles:archive")).content.decode()
    assert '<a href="/archiv/2025/03/">März 2025</a>' in html
    assert "(2 Meldungen)" in html
    assert '<a href="/archiv/2024/12/">Dezember 2024</a>' in html
    assert "Januar 2025" not in html
    assert html.index("März 2025") < html.index("Dezember 2024")


def test_archive_month_lists_that_months_articles(client):
    make_article(title="Ende März", published_at=berlin(2025, 3, 31, 23, 30))
    make_article(title="Anfang April", published_at=berlin(2025, 4, 1, 0, 30))
    response = client.get("/archiv/2025/03/")
    assert titles(response) == ["Ende März"]
    assert "Archiv: März 2025" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/archiv/2025/13/", "/archiv/0000/01/", "/archiv/2020/01/"]
)
def test_impossible_or_empty_month_answers_404(client, path):
    make_article(published_at=berlin(2025, 3, 1, 10))
    assert client.get(path).status_code == 404


# Footer pages


@pytest.mark.parametrize("slug", ["impressum", "datenschutz", "barrierefreiheit"])
def test_footer_pages_exist_with_placeholder_text(client, slug):
    response = client.get(reverse("articles:page", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert "Platzhalter" in response.content.decode()


def test_editors_page_text_is_shown_and_cleaned(client):
    page = Page.objects.get(slug="impressum")
    page.body = "<p>Stadt Essen, Rathaus</p><script>alert(1)</script>"
    page.save()
    html = client.get(page.get_absolute_url()).content.decode()
    assert "<p>Stadt Essen, Rathaus</p>" in html
    assert "<script>alert" not in html


def test_editors_change_footer_pages_in_the_admin(editor_client):
    page = Page.objects.get(slug="datenschutz")
    url = reverse("admin:articles_page_change", args=[page.pk])
    changelist = editor_client.get(reverse("admin:articles_page_changelist"))
    assert changelist.status_code == 200
    response = editor_client.post(
        url, {"title": "Datenschutz", "slug": "datenschutz", "body": "<p>Neu.</p>"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body == "<p>Neu.</p>"


# Error pages


def test_unknown_address_gets_the_german_404_page_in_the_layout(client):
    response = client.get("/gibt-es-nicht/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html
    assert 'href="/seite/impressum/"' in html


def test_500_page_renders_in_the_layout_without_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Technischer Fehler" in html
    assert "Kommune Digital" in html
    assert 'href="/seite/barrierefreiheit/"' in html


def test_failing_page_gets_the_german_500_page(client, settings):
    settings.ROOT_URLCONF = "tests.urls_failing"
    client.raise_request_exception = False
    response = client.get("/kaputt/")
    assert response.status_code == 500
    assert "Technischer Fehler" in response.content.decode()


# HTTP caching


def test_article_page_sends_last_modified_and_etag(client):
    article = make_article()
    response = client.get(article.get_absolute_url())
    assert response["ETag"].startswith('"')
    sent = parsedate_to_datetime(response["Last-Modified"])
    assert sent == article.updated_at.replace(microsecond=0)


def test_conditional_request_for_unchanged_article_gets_304(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    by_etag = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(
        article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert by_etag.status_code == 304 and by_etag.content == b""
    assert by_date.status_code == 304


def test_changed_article_gets_a_new_etag_and_a_full_page(client):
    article = make_article()
    first = client.get(article.get_absolute_url())
    article.title = "Neue Überschrift"
    article.save()
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Neue Überschrift" in again.content.decode()


def test_new_related_article_changes_the_etag(client):
    article = make_article(tags=["Open Data"])
    first = client.get(article.get_absolute_url())
    make_article(title="Neu im Sidebar", tags=["Open Data"])
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert "Neu im Sidebar" in again.content.decode()


# Readers in a real browser (headless Chromium)


def keep_screenshot(page, name):
    """For people to look at: test-artifacts/phone-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"phone-{name}.png", full_page=True)


def assert_fits_the_screen(page, width=390):
    """Nothing wider than the screen: no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.browser
def test_reader_on_a_desktop_opens_the_essen_article_from_home(
    live_site, demo_site, page
):
    page.goto(live_site.url)
    page.get_by_role("link", name="Essen: Stadt startet TikTok-Kanal").click()

    article = page.locator("main article")
    assert article.locator(".kicker").inner_text() == "Essen"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Stadt startet TikTok-Kanal"
    )
    assert "TikTok als weiterer Kanal" in article.locator(".lead").inner_text()
    photo = article.get_by_role("img")
    assert "Smartphone" in photo.get_attribute("alt")
    # srcset picks a WebP rendition sized for the 44em column.
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 704
    assert photo.evaluate("img => img.currentSrc").endswith("-800.webp")
    caption = article.locator("figcaption").inner_text()
    assert "Bildquelle: victor69/123rf.com" in caption
    assert "@essen_ruhr" in article.locator(".body").inner_text()
    assert page.get_by_role("link", name="Soziale Medien", exact=True).is_visible()
    assert page.get_by_role("link", name="Soziale Medien in Rathäusern").is_visible()
    sidebar = page.get_by_role("complementary")
    assert sidebar.locator("article.teaser").count() == 15
    more = sidebar.get_by_role("link", name="mehr... Digitales Rathaus ist eröffnet")
    assert more.count() == 1


@pytest.mark.browser
def test_reader_on_a_phone_goes_from_home_to_search(live_site, demo_site, phone):
    page = phone
    page.goto(live_site.url)
    assert page.get_by_role("heading", level=1).inner_text() == "Aktuelle Meldungen"
    thumbnail = page.locator("article.teaser").first.get_by_role("img")
    # Thumbnails load lazily, possibly after the page's load event.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert (
        "Bildquelle: victor69/123rf.com" in page.locator(".credit").first.inner_text()
    )
    # Each repeated "mehr..." link says which article it opens.
    more = page.get_by_role("link", name="mehr... Digitales Rathaus ist eröffnet")
    assert more.count() == 1
    assert_fits_the_screen(page)
    keep_screenshot(page, "1-home")

    page.get_by_role("link", name="Essen: Stadt startet TikTok-Kanal").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Stadt startet TikTok-Kanal"
    )
    photo = page.locator("main figure img")
    page.wait_for_function("img => img.complete", arg=photo.element_handle())
    # 390 CSS px at 2x need the 800 px rendition; WebP where supported.
    assert photo.evaluate("img => img.currentSrc").endswith("-800.webp")
    assert_fits_the_screen(page)
    keep_screenshot(page, "2-article")

    related = page.get_by_role("complementary")
    related.get_by_role("link", name="Panketal: Digitales Rathaus ist eröffnet").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Digitales Rathaus ist eröffnet"
    )
    assert_fits_the_screen(page)
    keep_screenshot(page, "3-related")

    page.get_by_role("link", name="Onlinedienste").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thema: Onlinedienste"
    assert page.locator("main article.teaser").count() == 5
    assert_fits_the_screen(page)
    keep_screenshot(page, "4-topic")

    search = page.get_by_role("search").first
    search.get_by_label("Suchbegriff").fill("Bürgerportal")
    search.get_by_role("button", name="Suchen").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Suche nach „Bürgerportal“"
    )
    found = page.locator("main article.teaser h2").all_inner_texts()
    assert "Gütersloh: Neues Bürgerportal wird rege genutzt" in found
    assert_fits_the_screen(page)
    keep_screenshot(page, "5-search")


@pytest.mark.browser
def test_every_reader_page_fits_a_320_px_screen(live_site, demo_site, page):
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for url in [
        "/",
        "/artikel/essen-stadt-startet-tiktok-kanal/",
        "/kommunen/",
        "/kommune/essen/",
        "/thema/soziale-medien/",
        "/archiv/",
        "/archiv/2025/04/",
        "/suche/?q=Portal",
        "/seite/barrierefreiheit/",
        "/seite/leichte-sprache/",
        "/seite/gebaerdensprache/",
        "/teilen/mastodon/?url=/&text=Kommune+Digital",
        "/gibt-es-nicht/",
    ]:
        page.goto(live_site.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[url] = width
    assert too_wide == {}
