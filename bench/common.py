"""What the benchmarks share: a PostgreSQL database of their own, made and dropped around a run."""

import os
from urllib.parse import urlsplit, urlunsplit


def bench_database(name):
    """Create database `name` on the server of DATABASE_URL (else the local one, as postgres);
    return (its URL, a function that drops it). A leftover from an interrupted run is dropped first."""
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def admin(sql):
        connection = psycopg2.connect(admin_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    admin(f"DROP DATABASE IF EXISTS {name}")
    admin(f"CREATE DATABASE {name}")
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: admin(f"DROP DATABASE IF EXISTS {name}")


def finish(keep, name, drop):
    """Close the connections and drop the bench database, unless asked to keep it (BENCH_KEEP=1)."""
    if keep:
        print(f"kept database {name}")
        return
    from django.db import connections

    connections.close_all()
    drop()
