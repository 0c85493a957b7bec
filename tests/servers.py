"""Real servers for tests that need them: gunicorn with the project, our own
redis-server, varnishd. Each listens on a free port on 127.0.0.1, runs as a
child of the test (never a daemon) and is stopped by the test."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

# manage.py shell script: an editor-in-chief "chefin" (password
# "geheim-123") and one published article at /artikel/tiktok/ (pk 1).
EDITOR_AND_ARTICLE = (
    "from django.contrib.auth.models import User; "
    "from django.utils import timezone; "
    "from articles.models import Article; "
    "User.objects.create_superuser('chefin', 'c@example.org', 'geheim-123'); "
    "Article.objects.create(title='Stadt startet TikTok-Kanal', slug='tiktok',"
    " kicker='Essen', lead='Nun kommt TikTok dazu.', status='published',"
    " published_at=timezone.now())"
)


def free_port():
    """A port nobody listens on now (the kernel picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def required(program, package):
    """The path of `program`; skip without it, but fail under CI=true."""
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin")
    if path is None:
        message = f"{program} is missing: apt-get install {package}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def project_env(**variables):
    """The environment of a production-like process of this project."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("REDIS_URL", "DATABASE_URL", "NEWSROOM_PURGE_URLS"):
        env.pop(name, None)
    return {"DJANGO_SECRET_KEY": "test-servers-only", **env, **variables}


def manage(env, *args):
    """manage.py `args` in its own process, as an operator runs it."""
    command = [sys.executable, "manage.py", *args]
    done = subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    if done.returncode:
        pytest.fail(f"manage.py {args[0]} failed: {done.stderr}")
    return done.stdout


def wait_for(check, what, process=None, log=None, seconds=30):
    """Poll `check()` until it is true; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what} exited: {log.read_text() if log else ''}")
        with contextlib.suppress(OSError):
            if check():
                return
        time.sleep(0.05)
    pytest.fail(f"{what} did not answer within {seconds} s")


def answers(url):
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        pass  # any HTTP answer means it is up
    return True


@contextlib.contextmanager
def child(command, log, what, ready, env=None):
    """Run `command` with output to `log` until the block ends."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=output
        )
        try:
            wait_for(ready, what, process, log)
            yield process
        finally:
            stop_child(process)


def stop_child(process):
    """SIGTERM, and SIGKILL for a child that has not ended 10 s later."""
    process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        return process.wait(timeout=10)
    process.kill()
    return process.wait()


@contextlib.contextmanager
def gunicorn(env, tmp_path, workers=2):
    """The project under gunicorn; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / f"gunicorn-{port}.log"
    ready = lambda: answers(f"{base}/health/live")  # noqa: E731
    with child(command, log, "gunicorn", ready, env=env):
        yield base


@contextlib.contextmanager
def redis_server(tmp_path, port=None, *options):
    """Our own redis-server (never the machine's shared one), without
    persistence; yields (url, port)."""
    program = required("redis-server", "redis-server")
    port = port or free_port()
    command = [program, "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(tmp_path), *options]

    def ready():
        import redis

        return redis.Redis(port=port).ping()

    log = tmp_path / f"redis-{port}.log"
    with child(command, log, "redis-server", ready):
        yield f"redis://127.0.0.1:{port}/0", port


def sqlite_site(tmp_path, script):
    """A migrated SQLite site in `tmp_path` with the rows `script` (Python
    run by manage.py shell) makes; returns its environment."""
    env = project_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        NEWSROOM_PAGE_CACHE_PATH=str(tmp_path / "page-cache.sqlite3"),
        NEWSROOM_PAGE_CACHE_SECONDS="600",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(env, "shell", "-c", script)
    return env
