"""An editor's day in a real browser: write, illustrate, preview, schedule,
publish; then a reader finds the article on the site."""

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, ArticleStatus
from tests.factories import make_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Stadt startet TikTok-Kanal"


def create_groups_again():
    """Earlier transactional tests flush the database, and with it the groups
    the data migration made; run that migration's code once more."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    [migration] = [
        migration
        for (app, name), migration in loader.disk_migrations.items()
        if app == "articles" and name.endswith("_editorial_groups")
    ]
    migration.operations[0].code(django_apps, None)


@pytest.fixture
def editor(django_user_model):
    create_groups_again()
    django_user_model.objects.create_user("redakteurin", password="Zeitung-2025!")
    call_command("assign_role", "redakteurin", "redaktion")


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "smartphone.jpg"
    path.write_bytes(make_jpeg().read())
    return path


def test_editor_writes_previews_schedules_and_publishes(
    live_server, page, browser, editor, photo
):
    admin = f"{live_server.url}/admin"
    page.goto(f"{admin}/")
    page.get_by_label("Benutzername").fill("redakteurin")
    page.get_by_label("Passwort").fill("Zeitung-2025!")
    page.get_by_role("button", name="Anmelden").click()
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
    page.locator(".select2-search__field").fill("victor")
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

    reader = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    reader_page = reader.new_page()
    reader_page.goto(live_server.url)
    assert reader_page.get_by_role("link", name=f"Essen: {TITLE}").count() == 0
    public_url = f"{live_server.url}{Article.objects.get().get_absolute_url()}"
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
    reader_page.goto(live_server.url)
    reader_page.get_by_role("link", name=f"Essen: {TITLE}").first.click()
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert "Ab sofort" in reader_page.locator(".body").inner_text()
    photo_element = reader_page.locator("main article").get_by_role("img")
    assert photo_element.get_attribute("alt") == "Ein Smartphone mit der TikTok-App"
    reader.close()
