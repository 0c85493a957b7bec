"""Links und Downloads: the box below an article, what an upload must be,
and who may fetch a file."""

import html
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.management.commands.load_demo import demo_pdf
from articles.models import ArticleAttachment

from .factories import (
    HIDDEN_STATES,
    admin_form_data,
    make_article,
    make_hidden_article,
    make_user,
)
from .html import normalize

PDF = demo_pdf("Studie Digitale Verwaltung 2025")


def make_download(
    article,
    *,
    title="Studie Digitale Verwaltung 2025",
    data=PDF,
    name="studie.pdf",
    **fields,
):
    download = ArticleAttachment(
        article=article, title=title, file=ContentFile(data, name=name), **fields
    )
    download.full_clean()
    download.save()
    return download


def make_link(article, **fields):
    fields.setdefault("title", "Onlinezugangsgesetz")
    fields.setdefault("url", "https://www.onlinezugangsgesetz.de/")
    return ArticleAttachment.objects.create(article=article, **fields)


def box_links(response):
    """(text a reader hears, href, rel) of each link in the box; None
    without the box."""
    page = response.content.decode()
    box = re.search(r'<section class="links-downloads".*?</section>', page, re.S)
    if box is None:
        return None
    return [
        (
            normalize(html.unescape(re.sub(r"<[^>]+>", "", text))),
            html.unescape(href),
            re.search(r'rel="([^"]*)"', attributes)[1]
            if "rel=" in attributes
            else None,
        )
        for href, attributes, text in re.findall(
            r'<a href="([^"]*)"([^>]*)>(.*?)</a>', box[0], re.S
        )
    ]


# The box


@pytest.mark.django_db
def test_box_names_type_and_german_size_of_each_file_and_marks_links_external(
    client,
):
    article = make_article()
    make_download(
        article, data=PDF + b"%" + b" " * 1_258_000 + b"\n%%EOF\n", position=1
    )
    make_link(article, position=2)
    response = client.get(article.get_absolute_url())
    [download, link] = box_links(response)
    assert download[0] == "Studie Digitale Verwaltung 2025 (PDF, 1,2 MB)"
    assert download[1].startswith("/media/downloads/")
    assert link == (
        "Onlinezugangsgesetz (externer Link, onlinezugangsgesetz.de)",
        "https://www.onlinezugangsgesetz.de/",
        "noopener noreferrer external",
    )
    assert '<h2 id="links-downloads-heading">Links und Downloads</h2>' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_box_follows_the_editors_order_and_is_absent_without_entries(client):
    article = make_article()
    assert box_links(client.get(article.get_absolute_url())) is None
    make_link(article, title="Zweiter", position=2)
    make_link(article, title="Erster", position=1)
    names = [
        text for text, _href, _rel in box_links(client.get(article.get_absolute_url()))
    ]
    assert [name.split(" (")[0] for name in names] == ["Erster", "Zweiter"]


@pytest.mark.django_db
def test_article_page_with_links_and_downloads_costs_the_same_queries(
    client, django_assert_num_queries
):
    article = make_article()
    make_download(article)
    make_link(article)
    make_link(article, title="Noch ein Link")
    # the article with its rows as JSON, the sidebar: as without them
    # (tests/test_reader_pages.py)
    with django_assert_num_queries(2):
        response = client.get(article.get_absolute_url())
    assert len(box_links(response)) == 3


@pytest.mark.django_db
def test_changed_link_makes_the_cached_article_page_fresh(
    client, page_cache, committed
):
    article = make_article()
    with committed():
        link = make_link(article, title="Alter Titel")
    assert "Alter Titel" in client.get(article.get_absolute_url()).content.decode()
    with committed():
        link.title = "Neuer Titel"
        link.save()
    assert "Neuer Titel" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["edit", "add", "delete"])
def test_changed_box_changes_the_article_pages_etag(client, change):
    article = make_article()
    link = make_link(article)
    first = client.get(article.get_absolute_url())
    etag = first["ETag"]
    assert (
        client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code
        == 304
    )
    if change == "edit":
        link.title = "Neuer Titel"
        link.save()
    elif change == "add":
        make_link(article, title="Zweiter Link")
    else:
        link.delete()
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag


# Links


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/datei.pdf",
        "data:text/html,<script>alert(1)</script>",
        "www.example.org",
    ],
)
def test_only_http_and_https_links_are_accepted_with_a_german_error(url):
    link = ArticleAttachment(article=make_article(), title="Link", url=url)
    with pytest.raises(ValidationError) as refusal:
        link.full_clean()
    assert "http:// oder https://" in str(refusal.value.message_dict["url"])


@pytest.mark.django_db
def test_a_row_is_a_link_or_a_file_not_both_nor_neither():
    article = make_article()
    for fields in (
        {},
        {"url": "https://example.org/", "file": ContentFile(PDF, name="a.pdf")},
    ):
        row = ArticleAttachment(article=article, title="Zwitter", **fields)
        with pytest.raises(ValidationError) as refusal:
            row.full_clean()
        assert "entweder einen Link oder eine Datei" in str(refusal.value)


# Uploads


def xlsx_bytes(extra=()):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name in extra:
            archive.writestr(name, "x")
    return buffer.getvalue()


def odt_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text"
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "kind", "label"),
    [
        ("studie.pdf", PDF, "pdf", "PDF"),
        ("tabelle.xlsx", xlsx_bytes(), "xlsx", "XLSX"),
        ("bericht.odt", odt_bytes(), "odt", "ODT"),
        ("zahlen.csv", "Jahr;Anträge\n2024;1200\n".encode(), "csv", "CSV"),
    ],
)
def test_accepted_files_are_stored_under_a_random_name_with_their_type(
    name, data, kind, label
):
    download = make_download(make_article(), data=data, name=name)
    assert download.file_kind == kind
    assert download.kind_label == label
    assert download.file_size == len(data)
    stored = download.file.name
    assert stored.startswith("downloads/") and stored.endswith(f".{kind}")
    assert name.split(".")[0] not in stored
    with default_storage.open(stored) as file:
        assert file.read() == data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("studie.pdf", b"<html><script>alert(1)</script></html>", "keine PDF-Datei"),
        ("studie.pdf", b"alert(document.cookie); var a = 1, b = 2;", "keine PDF-Datei"),
        (
            "studie.pdf",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "keine PDF-Datei",
        ),
        ("studie.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "keine PDF-Datei"),
        ("studie.pdf", PDF[:-20], "keine PDF-Datei"),  # cut off
        ("seite.html", b"<html></html>", "Format PDF, ODT, ODS, DOCX, XLSX oder CSV"),
        ("setup.exe", b"MZ\x90\x00", "Format PDF, ODT, ODS, DOCX, XLSX oder CSV"),
        ("bild.svg", b"<svg/>", "Format PDF, ODT, ODS, DOCX, XLSX oder CSV"),
        ("tabelle.xlsx", PDF, "keine XLSX-Datei"),
        (
            "studie.pdf",
            PDF.replace(
                b"/Type /Catalog",
                b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            ),
            "Skripte, Makros",
        ),
        ("studie.pdf", PDF.replace(b"%%EOF", b"<script>x</script>\n%%EOF"), "Skripte"),
        ("zahlen.csv", b"a,b\n<script>alert(1)</script>,2\n", "Skripte"),
        ("tabelle.xlsx", xlsx_bytes(["xl/vbaProject.bin"]), "Makros"),
    ],
)
def test_disguised_or_active_files_are_refused_with_a_german_error(name, data, message):
    download = ArticleAttachment(
        article=make_article(), title="Datei", file=ContentFile(data, name=name)
    )
    with pytest.raises(ValidationError) as refusal:
        download.full_clean()
    assert message in " ".join(refusal.value.message_dict["file"])


@pytest.mark.django_db
def test_too_large_file_is_refused_naming_the_limit(settings):
    big = PDF + b"%" + b" " * (20 * 1024 * 1024) + b"\n%%EOF\n"
    download = ArticleAttachment(
        article=make_article(), title="Groß", file=ContentFile(big, name="gross.pdf")
    )
    with pytest.raises(ValidationError) as refusal:
        download.full_clean()
    assert "erlaubt sind höchstens 20,0\xa0MB" in " ".join(
        refusal.value.message_dict["file"]
    )


@pytest.mark.django_db
def test_editor_adds_a_download_on_the_article_form_and_a_fake_pdf_is_refused(
    client,
):
    editor = make_user(groups=["Redaktion"])
    client.force_login(editor)
    article = make_hidden_article("draft", author=editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(client.get(url))
    data |= {
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-0-title": "Studie",
        "attachments-0-url": "",
        "attachments-0-position": "1",
        "attachments-0-file": SimpleUploadedFile(
            "studie.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
        ),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "ihr Inhalt ist aber keine PDF-Datei" in response.content.decode()
    assert not ArticleAttachment.objects.exists()
    data["attachments-0-file"] = SimpleUploadedFile(
        "studie.pdf", PDF, "application/pdf"
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    [download] = ArticleAttachment.objects.all()
    assert download.file_kind == "pdf" and download.article == article


@pytest.mark.django_db
def test_posting_the_article_form_without_the_box_leaves_the_box_alone(
    admin_client,
):
    article = make_article()
    make_link(article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        name: value
        for name, value in admin_form_data(admin_client.get(url)).items()
        if not name.startswith("attachments-")
    }
    data["title"] = "Neuer Titel"
    assert admin_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "Neuer Titel"
    assert ArticleAttachment.objects.filter(article=article).count() == 1


# Who may fetch a file


@pytest.mark.django_db
def test_published_articles_file_downloads_with_a_german_name_and_nosniff(client):
    download = make_download(make_article(), title="Studie: Bürgerämter 2025")
    response = client.get(download.file.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Cached briefly; purged with its article's page.
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["xkey"] == f"article-{download.article_id}"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Studie%20B%C3%BCrger%C3%A4mter%202025.pdf"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(HIDDEN_STATES))
def test_hidden_articles_file_is_404_for_readers_and_200_for_staff(client, state):
    download = make_download(make_hidden_article(state))
    assert client.get(download.file.url).status_code == 404
    client.force_login(make_user(groups=["Redaktion"]))
    response = client.get(download.file.url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_guessed_or_other_stored_files_are_404_for_readers(client):
    download = make_download(make_article())
    folder = download.file.name.rsplit("/", 1)[0]
    default_storage.save(f"{folder}/notiz.pdf", ContentFile(PDF))
    for path in (
        f"{folder}/notiz.pdf",  # stored, but no article offers it
        f"{folder}/studie.pdf",  # the upload's name
        "downloads/",
        f"{download.file.name}.pdf",
    ):
        assert client.get(f"/media/{path}").status_code == 404, path


@pytest.mark.django_db
def test_file_is_removed_when_its_row_is_deleted_or_replaced(committed):
    article = make_article()
    with committed():
        download = make_download(article)
    first = download.file.name
    assert default_storage.exists(first)
    with committed():
        download.file = ContentFile(PDF, name="neu.pdf")
        download.save()
    assert not default_storage.exists(first)
    second = download.file.name
    assert default_storage.exists(second)
    with committed():
        download.delete()
    assert not default_storage.exists(second)


@pytest.mark.django_db
def test_files_go_when_their_article_is_deleted(committed):
    article = make_article()
    with committed():
        download = make_download(article)
    with committed():
        article.delete()
    assert not default_storage.exists(download.file.name)


@pytest.mark.django_db
def test_demo_article_offers_a_valid_pdf_and_a_link(demo_site, client):
    response = client.get("/artikel/essen-stadt-startet-tiktok-kanal/")
    [download, link] = box_links(response)
    assert download[0].endswith("(PDF, 619 Bytes)")
    assert client.get(download[1]).status_code == 200
    assert link[1] == "https://www.essen.de/"
