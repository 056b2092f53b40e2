"""Benchmark of the school map and the school mapping analysis at national scale
(``make bench-mapping``; never a test).

On a PostgreSQL database of its own (``edinfo_bench_mapping``, created, migrated and dropped), it
loads the real OBEC list of 29,579 schools (as bench_board does), loads the shipped geography and
puts every school at a random point within about 3 km of a random tambon centroid of its
province (the OBEC list carries no coordinates), with a registry student count drawn like the
real size mix. Then it measures, each figure the median of BENCH_RUNS runs:

  (1) nearest school of every school, with the grid index (schools.geo.PointIndex), against the
      baseline of a pass over every school (schools.geo.distance_km) for a sample of queries,
      scaled to all schools — both in this run, on the same points; the ratio is printed;
  (2) the small-school table for the whole country (reports.mapping.small_schools: every school
      of at most 120 students and its nearest larger school within 6 km), and for the area office
      closest to 130 schools;
  (3) the map page's server time and size (GET /schools/map/ as an officer), national and one
      area office, against the baseline of fetching the same columns with values_list alone.

Targets: national small-school table < 5 s, national map page < 3 s, one area < 0.3 s.
Usage: make bench-mapping (DATABASE_URL may point at another PostgreSQL server; its database name
is replaced by edinfo_bench_mapping). BENCH_RUNS (default 3), BENCH_SAMPLE (brute-force queries,
default 300), BENCH_KEEP=1 keeps the database.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_board import load_schools  # noqa: E402 – bench/ is on the path when run as a script
from common import bench_database, finish  # noqa: E402

BENCH_DB = "edinfo_bench_mapping"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", "300"))
KEEP = os.environ.get("BENCH_KEEP") == "1"
TARGETS = {"small_nation": 5.0, "map_nation": 3.0, "map_area": 0.3}


def median_of(function, runs=RUNS):
    times, result = [], None
    for _n in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def place_schools():
    """Coordinates near a tambon centroid of the school's province, and a student count."""
    from schools.geography import load_geography
    from schools.models import School, Subdistrict

    load_geography()
    rng = random.Random(2569)
    by_province = {}
    for code, lat, lng in Subdistrict.objects.exclude(latitude=None).values_list("code", "latitude", "longitude"):
        by_province.setdefault(code[:2], []).append((code, float(lat), float(lng)))
    everywhere = [item for items in by_province.values() for item in items]
    schools = list(School.objects.only("pk", "smis_code"))
    for school in schools:
        code, lat, lng = rng.choice(by_province.get(school.smis_code[:2]) or everywhere)
        school.subdistrict_id = code
        school.latitude = round(lat + rng.uniform(-0.027, 0.027), 6)
        school.longitude = round(lng + rng.uniform(-0.027, 0.027), 6)
        roll = rng.random()  # about half of OBEC's schools are small
        school.student_count = (rng.randint(15, 120) if roll < 0.52 else rng.randint(121, 600) if roll < 0.93
                                else rng.randint(601, 2500))
    School.objects.bulk_update(schools, ["subdistrict", "latitude", "longitude", "student_count"], batch_size=5000)
    print(f"placed {len(schools):,} schools near the tambon centroids of their province")
    return schools


def bench_index(schools):
    from schools.geo import PointIndex, distance_km

    points = [(float(s.latitude), float(s.longitude), s.pk) for s in schools]
    build, index = median_of(lambda: PointIndex(points))

    def all_nearest():
        return [index.nearest(lat, lng, limit=1, where=lambda pk, own=pk: pk != own) for lat, lng, pk in points]

    indexed, found = median_of(all_nearest)
    sample = random.Random(7).sample(points, min(SAMPLE, len(points)))

    def brute():
        answers = []
        for lat, lng, pk in sample:
            answers.append(min((distance_km(lat, lng, olat, olng), other) for olat, olng, other in points if other != pk))
        return answers

    brute_seconds, answers = median_of(brute, runs=1)
    # The same answers: the index is exact, not an approximation.
    by_pk = {pk: hit for (_lat, _lng, pk), hit in zip(points, found, strict=True)}
    agree = sum(1 for (_lat, _lng, pk), (dist, _o) in zip(sample, answers, strict=True)
                if abs(by_pk[pk][0][0] - dist) < 1e-9)
    scaled = brute_seconds * len(points) / len(sample)
    print(f"(1) nearest school of each of {len(points):,} schools: grid index {indexed:.2f} s "
          f"(+ {build:.2f} s to build); baseline pass over every school {brute_seconds:.2f} s for {len(sample)} "
          f"queries = {scaled:.0f} s scaled to all; ratio {scaled / (indexed + build):.0f}× faster; "
          f"{agree}/{len(sample)} sampled answers identical")


def bench_reports(round_, area):
    from reports.mapping import small_schools

    nation, report = median_of(lambda: small_schools(round_))
    one, local = median_of(lambda: small_schools(round_, district=area))
    print(f"(2) small-school table, whole country: {nation:.2f} s for {len(report.rows):,} small schools; "
          f"one amphoe ({area}): {one * 1000:.0f} ms for {len(local.rows)} rows; "
          f"target nation < {TARGETS['small_nation']} s: {'met' if nation < TARGETS['small_nation'] else 'NOT met'}")


def bench_map(client, schools_qs, area_filter):
    from django.urls import reverse

    url = reverse("schools:map")

    def get(query=""):
        response = client.get(url + query)
        assert response.status_code == 200, response.status_code
        return response

    get()
    nation, response = median_of(get)
    area, area_response = median_of(lambda: get(f"?district={area_filter}"))
    columns = ["latitude", "longitude", "student_count", "smis_code", "obec_code", "name",
               "subdistrict__name_th", "subdistrict__district__name_th"]
    fetch, _rows = median_of(lambda: list(schools_qs.values_list(*columns)))
    import gzip

    print(f"(3) map page, whole country: {nation:.2f} s, {len(response.content) / 1e6:.1f} MB "
          f"({len(gzip.compress(response.content)) / 1e6:.2f} MB gzipped) "
          f"(baseline: fetching the same columns {fetch:.2f} s; ratio {nation / fetch:.1f}×); "
          f"one amphoe: {area * 1000:.0f} ms, {len(area_response.content) / 1e3:.0f} kB; targets "
          f"nation < {TARGETS['map_nation']} s {'met' if nation < TARGETS['map_nation'] else 'NOT met'}, "
          f"amphoe < {TARGETS['map_area']} s {'met' if area < TARGETS['map_area'] else 'NOT met'}")


def main():
    url, drop = bench_database(BENCH_DB)
    try:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edinfo.settings")
        import django

        django.setup()
        from django.test.utils import setup_test_environment

        setup_test_environment()
        import datetime

        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count
        from django.test import Client

        from collection.models import Round
        from edinfo.models import User
        from schools.models import School

        call_command("migrate", verbosity=0)
        load_schools()
        schools = place_schools()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        bench_index(schools)
        round_ = Round.objects.create(academic_year=2569, kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10),
                                      name="10 มิถุนายน 2569", state=Round.State.CLOSED)
        amphoe = min(School.objects.values("subdistrict__district").annotate(n=Count("pk")),
                     key=lambda row: (abs(row["n"] - 130), row["subdistrict__district"]))["subdistrict__district"]
        bench_reports(round_, amphoe)
        officer = User.objects.create(username="bench-officer", office_role=User.OfficeRole.OFFICER)
        client = Client()
        client.force_login(officer, backend=settings.AUTHENTICATION_BACKENDS[-1])
        bench_map(client, School.objects.filter(is_open=True), amphoe)
        connection.close()
    finally:
        finish(KEEP, BENCH_DB, drop)


if __name__ == "__main__":
    main()
