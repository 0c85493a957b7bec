"""A German, accessible editor: the body editor's toolbar and menus in
German, spell checking in German, an accessible name and a visible focus;
labels for every input; and no serious or critical axe-core violation on
the admin screens editors and moderators use."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.services import article_tags_set
from tests.factories import log_in_in_browser, make_article, make_user

pytestmark = pytest.mark.django_db

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def log_in(page, live_site, user):
    log_in_in_browser(page, live_site.url, user)


def test_date_and_time_inputs_have_labels(admin_client):
    article = make_article()
    page = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert 'aria-label="Veröffentlicht am: Datum"' in page
    assert 'aria-label="Offline ab: Uhrzeit"' in page


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_body_editor_is_german_named_spellchecked_and_focusable(live_site, page):
    editor = make_user(username="ella", groups=["Redaktion"])
    article = make_article()
    log_in(page, live_site, editor)
    page.goto(
        f"{live_site.url}{reverse('admin:articles_article_change', args=[article.pk])}"
    )

    body = page.get_by_role("textbox", name="Text", exact=True)
    expect(body).to_have_attribute("lang", "de")
    expect(body).to_have_attribute("spellcheck", "true")
    for name in ("Fett", "Kursiv", "Aufzählung", "Zitat", "Rückgängig"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    body.focus()
    outline = body.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"
    expect(page.get_by_label("Veröffentlicht am: Datum")).to_have_count(1)


def serious_violations(page, axe, name):
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{name}: {violation['id']} ({violation['impact']}): "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_editors_and_moderators_screens_have_no_serious_violations(
    live_site, browser, page, require
):
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        require(False, "The accessibility check needs axe-playwright-python")
    axe = Axe()
    editor = make_user(username="erna", groups=["Redaktion"])
    moderator = make_user(username="moni", groups=["Moderation"])
    article = make_article(title="Zugänglich", tags=["KI"], author=editor)
    article_tags_set(article=article, names=["KI", "Open Data"], user=moderator)
    make_article(title="Ohne Schlagwort")
    change = reverse("admin:articles_article_change", args=[article.pk])
    history = reverse("admin:articles_article_history", args=[article.pk])

    problems = []
    log_in(page, live_site, editor)
    page.goto(f"{live_site.url}{change}")
    page.get_by_label("Überschrift").fill("Zugänglich, zweite Fassung")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.get_by_label("Überschrift").fill("Zugänglich, dritte Fassung")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    for name, url in {
        "start": "/admin/",
        "list": reverse("admin:articles_article_changelist"),
        "add": reverse("admin:articles_article_add"),
        "change": change,
        "history": history,
    }.items():
        page.goto(f"{live_site.url}{url}")
        problems += serious_violations(page, axe, name)
    page.goto(f"{live_site.url}{history}")
    page.get_by_role("button", name="Vergleichen").click()
    problems += serious_violations(page, axe, "compare")

    context = browser.new_context(locale="de-DE")
    moderator_page = context.new_page()
    log_in(moderator_page, live_site, moderator)
    for name, url in {
        "queue": reverse("admin:articles_articletagging_changelist"),
        "tagging": reverse("admin:articles_articletagging_change", args=[article.pk]),
    }.items():
        moderator_page.goto(f"{live_site.url}{url}")
        problems += serious_violations(moderator_page, axe, name)
    context.close()
    assert problems == []
