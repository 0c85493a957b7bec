"""Lighthouse against the demo site, as production serves it: gunicorn with
DEBUG off, static files from whitenoise's compressed manifest, the page
cache on. Shared by tests/test_lighthouse.py (accessibility, best practices
and SEO must be 100) and bench/lighthouse.py (all four scores, performance
included: speed is measured there, never asserted).

Lighthouse comes from the npm registry, pinned in tests/lighthouse/
(npm ci --prefix tests/lighthouse), and drives Debian's Chromium: it never
downloads a browser."""

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.servers import Gunicorn, serving, site_environment

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tests" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
INSTALL = "npm ci --prefix tests/lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

# The pages Lighthouse checks, by name. Add a page type here (a dossier, an
# author) once the demo content has one.
PAGES = {
    "home": "/",
    "article": "/artikel/essen-stadt-startet-tiktok-kanal/",
    "municipality": "/kommune/essen/",
    "topic": "/thema/soziale-medien/",
    "dossier": "/schwerpunkt/soziale-medien-in-rathaeusern/",
}

DEMO = "from django.core.management import call_command\ncall_command('load_demo')\n"


def missing():
    """Why Lighthouse cannot run here (a sentence naming the install), or ''."""
    if not shutil.which("node"):
        return "Lighthouse needs Node.js: apt-get install nodejs npm"
    if not LIGHTHOUSE.exists():
        return f"Lighthouse is not installed: {INSTALL}"
    if not Path(CHROMIUM).exists():
        return f"Lighthouse needs Chromium at {CHROMIUM}: apt-get install chromium"
    return ""


@contextlib.contextmanager
def demo_server(tmp_path):
    """The demo site on gunicorn (DEBUG off, collected static files); yields
    its base URL."""
    env = site_environment(
        Path(tmp_path),
        DEMO,
        NEWSROOM_SITE_URL="",  # links on the address Lighthouse visits
    )
    with serving(Gunicorn(env, log=Path(tmp_path) / "app.log", workers=2)) as [app]:
        yield app.url


def scores(url, *, categories=CATEGORIES, report=None):
    """Lighthouse's scores (0–100) of `url` by category, and the audits that
    scored below 1 ({id: title}) of the categories asked for."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        f"--only-categories={','.join(categories)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--locale=de",
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=False,
    )
    if result.returncode:
        raise RuntimeError(f"Lighthouse failed for {url}:\n{result.stderr[-3000:]}")
    data = json.loads(result.stdout)
    if report is not None:
        Path(report).write_text(result.stdout)
    found = {
        name: round(category["score"] * 100)
        for name, category in data["categories"].items()
    }
    failing = {}
    for name, category in data["categories"].items():
        for ref in category["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None:
                if audit["score"] < 1:
                    failing[ref["id"]] = f"{name}: {audit['title']}"
    return found, failing
