"""Several app servers: two gunicorn processes share one PostgreSQL database
and one Redis; an edit through one is fresh on the other at once.

The servers run in their own database (created, migrated and dropped here),
not in pytest-django's test database, which they could not see."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.http_client import Browser
from tests.servers import EDITOR_AND_ARTICLE, manage

PORTS = range(8750, 8800)
# A Redis database of its own, flushed; concurrent runs set another number.
REDIS_URL = os.environ.get("SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/7")
SERVER_URL = os.environ.get("SCALE_OUT_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def unavailable(message):
    """Skip on a developer's machine without the services; CI must run it."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def database_url():
    psycopg = pytest.importorskip("psycopg")
    name = f"newsroom_scale_out_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True)
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {SERVER_URL} is unreachable: {error}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{SERVER_URL}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.RedisError as error:
        unavailable(f"Redis at {REDIS_URL} is unreachable: {error}")
    yield REDIS_URL
    client.flushdb()


def free_ports(count):
    ports = []
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                ports.append(port)
        if len(ports) == count:
            return ports
    pytest.fail(f"No {count} free ports in {PORTS}")


def wait_until_serving(port, process, log):
    for _attempt in range(100):
        if process.poll() is not None:
            pytest.fail(f"gunicorn on port {port} exited: {log.read_text()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return
        except OSError:  # refused, reset or timed out: not up yet
            time.sleep(0.2)
    pytest.fail(f"gunicorn on port {port} did not answer")


@pytest.fixture
def app_servers(database_url, redis_url, tmp_path):
    """Migrated database with an editor and an article; two gunicorns."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "scale-out-test-only",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "NEWSROOM_PAGE_CACHE_SECONDS": "600",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "shell", "-c", EDITOR_AND_ARTICLE)
    processes, urls = [], []
    try:
        for port in free_ports(2):
            log = tmp_path / f"gunicorn-{port}.log"
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "newsroom.wsgi"]
                + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=settings.BASE_DIR,
                env=env,
                stderr=log.open("w"),
            )
            processes.append(process)
            wait_until_serving(port, process, log)
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_edit_through_one_server_is_fresh_on_the_other(app_servers):
    first, second = app_servers
    reader = Browser()
    page = f"{second}/artikel/tiktok/"
    assert "Stadt startet TikTok-Kanal" in reader.get(page)  # now in the cache
    assert "Stadt startet TikTok-Kanal" in reader.get(f"{first}/artikel/tiktok/")

    editor = Browser()
    editor.submit(
        f"{first}/admin/login/", {"username": "chefin", "password": "geheim-123"}
    )
    landed, _html = editor.submit(
        f"{first}/admin/articles/article/1/change/",
        {"title": "Stadt startet Instagram-Kanal"},
    )
    assert landed.endswith("/admin/articles/article/")  # saved, back at the list

    fresh = reader.get(page)
    assert "Stadt startet Instagram-Kanal" in fresh
    assert "TikTok-Kanal" not in fresh


def test_object_storage_keeps_uploads_off_the_app_servers():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "x",
        "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.de",
        "AWS_S3_CUSTOM_DOMAIN": "media.example.de",
    }
    code = (
        "import django; django.setup(); "
        "from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, settings.SERVE_MEDIA, "
        "s.url('articles/2025/04/foto.jpg'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "S3Storage",
        "newsroom-media",
        "False",
        "https://media.example.de/articles/2025/04/foto.jpg",
    ]
