"""The site and its neighbours in processes of their own, for tests and
bench/: gunicorn app servers, our own redis-server and varnishd, manage.py
commands and fresh interpreters, each with the environment it is given; and
a browser's way of talking to a server.

    env = site_environment(tmp_path, EDITOR_AND_ARTICLE)
    with serving(Gunicorn(env, log=tmp_path / "app.log")) as [app]:
        Browser().get(app.url)

Every server listens on a free port on 127.0.0.1 and runs as a child of the
caller, never as a daemon. A server that exits before it answers, or does
not answer in time, raises ServerError with the cause and the end of its
log; it is stopped whatever happens. Callers turn that into a test failure
or an exit message.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from django_otp.oath import totp

from tests.html import parse_html

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # servers started here listen on loopback only
LOG_TAIL_LINES = 30

# A manage.py shell script: a superuser "chefin" (password EDITOR_PASSWORD,
# authenticator app with EDITOR_TOTP_KEY) and one published article at
# /artikel/tiktok/ (pk 1).
EDITOR_PASSWORD = "Zeitung-2025!"
EDITOR_TOTP_KEY = "3132333435363738393031323334353637383930"  # hex, test only
# Script lines that give the user `chefin` (already created) that app.
EDITOR_SECOND_FACTOR = f"""
from django_otp.plugins.otp_totp.models import TOTPDevice
TOTPDevice.objects.create(
    user=User.objects.get(username="chefin"), key={EDITOR_TOTP_KEY!r},
    name="Authenticator-App", confirmed=True,
)
"""
EDITOR_AND_ARTICLE = f"""
from django.contrib.auth.models import User
from django.utils import timezone
from articles.models import Article
User.objects.create_superuser("chefin", "c@example.org", {EDITOR_PASSWORD!r})
{EDITOR_SECOND_FACTOR}
Article.objects.create(
    title="Stadt startet TikTok-Kanal", slug="tiktok", kicker="Essen",
    lead="Nun kommt TikTok dazu.", status="published", published_at=timezone.now(),
)
"""


class ServerError(Exception):
    """A server did not come up, or a command failed; the message says why."""


def environment(**variables):
    """This process's environment without what selects a site (Django
    settings, database, cache, edge), plus `variables`: what a fresh process
    of the project should see."""
    own = ("REDIS_URL", "DATABASE_URL", "NEWSROOM_PURGE_URLS")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in own
    }
    return {**env, **variables}


def run_python(env, *args):
    """Run the project's Python with `args` (e.g. "manage.py", "check") in a
    fresh process with `env`; the finished process, output captured."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def prepare_site(env, script):
    """Migrate the database `env` names, collect the static files and run
    `script` (Python, as `manage.py shell -c`), all in one process."""
    setup = (
        "from django.core.management import call_command\n"
        'call_command("migrate", interactive=False, verbosity=0)\n'
        'call_command("collectstatic", interactive=False, verbosity=0)\n'
    )
    result = run_python(env, "manage.py", "shell", "-c", setup + script)
    if result.returncode:
        raise ServerError(f"Setting up the site failed:\n{result.stderr}")


def site_environment(tmp_path, script, **variables):
    """A prepared SQLite site in `tmp_path` with the rows `script` makes, and
    the environment of its processes (page cache store and media there)."""
    env = environment(
        DJANGO_SECRET_KEY="test-servers-only",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        NEWSROOM_PAGE_CACHE_PATH=str(tmp_path / "page-cache.sqlite3"),
        NEWSROOM_PAGE_CACHE_SECONDS="600",
        MEDIA_ROOT=str(tmp_path / "media"),
        **variables,
    )
    prepare_site(env, script)
    return env


def installed(program):
    """The path of `program` (also in /usr/sbin, where Debian puts daemons),
    or None."""
    return shutil.which(program) or shutil.which(program, path="/usr/sbin")


def bound_socket(ports=None):
    """A TCP socket bound on HOST (not yet listening) to the first free port
    of `ports`, or to one the system picks. Handing the bound socket to the
    server leaves no moment in which another process could take the port."""
    for port in ports or [0]:
        sock = socket.socket()
        # As servers bind: a port left in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            sock.close()
            continue
        return sock
    raise ServerError(f"no free port on {HOST} in {ports}")


def log_tail(path, lines=LOG_TAIL_LINES):
    try:
        text = Path(path).read_text(errors="replace")
    except OSError as error:
        return f"(no log: {error})"
    return "\n".join(text.splitlines()[-lines:]) or "(the log is empty)"


def http_answers(url, timeout):
    """True once `url` gets any HTTP answer (whatever its status)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True


class Server:
    """A program serving on HOST:`port` in a process of its own, its output
    in `log`. Subclasses give the command and how to tell it is up."""

    def __init__(self, *, log, env=None, ports=None):
        self.log, self.env = Path(log), env
        self.socket = bound_socket(ports)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"
        self.process = None

    def __str__(self):
        return f"{type(self).__name__} on {HOST}:{self.port}"

    def command(self):
        raise NotImplementedError

    def pass_fds(self):
        """File descriptors the process inherits; by default none, and the
        port is let go just before the program binds it itself."""
        self.socket.close()
        return ()

    def is_up(self, timeout):
        return http_answers(f"{self.url}/", timeout)

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            fds = self.pass_fds()
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=fds,
            )
        self.socket.close()  # the child holds its own copy

    def wait_until_serving(self, timeout):
        """Return once the server answers; raise ServerError if it exits or
        `timeout` passes."""
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while (left := deadline - time.monotonic()) > 0:
            if self.process.poll() is not None:
                raise ServerError(
                    f"{self} exited with code {self.process.returncode} before "
                    f"it answered; the end of {self.log}:\n{log_tail(self.log)}"
                )
            try:
                if self.is_up(min(5, left)):
                    return
            except Exception as error:  # refused, reset, timed out: not yet
                last_error = f"{type(error).__name__}: {error}"
            # The next attempt is due 0.1 s later, not sooner: a refused
            # connection returns at once.
            time.sleep(min(0.1, max(0, deadline - time.monotonic())))
        raise ServerError(
            f"{self} did not answer within {timeout} s (last attempt: "
            f"{last_error}); the end of {self.log}:\n{log_tail(self.log)}"
        )

    def stop(self):
        self.socket.close()  # still ours if the server never started
        if self.process is not None:
            stop(self.process)


def gunicorn_options():
    """Options every server gets: no control socket where gunicorn has one
    (it is one path in the home directory, shared by every master)."""
    from gunicorn.config import Config

    if "control_socket_disable" in Config().settings:
        return ["--no-control-socket"]
    return []


class Gunicorn(Server):
    """`gunicorn newsroom.wsgi` with `env`, on the socket bound here."""

    def __init__(self, env, *, log, workers=1, ports=None, options=()):
        super().__init__(log=log, env=env, ports=ports)
        self.workers = workers
        self.options = [*gunicorn_options(), *options]

    def pass_fds(self):
        return (self.socket.fileno(),)

    def command(self):
        return [
            sys.executable, "-m", "gunicorn", "newsroom.wsgi",
            "--bind", f"fd://{self.socket.fileno()}",
            "--workers", str(self.workers), *self.options,
        ]  # fmt: skip


class RedisServer(Server):
    """Our own redis-server, never the machine's shared one, keeping nothing
    on disk; `options` are redis-server's (e.g. "--maxmemory", "2mb")."""

    def __init__(self, *, log, ports=None, options=()):
        super().__init__(log=log, ports=ports)
        self.options = options
        self.redis_url = f"redis://{HOST}:{self.port}/0"

    def command(self):
        return [
            installed("redis-server"), "--port", str(self.port), "--bind", HOST,
            "--save", "", "--appendonly", "no", "--dir", str(self.log.parent),
            *self.options,
        ]  # fmt: skip

    def is_up(self, timeout):
        import redis

        return redis.Redis.from_url(self.redis_url, socket_timeout=timeout).ping()


class MotoServer(Server):
    """moto's S3-compatible server (moto[server]), keeping buckets in memory:
    object storage for tests, never a real bucket."""

    def command(self):
        return [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)]

    def create_bucket(self, name, *, public="renditions/*"):
        """A bucket whose objects under `public` anyone may read (the
        renditions), the rest (originals) only with keys."""
        import json

        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        client.create_bucket(Bucket=name)
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{name}/{public}",
        }
        policy = {"Version": "2012-10-17", "Statement": [statement]}
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))


class Varnish(Server):
    """varnishd in the foreground with the configuration `vcl` (a path)."""

    def __init__(self, vcl, *, log, work_dir, ports=None):
        super().__init__(log=log, ports=ports)
        self.vcl, self.work_dir = vcl, work_dir

    def command(self):
        return [
            installed("varnishd"), "-F", "-j", "none", "-n", str(self.work_dir),
            "-a", f"{HOST}:{self.port}", "-f", str(self.vcl), "-s", "malloc,32m",
        ]  # fmt: skip

    def is_up(self, timeout):
        # Only a 200 says the backend is healthy too: until its health probe
        # has passed, Varnish answers 503 itself.
        with urllib.request.urlopen(f"{self.url}/health/live", timeout=timeout):
            return True


def stop(process, timeout=30):
    """Terminate `process` and wait for it; kill it if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def serving(*servers, timeout=90):
    """Start `servers` together, wait until each answers, yield them; stop
    them all on the way out, also when one of them fails to start."""
    with contextlib.ExitStack() as stack:
        for server in servers:
            stack.callback(server.stop)
            server.start()
        for server in servers:
            server.wait_until_serving(timeout)
        yield list(servers)


class Browser:
    """Keeps cookies like a browser, and submits forms with the values the
    page rendered (its CSRF token included)."""

    def __init__(self, timeout=10):
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )

    def get(self, url):
        with self.opener.open(url, timeout=self.timeout) as response:
            return response.read().decode()

    def submit(self, url, changes):
        """Post the form at `url` with `changes`; (URL landed on, page)."""
        fields = parse_html(self.get(url)).form_fields()
        data = urllib.parse.urlencode({**fields, **changes}).encode()
        request = urllib.request.Request(url, data, headers={"Referer": url})
        with self.opener.open(request, timeout=self.timeout) as response:
            return response.geturl(), response.read().decode()

    def log_in(
        self, base, username="chefin", password=EDITOR_PASSWORD, key=EDITOR_TOTP_KEY
    ):
        """Log in to the admin at `base` as a user would: the password, then
        the code the authenticator app with `key` (hex) shows now, when the
        site asks for one."""
        landed, _page = self.submit(
            f"{base}/admin/login/", {"username": username, "password": password}
        )
        if "/admin/zwei-faktor/" in landed:
            code = totp(bytes.fromhex(key))
            self.submit(landed, {"code": f"{code:06d}"})


class SmtpServer:
    """A real SMTP server (aiosmtpd) in a thread of this process, on a free
    port of HOST, that counts the mails each recipient gets.

        with SmtpServer() as smtp:
            ... send to smtp.port ...
            smtp.received["a@example.org"]  # mails a@example.org got

    `on_message(server)` runs after each mail is counted and before it is
    accepted; returning a string answers with that SMTP reply instead of
    "250" (e.g. "451 4.3.0 …"), so a test can fail a send part-way or kill
    the sender while it waits for the answer."""

    def __init__(self, on_message=None):
        from collections import Counter

        self.received = Counter()
        self.count = 0
        self.last_message = None
        self.on_message = on_message
        sock = bound_socket()
        self.port = sock.getsockname()[1]
        sock.close()

    def __enter__(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=HOST, port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):
        if self.on_message:
            refusal = self.on_message(self)
            if refusal:
                return refusal
        for recipient in envelope.rcpt_tos:
            self.received[recipient] += 1
        self.count += 1
        self.last_message = envelope.content
        return "250 OK"

    def environment(self):
        """The variables that make the project send through this server."""
        return {
            "DJANGO_EMAIL_HOST": HOST,
            "DJANGO_EMAIL_PORT": str(self.port),
            "DJANGO_EMAIL_USE_TLS": "0",
        }
