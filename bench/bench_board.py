"""Benchmark of the completeness board at national scale (``make bench-board``; never a test).

On a PostgreSQL database of its own (``edinfo_bench_board``, created, migrated and dropped), it
loads the real OBEC list of 29,579 schools with the import_schools command (or, when the
reference file is missing, as many synthetic schools, and says so), opens a round with a
submission for most schools in mixed states and a previous round to compare with, then times
the board view's server time (Django's test Client, median of several runs) for:

  - the schools of one area office (the one closest to 130 schools, chosen by the filter), and
  - all schools of the country: the first page of 100, with the counts over every school;

and prints both figures and their ratio. Target: under 0.5 s for the national list.

Usage: make bench-board  (DATABASE_URL may point at another PostgreSQL server; its database
name is replaced by edinfo_bench_board). BENCH_RUNS sets the runs per figure (default 7),
BENCH_KEEP=1 keeps the database afterwards.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import bench_database, finish, schools_csv  # noqa: E402 – bench/ is on the path when run as a script

BENCH_DB = "edinfo_bench_board"
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
NATIONAL = int(os.environ.get("BENCH_SCHOOLS") or 29_579)
TARGET_SECONDS = 0.5


def _database():
    return bench_database(BENCH_DB)


def _setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edinfo.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's host, and e-mail kept in memory


def load_schools():
    """The real OBEC list through the colleague's command, else synthetic schools."""
    from django.core.management import call_command

    from schools.models import AreaOffice, School

    csv = schools_csv()
    if csv:
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("import_schools", str(csv), "--commit", stdout=quiet)
        print(f"schools: {School.objects.count():,} from the OBEC list {csv.name} "
              f"({time.perf_counter() - started:.1f} s)")
        return
    print(f"schools: the OBEC list is missing, so {NATIONAL:,} SYNTHETIC schools in 225 area offices")
    areas = AreaOffice.objects.bulk_create(
        [AreaOffice(code=f"{1000 + n}", name=f"สพป.สังเคราะห์ เขต {n}") for n in range(225)]
    )
    School.objects.bulk_create([
        School(smis_code=f"{10_000_000 + n}", obec_code=f"10{10_000_000 + n:08d}", name=f"บ้านสังเคราะห์{n}",
               area=areas[n % len(areas)], student_count=50 + n % 700)
        for n in range(NATIONAL)
    ], batch_size=5000)


def load_rounds():
    """A closed June round (every school acknowledged) and an open November round in which most
    schools are somewhere along the workflow, each with a thread of a few events."""
    import datetime

    from django.utils import timezone

    from collection.models import Round, Submission, SubmissionEvent
    from schools.models import School

    rng = random.Random(2569)
    today = timezone.localdate()
    june = Round.objects.create(academic_year=2569, kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10),
                                name="10 มิถุนายน 2569", state=Round.State.CLOSED)
    november = Round.objects.create(
        academic_year=2569, kind=Round.Kind.NOVEMBER, census_day=datetime.date(2026, 11, 10),
        name="10 พฤศจิกายน 2569", state=Round.State.OPEN, opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=3),
    )
    now = timezone.now()
    S = Submission.Status
    states = [S.DRAFT] * 30 + [S.RETURNED] * 5 + [S.CONFIRMED] * 15 + [S.CERTIFIED] * 25 + [S.ACKNOWLEDGED] * 15
    before, current = [], []
    for pk, count in School.objects.values_list("pk", "student_count").iterator():
        students = count or rng.randint(20, 900)
        before.append(Submission(round=june, school_id=pk, status=S.ACKNOWLEDGED, record_count=students,
                                 checked_at=now))
        if rng.random() < 0.06:
            continue  # has not started
        records = max(0, students + rng.randint(-40, 25)) if rng.random() > 0.1 else 0
        current.append(Submission(
            round=november, school_id=pk, status=rng.choice(states), record_count=records,
            error_count=rng.choice([0, 0, 0, 0, 1, 3, 12]) if records else 0,
            warning_count=rng.randint(0, 30) if records else 0, checked_at=now if records else None,
        ))
    Submission.objects.bulk_create(before, batch_size=5000)
    created = Submission.objects.bulk_create(current, batch_size=5000)
    events = []
    for submission in Submission.objects.filter(round=november).values_list("pk", flat=True).iterator():
        for hours in range(rng.randint(0, 3)):
            events.append(SubmissionEvent(submission_id=submission, at=now - datetime.timedelta(hours=hours * 7 + 1),
                                          action="comment", from_status="draft", to_status="draft", comment="ตรวจแล้ว"))
    SubmissionEvent.objects.bulk_create(events, batch_size=5000)
    print(f"rounds: {june.name} ({len(before):,} submissions), {november.name} ({len(created):,} submissions, "
          f"{len(events):,} events)")
    return november


def timed(client, url, runs=RUNS):
    """Median seconds of `runs` GETs (after one warm-up), the status and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _n in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries), response


def main():
    url, drop = _database()
    try:
        _setup_django(url)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count
        from django.test import Client
        from django.urls import reverse

        from edinfo.models import User
        from schools.models import AreaOffice

        call_command("migrate", verbosity=0)
        load_schools()
        november = load_rounds()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

        officer = User.objects.create(username="bench-officer", office_role=User.OfficeRole.OFFICER)
        client = Client()
        client.force_login(officer, backend=settings.AUTHENTICATION_BACKENDS[-1])
        board = reverse("collection:board", args=[november.pk])
        area = min(AreaOffice.objects.annotate(n=Count("schools")).filter(n__gt=0),
                   key=lambda a: (abs(a.n - 130), a.code))

        one, one_queries, one_response = timed(client, f"{board}?area={area.pk}")
        national, national_queries, response = timed(client, board)
        shown = response.context["board"].total["schools"]
        print(f"board, one area office ({area}, {one_response.context['board'].total['schools']} schools): "
              f"{one * 1000:.0f} ms median of {RUNS}, {one_queries} queries")
        print(f"board, national ({shown:,} schools, first page of 100, counts over all): "
              f"{national * 1000:.0f} ms median of {RUNS}, {national_queries} queries")
        print(f"ratio national / one area: {national / one:.1f}×   target national < {TARGET_SECONDS} s: "
              f"{'met' if national < TARGET_SECONDS else 'NOT met'}")
        for label, query in (("sorted by completeness", "sort=-completeness"), ("sorted by name (Thai ICU)", "sort=name"),
                             ("sorted by last activity", "sort=-activity"), ("overdue filter", "overdue=on"),
                             ("last page", f"page={(shown + 99) // 100}")):
            seconds, queries, _r = timed(client, f"{board}?{query}", runs=max(3, RUNS // 2))
            print(f"  national, {label}: {seconds * 1000:.0f} ms, {queries} queries")
        started = time.perf_counter()
        export = client.get(reverse("collection:board_export", args=[november.pk]))
        print(f"  Excel export of every school: {time.perf_counter() - started:.1f} s, "
              f"{len(export.content) / 1e6:.1f} MB (once)")
        connection.close()
    finally:
        finish(KEEP, BENCH_DB, drop)


if __name__ == "__main__":
    main()
