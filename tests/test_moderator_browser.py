"""A moderator tags from the queue and merges tags; a reader finds the news."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from articles.models import Tag
from tests.factories import make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_action(page, action_label, labels):
    """Tick the rows whose link text is in `labels` and run an admin action."""
    for label in labels:
        row = page.locator("#result_list tbody tr").filter(
            has=page.get_by_role("link", name=label, exact=True)
        )
        row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.get_by_role("button", name="Ausführen").click()


def test_moderator_tags_from_the_queue_and_reader_finds_the_articles(
    live_server, page, browser
):
    titles = ["Bürgerportal geht online", "Open-Data-Portal wächst", "Neue Geodaten"]
    for title in titles:
        make_article(title=title)
    make_article(title="Schon verschlagwortet", tags=["KI"])
    # An earlier transactional test may have flushed the groups that the
    # migration created; grant them again the same way.
    importlib.import_module(
        "articles.migrations.0004_moderation_permissions"
    ).grant_permissions(apps, schema_editor=None)
    make_user(username="moderatorin", groups=["Moderation"])

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Benutzername").fill("moderatorin")
    page.get_by_label("Passwort").fill("geheim-123")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("link", name="Verschlagwortung").first.click()

    queue = page.locator("#result_list tbody tr")
    expect(queue).to_have_count(3)
    run_action(page, "Schlagwörter hinzufügen", titles[:2])
    page.get_by_label("Schlagwörter hinzufügen").fill("Open Data")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator(".messagelist")).to_contain_text("2 Artikel verschlagwortet.")
    expect(queue).to_have_count(1)

    run_action(page, "Schlagwörter hinzufügen", titles[2:])
    field = page.get_by_label("Schlagwörter hinzufügen")
    suggestions = page.locator(f"datalist#{field.get_attribute('list')} option")
    assert "Open Data" in suggestions.evaluate_all("os => os.map(o => o.value)")
    field.fill("Offene Daten")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Artikel verschlagwortet.")
    expect(queue).to_have_count(0)

    page.goto(f"{live_server.url}/admin/articles/tag/")
    run_action(page, "Zusammenführen", ["Offene Daten"])
    page.get_by_label("Zusammenführen in").select_option(label="Open Data")
    page.get_by_role("button", name="Zusammenführen").click()
    expect(page.locator(".messagelist")).to_contain_text("zusammengeführt")
    assert not Tag.objects.filter(name="Offene Daten").exists()

    reader = browser.new_context(locale="de-DE")
    reader_page = reader.new_page()
    reader_page.goto(f"{live_server.url}/thema/offene-daten/")
    assert reader_page.url == f"{live_server.url}/thema/open-data/"
    assert reader_page.get_by_role("heading", level=1).inner_text() == (
        "Thema: Open Data"
    )
    found = reader_page.locator("article.teaser h2").all_inner_texts()
    assert sorted(found) == sorted(f"Musterstadt: {title}" for title in titles)
    reader.close()
