"""Varnish in front of gunicorn with the shipped configuration: after an
editor publishes, the pages and API answers that show the article are fresh
through Varnish within a second, and unrelated ones are still answered by
Varnish."""

import json
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.servers import (
    EDITOR_PASSWORD,
    EDITOR_SECOND_FACTOR,
    Browser,
    Gunicorn,
    ServerError,
    Varnish,
    bound_socket,
    installed,
    serving,
    site_environment,
)

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "newsroom.vcl"
XKEY = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")

SITE = """
from django.contrib.auth.models import User
from django.utils import timezone
from articles.models import Article, Municipality
User.objects.create_superuser('chefin', 'c@example.org', PASSWORD)
essen = Municipality.objects.create(name='Essen')
bonn = Municipality.objects.create(name='Bonn')
def article(slug, place, tag, minutes):
    row = Article.objects.create(
        title=f'Meldung {slug}', slug=slug, kicker=place.name, lead='Vorspann.',
        municipality=place, status='published',
        published_at=timezone.now() - timezone.timedelta(minutes=minutes))
    row.tags.set([tag])
article('essen-daten', essen, 'Open Data', 60)
for number in range(17):
    article(f'bonn-{number}', bonn, 'Breitband', 100 + number)
"""


def vcl_for(tmp_path, backend_port):
    """The shipped configuration, with the app server at `backend_port`."""
    vcl = tmp_path / "newsroom.vcl"
    vcl.write_text(VCL.read_text().replace('"8000"', f'"{backend_port}"'))
    return vcl


def shows(text, title):
    """Whether a page or an API answer (JSON writes ö as \\u00f6) shows `title`."""
    return title in text or json.dumps(title)[1:-1] in text


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Cache"), response.read().decode()


def test_publish_is_fresh_through_varnish_and_the_rest_stays_cached(tmp_path, require):
    require(installed("varnishd"), "varnishd is missing: apt-get install varnish")
    require(XKEY.exists(), "xkey is missing: apt-get install varnish-modules")
    # The app purges the edge, so the edge's port is chosen first.
    with bound_socket() as reserved:
        edge_port = reserved.getsockname()[1]
    env = site_environment(
        tmp_path,
        SITE.replace("PASSWORD", repr(EDITOR_PASSWORD)) + EDITOR_SECOND_FACTOR,
        NEWSROOM_PURGE_URLS=f"http://127.0.0.1:{edge_port}/",
    )
    app = Gunicorn(env, log=tmp_path / "gunicorn.log", workers=2)
    varnish = Varnish(
        vcl_for(tmp_path, app.port),
        log=tmp_path / "varnish.log",
        work_dir=tmp_path / "varnish",
        ports=[edge_port],
    )
    try:
        with serving(app, varnish):
            check_publish_through(varnish.url)
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


def check_publish_through(edge):
    """Publish through the edge as an editor; check what readers get."""
    showing = [f"{edge}/", f"{edge}/artikel/essen-daten/", f"{edge}/kommune/essen/"]
    unrelated = [f"{edge}/artikel/bonn-3/", f"{edge}/kommune/bonn/"]
    api_showing = f"{edge}/api/v1/artikel/?gemeinde=essen"
    api_unrelated = f"{edge}/api/v1/artikel/?gemeinde=bonn"
    showing.append(api_showing)
    unrelated.append(api_unrelated)
    for url in showing + unrelated:
        get(url)
        assert get(url)[0] == "HIT", url

    editor = Browser()
    editor.log_in(edge)
    title = "Essen veröffentlicht Haushaltsdaten"
    landed, _html = editor.submit(
        f"{edge}/admin/articles/article/add/",
        {
            "kicker": "Essen",
            "title": title,
            "slug": "essen-haushalt",
            "lead": "Die Stadt stellt ihren Haushalt als offene Daten bereit.",
            "body": "<p>Alle Zahlen sind online.</p>",
            "status": "published",
            "municipality": "1",
            "tags": "Open Data",
        },
    )
    assert landed.endswith("/admin/articles/article/")
    saved = time.monotonic()

    for url in showing:
        while not shows(get(url)[1], title):
            assert time.monotonic() - saved < 1.0, f"{url} still stale after 1 s"
            time.sleep(0.05)
    for url in unrelated:
        cache, page = get(url)
        assert cache == "HIT", url
        assert not shows(page, title)
    # One cached API answer serves the widget on every foreign site.
    request = urllib.request.Request(
        api_unrelated, headers={"Origin": "https://www.bonn.de"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["X-Cache"] == "HIT"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
