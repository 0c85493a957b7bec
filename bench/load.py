#!/usr/bin/env python3
"""Load test: twice gunicorn's capacity for a minute, while an editor publishes.

    .venv/bin/python bench/load.py [--articles 10000] [--workers 4]
        [--seconds 60] [--out var/bench/load.json]

1. Builds an archive in the PostgreSQL database newsroom_load (bench/run.py's
   builder) and a publisher in the group Chef vom Dienst, who logs in
   with a second factor (an authenticator app's code) as publishers must.
2. Starts gunicorn on 127.0.0.1 (a free port in 9300-9399) as in production:
   PostgreSQL, the Redis page cache (LOAD_REDIS_URL, default
   redis://127.0.0.1:6379/9, flushed), DEBUG off, --workers sync workers.
3. Measures the capacity with wrk (closed loop) on a mix of reader URLs:
   the highest requests per second over a sweep of connection counts.
4. Offers twice that rate open-loop for --seconds (Python asyncio: a request
   is due every 1/rate seconds whatever the answers; at most --concurrency in
   flight, a due request finding none free is dropped and counted). Meanwhile
   an editor logs in to the admin over HTTP and publishes an article through
   the add form; readers poll the home page and the article until they see it.
5. Samples the RSS of gunicorn's master and workers every 2 s.

Passes with zero 5xx answers, stable memory (the total at the end within 10 %
of the total after warm-up, and the last third's median no more than 5 %
above the middle third's) and the article visible to readers. Prints the
figures, writes them to --out and exits 1 when a criterion fails. Sends
traffic to 127.0.0.1 only; every loop is bounded in count and time.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# bench/run.py, next to this file: its archive builder and constants; it
# also puts the repository on sys.path for tests.servers.
from run import BENCH_DIR, POSTGRES, ROOT, WORDS, build, recreate_postgres_database, say

from tests.servers import EDITOR_TOTP_KEY, Browser, Gunicorn, ServerError, serving, stop

# Parallel runs need their own database and Redis database.
DATABASE = os.environ.get("LOAD_DATABASE", "newsroom_load")
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
PORTS = range(9300, 9400)
HOST = "127.0.0.1"  # the only address this script ever sends to
EDITOR = ("chefin", "Lasttest-nur-lokal-83")  # publishes, with a second factor
# Reader URL mix, by weight: what a municipal news site's readers open.
MIX = {"article": 45, "home": 20, "topic": 10, "municipality": 10, "feed": 10}
MIX["search"] = 5
SWEEP = (8, 16, 32)  # wrk connections for the capacity sweep
SAMPLE_SECONDS = 2
WRK_LUA = BENCH_DIR / "load-mix.lua"
PATHS_FILE = BENCH_DIR / "load-paths.txt"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--sweep-seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=512)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--out", default="var/bench/load.json")
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        return generate(**json.loads(args.generate))

    if not shutil.which("wrk"):
        sys.exit("bench/load.py needs wrk to measure the capacity: apt-get install wrk")
    check_services()
    # Production-like: no DEBUG, PostgreSQL, Redis, the page cache on.
    for name in [name for name in os.environ if name.startswith("DJANGO_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SECRET_KEY="load-test-only-not-secret",
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        REDIS_URL=REDIS,
        NEWSROOM_PAGE_CACHE_SECONDS="600",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        PYTHONPATH=str(ROOT),
    )
    # SIGTERM unwinds like Ctrl-C, so the ExitStack below stops everything.
    signal.signal(signal.SIGTERM, interrupt)
    figures = {"articles": args.articles, "workers": args.workers}
    try:
        with contextlib.ExitStack() as stack:
            run_load_test(args, figures, stack)
    except KeyboardInterrupt:
        sys.exit("bench/load.py interrupted; everything it started is stopped.")
    except ServerError as error:
        sys.exit(f"bench/load.py: {error}")
    report(figures, ROOT / args.out)


def interrupt(signum, frame):
    raise KeyboardInterrupt


def check_services():
    import psycopg
    import redis

    try:
        psycopg.connect(f"{POSTGRES}/postgres").close()
    except psycopg.OperationalError as error:
        sys.exit(f"bench/load.py needs PostgreSQL at {POSTGRES}: {error}")
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.RedisError as error:
        sys.exit(f"bench/load.py needs Redis at {REDIS}: {error}")


def run_load_test(args, figures, stack):
    say(f"==> Database {DATABASE}: archive of {args.articles:,} articles")
    paths = set_up(args.articles)
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    server = Gunicorn(
        dict(os.environ),  # production-like, as main() set it
        log=BENCH_DIR / "load-gunicorn.log",
        workers=args.workers,
        ports=PORTS,
        options=["--log-level", "warning"],
    )
    port, base = server.port, server.url
    say(f"==> gunicorn on {HOST}:{port}, {args.workers} sync workers, Redis {REDIS}")
    stack.enter_context(serving(server, timeout=120))
    memory = stack.enter_context(MemorySampler(server.process.pid))
    say(f"==> Warming the cache: {len(set(paths))} distinct URLs, each must be 200")
    for path in sorted({path for _kind, path in paths}):
        status = fetch(base + path)[0]
        if status != 200:
            sys.exit(f"{path} answered {status}, not 200")

    memory.phase = "capacity"
    say(f"==> Capacity: wrk, 2 threads, {', '.join(map(str, SWEEP))} connections")
    figures["capacity"] = capacity(base, args.sweep_seconds)
    rate = 2 * figures["capacity"]["requests_per_second"]

    memory.phase = "overload"
    memory.mark_warm()
    say(
        f"==> Offering {rate:.0f} req/s (twice the capacity) open-loop for "
        f"{args.seconds} s, at most {args.concurrency} in flight"
    )
    result_file = BENCH_DIR / "load-generator.json"
    result_file.unlink(missing_ok=True)
    plan = {
        "port": port,
        "rate": rate,
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "timeout": args.timeout,
        "out": str(result_file),
    }
    generator = subprocess.Popen(
        [sys.executable, __file__, "--generate", json.dumps(plan)]
    )
    stack.callback(stop, generator)
    editor = Editor(base, start_after=min(15, args.seconds / 4), timeout=args.timeout)
    editor_thread = threading.Thread(target=editor.run, daemon=True)
    editor_thread.start()
    generator.wait(timeout=args.seconds + 2 * args.timeout + 30)
    editor_thread.join(timeout=2 * args.timeout + 60)
    if generator.returncode:
        sys.exit(f"the load generator failed (exit {generator.returncode})")
    figures["overload"] = json.loads(result_file.read_text())
    figures["publish"] = editor.figures
    memory.phase = "after"
    time.sleep(SAMPLE_SECONDS)
    figures["memory"] = memory.summary()


# Set-up: database, archive, editor, URL mix.


def set_up(articles):
    recreate_postgres_database(DATABASE)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections

    say("   migrating, collecting static files")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    started = time.perf_counter()
    build(0, articles, articles)
    say(f"   built {articles:,} articles in {time.perf_counter() - started:.0f} s")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    publisher = get_user_model().objects.create_user(EDITOR[0], password=EDITOR[1])
    call_command("assign_role", EDITOR[0], "chef-vom-dienst")
    TOTPDevice.objects.create(
        user=publisher, key=EDITOR_TOTP_KEY, name="Authenticator-App", confirmed=True
    )
    say(f"   publisher {EDITOR[0]} in group Chef vom Dienst, with a second factor")
    paths = url_mix()
    connections.close_all()
    return paths


def url_mix(count=20_000):
    """`count` reader URLs drawn by MIX, newer articles and busier topics and
    municipalities more often (Zipf-like); written for wrk's Lua script."""
    from django.urls import reverse

    from articles.models import Article, Municipality, Tag

    rng = random.Random(83)
    newest = Article.objects.published().order_by("-published_at")
    newest_articles = list(newest.only("slug")[:500])
    articles = [article.get_absolute_url() for article in newest_articles]
    second_page = f"/?nach={newest_articles[19].pk}"  # keyset: after the 20th
    tags = list(Tag.objects.order_by("pk")[:50])
    topics = [tag.get_absolute_url() for tag in tags]
    places = [
        reverse("articles:municipality", kwargs={"slug": place.slug})
        for place in Municipality.objects.order_by("pk")[:50]
    ]
    feeds = [reverse("feeds:rss"), reverse("feeds:atom")]
    feeds += [reverse("feeds:topic_rss", kwargs={"slug": t.slug}) for t in tags[:5]]
    choices = {
        "article": articles,
        "home": ["/", "/", "/", second_page],
        "topic": topics,
        "municipality": places,
        "feed": feeds,
        "search": [
            f"{reverse('articles:search')}?{urllib.parse.urlencode({'q': word})}"
            for word in WORDS[:15]
        ],
    }
    kinds = rng.choices(list(MIX), list(MIX.values()), k=count)
    paths = []
    for kind in kinds:
        options = choices[kind]
        weights = [1 / rank for rank in range(1, len(options) + 1)]
        paths.append((kind, rng.choices(options, weights)[0]))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    PATHS_FILE.write_text("".join(f"{kind} {path}\n" for kind, path in paths))
    return paths


def fetch(url, timeout=30):
    """(status, body) of a GET as a reader without cookies sends it."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


# Memory: RSS of the master and its workers from /proc.


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            # The parent pid is the second field after the ")" of the name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


class MemorySampler:
    """Every SAMPLE_SECONDS: RSS of the master and each worker, in MiB."""

    def __init__(self, master):
        self.master, self.phase, self.samples = master, "warm-up", []
        self.warm_index = None
        self.stopped = threading.Event()

    def __enter__(self):
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=10)

    def loop(self):
        while not self.stopped.wait(0 if not self.samples else SAMPLE_SECONDS):
            workers = {pid: rss_kib(pid) / 1024 for pid in children(self.master)}
            master = rss_kib(self.master) / 1024
            self.samples.append(
                {
                    "t": round(time.monotonic() - self.started, 1),
                    "phase": self.phase,
                    "master_mib": round(master, 1),
                    "workers_mib": {str(p): round(m, 1) for p, m in workers.items()},
                    "total_mib": round(master + sum(workers.values()), 1),
                }
            )

    def mark_warm(self):
        """The next sample is the value after warm-up (cache filled, every
        worker has served the capacity sweep)."""
        self.warm_index = len(self.samples)

    def summary(self):
        totals = [sample["total_mib"] for sample in self.samples]
        run = [
            sample["total_mib"]
            for sample in self.samples[self.warm_index :]
            if sample["phase"] == "overload"
        ]
        warm, end = run[0], run[-1]
        third = max(1, len(run) // 3)
        middle, last = (
            statistics.median(run[third:-third] or run),
            statistics.median(run[-third:]),
        )
        worker_pids = {pid for s in self.samples for pid in s["workers_mib"]}
        stable = abs(end - warm) <= 0.10 * warm and last <= 1.05 * middle
        return {
            "rule": "end within 10 % of the value after warm-up, and the median "
            "of the last third of the overload samples at most 5 % above the "
            "middle third's",
            "start_mib": totals[0],
            "after_warm_up_mib": warm,
            "end_mib": end,
            "max_mib": max(totals),
            "middle_third_median_mib": middle,
            "last_third_median_mib": last,
            "worker_processes_seen": len(worker_pids),
            "stable": stable,
            "samples": self.samples,
        }


# Capacity: wrk, closed loop, on the URL mix.

LUA = """
-- Each thread walks the URL mix from its own offset.
local paths = {}
for line in io.lines("%(paths)s") do
  paths[#paths + 1] = line:match("^%%S+ (.+)$")
end
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 997)
end
function init(args)
  index = offset or 0
end
function request()
  index = index %% #paths + 1
  return wrk.format("GET", paths[index])
end
"""


def capacity(base, seconds):
    WRK_LUA.write_text(LUA % {"paths": PATHS_FILE})
    wrk(base, 8, max(3, seconds // 2))  # warm-up, not counted
    sweep = []
    for connections in SWEEP:
        figures = wrk(base, connections, seconds)
        sweep.append(figures)
        say(
            f"   {connections:3d} connections: {figures['requests_per_second']:7.0f} "
            f"req/s, p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
            f"non-2xx/3xx {figures['non_2xx_3xx']}, socket errors "
            f"{figures['socket_errors']}"
        )
    best = max(sweep, key=lambda figures: figures["requests_per_second"])
    say(f"   capacity: {best['requests_per_second']:.0f} req/s")
    return {**best, "sweep": sweep}


def wrk(base, connections, seconds):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "--timeout", "10s", "-s", str(WRK_LUA), base],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )  # fmt: skip
    figures = {"connections": connections, "seconds": seconds, "non_2xx_3xx": 0}
    figures["socket_errors"] = "none"
    for line in result.stdout.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            figures["requests_per_second"] = float(words[1])
        elif words[:1] in (["50%"], ["99%"]):
            figures[f"p{words[0][:-1]}_ms"] = milliseconds(words[1])
        elif line.strip().startswith("Non-2xx or 3xx responses:"):
            figures["non_2xx_3xx"] = int(words[-1])
        elif line.strip().startswith("Socket errors:"):
            figures["socket_errors"] = line.split(":", 1)[1].strip()
    if "requests_per_second" not in figures:
        sys.exit(f"wrk printed no rate:\n{result.stdout}{result.stderr}")
    return figures


def milliseconds(text):
    for unit, factor in (("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


# The editor: logs in over HTTP and publishes; readers poll until they see it.


class Editor:
    def __init__(self, base, start_after, timeout):
        self.base, self.start_after, self.timeout = base, start_after, timeout
        self.figures = {"published": False}

    def run(self):
        time.sleep(self.start_after)
        stamp = time.strftime("%H%M%S")
        title = f"Lasttest {stamp}: Kreistag beschliesst Glasfaserausbau"
        slug = f"lasttest-{stamp}"
        browser = Browser(timeout=60)
        try:
            started = time.monotonic()
            browser.log_in(self.base, *EDITOR)
            logged_in = time.monotonic()
            say(f"   editor: logged in after {logged_in - started:.1f} s")
            # Readers poll from now on, so the time the editor's browser
            # spends on the redirect to the list does not count.
            readers = [
                threading.Thread(
                    target=self.poll, args=(page, path, title), daemon=True
                )
                for page, path in (("home", "/"), ("article", f"/artikel/{slug}/"))
            ]
            for reader in readers:
                reader.start()
            landed, _html = browser.submit(
                f"{self.base}/admin/articles/article/add/",
                {
                    "kicker": "Lasttest",
                    "title": title,
                    "slug": slug,
                    "lead": "Ein Artikel, den eine Redakteurin mitten im "
                    "Lasttest veröffentlicht.",
                    "body": "<p>Die Leser sollen ihn sofort sehen.</p>",
                    "status": "published",
                },
            )
            saved = time.monotonic()
        except (urllib.error.URLError, OSError) as error:
            self.figures["error"] = f"{type(error).__name__}: {error}"
            say(f"   editor: FAILED ({self.figures['error']})")
            return
        if not landed.endswith("/admin/articles/article/"):
            self.figures["error"] = f"the add form did not save; it showed {landed}"
            say(f"   editor: FAILED, the add form answered with {landed}")
            return
        say(
            f"   editor: published “{title}”, back at the list after "
            f"{saved - logged_in:.1f} s"
        )
        for reader in readers:
            reader.join()
        published_at = published_moment(slug)
        self.figures.update(
            published=True,
            title=title,
            login_seconds=round(logged_in - started, 2),
            add_form_seconds=round(saved - logged_in, 2),
        )
        for page in ("home", "article"):
            seen = self.figures.pop(f"{page}_seen_at", None)
            self.figures[f"{page}_visible_after_seconds"] = (
                round(seen - published_at, 2) if seen else None
            )

    def poll(self, page, path, title):
        """An anonymous reader reloads every 0.5 s, at most 240 times."""
        for _attempt in range(240):
            try:
                status, body = fetch(self.base + path, timeout=self.timeout)
            except (urllib.error.URLError, OSError):
                status, body = None, ""
            if status == 200 and title in body:
                self.figures[f"{page}_seen_at"] = time.time()
                say(f"   reader sees it on the {page} page")
                return
            time.sleep(0.5)
        say(f"   reader does NOT see it on the {page} page")


def published_moment(slug):
    """When the server saved the article as published (epoch seconds)."""
    from django.db import connection

    from articles.models import Article

    try:
        return Article.objects.get(slug=slug).published_at.timestamp()
    finally:
        connection.close()


# The open-loop generator (its own process, so the editor and the memory
# sampler do not slow its clock).


def generate(port, rate, seconds, concurrency, timeout, out):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * concurrency))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    paths = [line.split(" ", 1) for line in PATHS_FILE.read_text().splitlines()]
    result = asyncio.run(open_loop(port, paths, rate, seconds, concurrency, timeout))
    Path(out).write_text(json.dumps(result, indent=2))


async def open_loop(port, paths, rate, seconds, concurrency, timeout):
    """Request number i is due at i / rate seconds; it is sent then if fewer
    than `concurrency` are in flight, else dropped. Bounded: rate × seconds
    requests, each at most `timeout` seconds."""
    loop = asyncio.get_running_loop()
    total = int(rate * seconds)
    counts = {"sent": 0, "dropped": 0, "timeouts": 0, "connection_errors": 0}
    statuses, latencies, by_kind, per_second = {}, [], {}, {}
    in_flight, tasks, max_lag = 0, set(), 0.0

    async def one(kind, path):
        nonlocal in_flight
        started = loop.time()
        try:
            status = await asyncio.wait_for(get(port, path), timeout)
        except TimeoutError:
            counts["timeouts"] += 1
        except OSError as error:
            counts["connection_errors"] += 1
            errors = counts.setdefault("errors", {})
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
        else:
            elapsed = (loop.time() - started) * 1000
            second = int(loop.time() - start)
            per_second[second] = per_second.get(second, 0) + 1
            statuses[status] = statuses.get(status, 0) + 1
            latencies.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
        finally:
            in_flight -= 1

    start = loop.time()
    next_report = start + 5
    for number in range(total):
        due = start + number / rate
        now = loop.time()
        if due > now + 0.001:
            await asyncio.sleep(due - now)
        max_lag = max(max_lag, loop.time() - due)
        if in_flight >= concurrency:
            counts["dropped"] += 1
        else:
            in_flight += 1
            counts["sent"] += 1
            kind, path = paths[number % len(paths)]
            task = loop.create_task(one(kind, path))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if loop.time() >= next_report:
            next_report += 5
            fives = sum(n for status, n in statuses.items() if status >= 500)
            say(
                f"   {loop.time() - start:4.0f} s: offered {number + 1:,}, "
                f"answered {len(latencies):,}, 5xx {fives}, timeouts "
                f"{counts['timeouts']}, errors {counts['connection_errors']}, "
                f"dropped {counts['dropped']:,}, in flight {in_flight}"
            )
    offered_seconds = loop.time() - start
    if tasks:  # each ends within `timeout`
        await asyncio.wait(tasks, timeout=timeout + 5)
    ordered = sorted(latencies)
    timeline = [per_second.get(second, 0) for second in range(int(seconds))]
    cpu = resource.getrusage(resource.RUSAGE_SELF)

    def percentile(values, share):
        return round(values[min(len(values) - 1, int(share * len(values)))], 1)

    return {
        "target_rate": rate,
        "offered": total,
        "offered_rate": round(total / offered_seconds, 1),
        "max_schedule_lag_ms": round(max_lag * 1000, 1),
        "seconds": round(offered_seconds, 1),
        "concurrency": concurrency,
        "timeout_seconds": timeout,
        **counts,
        "answered": len(latencies),
        "answered_rate": round(len(latencies) / offered_seconds, 1),
        "answered_per_second": timeline,
        "longest_silence_seconds": longest_run(timeline, 0),
        "generator_cpu_seconds": round(cpu.ru_utime + cpu.ru_stime, 1),
        "statuses": {str(status): n for status, n in sorted(statuses.items())},
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "latency_ms": {
            name: percentile(ordered, share)
            for name, share in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))
        }
        | {"max": round(ordered[-1], 1)}
        if ordered
        else {},
        "latency_ms_by_kind": {
            kind: {
                "p50": percentile(sorted(v), 0.5),
                "p99": percentile(sorted(v), 0.99),
            }
            for kind, v in sorted(by_kind.items())
        },
    }


def longest_run(values, value):
    """The longest stretch of consecutive `value`s in `values`."""
    longest = current = 0
    for item in values:
        current = current + 1 if item == value else 0
        longest = max(longest, current)
    return longest


async def get(port, path):
    """One GET on a new connection (gunicorn's sync workers close each), with
    the Host header browsers and wrk send, so the page cache's keys match."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionResetError("closed before answering")
        while await reader.read(65536):
            pass
        return int(status_line.split()[1])
    finally:
        writer.close()


# The figures.


def report(figures, out):
    overload, publish, memory = (
        figures["overload"],
        figures["publish"],
        figures["memory"],
    )
    checks = {
        "zero 5xx answers": overload["5xx"] == 0,
        "stable memory": memory["stable"],
        "published article seen on the home page": bool(
            publish.get("home_visible_after_seconds") is not None
        ),
        "published article seen at its URL": bool(
            publish.get("article_visible_after_seconds") is not None
        ),
    }
    figures["checks"] = checks
    figures["passed"] = all(checks.values())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    capacity = figures["capacity"]
    latency = overload["latency_ms"]
    say("\n==> Figures")
    say(
        f"   archive {figures['articles']:,} articles, PostgreSQL, Redis page cache, "
        f"gunicorn {figures['workers']} sync workers"
    )
    say(
        f"   capacity (wrk, closed loop, {capacity['connections']} connections): "
        f"{capacity['requests_per_second']:.0f} req/s"
    )
    say(
        f"   overload: target {overload['target_rate']:.0f} req/s, offered "
        f"{overload['offered']:,} in {overload['seconds']:.1f} s "
        f"({overload['offered_rate']:.0f} req/s), answered {overload['answered']:,} "
        f"({overload['answered_rate']:.0f} req/s)"
    )
    say(
        f"   statuses {overload['statuses']}, 5xx {overload['5xx']}, timeouts "
        f"{overload['timeouts']}, connection errors {overload['connection_errors']}, "
        f"dropped at the {overload['concurrency']} in-flight bound "
        f"{overload['dropped']:,}"
    )
    say(
        f"   seconds in which no request was answered: "
        f"{overload['longest_silence_seconds']} in a row; the generator "
        f"used {overload['generator_cpu_seconds']} s of CPU"
    )
    if latency:
        say(
            f"   latency of answered requests: p50 {latency['p50']:.0f} ms, "
            f"p90 {latency['p90']:.0f} ms, p99 {latency['p99']:.0f} ms, "
            f"max {latency['max']:.0f} ms"
        )
    if publish.get("published"):
        say(
            f"   editor: login {publish['login_seconds']} s, add form "
            f"{publish['add_form_seconds']} s; readers see it on the home page "
            f"after {publish.get('home_visible_after_seconds')} s, at its URL after "
            f"{publish.get('article_visible_after_seconds')} s"
        )
    else:
        say(f"   editor: not published ({publish.get('error')})")
    say(
        f"   memory (RSS, master + workers): start {memory['start_mib']:.0f} MiB, "
        f"after warm-up {memory['after_warm_up_mib']:.0f}, end "
        f"{memory['end_mib']:.0f}, max {memory['max_mib']:.0f}; "
        f"{memory['worker_processes_seen']} worker processes seen"
    )
    say(f"   stable = {memory['rule']}")
    for name, passed in checks.items():
        say(f"   {'PASS' if passed else 'FAIL'} {name}")
    say(f"==> Figures written to {out}")
    if not figures["passed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
