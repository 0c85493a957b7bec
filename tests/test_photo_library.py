"""The photo library: a photo is uploaded once, with its alt text, caption
and credit, and reused by other articles; the article form picks one or
uploads a new one; a photo in use cannot be deleted; articles' old photo
fields move into the library without losing anything."""

import json
import sqlite3
import urllib.error
import urllib.request

import pytest
import reversion
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from reversion.models import Version

from articles.models import Article, ArticleStatus, Photo
from tests.factories import (
    admin_form_data,
    article_form,
    log_in_in_browser,
    make_article,
    make_credit,
    make_jpeg,
    make_photo,
)
from tests.servers import Gunicorn, MotoServer, serving, site_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def library_photo():
    return make_photo(
        alt_text="Ein Smartphone mit Abspielknopf",
        caption="Kurze Videos für junge Menschen.",
        credit=make_credit(creator="victor69", source="123rf.com"),
    )


def test_editor_picks_a_library_photo_for_a_new_article(
    admin_client, client, library_photo
):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(
            photo=library_photo.pk,
            alt_text=library_photo.alt_text,
            caption=library_photo.caption,
            image_credit=library_photo.credit_id,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert article.photo == library_photo
    assert Photo.objects.count() == 1  # reused, not uploaded again
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Ein Smartphone mit Abspielknopf"' in html
    assert "Bildquelle: victor69/123rf.com" in html


def test_article_form_shows_the_chosen_photo_with_its_description(
    admin_client, library_photo
):
    article = make_article(photo=library_photo)
    response = admin_client.get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    form = response.context["adminform"].form
    assert form["alt_text"].value() == "Ein Smartphone mit Abspielknopf"
    assert form["image_credit"].value() == library_photo.credit_id
    page = response.content.decode()
    assert f'src="{library_photo.thumbnail_url}"' in page
    assert 'id="lookup_id_photo"' in page  # the lookup in the library


def test_uploading_on_the_article_form_adds_the_photo_to_the_library(
    admin_client, admin_user
):
    credit = make_credit()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        article_form(image=make_jpeg(), alt_text="Ein Rathaus", image_credit=credit.pk),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get()
    assert Article.objects.get().photo == photo
    assert (photo.alt_text, photo.credit, photo.uploaded_by) == (
        "Ein Rathaus",
        credit,
        admin_user,
    )
    assert photo.renditions["jpeg"]


def test_alt_text_fixed_on_the_article_form_is_fixed_in_the_library(admin_client):
    photo = make_photo(credit=make_credit())  # no alt text yet
    article = make_article(status=ArticleStatus.DRAFT, photo=photo)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(admin_client.get(url)) | {"status": ArticleStatus.PUBLISHED}
    refused = admin_client.post(url, data)
    assert refused.context["adminform"].form.errors["alt_text"] == [
        "Zum Veröffentlichen braucht das Foto einen Alternativtext."
    ]

    response = admin_client.post(url, data | {"alt_text": "Ein Rathaus"})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.alt_text == "Ein Rathaus"
    assert Article.objects.published().get() == article


def test_photo_in_use_cannot_be_deleted(admin_client, library_photo):
    make_article(photo=library_photo, title="Stadt startet TikTok-Kanal")
    with pytest.raises(ProtectedError):
        library_photo.delete()
    response = admin_client.post(
        reverse("admin:articles_photo_delete", args=[library_photo.pk]),
        {"post": "yes"},
    )
    assert "Stadt startet TikTok-Kanal" in response.content.decode()
    assert Photo.objects.filter(pk=library_photo.pk).exists()


@pytest.mark.parametrize(
    "query", ["junge Menschen", "victor69", "123rf", "Abspielknopf"]
)
def test_library_is_searchable_by_caption_credit_and_alt_text_with_thumbnails(
    admin_client, library_photo, query
):
    other = make_photo(
        image=make_jpeg(color=(200, 30, 30)),
        alt_text="Ein Rathaus",
        credit=make_credit(creator="anna", source="pixabay.com"),
    )
    response = admin_client.get(
        reverse("admin:articles_photo_changelist"), {"q": query, "_popup": "1"}
    )
    found = list(response.context["cl"].result_list)
    assert found == [library_photo]
    page = response.content.decode()
    assert f'src="{library_photo.thumbnail_url}"' in page
    assert other.thumbnail_url not in page


# Moving the articles' photo fields into the library (migration 0016)


@pytest.fixture
def migrated_back(transactional_db, django_db_serialized_rollback):
    """The database as it was before the library; migrated forward again
    at the end so that later tests find the current schema (and, through
    the serialized rollback, what the migrations wrote)."""
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0017_newsletters")])
    yield MigrationExecutor(connection)
    MigrationExecutor(connection).migrate(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )


def test_migration_moves_each_articles_photo_into_the_library(migrated_back):
    old = migrated_back.loader.project_state([("articles", "0017_newsletters")]).apps
    OldArticle = old.get_model("articles", "Article")
    OldCredit = old.get_model("articles", "ImageCredit")
    name = default_storage.save("articles/2025/04/tiktok.jpg", make_jpeg())
    renditions = {"source": name, "jpeg": "/media/renditions/x-480.jpeg 480w"}
    credit = OldCredit.objects.create(creator="victor69", source="123rf.com")
    fields = {
        "image": name,
        "image_width": 800,
        "image_height": 450,
        "image_size": 1234,
        "alt_text": "Ein Smartphone",
        "caption": "Kurze Videos.",
        "image_credit": credit,
        "renditions": renditions,
    }
    article = OldArticle.objects.create(
        title="Mit Foto",
        slug="mit-foto",
        status="published",
        published_at=timezone.now(),
        **fields,
    )
    twin = OldArticle.objects.create(title="Kopie", slug="kopie", **fields)
    OldArticle.objects.create(title="Ohne Foto", slug="ohne-foto")
    # The first version, saved by django-reversion with the old fields.
    first_version = json.loads(serializers.serialize("json", [article]))
    first_version[0]["fields"] |= {"title": "Erste Fassung", "alt_text": "Altes Foto"}
    version = Version.objects.create(
        object_id=str(article.pk),
        content_type_id=old.get_model("contenttypes", "ContentType")
        .objects.get_or_create(app_label="articles", model="article")[0]
        .pk,
        db="default",
        format="json",
        serialized_data=json.dumps(first_version),
        object_repr="Erste Fassung",
        revision=reversion.models.Revision.objects.create(date_created=timezone.now()),
    )

    migrated_back.migrate([("articles", "0018_photo_library")])
    # On to the current schema, which the live models below read.
    MigrationExecutor(connection).migrate(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )

    migrated = Article.objects.get(pk=article.pk)
    photo = migrated.photo
    assert (photo.image.name, photo.image_width, photo.image_height) == (name, 800, 450)
    assert (photo.alt_text, photo.caption, photo.image_size) == (
        "Ein Smartphone",
        "Kurze Videos.",
        1234,
    )
    assert str(photo.credit) == "victor69/123rf.com"
    assert photo.renditions == renditions  # the same files, the same URLs
    assert Article.objects.get(pk=twin.pk).photo == photo  # one photo, shared
    assert Article.objects.get(slug="ohne-foto").photo is None

    version = Version.objects.get(pk=version.pk)
    assert version.field_dict["title"] == "Erste Fassung"
    old_photo = Photo.objects.get(pk=version.field_dict["photo_id"])
    assert old_photo.alt_text == "Altes Foto"
    version.revision.revert()
    restored = Article.objects.get(pk=article.pk)
    assert (restored.title, restored.photo) == ("Erste Fassung", old_photo)


# In a real browser (headless Chromium)


@pytest.mark.browser
def test_editor_picks_a_library_photo_and_sets_its_focal_point(live_site, editor, page):
    photo = make_photo(
        image=make_jpeg(size=(1600, 900)),
        alt_text="Das Rathaus von Essen",
        caption="Rathaus Essen am Morgen",
        credit=make_credit(creator="victor69", source="123rf.com"),
    )
    make_photo(image=make_jpeg(color=(200, 30, 30)), caption="Ein anderes Foto")
    admin = f"{live_site.url}/admin"
    log_in_in_browser(page, admin.removesuffix("/admin"), editor)
    expect(page.get_by_role("link", name="Artikel", exact=True)).to_be_visible()

    # Pick the photo from the library, found by its credit
    page.goto(f"{admin}/articles/article/add/")
    page.get_by_label("Dachzeile").fill("Essen")
    page.get_by_label("Überschrift").fill("Rathaus öffnet samstags")
    with page.expect_popup() as popup:
        page.locator("#lookup_id_photo").click()
    library = popup.value
    library.wait_for_load_state()
    library.locator("#searchbar").fill("victor69")
    library.locator("#searchbar").press("Enter")
    expect(library.locator("#result_list img")).to_have_count(1)
    library.get_by_role("link", name="Rathaus Essen am Morgen").click()
    expect(page.locator("#id_photo")).to_have_value(str(photo.pk))
    page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich hinzugefügt")
    article = Article.objects.get()
    assert article.photo == photo
    photo.refresh_from_db()
    assert photo.alt_text == "Das Rathaus von Essen"  # kept from the library

    # Set the focal point by clicking the subject
    page.goto(f"{admin}/articles/photo/{photo.pk}/change/")
    picture = page.locator("[data-focal-point] img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.25})
    expect(page.locator(".focal-point-mark")).to_be_visible()
    page.get_by_role("button", name="Sichern", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    photo.refresh_from_db()
    assert photo.focal_x == pytest.approx(0.8, abs=0.02)
    assert photo.focal_y == pytest.approx(0.25, abs=0.02)
    assert photo.renditions["focus"] == [photo.focal_x, photo.focal_y]


PUBLISHED_PHOTO = """
from django.utils import timezone
from articles.models import Article, Photo
from tests.factories import make_credit, make_jpeg
photo = Photo.objects.create(
    image=make_jpeg(size=(1600, 900)), alt_text="Ein Rathaus", credit=make_credit()
)
Article.objects.create(
    kicker="Essen", title="Foto aus dem Bucket", slug="foto-aus-dem-bucket",
    lead="Vorspann.", status="published", published_at=timezone.now(), photo=photo,
)
"""


@pytest.mark.browser
def test_photo_on_s3_loads_in_the_browser_without_a_csp_error(tmp_path, page):
    moto = MotoServer(log=tmp_path / "moto.log")
    with serving(moto):
        moto.create_bucket("fotos")
        env = site_environment(
            tmp_path,
            PUBLISHED_PHOTO,
            AWS_STORAGE_BUCKET_NAME="fotos",
            AWS_S3_ENDPOINT_URL=moto.url,
            AWS_S3_REGION_NAME="us-east-1",
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
        )
        with serving(Gunicorn(env, log=tmp_path / "gunicorn.log")) as [site]:
            refused = []
            page.on(
                "console",
                lambda message: (
                    refused.append(message.text)
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
            page.goto(f"{site.url}/artikel/foto-aus-dem-bucket/")
            photo = page.get_by_role("img", name="Ein Rathaus")
            expect(photo).to_be_visible()
            assert photo.evaluate("img => img.currentSrc").startswith(
                f"{moto.url}/fotos/renditions/"
            )
            page.wait_for_function(
                "() => document.querySelector('.photo img').naturalWidth > 0"
            )
            assert refused == []
        # The bucket stays private but for the renditions: no original is
        # readable without keys.
        with sqlite3.connect(tmp_path / "db.sqlite3") as database:
            [(original,)] = database.execute("SELECT image FROM articles_photo")
        with pytest.raises(urllib.error.HTTPError) as refusal:
            urllib.request.urlopen(f"{moto.url}/fotos/{original}")
        assert refusal.value.code == 403
