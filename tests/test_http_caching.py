"""HTTP done right for readers: validators and 304s on cached and uncached
responses, compression stored in the cache, headers for shared caches, and
request bodies refused before anything reads them."""

import gzip
import http.client
import urllib.parse
from types import SimpleNamespace

import brotli
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles import page_cache
from tests.factories import make_article, make_municipality
from tests.servers import (
    EDITOR_AND_ARTICLE,
    Gunicorn,
    ServerError,
    serving,
    site_environment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    essen = make_municipality(name="Essen")
    article = make_article(title="Stadt startet TikTok-Kanal", municipality=essen)
    make_article(title="Nachbar", municipality=essen, tags=["Open Data"])
    return article


def reader_urls(article):
    return [
        reverse("articles:index"),
        article.get_absolute_url(),
        reverse("articles:municipality", kwargs={"slug": "essen"}),
        reverse("articles:topic", kwargs={"slug": "open-data"}),
        reverse("articles:archive"),
        reverse("articles:municipalities"),
        reverse("feeds:rss"),
        reverse("feeds:atom"),
        reverse("sitemap"),
        reverse("sitemap_news"),
        reverse("articles:page", kwargs={"slug": "impressum"}),
    ]


@pytest.mark.parametrize("cache_seconds", [0, 600], ids=["uncached", "cached"])
def test_every_reader_page_and_feed_answers_conditional_requests(
    settings, site, cache_seconds
):
    settings.PAGE_CACHE_SECONDS = cache_seconds
    reader = Client()
    for url in reader_urls(site):
        first = reader.get(url)
        assert first.status_code == 200, url
        etag, last_modified = first["ETag"], first["Last-Modified"]

        again = reader.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == etag

        # Without the cache, a list's Last-Modified is the time it was
        # rendered, so only the ETag can match; the article's is its own.
        if cache_seconds or url == site.get_absolute_url():
            since = reader.get(url, headers={"If-Modified-Since": last_modified})
            assert since.status_code == 304, url

        other = reader.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200, url


def test_pages_are_compressed_once_and_stored_compressed(settings, site):
    settings.PAGE_CACHE_SECONDS = 600
    reader = Client()
    url = site.get_absolute_url()
    plain = reader.get(url).content
    assert b"Stadt startet TikTok-Kanal" in plain

    as_brotli = reader.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert as_brotli["Content-Encoding"] == "br"
    assert "Accept-Encoding" in as_brotli["Vary"]
    assert brotli.decompress(as_brotli.content) == plain
    as_gzip = reader.get(url, headers={"Accept-Encoding": "gzip"})
    assert as_gzip["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.content) == plain

    stored = page_cache.Entry.loads(
        page_cache.store().get(page_cache.entry_key(as_gzip.wsgi_request))
    )
    assert set(stored.bodies) == {"br", "gzip"}  # no uncompressed copy kept
    for feed in (reverse("feeds:rss"), reverse("sitemap")):
        response = reader.get(feed, headers={"Accept-Encoding": "br"})
        assert response["Content-Encoding"] == "br", feed


def test_reader_pages_tell_shared_caches_how_long_and_what_they_show(settings, site):
    settings.PAGE_CACHE_SECONDS = 600
    response = Client().get(site.get_absolute_url())
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=600"} <= cache_control
    assert any(part.startswith("stale-while-revalidate=") for part in cache_control)
    assert any(part.startswith("stale-if-error=") for part in cache_control)
    keys = response["xkey"].split()
    assert f"article-{site.pk}" in keys
    assert f"municipality-{site.municipality_id}" in keys
    assert "site" in keys


def test_editors_pages_are_private_and_carry_no_keys(settings, site, admin_client):
    settings.PAGE_CACHE_SECONDS = 600
    response = admin_client.get(site.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "xkey" not in response


def test_large_body_on_a_reader_url_is_refused_before_it_is_read(
    settings, tmp_path, site
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = b"x" * (settings.READER_BODY_LIMIT + 1)
    for url in (site.get_absolute_url(), "/", reverse("articles:search")):
        upload = SimpleUploadedFile("gross.bin", big)
        response = Client().post(url, {"datei": upload})
        assert response.status_code == 413, url
        assert "zu groß" in response.content.decode()
    assert list((tmp_path / "uploads").iterdir()) == []  # no temporary file

    chunked = Client().post(
        "/", b"x", content_type="text/plain", headers={"Transfer-Encoding": "chunked"}
    )
    assert chunked.status_code == 413
    small = Client().post("/", {"q": "Essen"})
    assert small.status_code != 413  # a small form passes on (and is refused later)


def test_admin_takes_photos_up_to_its_own_limit(settings, admin_client):
    add = reverse("admin:articles_article_add")
    photo = SimpleUploadedFile("foto.jpg", b"x" * (1024 * 1024))  # 1 MB: passes on
    response = admin_client.post(add, {"title": "Mit Foto", "image": photo})
    assert response.status_code == 200  # the form, with its German error
    assert "Foto" in response.content.decode()
    too_big = SimpleUploadedFile("foto.jpg", b"x" * (settings.ADMIN_BODY_LIMIT + 1))
    assert admin_client.post(add, {"image": too_big}).status_code == 413


def test_hits_through_gunicorn_keep_every_promise(tmp_path):
    """Under gunicorn a hit is sent before Django's handler runs
    (page_cache.serve_hits_first): it carries the stored page's headers,
    answers 304s and HEAD, picks the encoding the reader accepts, leaves
    logged-in editors and unknown hosts to Django, and is counted."""
    env = site_environment(tmp_path, EDITOR_AND_ARTICLE)
    app = Gunicorn(env, log=tmp_path / "gunicorn.log")
    try:
        with serving(app):
            page = f"{app.url}/artikel/tiktok/"
            first = request(page, {"Accept-Encoding": "br"})
            hit = request(page, {"Accept-Encoding": "br"})
            assert hit.status == 200
            assert brotli.decompress(hit.body) == brotli.decompress(first.body)
            stored = ["Content-Type", "ETag", "Cache-Control", "Vary", "xkey"]
            stored += ["Content-Security-Policy", "X-Content-Type-Options"]
            for name in stored:
                assert hit.headers[name] == first.headers[name], name
            assert hit.headers["Content-Encoding"] == "br"
            plain = request(page, {})
            assert "Stadt startet TikTok-Kanal" in plain.body.decode()
            assert "Content-Encoding" not in plain.headers

            again = request(page, {"If-None-Match": hit.headers["ETag"]})
            assert (again.status, again.body) == (304, b"")
            assert again.headers["ETag"] == hit.headers["ETag"]
            head = request(page, {}, method="HEAD")
            assert head.status == 200
            assert head.headers["Content-Length"] == plain.headers["Content-Length"]

            editor = request(page, {"Cookie": "sessionid=abc"})
            assert "private" in editor.headers["Cache-Control"]
            assert request(page, {"Host": "evil.example"}).status == 400
            metrics = request(f"{app.url}/metrics", {}).body.decode()
            assert 'newsroom_page_cache_requests_total{outcome="hit"} 4.0' in metrics
            assert 'newsroom_http_requests_total{method="HEAD",status="2xx"} 1.0' in (
                metrics
            )
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


def request(url, headers, method="GET"):
    """status, headers and raw body of one request (no decompression)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        connection.request(method, parts.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return SimpleNamespace(
            status=response.status, headers=response.headers, body=body
        )
    finally:
        connection.close()
