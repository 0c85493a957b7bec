"""Losing the page cache's store costs speed, never correctness or an
editor's save: Redis stopped in the middle of a run, Redis full, and the
default store shared by several gunicorn workers on one machine. Each test
runs its own redis-server; the machine's shared one is never touched."""

import contextlib
import http.server
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import redis
from django.test import Client
from django.utils import timezone

from articles import page_cache
from articles.models import MissedInvalidation
from tests.factories import make_article
from tests.servers import (
    EDITOR_AND_ARTICLE,
    Browser,
    Gunicorn,
    RedisServer,
    ServerError,
    bound_socket,
    installed,
    serving,
    site_environment,
)
from tests.test_precise_invalidation import is_cached, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_redis(tmp_path, require):
    """own_redis(port=None, *options): a running redis-server of this test's
    own, as a context manager yielding it; the shared one is never touched."""
    require(installed("redis-server"), "apt-get install redis-server")

    @contextlib.contextmanager
    def start(port=None, *options):
        server = RedisServer(
            log=tmp_path / "redis.log", ports=[port] if port else None, options=options
        )
        try:
            with serving(server):
                yield server
        except ServerError as error:
            pytest.fail(str(error), pytrace=False)

    return start


@pytest.fixture
def cache_on(settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 600
    # Ask the store again at once after a failure, instead of after 5 s.
    monkeypatch.setattr(page_cache, "RETRY_AFTER_ERROR", 0)


def use_redis(settings, url):
    settings.PAGE_CACHE_REDIS_URL = url


def test_redis_stopping_mid_run_costs_speed_not_pages_or_saves(
    cache_on, settings, own_redis, committed
):
    article = make_article(title="Zieht bald zurück")
    reader = Client()
    with own_redis() as redis_server:
        use_redis(settings, redis_server.redis_url)
        assert "Zieht bald zurück" in text(reader, "/")
        assert is_cached("/")
    # Redis is gone: readers get rendered pages, the editor's save succeeds.
    assert "Zieht bald zurück" in text(reader, article.get_absolute_url())
    with committed():
        article.unpublish()
    assert "Zieht bald zurück" not in text(reader, "/")
    assert reader.get(article.get_absolute_url()).status_code == 404

    with own_redis(redis_server.port):  # back, on the same address
        assert "Zieht bald zurück" not in text(reader, "/")
        assert is_cached("/")  # caching again


def test_full_redis_renders_pages_and_publishes(
    cache_on, settings, own_redis, committed
):
    options = ("--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
    with own_redis(None, *options) as redis_server:
        url = redis_server.redis_url
        use_redis(settings, url)
        make_article(title="Erste Meldung")
        reader = Client()
        assert "Erste Meldung" in text(reader, "/")
        assert is_cached("/")
        client = redis.Redis.from_url(url)
        with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
            for number in range(10_000):
                client.set(f"ballast:{number}", "x" * 10_000)

        draft = make_article(title="Neu trotz vollem Redis", status="draft")
        with committed():
            draft.publish()
        assert "Neu trotz vollem Redis" in text(reader, "/")
        assert "Neu trotz vollem Redis" in text(reader, draft.get_absolute_url())


def test_invalidation_missed_while_redis_hangs_reaches_readers_after_a_reload(
    tmp_path, own_redis
):
    """Redis hangs (no answer, its pages kept) while an editor withdraws an
    article, and the workers are reloaded before it answers again, so the
    one that missed the invalidation is gone: the new workers send it, and no
    reader gets the withdrawn article from the cache. Meanwhile readers, the
    API and the editor's save are answered."""
    with own_redis() as redis_server:
        env = site_environment(
            tmp_path, EDITOR_AND_ARTICLE, REDIS_URL=redis_server.redis_url
        )
        app = Gunicorn(env, log=tmp_path / "gunicorn.log", workers=2)
        try:
            with serving(app):
                page = f"{app.url}/artikel/tiktok/"
                for _request in range(10):
                    assert fetch(page)[0] == 200
                pages = redis.Redis.from_url(redis_server.redis_url)
                assert pages.keys("newsroom:page:e:*")  # the page is stored
                editor = Browser()
                editor.log_in(app.url)
                old_workers = workers_of(app)

                redis_server.process.send_signal(signal.SIGSTOP)
                try:
                    landed, _html = editor.submit(
                        f"{app.url}/admin/articles/article/1/change/",
                        {"status": "draft"},
                    )
                    assert landed.endswith("/admin/articles/article/")
                    assert fetch(page)[0] == 404
                    # The widget's API answers stay prompt: the rate limit
                    # waits a quarter second for Redis once, then skips it.
                    for _request in range(4):
                        assert fetch(f"{app.url}/api/v1/artikel/", timeout=2)[0] == 200
                    app.process.send_signal(signal.SIGHUP)  # a deploy's reload
                    wait_until_gone(old_workers)
                finally:
                    redis_server.process.send_signal(signal.SIGCONT)

                assert [fetch(page)[0] for _request in range(20)] == [404] * 20
        except ServerError as error:
            pytest.fail(str(error), pytrace=False)


def workers_of(app):
    found = subprocess.run(
        ["pgrep", "-P", str(app.process.pid)], capture_output=True, text=True
    )
    return [int(pid) for pid in found.stdout.split()]


def wait_until_gone(pids, timeout=30):
    deadline = time.monotonic() + timeout
    for pid in pids:
        while os.path.exists(f"/proc/{pid}") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not os.path.exists(f"/proc/{pid}"), f"worker {pid} still running"


class PurgeRecorder:
    """An HTTP cache's purge endpoint on `port`, in a thread: answers every
    PURGE with 200 and records the keys of its xkey-purge header."""

    def __init__(self, port):
        recorder = self
        self.keys = set()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
                recorder.keys.update(self.headers["xkey-purge"].split())
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


def test_purge_the_edge_missed_is_sent_again_once_it_answers(settings, committed):
    """The edge does not answer when an editor corrects a title: the purge
    is kept and sent with the app's next request once the edge is back;
    one missed longer ago than pages are cached is dropped unsent."""
    with bound_socket() as reserved:
        port = reserved.getsockname()[1]
    settings.PURGE_URLS = [f"http://127.0.0.1:{port}/"]
    article = make_article(title="Falscher Titel")
    MissedInvalidation.objects.create(key="article-999999", cause="long ago")
    MissedInvalidation.objects.update(
        missed_at=timezone.now() - timedelta(seconds=settings.PAGE_CACHE_SECONDS + 60)
    )
    with committed():
        article.title = "Richtiger Titel"
        article.save()
    assert f"article-{article.pk}" in set(
        MissedInvalidation.objects.values_list("key", flat=True)
    )

    with PurgeRecorder(port) as edge:
        assert Client().get("/").status_code == 200  # the app's next request
    assert f"article-{article.pk}" in edge.keys
    assert "article-999999" not in edge.keys
    assert not MissedInvalidation.objects.exists()


def fetch(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def test_default_store_is_shared_by_all_workers_of_a_machine(tmp_path):
    env = site_environment(tmp_path, EDITOR_AND_ARTICLE)  # no REDIS_URL
    app = Gunicorn(env, log=tmp_path / "gunicorn.log", workers=3)
    try:
        with serving(app):
            check_workers_share_the_store(app.url)
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


def check_workers_share_the_store(base):
    """Every worker caches, one withdrawal reaches them all, and operators
    see every worker's requests."""
    page = f"{base}/artikel/tiktok/"
    for _request in range(30):  # every worker caches the page
        assert fetch(page) == (200, fetch(page)[1])
    editor = Browser()
    editor.log_in(base)
    landed, _html = editor.submit(
        f"{base}/admin/articles/article/1/change/", {"status": "draft"}
    )
    assert landed.endswith("/admin/articles/article/")

    answers = [fetch(page)[0] for _request in range(30)]
    assert answers == [404] * 30
    assert all("TikTok" not in fetch(f"{base}/")[1] for _request in range(10))

    # Operators see every worker's requests and a healthy machine.
    status, metrics = fetch(f"{base}/metrics")
    assert status == 200
    counted = sum(
        float(value)
        for value in re.findall(
            r'^newsroom_http_requests_total\{method="GET",status="\dxx"\} (\S+)$',
            metrics,
            re.MULTILINE,
        )
    )
    assert counted >= 70
    status, body = fetch(f"{base}/health/ready")
    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "database": "ok",
        "page_cache": "ok",
    }


def requests_counted(base):
    """The GET requests /metrics reports, summed over status classes."""
    _status, metrics = fetch(f"{base}/metrics")
    return sum(
        float(value)
        for value in re.findall(
            r'^newsroom_http_requests_total\{method="GET",status="\dxx"\} (\S+)$',
            metrics,
            re.MULTILINE,
        )
    )


def test_metrics_start_from_zero_with_every_run_and_leave_no_files(tmp_path):
    """An operator restarting gunicorn sees this run's requests, not the sum
    of every run before; without a folder of theirs, none is left behind."""
    own_folder = tmp_path / "metrics"
    own_folder.mkdir()
    env = site_environment(
        tmp_path, EDITOR_AND_ARTICLE, PROMETHEUS_MULTIPROC_DIR=str(own_folder)
    )
    for _run in range(2):
        app = Gunicorn(env, log=tmp_path / "gunicorn.log", workers=2)
        with serving(app):
            for _request in range(20):
                fetch(f"{app.url}/artikel/tiktok/")
            assert 20 <= requests_counted(app.url) < 30

    temp = tmp_path / "temp"
    temp.mkdir()
    del env["PROMETHEUS_MULTIPROC_DIR"]
    app = Gunicorn({**env, "TMPDIR": str(temp)}, log=tmp_path / "g2.log")
    with serving(app):
        assert requests_counted(app.url) >= 0
        assert list(temp.glob("newsroom-metrics-*"))  # the folder it made
    assert not list(temp.glob("newsroom-metrics-*"))
