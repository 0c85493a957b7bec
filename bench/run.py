#!/usr/bin/env python3
"""Benchmark: what a reader's page costs as the archive grows.

    .venv/bin/python bench/run.py [--sizes 1000,10000,100000]
        [--databases sqlite,postgres] [--out var/bench/results.json]

For each database it builds an archive of each size (bulk inserts, growing
the same archive from one size to the next; SQLite in var/bench/, PostgreSQL
in the database newsroom_bench) and prints, per page (article, home, topic,
municipality, search): SQL queries, median and p95 render time in process,
requests per second under wrk against gunicorn without and with the page
cache; plus the related-news query's median time and EXPLAIN. It writes the
figures to --out and draws docs/benchmark.png.

Needs wrk (Debian: apt-get install wrk), PostgreSQL for the postgres run
(BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432) and uses
Redis as the shared cache when it answers (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/8, flushed). BENCH_DATABASE (default newsroom_bench,
dropped and created) and BENCH_PORT (default 8790) let runs go in parallel.
"""

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.servers starts gunicorn for us and the tests
BENCH_DIR = ROOT / "var" / "bench"
CHART = ROOT / "docs" / "benchmark.png"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
# Django's per-view cache of the floor, in a Redis database of its own.
FLOOR_REDIS = os.environ.get("BENCH_FLOOR_REDIS_URL", "redis://127.0.0.1:6379/10")
# Browsers offer compression; the floor ignores it, the page cache uses it.
ACCEPT_ENCODING = "gzip, deflate, br"
ROUNDS = 5  # repeated measurements; medians are reported with their spread
# Parallel runs need their own database, port and Redis database.
DATABASE = os.environ.get("BENCH_DATABASE", "newsroom_bench")
PORT = int(os.environ.get("BENCH_PORT", "8790"))  # in issue 7's range 8700-8799
PAGES = ["article", "home", "topic", "municipality", "search"]
MUNICIPALITIES, TAGS, CREDITS = 300, 400, 40
RENDER_RUNS, WARM_UP = 50, 3
INVALIDATION_MAX_SIZE = 10_000  # every article page is rendered twice
TIME_SPAN = timedelta(days=3650)  # the largest archive covers ten years
WORDS = (
    "Digitalisierung Rathaus Bürgerportal Verwaltung Onlinezugangsgesetz Open "
    "Data Breitband Glasfaser Schule Tablet KI Chatbot Cloud Sicherheit Cyber "
    "Angriff Förderung Land Bund Kreis Stadt Gemeinde Antrag online Termin "
    "Bürgerbüro Smart City Sensor Parken App Plattform Dienst Kommune"
).split()


def say(message):
    print(message, flush=True)


def base_env(database_url):
    from tests.servers import environment

    return environment(
        DJANGO_SECRET_KEY="benchmark-only-not-secret",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        NEWSROOM_LOG_LEVEL="WARNING",
        PYTHONPATH=f"{ROOT}:{ROOT / 'bench'}",
    )


def database_url(database):
    if database == "sqlite":
        return f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"
    return f"{POSTGRES}/{DATABASE}"


# The parent: checks, one worker process per database, the chart.


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--out", default="var/bench/results.json")
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.worker:
        return worker(args.worker, sizes, args.wrk_seconds, Path(args.out))

    if not shutil.which("wrk"):
        sys.exit("bench/run.py needs wrk: apt-get install wrk")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = ROOT / args.out
    say("==> Collecting static files (gunicorn runs without DEBUG)")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=base_env(database_url("sqlite")),
        check=True,
    )
    results = {}
    for database in args.databases.split(","):
        part = BENCH_DIR / f"results-{database}.json"
        say(f"==> {database}: archives of {', '.join(map(str, sizes))} articles")
        subprocess.run(
            [sys.executable, __file__, "--worker", database, "--sizes", args.sizes]
            + ["--wrk-seconds", str(args.wrk_seconds), "--out", str(part)],
            cwd=ROOT,
            env=base_env(database_url(database)),
            check=True,
        )
        results[database] = json.loads(part.read_text())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    say(f"==> Figures written to {out}")
    print_summary(results)
    draw_chart(results)
    say(f"==> Chart drawn to {CHART}")


def print_summary(results):
    say(
        "\n==> Summary: render median / p95 / after a change, queries, "
        "req/s without → with the cache"
    )
    for database, by_size in results.items():
        for size, figures in by_size.items():
            say(f"-- {database}, {int(size):,} articles")
            for page, page_figures in figures["pages"].items():
                say(
                    f"   {page:<13} {page_figures['median_ms']:6.1f} / "
                    f"{page_figures['p95_ms']:6.1f} / "
                    f"{page_figures['after_change_ms']:6.1f} ms "
                    f"{page_figures['queries']:2d} q "
                    f"{page_figures['rps_uncached']:8.0f} → "
                    f"{page_figures['rps_cached']:8.0f} req/s"
                )
            related = figures["related"]
            say(f"   related news query median {related['median_ms']:.2f} ms")
            deep = figures["deep_page"]
            say(
                f"   home, last page (?nach={deep['key']}, keyset pagination): "
                f"median {deep['median_ms']:.1f} ms"
            )
    say("\n==> The article page against plain Django (CPU time, medians)")
    for database, by_size in results.items():
        for size, figures in by_size.items():
            floor = figures["floor"]
            say(
                f"   {database} {int(size):,}: uncached {floor['ours_cpu_ms']:.1f} ms "
                f"({floor['ours_queries']} q) vs floor {floor['floor_cpu_ms']:.1f} ms "
                f"({floor['floor_queries']} q) = {floor['ratio']:.2f}× "
                f"({'ok' if floor['ratio'] <= 1.0 else 'OVER 1.0×'}); cache hit "
                f"{figures['pages']['article']['rps_cached']:.0f} req/s vs "
                f"cache_page {floor['rps_cache_page']:.0f} = {floor['hit_ratio']:.2f}× "
                f"({'ok' if floor['hit_ratio'] >= 1.5 else 'UNDER 1.5×'})"
            )
            if "invalidation" not in figures:
                continue
            shares = ", ".join(
                f"{label} article {f['still_cached']:.1%}"
                for label, f in figures["invalidation"].items()
            )
            say(f"   {database} {int(size):,}: article pages still cached after "
                f"one retag: {shares} (target ≥ 95 %)")  # fmt: skip
    say("\n==> Targets")
    for database, by_size in results.items():
        sizes = sorted(by_size, key=int)
        smallest, largest = by_size[sizes[0]], by_size[sizes[-1]]
        for page in PAGES:
            small = smallest["pages"][page]
            large = largest["pages"][page]
            ratio = large["median_ms"] / small["median_ms"]
            verdict = "ok" if ratio <= 1.5 else "OVER 1.5×"
            say(
                f"   {database} {page}: median at {int(sizes[-1]):,} is "
                f"{ratio:.2f}× the median at {int(sizes[0]):,} ({verdict})"
            )
        related = largest["related"]["median_ms"]
        verdict = "ok" if related < 20 else "OVER 20 ms"
        say(
            f"   {database} related query at {int(sizes[-1]):,}: "
            f"{related:.2f} ms ({verdict})"
        )
        article = largest["pages"]["article"]
        gain = article["rps_cached"] / article["rps_uncached"]
        verdict = "ok" if gain >= 10 else "UNDER 10×"
        say(f"   {database} cached article page: {gain:.1f}× the req/s ({verdict})")


def draw_chart(results):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (times, rates) = plt.subplots(1, 2, figsize=(12, 5))
    for database, by_size in results.items():
        sizes = sorted(by_size, key=int)
        style = "-" if database == "postgres" else "--"
        for colour, page in enumerate(PAGES):
            points = [(int(size), by_size[size]["pages"][page]) for size in sizes]
            xs = [size for size, _figures in points]
            line = {
                "color": f"C{colour}",
                "marker": "o",
                "label": f"{page} ({database})",
            }
            times.plot(xs, [f["median_ms"] for _s, f in points], style, **line)
            rates.plot(xs, [f["rps_uncached"] for _s, f in points], style, **line)
        article = [by_size[size]["pages"]["article"] for size in sizes]
        rates.plot(
            [int(size) for size in sizes],
            [figures["rps_cached"] for figures in article],
            style,
            color="black",
            marker="s",
            linewidth=3,
            label=f"article, cached ({database})",
        )
    times.set(
        title="Median render time per page",
        xlabel="articles in the archive",
        ylabel="ms",
        xscale="log",
    )
    rates.set(
        title="Requests per second (wrk, gunicorn)",
        xlabel="articles in the archive",
        ylabel="req/s",
        xscale="log",
        yscale="log",
    )
    for axes in (times, rates):
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=7)
    figure.tight_layout()
    CHART.parent.mkdir(exist_ok=True)
    figure.savefig(CHART, dpi=100)


# The worker: runs with DATABASE_URL set to one benchmark database.


def worker(database, sizes, wrk_seconds, out):
    reset_database(database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's host name
    say("   migrating")
    call_command("migrate", verbosity=0)
    results = {}
    built = 0
    for size in sizes:
        started = time.perf_counter()
        build(built, size, sizes[-1])
        built = size
        say(f"   built {size:,} articles in {time.perf_counter() - started:.0f} s")
        results[str(size)] = measure(database, size, wrk_seconds)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def reset_database(database):
    if database == "sqlite":
        (BENCH_DIR / "bench.sqlite3").unlink(missing_ok=True)
        return
    recreate_postgres_database(DATABASE)


def recreate_postgres_database(name):
    """An empty PostgreSQL database `name` on the POSTGRES server."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def zipf_weights(count):
    return [1 / rank for rank in range(1, count + 1)]


def build(start, stop, largest):
    """Articles start..stop-1 of an archive whose `largest` articles span
    TIME_SPAN up to now; ids grow with publication time, as in a newsroom."""
    from django.db import connection, transaction
    from django.utils import timezone

    from articles.models import (
        Article,
        ArticleStatus,
        ImageCredit,
        Municipality,
        Tag,
        TaggedArticle,
    )

    rng = random.Random(start)
    if not start:
        Municipality.objects.bulk_create(
            Municipality(name=f"Kommune {n}", slug=f"kommune-{n}")
            for n in range(MUNICIPALITIES)
        )
        Tag.objects.bulk_create(
            Tag(name=f"{WORDS[n % len(WORDS)]} {n}", slug=f"thema-{n}")
            for n in range(TAGS)
        )
        ImageCredit.objects.bulk_create(
            ImageCredit(creator=f"fotograf{n}", source="123rf.com")
            for n in range(CREDITS)
        )
    places = list(Municipality.objects.order_by("pk"))
    tags = list(Tag.objects.order_by("pk").values_list("pk", flat=True))
    place_weights, tag_weights = zipf_weights(len(places)), zipf_weights(len(tags))
    now = timezone.now()
    step = TIME_SPAN / largest
    batch_size = 2000
    for batch_start in range(start, stop, batch_size):
        articles = []
        for number in range(batch_start, min(stop, batch_start + batch_size)):
            place = (
                rng.choices(places, place_weights)[0] if rng.random() < 0.85 else None
            )
            words = " ".join(rng.choices(WORDS, k=6))
            status = (
                ArticleStatus.DRAFT if number % 97 == 0 else ArticleStatus.PUBLISHED
            )
            articles.append(
                Article(
                    kicker=place.name if place else "Bund",
                    title=f"{words} ({number})",
                    slug=f"meldung-{number}",
                    lead=f"{words}. " * 4,
                    body=paragraphs(rng),
                    municipality=place,
                    status=status,
                    published_at=now - TIME_SPAN + step * number,
                )
            )  # fmt: skip
        with transaction.atomic():
            Article.objects.bulk_create(articles)
            taggings = []
            for article in articles:
                chosen = set()
                while len(chosen) < rng.randint(2, 5):
                    chosen.add(rng.choices(tags, tag_weights)[0])
                taggings += [
                    TaggedArticle(content_object=article, tag_id=t) for t in chosen
                ]
            TaggedArticle.objects.bulk_create(taggings)  # fmt: skip
        say(f"   … {min(stop, batch_start + batch_size):,} / {stop:,}")
    # A few scheduled articles, as a newsroom always has.
    Article.objects.filter(slug__in=[f"meldung-{stop - n}" for n in (3, 50)]).update(
        published_at=now + timedelta(days=2)
    )
    # PostgreSQL's autovacuum would do this within a minute; SQLite gets no
    # manual ANALYZE: the project keeps its statistics (articles/database.py).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def paragraphs(rng):
    return "".join(f"<p>{' '.join(rng.choices(WORDS, k=40))}</p>" for _p in range(4))


def sample_urls():
    """One URL per page kind; the busiest tag and municipality (worst case)."""
    from django.db.models import Count
    from django.urls import reverse

    from articles.models import Article, Municipality, Tag

    article = (
        Article.objects.published()
        .filter(municipality__isnull=False)
        .annotate(tag_count=Count("tags"))
        .filter(tag_count__gte=3)
        .order_by("-published_at")
        .first()
    )
    furnish(article)
    tag = Tag.objects.order_by("pk").first()
    place = Municipality.objects.order_by("pk").first()
    urls = {
        "article": article.get_absolute_url(),
        "home": reverse("articles:index"),
        "topic": tag.get_absolute_url(),
        "municipality": place.get_absolute_url(),
        # A word found in most articles: search's worst case.
        "search": reverse("articles:search") + "?q=Rathaus",
    }
    return article, urls


def furnish(article):
    """Give the sampled article what a newsroom's page shows besides its
    text: two authors, a correction note, a link and a download, a dossier
    on one of its topics (once; the archive is reused)."""
    from django.core.files.base import ContentFile

    from articles.management.commands.load_demo import demo_pdf
    from articles.models import ArticleAttachment, Author, Dossier

    if article.bylines.exists():
        return
    for position, name in enumerate(["Maria Muster", "Jan Beispiel"]):
        author = Author.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        article.bylines.create(author=author, position=position)
    article.corrections.create(
        text="In einer früheren Fassung stand ein falsches Datum."
    )
    ArticleAttachment.objects.create(
        article=article,
        title="Onlinezugangsgesetz",
        url="https://www.onlinezugangsgesetz.de/",
    )
    ArticleAttachment.objects.create(
        article=article,
        title="Beschlussvorlage",
        file=ContentFile(demo_pdf("Beschlussvorlage"), name="vorlage.pdf"),
        position=1,
    )
    Dossier.objects.create(
        title="Digitale Verwaltung",
        slug="digitale-verwaltung",
        topic=article.tags.first(),
        is_published=True,
    )


def measure(database, size, wrk_seconds):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import page_cache
    from articles.models import Article

    article, urls = sample_urls()
    client = Client()
    figures = {"pages": {}}
    with rendering_every_request():
        for page in PAGES:
            url = urls[page]
            for _run in range(WARM_UP):
                assert client.get(url).status_code == 200, url
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries = len(captured)  # now: the next request empties the log
            times = []
            for _run in range(RENDER_RUNS):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            after_change = []
            for _run in range(5):
                page_cache.invalidate_site("benchmark")
                started = time.perf_counter()
                client.get(url)
                after_change.append((time.perf_counter() - started) * 1000)
            figures["pages"][page] = {
                "url": url,
                "queries": queries,
                "median_ms": statistics.median(times),
                "p95_ms": statistics.quantiles(times, n=20)[-1],
                "after_change_ms": statistics.median(after_change),
            }
            say(
                f"   {page}: {queries} queries, median "
                f"{statistics.median(times):.1f} ms, p95 "
                f"{figures['pages'][page]['p95_ms']:.1f} ms; first render after "
                f"a change {statistics.median(after_change):.1f} ms"
            )

    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    times = []
    for _run in range(WARM_UP + RENDER_RUNS):
        started = time.perf_counter()
        article.related()
        times.append((time.perf_counter() - started) * 1000)
    sidebar = Article.objects.published().for_teasers().related_to(article)[:15]
    analyze = {"analyze": True} if connection.vendor == "postgresql" else {}
    figures["related"] = {
        "median_ms": statistics.median(times[WARM_UP:]),
        "explain": sidebar.explain(**analyze),
    }
    say(f"   related news query: median {figures['related']['median_ms']:.2f} ms")
    say("   EXPLAIN " + figures["related"]["explain"].replace("\n", "\n   "))
    home = Article.objects.published().for_teasers()[:20]
    figures["home_explain"] = home.explain(**analyze)
    say("   EXPLAIN (home) " + figures["home_explain"].replace("\n", "\n   "))
    figures["deep_page"] = deep_page(client)
    figures["floor"] = floor_figures(urls["article"])
    figures["profile"] = profile(urls["article"])
    figures["sitemaps"] = sitemap_figures()
    if size <= INVALIDATION_MAX_SIZE:
        figures["invalidation"] = invalidation_figure(size)
    else:  # rendering every page would take hours: bench/invalidation.py samples
        say(f"   invalidation figure: see bench/invalidation.py at {size:,}")

    for cached in (False, True):
        label = "rps_cached" if cached else "rps_uncached"
        with gunicorn(database, cached) as base:
            for page in PAGES:
                if urls[page]:
                    urllib.request.urlopen(base + urls[page]).read()  # warm up
                    rate = wrk(base + urls[page], wrk_seconds, ACCEPT_ENCODING)
                    figures["pages"][page][label] = rate
                    mode = "cached" if cached else "uncached"
                    say(f"   wrk {page} {mode}: {rate:.0f} req/s")
    with gunicorn(database, True, floor=True) as base:
        url = base + "/floor/cached" + urls["article"]
        urllib.request.urlopen(url).read()
        rate = wrk(url, wrk_seconds, ACCEPT_ENCODING)
        figures["floor"]["rps_cache_page"] = rate
        say(f"   wrk article, Django's cache_page on the floor: {rate:.0f} req/s")
    hit = figures["pages"]["article"]["rps_cached"]
    figures["floor"]["hit_ratio"] = hit / rate
    say(f"   page cache hit / cache_page: {hit / rate:.2f}×")
    return figures


def count_queries(client, url):
    """SQL statements one GET of `url` runs (an execute wrapper: the query
    log that CaptureQueriesContext reads stops growing at 9,000 entries)."""
    from django.db import connection

    statements = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)
    ):
        assert client.get(url).status_code == 200, url
    return len(statements)


def cpu_ms(client, url, runs):
    """Median CPU time (user + system of this process) of `runs` GETs."""
    times = []
    for _run in range(runs):
        started = time.process_time()
        assert client.get(url).status_code == 200, url
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def floor_figures(article_url):
    """The article page uncached against the plain-Django floor (same
    queries, same template, Django's default middleware), in CPU time, in
    ROUNDS alternating rounds; medians and the spread between rounds."""
    from django.test import Client
    from django.test.utils import override_settings
    from floor_settings import PLAIN_MIDDLEWARE

    def queries(client, url):
        for _run in range(WARM_UP):
            client.get(url)
        return count_queries(client, url)

    plain_settings = override_settings(
        ROOT_URLCONF="floor", MIDDLEWARE=PLAIN_MIDDLEWARE
    )
    floor_url = "/floor" + article_url
    ours, floor = [], []
    with rendering_every_request():
        client = Client()
        our_queries = queries(client, article_url)
        with plain_settings:
            plain = Client()
            floor_queries = queries(plain, floor_url)
        for _round in range(ROUNDS):  # alternating, so that drift hits both
            ours.append(cpu_ms(client, article_url, RENDER_RUNS // 2))
            with plain_settings:
                floor.append(cpu_ms(plain, floor_url, RENDER_RUNS // 2))
    figures = {
        "ours_cpu_ms": statistics.median(ours),
        "floor_cpu_ms": statistics.median(floor),
        "ours_rounds": ours,
        "floor_rounds": floor,
        "ours_queries": our_queries,
        "floor_queries": floor_queries,
    }
    figures["ratio"] = figures["ours_cpu_ms"] / figures["floor_cpu_ms"]
    say(
        f"   article uncached {figures['ours_cpu_ms']:.1f} ms CPU "
        f"({our_queries} q; rounds {', '.join(f'{t:.1f}' for t in ours)}) vs "
        f"floor {figures['floor_cpu_ms']:.1f} ms ({floor_queries} q; rounds "
        f"{', '.join(f'{t:.1f}' for t in floor)}): {figures['ratio']:.2f}×"
    )
    return figures


def profile(article_url):
    """cProfile of 30 uncached renders of the article page: the top entries
    by cumulative time."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    client = Client()
    with rendering_every_request():
        client.get(article_url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _run in range(30):
            client.get(article_url)
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    text = out.getvalue()
    say("   profile of the uncached article page (30 renders, cumulative):")
    say("   " + "\n   ".join(text.strip().splitlines()[:45]))
    return text


def sitemap_figures():
    """Each sitemap uncached: queries and median time in process."""
    from django.test import Client
    from django.utils import timezone

    from articles.models import Article

    newest = Article.objects.published().order_by("-published_at").first()
    month = timezone.localtime(newest.published_at).strftime("%Y-%m")
    client = Client()
    figures = {}
    with rendering_every_request():
        for url in ("/sitemap.xml", f"/sitemap-artikel-{month}.xml",
                    "/sitemap-kommunen.xml", "/sitemap-themen.xml",
                    "/sitemap-news.xml"):  # fmt: skip
            assert client.get(url).status_code == 200, url
            queries = count_queries(client, url)
            times = []
            for _run in range(10):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            figures[url] = {
                "queries": queries,
                "median_ms": statistics.median(times),
            }
            say(
                f"   {url}: {queries} queries, median "
                f"{statistics.median(times):.1f} ms uncached"
            )
    return figures


def invalidation_figure(size):
    """Every article page cached; a moderator adds the busiest topic to one
    article of the archive's first year: the share of article pages still
    cached (and for the newest article, whose change reaches the most
    sidebars)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client, RequestFactory
    from django.test.utils import override_settings

    from articles import page_cache
    from articles.models import Article, Tag
    from articles.services import article_tags_set

    busiest = Tag.objects.annotate(n=Count("tagged_articles")).order_by("-n").first()
    user = get_user_model().objects.get_or_create(username="bench-moderator")[0]
    published = list(Article.objects.published().order_by("published_at"))
    urls = [article.get_absolute_url() for article in published]
    factory = RequestFactory()
    figures = {}
    with override_settings(PAGE_CACHE_SECONDS=600):
        page_cache.clear()
        client = Client()
        started = time.perf_counter()
        for url in urls:
            client.get(url)
        seconds = time.perf_counter() - started
        say(f"   cached {len(urls):,} article pages in {seconds:.0f} s")
        for label, article in (
            ("old", next(a for a in published[len(published) // 10:]
                         if busiest not in a.tags.all())),
            ("newest", published[-1]),
        ):  # fmt: skip
            cached = [url for url in urls if page_cache.store().get(
                page_cache.entry_key(factory.get(url))) is not None]  # fmt: skip
            names = [tag.name for tag in article.tags.all()] + [busiest.name]
            article_tags_set(article=article, names=names, user=user)
            still = sum(
                page_cache.store().get(page_cache.entry_key(factory.get(url)))
                is not None
                for url in cached
            )
            share = still / len(urls)
            figures[label] = {"article": article.pk, "still_cached": share}
            say(
                f"   retagging the {label} article {article.pk} (+{busiest.name}): "
                f"{share:.1%} of {len(urls):,} article pages still cached"
            )
            for url in urls:  # cache again what it invalidated
                client.get(url)
    return figures


@contextlib.contextmanager
def rendering_every_request():
    """Render every request: the page cache neither answers nor stores."""
    from django.test.utils import override_settings

    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


def deep_page(client):
    """The home's last page, older than the 21st-oldest article: keyset
    pagination starts it from an index, as fast as the first page."""
    from articles.models import Article

    oldest = Article.objects.published().order_by("published_at", "pk")
    key = oldest.values_list("pk", flat=True)[20]
    with rendering_every_request():
        assert client.get(f"/?nach={key}").status_code == 200
        times = []
        for _run in range(10):
            started = time.perf_counter()
            client.get(f"/?nach={key}")
            times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    say(f"   home, last page (?nach={key}): median {median:.1f} ms")
    return {"key": key, "median_ms": median}


@contextlib.contextmanager
def gunicorn(database, cached, floor=False):
    """gunicorn (2 workers) on 127.0.0.1:PORT, with the page cache on or off,
    or the plain-Django floor with Django's per-view cache; its base URL.
    Its log: var/bench/gunicorn-<database>.log."""
    from tests.servers import Gunicorn, ServerError, serving

    env = base_env(database_url(database))
    env["NEWSROOM_PAGE_CACHE_SECONDS"] = "600" if cached else "0"
    if floor and redis_answers(FLOOR_REDIS):
        env["DJANGO_SETTINGS_MODULE"] = "floor_settings"
        env["BENCH_FLOOR_REDIS_URL"] = FLOOR_REDIS
    elif cached and redis_answers(REDIS):
        env["REDIS_URL"] = REDIS
    try:
        server = Gunicorn(
            env,
            log=BENCH_DIR / f"gunicorn-{database}.log",
            workers=2,
            ports=[PORT],
            options=["--log-level", "warning"],
        )
        with serving(server):
            yield server.url
    except ServerError as error:
        sys.exit(f"bench/run.py: {error}")


def redis_answers(url):
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
        return True
    except redis.RedisError:
        return False


def wrk(url, seconds, accept_encoding):
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "-H",
            f"Accept-Encoding: {accept_encoding}",
            url,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            if "Non-2xx" in result.stdout:
                sys.exit(f"wrk got errors from {url}:\n{result.stdout}")
            return float(line.split()[1])
    sys.exit(f"wrk printed no rate for {url}:\n{result.stdout}")


if __name__ == "__main__":
    main()
