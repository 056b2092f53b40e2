"""Benchmark of the reports at national scale (``make bench-reports``; never a test).

On a PostgreSQL database of its own (``edinfo_bench_reports``, created, migrated and dropped), it
loads the real OBEC list of 29,579 schools with the import_schools command (as bench_board does),
opens one round with a certified submission for every school, and writes about 6.5 million
synthetic StudentRecord rows with PostgreSQL COPY from a streaming generator (school sizes drawn
so the total is BENCH_STUDENTS, grades K1..M3 weighted like primary schools, M/F, 13-digit IDs
with a valid check digit, every NOT NULL column filled), then ANALYZE. It times (median of
BENCH_RUNS runs, each run printed):

  (1) students by grade × gender, grouped per amphoe, for the whole country
      (reports.selectors.students_by_grade_gender, group_by="amphoe");
  (2) the same for one amphoe, the one with the number of schools closest to 130, grouped per school;
  (3) that amphoe's report as a PDF (the selector + reports.pdf.report_pdf), as the view serves it.

Targets: nation < 3 s, one amphoe < 0.15 s, its PDF < 3 s. A missed selector target prints
EXPLAIN (ANALYZE, BUFFERS) of its main query (the GROUP BY over the records).

Usage: make bench-reports  (DATABASE_URL may point at another PostgreSQL server; its database name
is replaced by edinfo_bench_reports). BENCH_STUDENTS=300000 for a quick run, BENCH_RUNS (default
5), BENCH_KEEP=1 keeps the database afterwards.
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

BENCH_DB = "edinfo_bench_reports"
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "6500000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
TARGETS = {"nation": 3.0, "district": 0.15, "pdf": 3.0}
DISTRICT_SCHOOLS = 130

# Share of a primary school's students in each grade (K1 is offered by few schools; M1–M3 only by
# the expanded-opportunity schools).
GRADE_WEIGHTS = {"K1": 2, "K2": 8, "K3": 8, "P1": 10, "P2": 10, "P3": 10, "P4": 10, "P5": 10, "P6": 10,
                 "M1": 4, "M2": 4, "M3": 4}
FIRST_M = ["สมชาย", "ธนากร", "กิตติพงษ์", "ณัฐวุฒิ", "ปิยะพงษ์", "อนุชา", "วีรภัทร", "ภูมิพัฒน์"]
FIRST_F = ["สมหญิง", "กัญญารัตน์", "ณัฐธิดา", "ปวีณา", "สุภาวดี", "อรอุมา", "พิมพ์ชนก", "ชนิดา"]
LAST = ["ใจดี", "ศรีสุข", "บุญมา", "แก้วมณี", "ทองดี", "สุขสวัสดิ์", "พรหมมา", "จันทร์เพ็ญ"]
COLUMNS = ["round_id", "school_id", "person_id", "id_kind", "student_number", "grade", "room", "gender",
           "prefix", "first_name", "last_name", "birth_date", "blood_group", "religion", "ethnicity",
           "nationality", "house_number", "village_number", "road", "subdistrict_name", "district_name",
           "province_name", "guardian_first_name", "guardian_last_name", "guardian_occupation",
           "guardian_relation", "father_first_name", "father_last_name", "father_occupation",
           "mother_first_name", "mother_last_name", "mother_occupation", "disadvantage", "disability",
           "travel_method", "status", "created_at", "updated_at"]


def _database():
    return bench_database(BENCH_DB)


def _setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edinfo.settings")
    import django

    django.setup()


def load_schools():
    from django.core.management import call_command

    from schools.models import School

    csv = schools_csv()
    if not csv:
        sys.exit("the OBEC school list (../shared/reference-data/obec-schools-2022) is missing: this bench needs it")
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("import_schools", str(csv), "--commit", stdout=quiet)
    print(f"schools: {School.objects.count():,} from {csv.name} ({time.perf_counter() - started:.1f} s)")


def place_schools():
    """The OBEC list has a province and an area office but no tambon, and the amphoe reports group
    on the school's tambon: give each school a tambon of its own province (SYNTHETIC placement).
    Within a province, schools in code order take the tambons in code order in equal shares, so an
    amphoe's schools are contiguous codes of one area office, as in life."""
    from django.db import connection
    from psycopg2.extras import execute_values

    from schools.geography import load_geography
    from schools.models import School, Subdistrict

    load_geography()
    tambons = {}
    for code, province in Subdistrict.objects.order_by("code").values_list("code", "district__province_id"):
        tambons.setdefault(province, []).append(code)
    by_province = {}
    for pk, province in School.objects.order_by("smis_code").values_list("pk", "province_id"):
        by_province.setdefault(province, []).append(pk)
    pairs = []
    for province, schools in by_province.items():
        codes = tambons.get(province)
        if not codes:
            continue
        pairs += [(pk, codes[i * len(codes) // len(schools)]) for i, pk in enumerate(schools)]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE placed (id bigint, subdistrict_id varchar(6))")
        execute_values(cursor.cursor, "INSERT INTO placed VALUES %s", pairs, page_size=5000)
        cursor.execute(f"UPDATE {School._meta.db_table} s SET subdistrict_id = p.subdistrict_id FROM placed p WHERE s.id = p.id")
        cursor.execute("DROP TABLE placed")
    print(f"schools: {len(pairs):,} placed in a tambon of their province (synthetic; the OBEC list has none)")


def load_round():
    """One closed round, every school's submission certified (70 %) or acknowledged (30 %)."""
    import datetime

    from django.utils import timezone

    from collection.models import Round, Submission
    from schools.models import School

    rng = random.Random(2569)
    round_ = Round.objects.create(academic_year=2569, kind=Round.Kind.NOVEMBER, census_day=datetime.date(2026, 11, 10),
                                  name="10 พฤศจิกายน 2569", state=Round.State.CLOSED)
    now = timezone.now()
    S = Submission.Status
    Submission.objects.bulk_create([
        Submission(round=round_, school_id=pk, status=S.CERTIFIED if rng.random() < 0.7 else S.ACKNOWLEDGED,
                   status_changed_at=now, checked_at=now)
        for pk in School.objects.values_list("pk", flat=True)
    ], batch_size=5000)
    return round_


def school_sizes(school_ids, total, rng):
    """A size per school, skewed like Thai primary schools (many small, a few large), summing to total."""
    weights = [rng.lognormvariate(0, 0.85) for _s in school_ids]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    # Spread the rounding difference one student at a time over the largest schools.
    diff = total - sum(sizes)
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    for k in range(abs(diff)):
        sizes[order[k % len(order)]] += 1 if diff > 0 else -1
    return sizes


def student_lines(round_id, schools, rng, now):
    """COPY text lines (tab-separated), one student at a time, school by school."""
    grades = list(GRADE_WEIGHTS)
    cum, acc = [], 0
    for g in grades:
        acc += GRADE_WEIGHTS[g]
        cum.append(acc)
    birth_year = {g: 2026 - age for g, age in zip(grades, range(4, 16), strict=True)}
    weights = [13 - i for i in range(12)]
    for index, (school_id, size) in enumerate(schools):
        picked = sorted(rng.choices(grades, cum_weights=cum, k=size), key=grades.index)
        prefix12 = f"1{index:06d}"  # unique per school and per run: the rest is the student's number
        head = f"{round_id}\t{school_id}\t"
        for n, grade in enumerate(picked):
            first12 = f"{prefix12}{n:05d}"
            total = sum(int(d) * w for d, w in zip(first12, weights, strict=True))
            pid = f"{first12}{(11 - total % 11) % 10}"
            boy = rng.random() < 0.51
            status = "studying" if rng.random() < 0.985 else "moved_out"
            yield (
                f"{head}{pid}\tcitizen\t{n + 1}\t{grade}\t{1 + n % 2}\t{'M' if boy else 'F'}\t"
                f"{'boy' if boy else 'girl'}\t{rng.choice(FIRST_M if boy else FIRST_F)}\t{rng.choice(LAST)}\t"
                f"{birth_year[grade]}-{1 + n % 12:02d}-{1 + n % 28:02d}\tO\tพุทธ\tไทย\tไทย\t{n % 300}/1\t{1 + n % 12}\t\t"
                f"\t\t\tสมหญิง\t{rng.choice(LAST)}\tรับจ้าง\tมารดา\t\t\t\t\t\t\t99\t99\twalk\t{status}\t{now}\t{now}\n"
            )


class LineStream:
    """A read-only file over a generator of lines, for copy_expert: it holds one buffer at a time."""

    def __init__(self, lines, limit):
        self.lines, self.limit, self.count, self.buffer = lines, limit, 0, b""

    def read(self, size=-1):
        want = size if size and size > 0 else 1 << 20
        parts, length = [self.buffer], len(self.buffer)
        while length < want and self.count < self.limit:
            line = next(self.lines, None)
            if line is None:
                self.limit = self.count
                break
            data = line.encode()
            parts.append(data)
            length += len(data)
            self.count += 1
        data = b"".join(parts)
        self.buffer = data[want:]
        return data[:want]

    readline = read


def load_students(round_):
    """COPY the synthetic students in chunks of a million rows; (rows, seconds for COPY, for ANALYZE)."""
    from django.db import connection
    from django.utils import timezone

    from schools.models import School
    from students.models import StudentRecord

    rng = random.Random(6_500_000)
    ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    sizes = school_sizes(ids, STUDENTS, rng)
    print(f"students: {STUDENTS:,} planned over {len(ids):,} schools "
          f"(median {statistics.median(sizes):.0f}, largest {max(sizes):,}, smallest {min(sizes)})")
    lines = student_lines(round_.pk, zip(ids, sizes, strict=True), rng, timezone.now().isoformat())
    table = connection.ops.quote_name(StudentRecord._meta.db_table)
    sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
    chunk, written = 1_000_000, 0
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    while True:
        stream = LineStream(lines, chunk)
        with raw.cursor() as cursor:
            cursor.copy_expert(sql, stream, size=1 << 20)
        raw.commit()
        written += stream.count
        print(f"  COPY {written:>10,} rows  {time.perf_counter() - started:7.1f} s", flush=True)
        if stream.count < chunk:
            break
    copy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("VACUUM (ANALYZE) " + table)  # sets the visibility map: index-only scans need it
    return written, copy_seconds, time.perf_counter() - started


def timed(label, function, runs=RUNS):
    """Median seconds of `runs` calls after one warm-up; each run printed; (median, last result)."""
    result = function()
    times = []
    from django.db import reset_queries

    for n in range(runs):
        reset_queries()  # DEBUG keeps a log of queries
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
        print(f"  {label} run {n + 1}: {times[-1] * 1000:8.1f} ms", flush=True)
    return statistics.median(times), result


def query_profile(function):
    """The queries one call makes, slowest first: [(seconds, sql)]."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        function()
    return sorted(((float(q["time"]), q["sql"]) for q in queries.captured_queries), reverse=True)


def explain_main_query(round_, group_by, **filters):
    """EXPLAIN (ANALYZE, BUFFERS) of the selector's GROUP BY, built as students_by_grade_gender builds it."""
    from django.db.models import Count

    from reports import selectors

    sc = selectors.scope(round_, **filters)
    column = selectors.GROUP_BY[group_by][0]
    keys = [column] if column else []
    query = sc.records().values(*keys, "grade", "gender").annotate(n=Count("*")).order_by()
    return query.explain(analyze=True, buffers=True)


def pdf_pages(report):
    """Pages of the report's PDF (laid out once more, outside the timing)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from reports.views import report_context

    html = render_to_string("reports/report.html", report_context(report, pdf=True))
    return len(HTML(string=html).render().pages)


def verdict(seconds, target):
    return f"target < {target:g} s: {'met' if seconds < target else f'NOT met ({seconds / target:.1f}× over)'}"


def main():
    url, drop = _database()
    try:
        _setup_django(url)
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count

        from reports import selectors
        from reports.pdf import report_pdf
        from schools.models import District

        call_command("migrate", verbosity=0)
        load_schools()
        place_schools()
        round_ = load_round()
        rows, copy_seconds, analyze_seconds = load_students(round_)
        print(f"loaded {rows:,} student records by COPY in {copy_seconds:.1f} s "
              f"({rows / copy_seconds:,.0f} rows/s), ANALYZE + VACUUM {analyze_seconds:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('students_studentrecord'))")
            print(f"  table with its indexes: {cursor.fetchone()[0]}")

        district = min(District.objects.annotate(n=Count("subdistricts__schools")).filter(n__gt=0),
                       key=lambda d: (abs(d.n - DISTRICT_SCHOOLS), d.code))
        print(f"district: อำเภอ{district.name_th} ({district.code}), {district.n} schools")

        def nation():
            return selectors.students_by_grade_gender(round_, group_by="amphoe")

        def one_district():
            return selectors.students_by_grade_gender(round_, group_by="school", district=district.code)

        def district_pdf():
            return report_pdf(one_district())

        print(f"\n(1) grade × gender per amphoe, whole country ({RUNS} runs)")
        t_nation, report = timed("nation", nation)
        print(f"  {report.schools_covered:,} schools covered, {len(report.tables[1].rows):,} amphoe rows, "
              f"{report.totals[-1]:,} students")
        print(f"\n(2) grade × gender per school, one amphoe ({RUNS} runs)")
        t_district, report = timed("district", one_district)
        print(f"  {report.schools_covered:,} schools covered, {report.totals[-1]:,} students")
        print(f"\n(3) the amphoe's report as PDF, selector + WeasyPrint ({RUNS} runs)")
        t_pdf, pdf = timed("pdf", district_pdf)
        print(f"  {len(pdf) / 1024:.0f} KB, {pdf_pages(one_district())} page(s)")

        print("\n=== results ===")
        print(f"rows loaded: {rows:,}; load (COPY) {copy_seconds:.1f} s, ANALYZE/VACUUM {analyze_seconds:.1f} s")
        print(f"(1) nation, per amphoe:        {t_nation:7.3f} s   {verdict(t_nation, TARGETS['nation'])}")
        print(f"(2) one amphoe, per school:    {t_district:7.3f} s   {verdict(t_district, TARGETS['district'])}")
        print(f"(3) the amphoe's PDF:          {t_pdf:7.3f} s   {verdict(t_pdf, TARGETS['pdf'])}")

        for label, seconds, target, function, group_by, filters in (
            ("nation", t_nation, TARGETS["nation"], nation, "amphoe", {}),
            ("district", t_district, TARGETS["district"], one_district, "school", {"district": district.code}),
        ):
            print(f"\nqueries of ({label}), slowest first:")
            for q_seconds, sql in query_profile(function)[:4]:
                print(f"  {q_seconds * 1000:8.1f} ms  {sql[:160]}")
            if seconds >= target or label == "nation":
                why = "target missed" if seconds >= target else "for reference"
                print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the main query of ({label}), {why}:")
                print(explain_main_query(round_, group_by, **filters))
        connection.close()
    finally:
        finish(KEEP, BENCH_DB, drop)


if __name__ == "__main__":
    main()
