"""Two imports of the same survey at once (PostgreSQL: SQLite has one writer at a time anyway).

The survey row is locked while an import writes, so the second import waits, then sees the first
one's rows and asks before replacing them; a write that still collides with another process gets
a Thai message instead of a server error."""

import threading

import pytest
from django.db import connection

from bmn import services
from bmn.indicators import ensure_default_set
from bmn.models import AreaResult, IndicatorResult, Survey
from schools.geography import load_geography

from .synthetic import row, tpmap_csv

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]

VILLAGES = tpmap_csv("village", [row(f"64010{t}{v:02d}01") for t in range(2, 10) for v in range(1, 60)])


def in_thread(target, results, index, barrier=None):
    def run():
        try:
            if barrier:
                barrier.wait()
            results[index] = target()
        except Exception as error:  # noqa: BLE001 - the test asserts there is none
            results[index] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_imports_of_one_survey_at_once_neither_fails(db):
    load_geography(["64"])
    indicator_set = ensure_default_set()
    # The survey exists already (its amphoe file); both imports bring its first village file.
    assert services.import_files(year=2561, indicator_set=indicator_set,
                                 files=[("a.csv", tpmap_csv("amphoe", ["6401"]))]).committed
    results = [None, None]
    barrier = threading.Barrier(2)

    def one_import():
        return services.import_files(year=2561, indicator_set=indicator_set, files=[("v.csv", VILLAGES)])

    threads = [in_thread(one_import, results, n, barrier) for n in range(2)]
    for thread in threads:
        thread.join(60)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted((r.committed, r.needs_confirmation) for r in results) == [(False, True), (True, False)]
    assert Survey.objects.count() == 1
    assert AreaResult.objects.filter(level="village").count() == 8 * 59


def test_a_write_that_collides_anyway_gets_a_thai_message(db):
    load_geography(["64"])
    indicator_set = ensure_default_set()
    survey = Survey.objects.create(year=2561, indicator_set=indicator_set, province_code="64")
    inserted, results = threading.Event(), [None]

    def other_process():
        # Another writer that does not take the survey lock: it inserts a row of the same level
        # and code and commits a moment later.
        from django.db import transaction

        with transaction.atomic():
            AreaResult.objects.create(survey=survey, level="tambon", code="640102", district_code="6401",
                                      households=1, persons=1, mof_registered=0, mof_verified=0, elderly=0,
                                      disabled=0, chronic_patients=0, row_number=2)
            inserted.set()
            threading.Event().wait(1.5)
        return "committed"

    thread = in_thread(other_process, results, 0)
    assert inserted.wait(10)
    result = services.import_files(year=2561, indicator_set=indicator_set,
                                   files=[("t.csv", tpmap_csv("tambon", ["640102", "640103"]))])
    thread.join(30)
    assert results == ["committed"]
    assert not result.committed
    assert [p.message for p in result.problems] == ["มีการนำเข้าข้อมูลชุดเดียวกันพร้อมกัน กรุณาลองใหม่"]
    assert list(AreaResult.objects.values_list("code", "households")) == [("640102", 1)]
    assert not IndicatorResult.objects.exists()
