"""A photo's upload shows its progress in the browser, and the form's
answer is followed as after a normal submit: a save goes on to the page the
button asked for, with its message; a refused form shows its German errors
with everything the editor typed (static/js/upload_progress.js)."""

import io
import random

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, Photo
from articles.photos import ACTIVE_CONTENT
from tests.factories import (
    article_form,
    log_in_in_browser,
    make_credit,
    make_jpeg,
    make_user,
)

pytestmark = pytest.mark.django_db

# Upload speed in the browser (bytes per second): a photo of some 4 MB
# takes about two seconds, long enough for many progress events.
UPLOAD_BYTES_PER_SECOND = 2_000_000
# A save with a large photo on a busy machine: upload, checks, renditions.
SAVE_TIMEOUT = 30_000


def camera_jpeg(path, size=(3600, 2700)):
    """A JPEG of some megabytes that compresses like a photo (noise over a
    gradient, as bench/photos.py makes them). The noise comes from a seeded
    generator: by chance, random data can hold "<svg", which the upload
    check refuses as a polyglot; the first seed whose file does not is
    taken, so the test always uploads an acceptable photo."""
    gradient = Image.linear_gradient("L").resize(size)
    for seed in range(100):
        noise = Image.frombytes(
            "L", size, random.Random(seed).randbytes(size[0] * size[1])
        ).point(lambda value: 108 + value // 6)  # Gaussian-like spread
        channels = [
            Image.blend(gradient, noise, 0.35),
            Image.blend(gradient.rotate(90).resize(size), noise, 0.25),
            noise,
        ]
        buffer = io.BytesIO()
        Image.merge("RGB", channels).save(buffer, "JPEG", quality=95)
        data = buffer.getvalue()
        if not any(marker in data.lower() for marker in ACTIVE_CONTENT):
            path.write_bytes(data)
            return path
    raise AssertionError("no seed gave a photo the upload check accepts")


@pytest.fixture
def big_photo(tmp_path):
    photo = camera_jpeg(tmp_path / "rathaus.jpg")
    assert 3_000_000 < photo.stat().st_size < 6_000_000
    return photo


def slow_uploads(page):
    """Throttle the page's uploads (DevTools network emulation) and return
    the list of every value its progress bar takes, across page loads."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": UPLOAD_BYTES_PER_SECOND,
        },
    )
    values = []
    page.expose_function("recordProgress", lambda value: values.append(value))
    page.add_init_script(
        """
        new MutationObserver((changes) => {
            for (const change of changes) {
                if (change.target.matches("progress[value]")) {
                    window.recordProgress(Number(change.target.value));
                }
            }
        }).observe(document, {
            subtree: true, attributes: true, attributeFilter: ["value"]
        });
        """
    )
    return values


def posted_bodies(page, path):
    """The sizes of the bodies the page POSTs to `path`, as they finish."""
    sizes = []

    def record(request):
        if request.method == "POST" and request.url.endswith(path):
            sizes.append(request.sizes()["requestBodySize"])

    page.on("requestfinished", record)
    return sizes


def questions_asked(page):
    """The dialogs the page opens ("leave the page?"), dismissed."""
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


# In a real browser (headless Chromium)


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_upload_shows_growing_progress_and_saves_the_article(
    live_site, page, big_photo
):
    editor = make_user(username="upload", groups=["Redaktion"])
    log_in_in_browser(page, live_site.url, editor)
    progress = slow_uploads(page)
    dialogs = questions_asked(page)
    page.goto(f"{live_site.url}{reverse('admin:articles_article_add')}")
    page.get_by_label("Dachzeile").fill("Essen")
    page.get_by_label("Überschrift").fill("Rathaus mit neuem Foto")
    page.get_by_label("Vorspann").fill("Das Rathaus zeigt sich.")
    page.locator("#id_image").set_input_files(big_photo)
    page.get_by_label("Alternativtext").fill("Das Rathaus von Essen")
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()

    bar = page.get_by_role("progressbar", name="Foto wird hochgeladen")
    expect(bar).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Foto wird")).to_have_count(1)
    expect(page.locator(".messagelist")).to_contain_text(
        "erfolgreich hinzugefügt", timeout=SAVE_TIMEOUT
    )
    article = Article.objects.get()
    assert article.title == "Rathaus mit neuem Foto"
    assert article.photo.alt_text == "Das Rathaus von Essen"
    assert article.photo.image_size > 3_000_000
    assert article.photo.renditions["files"]
    # "Sichern und weiter bearbeiten": on to the new article's change form
    change = reverse("admin:articles_article_change", args=[article.pk])
    assert page.url == f"{live_site.url}{change}"
    growing = [value for value in progress if 0 < value < 100]
    assert len(set(growing)) >= 3, progress
    assert growing == sorted(growing)
    assert dialogs == []  # saving is not leaving


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_refused_form_after_upload_shows_errors_and_keeps_the_input(
    live_site, page, big_photo, settings
):
    publisher = make_user(username="cvd-upload", groups=["Chef vom Dienst"])
    make_credit(creator="victor69")
    log_in_in_browser(page, live_site.url, publisher)
    slow_uploads(page)
    add = reverse("admin:articles_article_add")
    bodies = posted_bodies(page, add)
    refused_scripts = []
    page.on(
        "console",
        lambda message: (
            refused_scripts.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(f"{live_site.url}{add}")
    page.get_by_label("Dachzeile").fill("Essen")
    page.get_by_label("Vorspann").fill("Ein Vorspann, den niemand zweimal tippt.")
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Der Fließtext bleibt.")
    page.get_by_label("Alternativtext").fill("Das Rathaus von Essen")
    page.locator("#id_image").set_input_files(big_photo)
    page.get_by_label("Status").select_option("published")
    page.get_by_role("button", name="Sichern", exact=True).click()  # no headline

    expect(page.locator(".errornote")).to_be_visible(timeout=SAVE_TIMEOUT)
    expect(page.locator(".field-title .errorlist")).to_contain_text(
        "Zum Veröffentlichen fehlt die Überschrift."
    )
    expect(page.get_by_label("Vorspann")).to_have_value(
        "Ein Vorspann, den niemand zweimal tippt."
    )
    expect(page.get_by_label("Dachzeile")).to_have_value("Essen")
    expect(page.get_by_label("Alternativtext")).to_have_value("Das Rathaus von Essen")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_have_text(
        "Der Fließtext bleibt."
    )  # in its editor, as after any refused save
    expect(page.locator("#stashed-photo img")).to_be_visible()
    assert refused_scripts == []
    # The photo went up once (the server kept it once); the page came from
    # a second, small submit that names the kept photo.
    assert len(list((settings.MEDIA_ROOT / "stash").iterdir())) == 1
    assert len(bodies) == 2
    assert bodies[1] < 100_000

    page.get_by_label("Überschrift").fill("Rathaus mit Foto")
    page.locator(".field-image_credit .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("victor")
    page.locator(".select2-results__option", has_text="victor69").click()
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(
        "erfolgreich hinzugefügt", timeout=SAVE_TIMEOUT
    )
    article = Article.objects.get()
    assert article.lead == "Ein Vorspann, den niemand zweimal tippt."
    assert article.body == "<p>Der Fließtext bleibt.</p>"
    assert article.photo.image_size > 3_000_000


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_photo_library_upload_shows_progress_and_saves_and_adds_another(
    live_site, page, big_photo
):
    editor = make_user(username="foto-upload", groups=["Redaktion"])
    log_in_in_browser(page, live_site.url, editor)
    progress = slow_uploads(page)
    add = reverse("admin:articles_photo_add")
    page.goto(f"{live_site.url}{add}")
    page.locator("#id_image").set_input_files(big_photo)
    page.get_by_label("Alternativtext").fill("Der Marktplatz")
    page.get_by_role("button", name="Sichern und neu hinzufügen").click()

    bar = page.get_by_role("progressbar", name="Foto wird hochgeladen")
    expect(bar).to_be_visible()
    expect(page.locator(".messagelist")).to_contain_text(
        "erfolgreich hinzugefügt", timeout=SAVE_TIMEOUT
    )
    assert page.url == f"{live_site.url}{add}"  # "neu hinzufügen"
    photo = Photo.objects.get()
    assert (photo.alt_text, photo.uploaded_by) == ("Der Marktplatz", editor)
    assert len({value for value in progress if 0 < value < 100}) >= 3, progress


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_photo_uploaded_in_the_library_popup_is_picked_once(live_site, page):
    editor = make_user(username="popup-upload", groups=["Redaktion"])
    log_in_in_browser(page, live_site.url, editor)
    page.goto(f"{live_site.url}{reverse('admin:articles_article_add')}")
    with page.expect_popup() as popup_opened:
        page.locator("#lookup_id_photo").click()
    library = popup_opened.value
    library.wait_for_load_state()
    library.locator(".addlink").click()
    library.locator("#id_image").set_input_files(
        files=[
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg().read()}
        ]
    )
    library.get_by_label("Alternativtext").fill("Aus dem Popup")
    library.get_by_role("button", name="Sichern", exact=True).click()

    # The popup's answer after the save closes it and picks the photo
    library.wait_for_event("close")
    photo = Photo.objects.get()
    expect(page.locator("#id_photo")).to_have_value(str(photo.pk))
    assert photo.alt_text == "Aus dem Popup"


@pytest.mark.browser
@pytest.mark.django_db(serialized_rollback=True)
def test_lost_connection_keeps_the_form_and_still_warns_before_leaving(live_site, page):
    editor = make_user(username="funkloch", groups=["Redaktion"])
    log_in_in_browser(page, live_site.url, editor)
    add = reverse("admin:articles_article_add")
    page.route(
        f"**{add}",
        lambda route: (
            route.abort() if route.request.method == "POST" else route.continue_()
        ),
    )
    dialogs = questions_asked(page)
    page.goto(f"{live_site.url}{add}")
    page.get_by_label("Überschrift").fill("Im Funkloch getippt")
    page.locator("#id_image").set_input_files(
        files=[
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg().read()}
        ]
    )
    page.get_by_role("button", name="Sichern", exact=True).click()

    expect(page.locator(".upload-progress")).to_contain_text(
        "konnte nicht hochgeladen werden"
    )
    expect(page.get_by_label("Überschrift")).to_have_value("Im Funkloch getippt")
    expect(page.get_by_role("button", name="Sichern", exact=True)).to_be_enabled()
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_label("Überschrift")).to_have_value("Im Funkloch getippt")
    assert dialogs == ["beforeunload"]  # still unsaved: leaving asks first
    assert not Article.objects.exists()


# The server's side: a save sent by the script is answered without a
# redirect, so that the script can go to the next page itself


def test_saved_upload_is_answered_with_the_next_page_instead_of_a_redirect(
    editor_client,
):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_form(status="draft", image=make_jpeg(), _continue="1"),
        headers={"X-Upload-Progress": "1"},
    )
    assert response.status_code == 204
    article = Article.objects.get()
    assert response["X-Upload-Location"] == reverse(
        "admin:articles_article_change", args=[article.pk]
    )
    assert article.photo.image_width == 800
    page = editor_client.get(response["X-Upload-Location"])
    assert "erfolgreich hinzugefügt" in page.content.decode()  # message kept


def test_refused_upload_is_answered_with_the_form_marked_refused(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_form(status="draft", kicker="", title="", lead="", body=""),
        headers={"X-Upload-Progress": "1"},
    )
    assert response.status_code == 200
    assert response["X-Upload-Refused"] == "1"  # the script submits again
    assert "Der Artikel ist noch leer" in response.content.decode()


def test_photo_saved_in_a_popup_is_not_marked_refused(editor_client):
    response = editor_client.post(
        reverse("admin:articles_photo_add") + "?_to_field=id&_popup=1",
        {
            "image": make_jpeg(),
            "alt_text": "Ein Foto",
            "focal_x": "0.5",
            "focal_y": "0.5",
            "_popup": "1",
        },
        headers={"X-Upload-Progress": "1"},
    )
    # The popup's answer after a save: shown as it is, never submitted again
    assert response.status_code == 200
    assert "X-Upload-Refused" not in response
    assert Photo.objects.count() == 1


def test_a_normal_submit_is_still_redirected(editor_client):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_form(status="draft", image=make_jpeg()),
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url", ["admin:articles_article_add", "admin:articles_photo_add"]
)
def test_change_forms_load_the_upload_script(editor_client, url):
    html = editor_client.get(reverse(url)).content.decode()
    assert "js/upload_progress.js" in html
