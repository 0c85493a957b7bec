#!/usr/bin/env python3
"""Benchmark: what the content API's answers cost as the archive grows.

    .venv/bin/python bench/api.py [--sizes 1000,10000,100000]
        [--databases sqlite,postgres] [--out var/bench/api.json]

Builds the archives of bench/run.py (same builder, databases and variables:
BENCH_POSTGRES_URL, BENCH_DATABASE) and prints for each size, per API URL
(article list, filtered by the busiest municipality and topic, a deep page
by key, an article, municipalities, topics): the SQL queries and the median
and p95 time of 50 requests through Django's test client with the page
cache bypassed. It exits 1 when a URL's query count differs between sizes.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import run  # bench/run.py: the archive builder and its helpers

RUNS, WARM_UP = 50, 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--out", default="var/bench/api.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.worker:
        return worker(args.worker, sizes, Path(args.out))

    run.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results, same = {}, True
    for database in args.databases.split(","):
        part = run.BENCH_DIR / f"api-{database}.json"
        run.say(f"==> {database}: archives of {', '.join(map(str, sizes))} articles")
        subprocess.run(
            [sys.executable, __file__, "--worker", database, "--sizes", args.sizes]
            + ["--out", str(part)],
            cwd=run.ROOT,
            env=run.base_env(run.database_url(database)),
            check=True,
        )
        results[database] = json.loads(part.read_text())
        same = print_summary(database, results[database]) and same
    out = run.ROOT / args.out
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    run.say(f"==> figures in {out.relative_to(run.ROOT)}")
    return 0 if same else 1


def print_summary(database, figures):
    """The table of one database; True when every URL's query count is the
    same at every size."""
    sizes = list(figures)
    run.say(f"\n{database}: queries, median / p95 ms")
    run.say("url".ljust(34) + "".join(f"{int(size):>26,}" for size in sizes))
    same = True
    for name in figures[sizes[0]]:
        cells = [figures[size][name] for size in sizes]
        counts = {cell["queries"] for cell in cells}
        same = same and len(counts) == 1
        run.say(
            name.ljust(34)
            + "".join(
                f"{cell['queries']:>6} q {cell['median_ms']:>7.1f} / "
                f"{cell['p95_ms']:>6.1f} ms"
                for cell in cells
            )
        )
    run.say(
        "same query count at every size: " + ("yes" if same else "NO (a budget grew)")
    )
    return same


def worker(database, sizes, out):
    run.reset_database(database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    run.say("   migrating")
    call_command("migrate", verbosity=0)
    results, built = {}, 0
    for size in sizes:
        started = time.perf_counter()
        run.build(built, size, sizes[-1])
        built = size
        run.say(f"   built {size:,} articles in {time.perf_counter() - started:.0f} s")
        results[str(size)] = measure(size)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def api_urls():
    """One URL per kind of answer; the busiest municipality and topic."""
    from articles.models import Article, Municipality, Tag

    article = Article.objects.published().order_by("-published_at").first()
    oldest = Article.objects.published().order_by("published_at", "pk")
    deep_key = oldest.values_list("pk", flat=True)[20]
    place = Municipality.objects.order_by("pk").first()
    tag = Tag.objects.order_by("pk").first()
    return {
        "list": "/api/v1/artikel/",
        "list ?gemeinde=": f"/api/v1/artikel/?gemeinde={place.slug}",
        "list ?thema=": f"/api/v1/artikel/?thema={tag.slug}",
        "list ?bundesland=&von=&bis=": (
            "/api/v1/artikel/?bundesland=NW&von=2020-01-01&bis=2999-12-31"
        ),
        "list ?nach= (last page)": f"/api/v1/artikel/?nach={deep_key}",
        "list ?anzahl=100": "/api/v1/artikel/?anzahl=100",
        "detail": f"/api/v1/artikel/{article.slug}/",
        "kommunen": "/api/v1/kommunen/",
        "themen": "/api/v1/themen/",
    }


def measure(size):
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    figures = {}
    with override_settings(PAGE_CACHE_SECONDS=0, API_RATE_LIMIT=0):
        for name, url in api_urls().items():
            queries = run.count_queries(client, url)
            for _run in range(WARM_UP):
                client.get(url)
            times = []
            for _run in range(RUNS):
                started = time.perf_counter()
                assert client.get(url).status_code == 200, url
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            figures[name] = {
                "url": url,
                "queries": queries,
                "median_ms": statistics.median(times),
                "p95_ms": times[int(len(times) * 0.95) - 1],
            }
            run.say(
                f"   {size:>7,} {name:<30} {queries} q, "
                f"median {figures[name]['median_ms']:.1f} ms"
            )
    return figures


if __name__ == "__main__":
    sys.exit(main())
