"""BITV 2.0: the accessibility statement generated from its fields, the
pages in Leichte Sprache and Gebärdensprache linked from every page's
header and footer, and a print stylesheet for articles."""

from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from articles.models import (
    AccessibilityBarrier,
    AccessibilityStatement,
    ConformanceStatus,
    Page,
    ReviewMethod,
)
from tests.html import parse_html
from tests.test_quality import READER_PAGES

pytestmark = pytest.mark.django_db

STATEMENT_URL = "/seite/barrierefreiheit/"


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return parse_html(response.content.decode()).text


@pytest.fixture
def statement(db):
    statement = AccessibilityStatement.objects.get()
    statement.status = ConformanceStatus.PARTIAL
    statement.created_on = date(2025, 3, 3)
    statement.reviewed_on = date(2025, 9, 15)
    statement.review_method = ReviewMethod.THIRD_PARTY
    statement.contact_email = "hilfe@example.org"
    statement.contact_phone = "0201 99 88"
    statement.contact_address = "Redaktion\nBeispielweg 2\n45127 Essen"
    statement.save()
    AccessibilityBarrier.objects.create(
        statement=statement,
        description="Alte PDF-Dateien sind nicht barrierefrei.",
        alternative="Wir schicken den Inhalt als Text.",
    )
    return statement


def test_statement_page_is_generated_from_the_fields(client, statement):
    text = page_text(client, STATEMENT_URL)
    assert "Diese Website ist teilweise barrierefrei" in text
    assert "Barriere: Alte PDF-Dateien sind nicht barrierefrei." in text
    assert "Alternative: Wir schicken den Inhalt als Text." in text
    assert "am 03.03.2025 erstellt" in text
    assert "zuletzt am 15.09.2025 überprüft; Methode: Prüfung durch Dritte" in text
    assert "Telefon: 0201 99 88" in text
    assert "Beispielweg 2" in text
    page = parse_html(client.get(STATEMENT_URL).content.decode())
    hrefs = [a.get("href") for a in page.find_all("a")]
    assert "mailto:hilfe@example.org" in hrefs
    assert "https://www.schlichtungsstelle-bgg.de/" in hrefs


def test_statement_page_costs_three_queries(
    client, statement, django_assert_num_queries
):
    with django_assert_num_queries(3):  # page, statement, barriers
        assert client.get(STATEMENT_URL).status_code == 200


@pytest.mark.usefixtures("page_cache")
def test_edited_statement_is_fresh_for_readers_at_once(client, statement, committed):
    assert "vollständig barrierefrei" not in page_text(client, STATEMENT_URL)
    statement.status = ConformanceStatus.FULL
    with committed():
        statement.save()
    assert "Diese Website ist vollständig barrierefrei" in page_text(
        client, STATEMENT_URL
    )

    barrier = statement.barriers.get()
    barrier.alternative = "Rufen Sie uns an."
    with committed():
        barrier.save()
    assert "Alternative: Rufen Sie uns an." in page_text(client, STATEMENT_URL)

    with committed():
        barrier.delete()
    assert "Rufen Sie uns an" not in page_text(client, STATEMENT_URL)


def test_editor_edits_the_statement_and_its_barriers_in_the_admin(
    editor_client, statement
):
    url = f"/admin/articles/accessibilitystatement/{statement.pk}/change/"
    assert editor_client.get(url).status_code == 200
    barrier = statement.barriers.get()
    response = editor_client.post(
        url,
        {
            "status": "none",
            "created_on": "03.03.2025",
            "reviewed_on": "01.10.2025",
            "review_method": "self",
            "contact_email": "hilfe@example.org",
            "contact_phone": "",
            "contact_address": "",
            "arbitration_name": "Schlichtungsstelle des Landes NRW",
            "arbitration_url": "https://www.example.org/schlichtung/",
            "barriers-TOTAL_FORMS": "2",
            "barriers-INITIAL_FORMS": "1",
            "barriers-MIN_NUM_FORMS": "0",
            "barriers-MAX_NUM_FORMS": "1000",
            "barriers-0-id": barrier.pk,
            "barriers-0-statement": statement.pk,
            "barriers-0-description": barrier.description,
            "barriers-0-alternative": barrier.alternative,
            "barriers-0-position": "0",
            "barriers-1-statement": statement.pk,
            "barriers-1-description": "Karten sind nur als Bild da.",
            "barriers-1-alternative": "Die Adressen stehen im Text.",
            "barriers-1-position": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    text = page_text(editor_client, STATEMENT_URL)
    assert "Diese Website ist nicht barrierefrei" in text
    assert "Karten sind nur als Bild da." in text
    assert "Schlichtungsstelle des Landes NRW" in text


def test_there_is_only_one_statement_to_add(editor_client):
    assert AccessibilityStatement.objects.count() == 1
    response = editor_client.get("/admin/articles/accessibilitystatement/add/")
    assert response.status_code == 403


def header_and_footer(html):
    """The page's header (before <main>) and footer (after </main>), parsed."""
    before, _main, after = html.partition("<main")
    return parse_html(before), parse_html(after.partition("</main>")[2])


def test_every_page_links_easy_and_sign_language_in_header_and_footer(
    client, demo_site
):
    missing = []
    for name, url in READER_PAGES.items():
        response = client.get(url)
        for place, part in zip(
            ("header", "footer"),
            header_and_footer(response.content.decode()),
            strict=True,
        ):
            hrefs = [a.get("href") for a in part.find_all("a")]
            for target in ("/seite/leichte-sprache/", "/seite/gebaerdensprache/"):
                if target not in hrefs:
                    missing.append(f"{name} {place}: {target}")
    assert missing == []


def test_easy_and_sign_language_links_have_visible_names_and_hidden_icons(client):
    header, _footer = header_and_footer(client.get("/").content.decode())
    icons = [img for img in header.find_all("img") if "bitv-icon" in img.get("class")]
    assert [(img.get("src"), img.get("alt")) for img in icons] == [
        ("/static/img/leichte-sprache.svg", ""),
        ("/static/img/gebaerdensprache.svg", ""),
    ]
    text = header.text
    assert "Leichte Sprache" in text
    assert "Gebärdensprache" in text


def test_easy_and_sign_language_pages_exist_on_a_fresh_site(client):
    for slug, title in [
        ("leichte-sprache", "Leichte Sprache"),
        ("gebaerdensprache", "Gebärdensprache"),
    ]:
        assert title in page_text(client, f"/seite/{slug}/")


def test_demo_pages_are_in_easy_language_and_the_statement_is_filled(client):
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    statement = AccessibilityStatement.objects.get()
    assert statement.status == ConformanceStatus.PARTIAL
    assert statement.barriers.count() == 2
    assert "Leichte Sprache" in page_text(client, "/seite/leichte-sprache/")
    assert "Gebärdensprache" in page_text(client, "/seite/gebaerdensprache/")


def test_sign_language_video_plays_from_our_site_with_captions(client, settings):
    page = Page.objects.get(slug="gebaerdensprache")
    page.video = SimpleUploadedFile("dgs.webm", b"\x1a\x45\xdf\xa3", "video/webm")
    page.captions = SimpleUploadedFile("dgs.vtt", b"WEBVTT\n", "text/vtt")
    page.full_clean()
    page.save()
    html = client.get(page.get_absolute_url()).content.decode()
    parsed = parse_html(html)
    [source] = parsed.find_all("source")
    [track] = parsed.find_all("track")
    assert source.get("src").startswith("/media/seiten/videos/")
    assert track.get("kind") == "captions"
    assert client.get(source.get("src")).status_code == 200
    assert client.get(track.get("src")).status_code == 200


def test_video_without_captions_is_refused():
    page = Page.objects.get(slug="gebaerdensprache")
    page.video = SimpleUploadedFile("dgs.mp4", b"\x00", "video/mp4")
    with pytest.raises(Exception) as error:
        page.full_clean()
    assert "Untertitel" in str(error.value)


def test_print_stylesheet_is_linked_for_print_and_hides_navigation(client):
    page = parse_html(client.get("/").content.decode())
    [link] = [link for link in page.links if link.get("href", "").endswith("print.css")]
    assert link["media"] == "print"
    css = open(finders.find("css/print.css")).read()
    assert "@media print" in css
    hidden = css.partition("@media print {")[2].partition("display: none")[0]
    for selector in (".site-nav", ".site-search", ".related", ".share"):
        assert selector in hidden
    assert 'content: " (" attr(href) ")"' in css
