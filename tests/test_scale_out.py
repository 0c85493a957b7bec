"""Several app servers: two gunicorn processes share one PostgreSQL database
and one Redis; an edit through one is fresh on the other at once.

The servers run in a database of their own (created, migrated and dropped
here), not in pytest-django's test database, which they could not see. Its
name carries this process's id, and the Redis database is
SCALE_OUT_REDIS_URL (default redis://127.0.0.1:6379/7, flushed), so that
another checkout can run this test at the same time with another one.
SCALE_OUT_POSTGRES names the PostgreSQL server. Without PostgreSQL or Redis
the test is skipped, but not under CI=true."""

import os

import pytest

from tests.servers import (
    EDITOR_AND_ARTICLE,
    Browser,
    Gunicorn,
    ServerError,
    environment,
    prepare_site,
    serving,
)

SERVER_URL = os.environ.get("SCALE_OUT_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def database_url(require):
    psycopg = pytest.importorskip("psycopg")
    name = f"newsroom_scale_out_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True)
    except psycopg.OperationalError as error:
        require(False, f"PostgreSQL at {SERVER_URL} is unreachable: {error}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{SERVER_URL}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url(require):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.RedisError as error:
        require(False, f"Redis at {REDIS_URL} is unreachable: {error}")
    yield REDIS_URL
    client.flushdb()


@pytest.fixture
def app_servers(database_url, redis_url, tmp_path):
    """Two gunicorns on one migrated database and one Redis; their URLs."""
    env = environment(
        DJANGO_SECRET_KEY="scale-out-test-only",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        NEWSROOM_PAGE_CACHE_SECONDS="600",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    try:
        prepare_site(env, EDITOR_AND_ARTICLE)
        servers = [Gunicorn(env, log=tmp_path / f"gunicorn-{n}.log") for n in (1, 2)]
        with serving(*servers):
            yield [server.url for server in servers]
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


def test_edit_through_one_server_is_fresh_on_the_other(app_servers):
    first, second = app_servers
    reader = Browser()
    page = f"{second}/artikel/tiktok/"
    assert "Stadt startet TikTok-Kanal" in reader.get(page)  # now in the cache
    assert "Stadt startet TikTok-Kanal" in reader.get(f"{first}/artikel/tiktok/")

    editor = Browser()
    editor.log_in(first)
    landed, _html = editor.submit(
        f"{first}/admin/articles/article/1/change/",
        {"title": "Stadt startet Instagram-Kanal"},
    )
    assert landed.endswith("/admin/articles/article/")  # saved, back at the list

    fresh = reader.get(page)
    assert "Stadt startet Instagram-Kanal" in fresh
    assert "TikTok-Kanal" not in fresh
