#!/usr/bin/env python3
"""Lighthouse's four scores, performance included, for the reader pages.

    npm ci --prefix tests/lighthouse      # once: Lighthouse, pinned
    .venv/bin/python bench/lighthouse.py [--repeat 3] [--reports DIR]

Serves the demo site as production does (gunicorn, DEBUG off, collected
static files through whitenoise's compressed manifest, the page cache on)
from a temporary SQLite database, and runs Lighthouse (mobile profile, its
simulated throttling) with Debian's Chromium at /usr/bin/chromium against
each page of tests/lighthouse_run.PAGES. Prints the median of --repeat runs
per category; --reports keeps each run's JSON report."""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import lighthouse_run  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--reports", type=Path)
    args = parser.parse_args()
    reason = lighthouse_run.missing()
    if reason:
        sys.exit(reason)
    columns = lighthouse_run.CATEGORIES
    print(f"{'page':<14}" + "".join(f"{c:>16}" for c in columns))
    with tempfile.TemporaryDirectory() as tmp:
        with lighthouse_run.demo_server(tmp) as base:
            for name, path in lighthouse_run.PAGES.items():
                runs, failing = [], {}
                for run in range(args.repeat):
                    report = None
                    if args.reports:
                        args.reports.mkdir(parents=True, exist_ok=True)
                        report = args.reports / f"{name}-{run + 1}.json"
                    found, below = lighthouse_run.scores(base + path, report=report)
                    runs.append(found)
                    failing |= below
                medians = [statistics.median(r[c] for r in runs) for c in columns]
                print(f"{name:<14}" + "".join(f"{m:>16.0f}" for m in medians))
                for audit, title in sorted(failing.items()):
                    print(f"{'':<14}below 100: {audit} ({title})")


if __name__ == "__main__":
    main()
