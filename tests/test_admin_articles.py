"""The editors' article admin: list screen and filters, bulk actions,
publishing checks on the form, rich text, versions, the protection against
overwriting a colleague's work, the staff preview; and an editor's day in a
real browser."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, ArticleStatus, FederalState
from tests.factories import (
    admin_form_data,
    article_form,
    log_in_in_browser,
    make_archive,
    make_article,
    make_credit,
    make_jpeg,
    make_municipality,
    make_user,
)
from tests.html import parse_html

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def titles(response):
    return sorted(article.title for article in response.context["cl"].result_list)


def messages(response):
    return [str(message) for message in response.context["messages"]]


# List screen


def test_list_shows_columns_and_scheduled_as_geplant(admin_client):
    essen = make_municipality(name="Essen")
    make_article(
        kicker="Essen",
        title="Kommt morgen",
        municipality=essen,
        published_at=timezone.make_aware(timezone.datetime(2099, 4, 9, 9, 30)),
        tags=["TikTok", "Soziale Medien"],
    )
    response = admin_client.get(CHANGELIST)
    page = response.content.decode()
    row = list(response.context["results"])[0]
    cells = " ".join(str(cell) for cell in row)
    for text in [
        "Essen",
        "Kommt morgen",
        "geplant",
        "09.04.2099 09:30",
        "Soziale Medien, TikTok",
    ]:
        assert text in cells, text
    for column in ["Dachzeile", "Überschrift", "Kommune", "Status", "Schlagwörter"]:
        assert column in page
    assert '<option value="publish_now">Jetzt veröffentlichen</option>' in page
    assert '<option value="unpublish">Zurückziehen (wieder Entwurf)</option>' in page


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", ["Entwurf"]),
        ("review", ["In Prüfung"]),
        ("scheduled", ["Geplant"]),
        ("published", ["Online"]),
        ("expired", ["Abgelaufen"]),
        ("archived", ["Archiv"]),
    ],
)
def test_list_filters_by_status_including_scheduled(admin_client, status, expected):
    now = timezone.now()
    make_article(title="Entwurf", status=ArticleStatus.DRAFT)
    make_article(title="In Prüfung", status=ArticleStatus.REVIEW)
    make_article(title="Geplant", published_at=now + timedelta(days=1))
    make_article(title="Online")
    make_article(title="Abgelaufen", unpublish_at=now - timedelta(minutes=1))
    make_article(title="Archiv", status=ArticleStatus.ARCHIVED)
    assert titles(admin_client.get(CHANGELIST, {"status": status})) == expected


def test_list_filters_by_municipality_federal_state_and_tag(admin_client):
    essen = make_municipality(name="Essen", federal_state=FederalState.NW)
    munich = make_municipality(name="München", federal_state=FederalState.BY)
    make_article(title="Essen", municipality=essen, tags=["TikTok"])
    make_article(title="München", municipality=munich, tags=["Open Data"])
    assert titles(
        admin_client.get(CHANGELIST, {"municipality__id__exact": essen.pk})
    ) == ["Essen"]
    by_state = {"municipality__federal_state__exact": "BY"}
    assert titles(admin_client.get(CHANGELIST, by_state)) == ["München"]
    tag = Article.objects.get(title="Essen").tags.get()
    assert titles(admin_client.get(CHANGELIST, {"tags__id__exact": tag.pk})) == [
        "Essen"
    ]


def test_list_has_a_date_hierarchy(admin_client):
    make_article(published_at=timezone.make_aware(timezone.datetime(2025, 4, 9, 10)))
    make_article(
        title="Alt", published_at=timezone.make_aware(timezone.datetime(2024, 1, 5))
    )
    assert "?published_at__year=2024" in admin_client.get(CHANGELIST).content.decode()
    response = admin_client.get(CHANGELIST, {"published_at__year": "2024"})
    assert titles(response) == ["Alt"]


def test_article_list_searches_kicker_title_and_lead(admin_client):
    make_article(kicker="Essen", title="TikTok-Kanal")
    make_article(kicker="Bonn", title="Chatbot", lead="Fragen an die KI.")
    for term, expected in [("Essen", "TikTok-Kanal"), ("KI", "Chatbot")]:
        assert titles(admin_client.get(CHANGELIST, {"q": term})) == [expected]


def test_change_form_uses_autocomplete_for_municipality_and_credit(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in page
    assert page.count("admin-autocomplete") >= 2
    assert 'name="municipality"' in page and 'name="image_credit"' in page


# Session, user, the device that verified the session (two-factor login),
# savepoint pair, the municipality and tag filter choices, two counts
# (filtered, total), one page of articles, their tags, and two for the date
# hierarchy: the same whatever the archive's size.
LIST_QUERIES = 13


@pytest.mark.parametrize("size", [10, 10_000])
def test_list_costs_the_same_queries_for_10_and_10000_articles(
    admin_client, django_assert_num_queries, size
):
    make_archive(size, municipality=make_municipality(name="Essen"), tags=["TikTok"])
    assert Article.objects.count() == size
    with django_assert_num_queries(LIST_QUERIES):
        response = admin_client.get(CHANGELIST)
    assert response.context["cl"].result_count == size
    assert len(response.context["cl"].result_list) == min(size, 100)


# Actions


def test_bulk_publish_publishes_the_complete_and_names_the_incomplete(admin_client):
    complete = make_article(title="Fertig", status=ArticleStatus.DRAFT)
    incomplete = make_article(
        title="Ohne Vorspann", lead="", status=ArticleStatus.DRAFT
    )
    response = admin_client.post(
        CHANGELIST,
        {"action": "publish_now", "_selected_action": [complete.pk, incomplete.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert list(Article.objects.published()) == [complete]
    assert messages(response) == [
        "„Ohne Vorspann“ wurde nicht veröffentlicht: "
        "Zum Veröffentlichen fehlt der Vorspann.",
        "1 Artikel veröffentlicht.",
    ]
    incomplete.refresh_from_db()
    assert incomplete.status == ArticleStatus.DRAFT


def test_bulk_unpublish_takes_articles_off_the_site(admin_client, admin_user):
    articles = [make_article(), make_article()]
    response = admin_client.post(
        CHANGELIST,
        {"action": "unpublish", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )
    assert messages(response) == ["2 Artikel zurückgezogen."]
    assert not Article.objects.published().exists()
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    for article in articles:
        revision = Version.objects.get_for_object(article).get().revision
        assert revision.user == admin_user
        assert revision.get_comment() == "2 Artikel zurückgezogen."


# Writing an article; publishing checks on the form


def test_editor_creates_an_article_with_photo_and_credit(admin_client, admin_user):
    essen = make_municipality(name="Essen")
    credit = make_credit(creator="victor69", source="123rf.com")
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            municipality=essen.pk,
            kicker="",
            slug="essen-stadt-startet-tiktok-kanal",
            image=make_jpeg(),
            alt_text="Ein Smartphone",
            caption="",
            image_credit=credit.pk,
            tags="Soziale Medien, TikTok",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.kicker == "Essen"
    assert article.author == admin_user
    assert article.photo.image_width == 800
    assert article.photo.uploaded_by == admin_user
    assert sorted(article.tags.names()) == ["Soziale Medien", "TikTok"]
    assert admin_client.get(article.get_absolute_url()).status_code == 200


def test_publishing_a_photo_without_alt_text_and_credit_is_refused_on_the_form(
    admin_client,
):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(image=make_jpeg(), alt_text=""),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["alt_text"] == [
        "Zum Veröffentlichen braucht das Foto einen Alternativtext."
    ]
    assert errors["image_credit"] == [
        "Zum Veröffentlichen braucht das Foto einen Bildnachweis."
    ]
    assert not Article.objects.exists()


def test_incomplete_draft_saves_from_the_form(admin_client):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            kicker="",
            lead="",
            slug="",
            status=ArticleStatus.DRAFT,
            published_at_0="",
            published_at_1="",
        ),
    )
    assert response.status_code == 302
    assert Article.objects.get().lead == ""


# Rich text


def test_body_is_edited_in_the_wysiwyg_editor(admin_client):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-django-prose-editor-configurable" in page
    assert "django_prose_editor/editor.js" in page


def test_posted_body_loses_scripts_handlers_and_javascript_links(admin_client):
    hostile = (
        '<p onmouseover="steal()">Hallo<script>alert(1)</script></p>'
        '<img src="x" onerror="alert(2)">'
        '<p><a href="javascript:alert(3)">Klick</a> '
        '<a href="https://essen.de" onclick="alert(4)">Essen</a></p>'
        "<h2>Zwischentitel</h2><blockquote>Zitat</blockquote>"
    )
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(body=hostile, published_at_0="01.01.2025"),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    page = admin_client.get(article.get_absolute_url()).content.decode()
    for stored_or_rendered in (article.body, page):
        for bad in ("alert(", "onmouseover", "onerror", "javascript:"):
            assert bad not in stored_or_rendered, bad
    assert "<script" not in article.body
    # The page's only script is its JSON-LD block.
    scripts = parse_html(page).scripts
    assert [script.get("type") for script in scripts] == ["application/ld+json"]
    assert '<a href="https://essen.de" rel="noopener noreferrer">Essen</a>' in page
    assert "<h2>Zwischentitel</h2><blockquote>Zitat</blockquote>" in page


# Revisions


def test_every_admin_save_keeps_a_version_with_the_user(admin_client, admin_user):
    article = make_article(title="Erste Fassung")
    data = admin_form_data(admin_client.get(change_url(article)))
    admin_client.post(change_url(article), data | {"title": "Zweite Fassung"})
    versions = Version.objects.get_for_object(article)
    assert versions.count() == 1
    assert versions[0].revision.user == admin_user
    assert versions[0].field_dict["title"] == "Zweite Fassung"
    history = admin_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    ).content.decode()
    table = history[history.index('id="change-history"') :]
    assert "admin" in table
    assert "Überschrift geändert." in table


def test_editor_compares_and_restores_an_earlier_version(admin_client):
    article = make_article(title="Erste Fassung", tags=["TikTok"])
    data = admin_form_data(admin_client.get(change_url(article)))
    admin_client.post(change_url(article), data)  # version 1
    data = admin_form_data(admin_client.get(change_url(article)))
    data |= {"title": "Zweite Fassung", "tags": "Open Data,"}
    admin_client.post(change_url(article), data)  # version 2
    article.refresh_from_db()
    assert article.title == "Zweite Fassung"
    assert list(article.tags.names()) == ["Open Data"]

    first, second = Version.objects.get_for_object(article).order_by("pk")
    compare = admin_client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert compare.status_code == 200
    assert "Zweite Fassung" in compare.content.decode()

    revision_url = reverse(
        "admin:articles_article_revision", args=[article.pk, first.pk]
    )
    restore_form = admin_client.get(revision_url)
    assert restore_form.context["adminform"].form.initial["title"] == "Erste Fassung"
    response = admin_client.post(revision_url, admin_form_data(restore_form))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Erste Fassung"
    assert list(article.tags.names()) == ["TikTok"]
    assert Version.objects.get_for_object(article).count() == 3


# Optimistic locking


def test_second_editor_cannot_overwrite_unseen_changes():
    anna_client, ben_client = Client(), Client()
    anna_client.force_login(make_user(username="anna", groups=["Redaktion"]))
    ben_client.force_login(make_user(username="ben", groups=["Redaktion"]))
    article = make_article(title="Alter Titel")
    anna_form = admin_form_data(anna_client.get(change_url(article)))
    ben_form = admin_form_data(ben_client.get(change_url(article)))

    saved = anna_client.post(change_url(article), anna_form | {"title": "Annas Titel"})
    assert saved.status_code == 302
    refused = ben_client.post(
        change_url(article), ben_form | {"title": "Bens Titel", "lead": "Bens Vorspann"}
    )

    assert refused.status_code == 200
    article.refresh_from_db()
    assert article.title == "Annas Titel"
    form = refused.context["adminform"].form
    [error] = form.non_field_errors()
    assert "geändert, seit Sie ihn geöffnet haben" in error
    assert "von anna am" in error
    page = refused.content.decode()
    assert 'value="Bens Titel"' in page
    assert "Bens Vorspann" in page

    # Having seen the warning, Ben may save deliberately.
    again = ben_client.post(change_url(article), admin_form_data(refused))
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.title == "Bens Titel"


# The staff preview and "view on site"


@pytest.fixture
def draft():
    return make_article(
        title="Geheimer Entwurf", status=ArticleStatus.DRAFT, tags=["TikTok"]
    )


def preview_url(article):
    return reverse("articles:preview", args=[article.pk])


def test_editor_previews_a_draft_as_readers_will_see_it(editor_client, draft):
    make_article(title="Schon erschienen", tags=["TikTok"])

    response = editor_client.get(preview_url(draft))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "articles/article_detail.html"
    page = response.content.decode()
    assert "<h1>Geheimer Entwurf</h1>" in page
    assert "Schon erschienen" in page  # the sidebar, as on the public page
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


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
    response = admin_client.get(change_url(draft))
    assert f'href="{preview_url(draft)}"' in response.content.decode()


def test_preview_of_an_empty_draft_opens(admin_client):
    draft = Article.objects.create(status=ArticleStatus.DRAFT)
    assert draft.slug == ""
    assert admin_client.get(preview_url(draft)).status_code == 200


def test_admin_offers_view_on_site_link(admin_client):
    article = make_article()
    response = admin_client.get(change_url(article))
    view_on_site = reverse(
        "admin:view_on_site", args=[response.context["content_type_id"], article.pk]
    )
    assert view_on_site in response.content.decode()
    assert admin_client.get(view_on_site).url.endswith(article.get_absolute_url())


def test_view_on_site_of_a_draft_leads_to_the_preview(admin_client, draft):
    response = admin_client.get(change_url(draft))
    assert response.context["has_absolute_url"]
    assert response.context["original"].pk == draft.pk
    assert f'href="{preview_url(draft)}" class="viewsitelink"' in (
        response.content.decode()
    )


# An editor's day in a real browser (headless Chromium): write, illustrate,
# preview, schedule, publish; then a reader finds the article on the site.

TITLE = "Stadt startet TikTok-Kanal"


@pytest.mark.browser
def test_editor_writes_previews_schedules_and_publishes(
    live_site, publisher, page, reader_page, tmp_path
):
    photo = tmp_path / "smartphone.jpg"
    photo.write_bytes(make_jpeg().read())
    admin = f"{live_site.url}/admin"
    log_in_in_browser(page, admin.removesuffix("/admin"), publisher)
    expect(page.get_by_role("link", name="Artikel", exact=True)).to_be_visible()

    # The photo's credit
    page.goto(f"{admin}/articles/imagecredit/add/")
    page.get_by_label("Urheber").fill("victor69")
    page.get_by_label("Quelle / Agentur").fill("123rf.com")
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich hinzugefügt")

    # The article, as a draft
    page.goto(f"{admin}/articles/article/add/")
    page.get_by_label("Dachzeile").fill("Essen")
    page.get_by_label("Überschrift").fill(TITLE)
    page.get_by_label("Vorspann").fill("Nun kommt TikTok dazu.")
    editor_area = page.locator(".ProseMirror[contenteditable=true]")
    editor_area.click()
    page.keyboard.type("Die Stadt erreicht junge Menschen dort, wo sie sind.")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+b")
    page.keyboard.type("Ab sofort")
    page.keyboard.press("Control+b")
    page.keyboard.type(" gibt es Videos aus dem Rathaus.")
    page.locator("#id_image").set_input_files(photo)
    page.get_by_label("Alternativtext").fill("Ein Smartphone mit der TikTok-App")
    page.locator(".field-image_credit .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("victor")
    page.locator(".select2-results__option", has_text="victor69/123rf.com").click()
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich hinzugefügt")
    article = Article.objects.get()
    assert article.status == ArticleStatus.DRAFT
    assert "<strong>Ab sofort</strong>" in article.body

    # The preview, exactly as readers will see it
    with page.expect_popup() as popup:
        page.get_by_role("link", name="Vorschau öffnen").click()
    preview = popup.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert "Ab sofort" in preview.locator(".body strong").inner_text()
    assert (
        "Bildquelle: victor69/123rf.com" in preview.locator("figcaption").inner_text()
    )
    preview.close()

    # Scheduled for tomorrow: "geplant", not yet on the site
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.get_by_label("Status").select_option(ArticleStatus.PUBLISHED)
    page.locator("#id_published_at_0").fill(tomorrow.strftime("%d.%m.%Y"))
    page.locator("#id_published_at_1").fill("09:30:00")
    page.get_by_role("button", name="Sichern", exact=True).click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("geplant")

    reader_page.goto(live_site.url)
    assert reader_page.get_by_role("link", name=f"Essen: {TITLE}").count() == 0
    public_url = f"{live_site.url}{Article.objects.get().get_absolute_url()}"
    assert reader_page.goto(public_url).status == 404

    # Published now, from the list
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Jetzt veröffentlichen")
    page.get_by_role("button", name="Ausführen").click()
    # expect() waits for the new page: the old one has a message list too.
    expect(page.locator(".messagelist")).to_contain_text("1 Artikel veröffentlicht.")
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text(
        "Veröffentlicht"
    )

    # A reader, not logged in, finds it
    reader_page.goto(live_site.url)
    reader_page.get_by_role("link", name=f"Essen: {TITLE}").first.click()
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert "Ab sofort" in reader_page.locator(".body").inner_text()
    photo_element = reader_page.locator("main article").get_by_role("img")
    assert photo_element.get_attribute("alt") == "Ein Smartphone mit der TikTok-App"
