#!/usr/bin/env python3
"""Set up a local environment and run the site or the tests.

    python3 dev.py setup   virtualenv and dependencies only
    python3 dev.py serve   virtualenv, dependencies, migrations, demo content,
                           an admin login, then the site on http://127.0.0.1:8000
    python3 dev.py test    virtualenv, dependencies, then the test suite
                           (extra arguments go to pytest)
    python3 dev.py lock    write requirements/*.txt from pyproject.toml's
                           ranges, keeping the pinned versions that still
                           fit (--upgrade: the newest that fit)

Needs only Python 3.11 and git. Dependencies are installed from
requirements/dev.txt, the tested versions with their hashes, and reinstalled
only when that file changes.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".requirements-sha256"
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"  # what production installs
DEV_LOCK = ROOT / "requirements" / "dev.txt"  # runtime plus tests and tools
# Pins for Python 3.11 on Linux, with the hashes of every file of each pinned
# release (wheels for all platforms and the source archive).
COMPILE = (
    "pip", "compile", "pyproject.toml", "--generate-hashes",
    "--python-version", "3.11", "--python-platform", "linux", "--no-header",
    "--quiet",
)  # fmt: skip

DEMO_ADMIN = ("admin", "admin")  # local demo only; never created in production
ENSURE_ADMIN = (
    "from django.contrib.auth import get_user_model; U = get_user_model(); "
    "U.objects.filter(username={0!r}).exists() or "
    "U.objects.create_superuser({0!r}, 'admin@example.org', {1!r})"
).format(*DEMO_ADMIN)


def step(message):
    print(f"==> {message}", flush=True)


def run(*args, env=None):
    result = subprocess.run(args, cwd=ROOT, env=env)
    if result.returncode != 0:
        command = " ".join(map(str, args))
        sys.exit(f"dev.py: '{command}' failed (exit {result.returncode}).")


def ensure_environment():
    """Create .venv and install the locked dependencies when they changed."""
    if not PYTHON.exists():
        step("Creating the virtual environment in .venv")
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256(DEV_LOCK.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    step("Installing dependencies (the first run takes a minute or two)")
    run(
        PYTHON,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--progress-bar",
        "on",
        "--require-hashes",
        "--requirement",
        DEV_LOCK,
    )
    STAMP.write_text(digest)


def lock(args):
    """Compile pyproject.toml's ranges into the two lock files with uv; the
    development lock is constrained to the runtime pins, so both agree."""
    upgrade = ["--upgrade"] if "--upgrade" in args else []
    uv = VENV / "bin" / "uv"
    if not uv.exists():  # a first lock, or one that adds uv itself
        run(PYTHON, "-m", "pip", "install", "--quiet", "uv")
    step(f"Locking the runtime dependencies in {RUNTIME_LOCK.relative_to(ROOT)}")
    run(uv, *COMPILE, *upgrade, "--output-file", RUNTIME_LOCK)
    step(
        f"Locking runtime and development dependencies in {DEV_LOCK.relative_to(ROOT)}"
    )
    run(
        uv,
        *COMPILE,
        *upgrade,
        "--group",
        "dev",
        "--constraint",
        RUNTIME_LOCK,
        "--output-file",
        DEV_LOCK,
    )


def serve():
    env = {**os.environ}
    env.setdefault("DJANGO_DEBUG", "1")
    env.setdefault("NEWSROOM_SITE_URL", "http://127.0.0.1:8000")
    manage = (PYTHON, "manage.py")
    step("Applying migrations")
    run(*manage, "migrate", "--no-input", env=env)
    step("Loading demo content")
    run(*manage, "load_demo", env=env)
    run(*manage, "shell", "-c", ENSURE_ADMIN, env=env)
    step(
        "Site: http://127.0.0.1:8000/  Admin: http://127.0.0.1:8000/admin/ "
        f"(user {DEMO_ADMIN[0]!r}, password {DEMO_ADMIN[1]!r}; the first login "
        "sets up two-factor login with an authenticator app)"
    )
    run(*manage, "runserver", "127.0.0.1:8000", env=env)


def test(pytest_args):
    env = {**os.environ}
    env.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
    step(f"Running the tests on {env.get('DATABASE_URL', 'SQLite')}")
    result = subprocess.run((PYTHON, "-m", "pytest", *pytest_args), cwd=ROOT, env=env)
    sys.exit(result.returncode)


def main():
    command, *rest = sys.argv[1:] or ["help"]
    if command not in ("setup", "serve", "test", "lock"):
        sys.exit(__doc__)
    if command == "lock":
        if not PYTHON.exists():
            venv.create(VENV, with_pip=True)
        lock(rest)
        return
    ensure_environment()
    if command == "serve":
        serve()
    elif command == "test":
        test(rest)


if __name__ == "__main__":
    main()
