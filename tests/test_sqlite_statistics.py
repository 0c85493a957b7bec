"""The embedded default keeps SQLite's query statistics current itself."""

import pytest
from django.db import connection

from articles import database
from articles.models import Article


@pytest.mark.django_db
def test_a_grown_archive_gets_statistics_without_an_operator(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's autovacuum analyzes by itself")
    Article.objects.bulk_create(
        Article(title=f"Import {n}", slug=f"import-{n}", kicker="Import")
        for n in range(300)
    )  # an import: no statistics yet
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        assert database.statistics_are_stale(cursor)

    monkeypatch.setitem(database._checked, "at", None)
    database.keep_sqlite_statistics(None, connection)  # as a new connection does

    with connection.cursor() as cursor:
        assert not database.statistics_are_stale(cursor)
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'articles_article'")
        assert int(cursor.fetchone()[0].split()[0]) >= 300
