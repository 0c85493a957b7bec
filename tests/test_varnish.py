"""Varnish in front of gunicorn with the shipped configuration: after an
editor publishes, the pages that show the article are fresh through Varnish
within a second, and unrelated pages are still answered by Varnish."""

import contextlib
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.http_client import Browser
from tests.servers import answers, child, free_port, gunicorn, required, sqlite_site

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish" / "newsroom.vcl"
XKEY = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")

SITE = """
from django.contrib.auth.models import User
from django.utils import timezone
from articles.models import Article, Municipality
User.objects.create_superuser('chefin', 'c@example.org', 'geheim-123')
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


@contextlib.contextmanager
def varnish(tmp_path, port, backend_port):
    program = required("varnishd", "varnish")
    if not XKEY.exists():
        required("varnish-modules-xkey", "varnish-modules")
    vcl = tmp_path / "newsroom.vcl"
    vcl.write_text(VCL.read_text().replace('"8000"', f'"{backend_port}"'))
    command = [program, "-F", "-j", "none", "-n", str(tmp_path / "varnish")]
    command += ["-a", f"127.0.0.1:{port}", "-f", str(vcl), "-s", "malloc,32m"]
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "varnish.log"
    with child(command, log, "varnishd", lambda: answers(f"{base}/health/live")):
        yield base


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Cache"), response.read().decode()


def test_publish_is_fresh_through_varnish_and_the_rest_stays_cached(tmp_path):
    env = sqlite_site(tmp_path, SITE)
    port = free_port()
    env["NEWSROOM_PURGE_URLS"] = f"http://127.0.0.1:{port}/"
    with (
        gunicorn(env, tmp_path) as app,
        varnish(tmp_path, port, app.rsplit(":")[-1]) as edge,
    ):
        showing = [f"{edge}/", f"{edge}/artikel/essen-daten/", f"{edge}/kommune/essen/"]
        unrelated = [f"{edge}/artikel/bonn-3/", f"{edge}/kommune/bonn/"]
        for url in showing + unrelated:
            get(url)
            assert get(url)[0] == "HIT", url

        editor = Browser()
        editor.submit(
            f"{edge}/admin/login/", {"username": "chefin", "password": "geheim-123"}
        )
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
            while title not in get(url)[1]:
                assert time.monotonic() - saved < 1.0, f"{url} still stale after 1 s"
                time.sleep(0.05)
        for url in unrelated:
            cache, page = get(url)
            assert cache == "HIT", url
            assert title not in page
