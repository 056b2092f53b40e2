"""Past enrolment of the demo schools: the five academic years before the demo's current one,
as an office would import them from its earlier yearly returns (EnrolmentYear, source imported).

Deterministic for a seed. Small schools shrink, as rural small schools do (2–7% a year, so the
figures go back up into the past); larger ones are about steady (−2% to +1.5% a year); each year
has a little noise. Safe to run again: the demo's rows of those years are replaced.
"""

import random

from django.db import transaction

from schools.models import EnrolmentYear, SizeCategory

from .demo_students import ACADEMIC_YEAR

YEARS_BACK = 5


@transaction.atomic
def build_history(schools, seed=2569):
    """EnrolmentYear rows for academic years ACADEMIC_YEAR−5 … ACADEMIC_YEAR−1 of every school;
    returns how many were written. Two queries and one bulk insert."""
    first = SizeCategory.objects.order_by("min_students").first()
    small_max = first.max_students if first and first.max_students is not None else 120
    years = range(ACADEMIC_YEAR - YEARS_BACK, ACADEMIC_YEAR)
    rows = []
    for school in schools:
        rng = random.Random(f"{seed}-{school.smis_code}")
        now = school.student_count or 0
        rate = rng.uniform(0.02, 0.07) if now <= small_max else rng.uniform(-0.015, 0.02)
        for year in years:
            back = ACADEMIC_YEAR - year
            students = round(now * (1 + rate) ** back * rng.uniform(0.97, 1.03))
            rows.append(EnrolmentYear(school=school, academic_year=year, students=max(students, 0),
                                      source=EnrolmentYear.Source.IMPORTED, note="ข้อมูลตัวอย่าง"))
    EnrolmentYear.objects.filter(school__in=[s.pk for s in schools], academic_year__in=list(years)).delete()
    EnrolmentYear.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
