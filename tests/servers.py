"""The site in processes of its own, for tests and bench/: gunicorn app
servers, manage.py commands and fresh interpreters, each with the
environment it is given; and a browser's way of talking to a server.

    with serving(Gunicorn(environment(DATABASE_URL=url), log=path)) as [server]:
        Browser().get(server.url)

A server that exits before it answers, or does not answer in time, raises
ServerError with the cause and the end of its log; it is stopped whatever
happens. Callers turn that into a test failure or an exit message.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from tests.html import parse_html

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # servers started here listen on loopback only
LOG_TAIL_LINES = 30


class ServerError(Exception):
    """A server did not come up; the message says why."""


def environment(**variables):
    """This process's environment without its Django settings (DJANGO_*) and
    cache (REDIS_URL), plus `variables`: what a fresh process should see."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name != "REDIS_URL"
    }
    return {**env, **variables}


def run_python(env, *args):
    """Run the project's Python with `args` (e.g. "manage.py", "check") in a
    fresh process with `env`; the finished process, output captured."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def bound_socket(ports=None):
    """A TCP socket bound on HOST (not yet listening) to the first free port
    of `ports`, or to one the system picks. Handing the bound socket to the
    server leaves no moment in which another process could take the port."""
    for port in ports or [0]:
        sock = socket.socket()
        # As gunicorn binds: a port left in TIME_WAIT counts as free.
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


def gunicorn_options():
    """Options every server gets: no control socket where gunicorn has one
    (it is one path in the home directory, shared by every master)."""
    from gunicorn.config import Config

    if "control_socket_disable" in Config().settings:
        return ["--no-control-socket"]
    return []


class Gunicorn:
    """`gunicorn newsroom.wsgi` with `env` on a port of `ports` (or any free
    one), its output in `log`."""

    def __init__(self, env, *, log, workers=1, ports=None, options=()):
        self.env, self.log, self.workers = env, Path(log), workers
        self.options = [*gunicorn_options(), *options]
        self.socket = bound_socket(ports)
        self.port = self.socket.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"
        self.process = None

    def __str__(self):
        return f"gunicorn on {HOST}:{self.port}"

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        fd = self.socket.fileno()
        with self.log.open("w") as log, self.socket:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "newsroom.wsgi",
                 "--bind", f"fd://{fd}", "--workers", str(self.workers),
                 *self.options],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=[fd],
            )  # fmt: skip

    def wait_until_serving(self, timeout):
        """Return once the server answers a request (any HTTP status counts:
        it is serving); raise ServerError if it exits or `timeout` passes."""
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while (left := deadline - time.monotonic()) > 0:
            if self.process.poll() is not None:
                raise ServerError(
                    f"{self} exited with code {self.process.returncode} before "
                    f"it answered; the end of {self.log}:\n{log_tail(self.log)}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=min(5, left)):
                    return
            except urllib.error.HTTPError:
                return  # an answer, whatever its status
            except OSError as error:  # refused, reset or timed out: not yet
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
