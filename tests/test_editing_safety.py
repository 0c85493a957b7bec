"""Nothing typed is lost: a moderator's tagging counts as a change for the
conflict check, and the conflict screen shows both sides field by field
and merges what only the other side changed."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from articles.services import article_tags_set
from tests.factories import (
    admin_form_data,
    article_form,
    log_in_in_browser,
    make_article,
    make_credit,
    make_jpeg,
    make_user,
)

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(username, group="Redaktion"):
    client = Client()
    user = make_user(username=username, groups=[group])
    client.force_login(user)
    return client, user


def test_a_moderators_tag_is_not_silently_removed_by_an_editors_save():
    editor_client, _editor = logged_in("erika")
    _moderator_client, moderator = logged_in("moritz", "Moderation")
    article = make_article(title="Alt", tags=["TikTok"])
    opened = admin_form_data(editor_client.get(change_url(article)))

    article_tags_set(article=article, names=["TikTok", "Social Media"], user=moderator)
    refused = editor_client.post(change_url(article), opened | {"title": "Neu"})

    assert refused.status_code == 200
    article.refresh_from_db()
    assert sorted(article.tags.names()) == ["Social Media", "TikTok"]
    assert "von moritz am" in refused.context["adminform"].form.non_field_errors()[0]
    [row] = refused.context["adminform"].form.conflict
    assert row["label"] == "Schlagwörter"
    assert row["taken"]
    again = editor_client.post(change_url(article), admin_form_data(refused))
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.title == "Neu"
    assert sorted(article.tags.names()) == ["Social Media", "TikTok"]


def test_saving_again_merges_fields_only_the_other_editor_changed():
    anna, _ = logged_in("anna")
    ben, _ = logged_in("ben")
    article = make_article(title="Alter Titel", lead="Alter Vorspann")
    anna_form = admin_form_data(anna.get(change_url(article)))
    ben_form = admin_form_data(ben.get(change_url(article)))
    anna.post(
        change_url(article),
        anna_form | {"title": "Annas Titel", "kicker": "Annas Dachzeile"},
    )

    refused = ben.post(
        change_url(article), ben_form | {"title": "Bens Titel", "lead": "Bens Vorspann"}
    )

    assert refused.status_code == 200
    rows = {row["label"]: row for row in refused.context["adminform"].form.conflict}
    assert set(rows) == {"Überschrift", "Dachzeile"}
    assert rows["Überschrift"]["mine"] == "Bens Titel"
    assert rows["Überschrift"]["theirs"] == "Annas Titel"
    assert not rows["Überschrift"]["taken"]
    assert rows["Dachzeile"]["taken"]
    page = refused.content.decode()
    assert 'id="conflict"' in page
    assert 'value="Annas Dachzeile"' in page

    again = ben.post(change_url(article), admin_form_data(refused))
    assert again.status_code == 302
    article.refresh_from_db()
    assert article.title == "Bens Titel"  # decided with both in view
    assert article.lead == "Bens Vorspann"
    assert article.kicker == "Annas Dachzeile"  # merged, not overwritten


def test_tagging_moves_the_articles_last_change():
    article = make_article(tags=["TikTok"])
    before = Article.objects.get(pk=article.pk).updated_at
    article_tags_set(article=article, names=["KI"], user=None)
    assert Article.objects.get(pk=article.pk).updated_at > before


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_conflict_in_the_browser_shows_both_versions(live_site, page):
    editor = make_user(username="bea", groups=["Redaktion"])
    article = make_article(title="Alter Titel", tags=["TikTok"])
    log_in_in_browser(page, live_site.url, editor)
    page.goto(f"{live_site.url}{change_url(article)}")
    page.get_by_label("Überschrift").fill("Beas Titel")

    moderator = make_user(username="mona", groups=["Moderation"])
    article_tags_set(article=article, names=["TikTok", "Jugend"], user=moderator)
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()

    expect(page.locator(".errornote, .errorlist")).not_to_have_count(0)
    table = page.locator("#conflict")
    expect(table).to_contain_text("Schlagwörter")
    expect(table).to_contain_text("Jugend, TikTok")
    expect(page.get_by_label("Überschrift")).to_have_value("Beas Titel")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    article.refresh_from_db()
    assert article.title == "Beas Titel"
    assert sorted(article.tags.names()) == ["Jugend", "TikTok"]


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_leaving_the_form_with_unsaved_edits_asks_first(live_site, page):
    editor = make_user(username="lea", groups=["Redaktion"])
    article = make_article(title="Alter Titel")
    log_in_in_browser(page, live_site.url, editor)
    page.goto(f"{live_site.url}{change_url(article)}")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_label("Überschrift").fill("Alter Titel neu")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Ein Satz mehr.")
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_label("Überschrift")).to_have_value("Alter Titel neu")
    assert dialogs == ["beforeunload"]

    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    page.get_by_role("link", name="Start").click()
    expect(page).to_have_url(f"{live_site.url}/admin/")
    assert dialogs == ["beforeunload"]  # saved: no question


# Automatic saves and "someone is editing"

AUTOSAVE = reverse("admin:articles_article_autosave")


def test_typed_input_is_saved_automatically_and_restored_by_its_editor():
    client, _user = logged_in("autor")
    article = make_article(title="Gespeichert")
    opened = admin_form_data(client.get(change_url(article)))
    response = client.post(
        AUTOSAVE, opened | {"article": article.pk, "title": "Getippt, ungespeichert"}
    )
    assert response.status_code == 204

    # The browser crashed; the editor opens the article again.
    page = client.get(change_url(article))
    assert page.context["own_draft"] is not None
    assert "Eingaben wiederherstellen" in page.content.decode()
    restored = client.get(change_url(article), {"autosave": "1"})
    form = restored.context["adminform"].form
    assert form["title"].value() == "Getippt, ungespeichert"
    assert (
        client.post(change_url(article), admin_form_data(restored)).status_code == 302
    )
    article.refresh_from_db()
    assert article.title == "Getippt, ungespeichert"
    assert client.get(change_url(article)).context["own_draft"] is None


def test_a_new_articles_input_is_saved_automatically():
    client, _user = logged_in("neu")
    add = reverse("admin:articles_article_add")
    client.post(AUTOSAVE, {"article": "", "title": "Noch ohne Speichern"})
    restored = client.get(add, {"autosave": "1"})
    assert restored.context["adminform"].form["title"].value() == "Noch ohne Speichern"


def test_others_see_who_has_the_article_open_and_since_when():
    anna, _ = logged_in("anna")
    ben, _ = logged_in("ben")
    article = make_article()
    anna.get(change_url(article))
    page = ben.get(change_url(article))
    [other] = page.context["editing_others"]
    assert other.user.username == "anna"
    assert "anna hat diesen Artikel ebenfalls geöffnet, seit" in page.content.decode()
    assert anna.get(change_url(article)).context["editing_others"][0].user == (
        other.user.__class__.objects.get(username="ben")
    )


def test_a_moderator_viewing_the_article_is_not_reported_as_editing(
    moderator_client,
):
    editor_client, _ = logged_in("eddi")
    article = make_article()
    moderator_client.get(change_url(article))
    assert editor_client.get(change_url(article)).context["editing_others"] == []


def test_autosave_of_an_article_one_may_not_change_is_refused(moderator_client):
    article = make_article()
    response = moderator_client.post(AUTOSAVE, {"article": article.pk, "title": "x"})
    assert response.status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_browser_saves_input_automatically(live_site, page):
    editor = make_user(username="auto", groups=["Redaktion"])
    article = make_article(title="Vorher")
    log_in_in_browser(page, live_site.url, editor)
    page.goto(f"{live_site.url}{change_url(article)}")
    page.get_by_label("Überschrift").fill("Nach dem Absturz noch da")
    page.evaluate("window.articleAutosave()")
    expect(page.locator("#autosave-status")).to_contain_text("Automatisch gesichert")
    page.context.close()  # the browser "crashes"

    draft = article.editing_drafts.get()
    assert draft.data["title"] == "Nach dem Absturz noch da"


def test_the_page_reports_at_least_every_30_seconds():
    script = (Path(__file__).parents[1] / "static/articles/js/autosave.js").read_text()
    seconds = int(script.split("AUTOSAVE_SECONDS = ")[1].split(";")[0])
    assert seconds <= 30


# A photo chosen before a refused save is kept


def test_a_photo_chosen_before_a_refused_save_is_saved_with_the_next(admin_client):
    add = reverse("admin:articles_article_add")
    credit = make_credit()
    refused = admin_client.post(add, article_form(image=make_jpeg("rathaus.jpg")))
    assert refused.status_code == 200  # no alt text, no credit
    form = refused.context["adminform"].form
    assert form.stashed_photo_url
    assert 'id="stashed-photo"' in refused.content.decode()
    assert not Article.objects.exists()

    data = admin_form_data(refused) | {
        "alt_text": "Das Rathaus",
        "image_credit": credit.pk,
    }
    saved = admin_client.post(add, data)
    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.photo.image.name.startswith("photos/")
    assert article.photo.alt_text == "Das Rathaus"
    assert article.photo.image_width == 800
    assert article.photo.renditions
    assert not default_storage.exists(form.stashed_photo_name())


def test_a_forged_stash_name_is_ignored(admin_client):
    add = reverse("admin:articles_article_add")
    data = article_form(status="draft", stashed_image="articles/fremd.jpg:forged")
    assert admin_client.post(add, data).status_code == 302
    assert Article.objects.get().photo is None


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_refused_save_keeps_the_photo_in_the_browser(live_site, page, tmp_path):
    publisher = make_user(username="cvd-foto", groups=["Chef vom Dienst"])
    make_credit(creator="victor69")
    photo = tmp_path / "rathaus.jpg"
    photo.write_bytes(make_jpeg().read())
    log_in_in_browser(page, live_site.url, publisher)
    page.goto(f"{live_site.url}{reverse('admin:articles_article_add')}")
    page.get_by_label("Dachzeile").fill("Essen")
    page.get_by_label("Überschrift").fill("Rathaus digital")
    page.get_by_label("Vorspann").fill("Das Rathaus wird digital.")
    page.locator("#id_image").set_input_files(photo)
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Sichern", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#stashed-photo img")).to_be_visible()
    page.get_by_label("Alternativtext").fill("Das Rathaus von Essen")
    page.locator(".field-image_credit .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("victor")
    page.locator(".select2-results__option", has_text="victor69").click()
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich hinzugefügt")
    article = Article.objects.get()
    assert article.photo.alt_text == "Das Rathaus von Essen"
