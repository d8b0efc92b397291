"""Transaction-scoped advisory locks: serialise work that has no row to lock yet (a number
sequence, the requests of one phone)."""

from django.db import connection


def advisory_xact_lock(key: str) -> None:
    """Hold a lock named ``key`` until the current transaction ends. On PostgreSQL only:
    SQLite (a newcomer's `make run`) serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
