"""What the benchmarks share: a PostgreSQL database of their own, made and dropped around a run."""

import atexit
import os
import tempfile
from pathlib import Path
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


# The reference data sits beside the project (../shared), as on every developer machine and in CI.
SCHOOLS_CSV = (Path(__file__).resolve().parent.parent.parent / "shared" / "reference-data" / "obec-schools-2022"
               / "obec_schools_2022-09.csv")


def schools_csv():
    """The real OBEC school list, or — with BENCH_SCHOOLS=N (the smoke run CI makes) — a temporary copy
    holding N of its rows spread evenly over the country, so the same import path runs at a small size.
    Returns None when the reference file is missing."""
    if not SCHOOLS_CSV.exists():
        return None
    limit = int(os.environ.get("BENCH_SCHOOLS", "0"))
    if not limit:
        return SCHOOLS_CSV
    with open(SCHOOLS_CSV, encoding="utf-8-sig", newline="") as source:
        header, *rows = source.readlines()
    step = max(1, len(rows) // limit)
    sample = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", delete=False)
    with sample:
        sample.writelines([header, *rows[::step][:limit]])
    atexit.register(os.unlink, sample.name)
    return Path(sample.name)
