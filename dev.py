#!/usr/bin/env python3
"""Set up a local environment and run the site or the tests.

    python3 dev.py setup   virtualenv and dependencies only
    python3 dev.py serve   virtualenv, dependencies, migrations, demo content,
                           an admin login, then the site on http://127.0.0.1:8000
    python3 dev.py test    virtualenv, dependencies, then the test suite
                           (extra arguments go to pytest)

Needs only Python 3.11 and git. Dependencies are reinstalled only when
pyproject.toml changes.
"""

import hashlib
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".pyproject-sha256"

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
    """Create .venv and install pyproject's dependencies when they changed."""
    if not PYTHON.exists():
        step("Creating the virtual environment in .venv")
        venv.create(VENV, with_pip=True)
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(pyproject).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    config = tomllib.loads(pyproject.decode())
    requirements = config["project"]["dependencies"]
    requirements += config["dependency-groups"]["dev"]
    step("Installing dependencies (the first run takes a minute or two)")
    run(
        PYTHON,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--progress-bar",
        "on",
        *requirements,
    )
    STAMP.write_text(digest)


def serve():
    env = {**os.environ}
    env.setdefault("DJANGO_DEBUG", "1")
    manage = (PYTHON, "manage.py")
    step("Applying migrations")
    run(*manage, "migrate", "--no-input", env=env)
    step("Loading demo content")
    run(*manage, "load_demo", env=env)
    run(*manage, "shell", "-c", ENSURE_ADMIN, env=env)
    step(
        "Site: http://127.0.0.1:8000/  Admin: http://127.0.0.1:8000/admin/ "
        f"(user {DEMO_ADMIN[0]!r}, password {DEMO_ADMIN[1]!r})"
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
    if command not in ("setup", "serve", "test"):
        sys.exit(__doc__)
    ensure_environment()
    if command == "serve":
        serve()
    elif command == "test":
        test(rest)


if __name__ == "__main__":
    main()
