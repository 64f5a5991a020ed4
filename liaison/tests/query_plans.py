"""The plan the database gives a query, for tests that check a query uses its index."""

from __future__ import annotations

from django.db import connection


def query_plan(sql: str, params) -> list[tuple]:
    """The rows of the database's plan for ``sql`` (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's
    EXPLAIN). On PostgreSQL a tiny table is read sequentially, or by any index and sorted,
    whatever its indexes: the plan asked for is the one a big table gets, where reading an
    index in order saves the sort. Call inside a transaction (``SET LOCAL``)."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(prefix + sql, params)
        return cursor.fetchall()
