"""Lighthouse (from tests/lighthouse/, on Debian's Chromium) gives the home,
an article, a municipality and a topic page 100 in accessibility, best
practices and SEO, served as in production (gunicorn, DEBUG off, whitenoise's
compressed manifest). Performance is measured by bench/lighthouse.py, never
asserted: timed assertions fail on a busy machine."""

import pytest

from tests import lighthouse_run

ASSERTED = ("accessibility", "best-practices", "seo")


@pytest.fixture(scope="module")
def lighthouse(require):
    reason = lighthouse_run.missing()
    require(not reason, reason)


@pytest.mark.browser
def test_reader_pages_score_100_in_lighthouse(lighthouse, tmp_path):
    below = {}
    with lighthouse_run.demo_server(tmp_path) as base:
        for name, path in lighthouse_run.PAGES.items():
            scores, failing = lighthouse_run.scores(base + path, categories=ASSERTED)
            if any(scores[category] < 100 for category in ASSERTED):
                below[name] = (scores, failing)
    assert below == {}
