"""The lock files install what pyproject.toml asks for, and nothing unpinned."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)")


def pins(lock):
    """{package: version} of a lock file written by `python3 dev.py lock`."""
    found = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        if match := PIN.match(line):
            found[canonicalize_name(match[1])] = match[2]
    return found


def requirements(*groups):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = list(config["project"]["dependencies"])
    for group in groups:
        listed += config["dependency-groups"][group]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize(
    ("lock", "groups"), [("runtime.txt", ()), ("dev.txt", ("dev",))]
)
def test_every_declared_dependency_is_locked_within_its_range(lock, groups):
    locked = pins(lock)
    mismatched = [
        f"{requirement} (locked: {locked.get(canonicalize_name(requirement.name))})"
        for requirement in requirements(*groups)
        if locked.get(canonicalize_name(requirement.name)) not in requirement.specifier
        or canonicalize_name(requirement.name) not in locked
    ]
    assert mismatched == [], (
        "pyproject.toml and the lock files disagree: run `python3 dev.py lock` "
        "and commit requirements/."
    )


def test_every_locked_line_carries_a_hash_and_both_locks_agree():
    for lock in ("runtime.txt", "dev.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        assert text.count("==") == len(pins(lock))
        for block in re.split(r"\n(?=\S)", text):
            if PIN.match(block):
                assert "--hash=sha256:" in block, block.splitlines()[0]
    runtime, dev = pins("runtime.txt"), pins("dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
