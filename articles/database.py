"""Keeping the embedded default fast without an operator: SQLite plans its
queries from statistics that only ANALYZE writes, and an archive grown by
imports has none (the article page took 104 ms at 100,000 articles instead
of 19 ms after a manual ANALYZE). Every new connection checks them, at most
once per CHECK_SECONDS per process."""

import logging
import sqlite3
import time

from django.db import DatabaseError

log = logging.getLogger("newsroom.database")
CHECK_SECONDS = 600
# ANALYZE reads at most this many index rows per index: milliseconds at any
# size, and still the estimates the planner needs.
ANALYSIS_LIMIT = 1000
_checked = {"at": None}


def keep_sqlite_statistics(sender, connection, **kwargs):
    """connection_created receiver: refresh SQLite's statistics when the
    article table has none or has grown or shrunk twofold since."""
    if connection.vendor != "sqlite":
        return
    now = time.monotonic()
    if _checked["at"] is not None and now - _checked["at"] < CHECK_SECONDS:
        return
    _checked["at"] = now
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            if sqlite3.sqlite_version_info >= (3, 46):
                cursor.execute("PRAGMA optimize=0x10002")
                return
            if statistics_are_stale(cursor):
                cursor.execute("ANALYZE")
                log.info("SQLite statistics refreshed (ANALYZE)")
    except DatabaseError as error:  # locked or read-only: next time
        log.warning("SQLite statistics not refreshed: %s", error)


def statistics_are_stale(cursor):
    cursor.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    )
    if cursor.fetchone() is None:
        return True
    cursor.execute(
        "SELECT stat FROM sqlite_stat1 WHERE tbl = 'articles_article' LIMIT 1"
    )
    row = cursor.fetchone()
    if row is None:
        return True
    estimate = int(row[0].split()[0])
    cursor.execute("SELECT count(*) FROM articles_article")
    rows = cursor.fetchone()[0]
    return rows > 2 * estimate + 100 or 2 * rows + 100 < estimate
