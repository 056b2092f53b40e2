"""Factories for rounds, submissions and student records (valid synthetic IDs, plausible values)."""

import datetime
from decimal import Decimal

import factory

from collection.models import Round, Submission
from students import ids
from students.models import StudentRecord
from tests.factories import SchoolFactory


def citizen_id(n):
    """A valid 13-digit citizen ID, different for every n."""
    return ids.with_check_digit(f"1{(64_000_000_000 + n) % 10**11:011d}")


def type0_id(n):
    return ids.with_check_digit(f"0{(50_000_000_000 + n) % 10**11:011d}")


def gcode(n):
    return f"G6964{n:07d}"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        django_get_or_create = ["academic_year", "kind", "census_day"]

    academic_year = 2569
    kind = Round.Kind.NOVEMBER
    census_day = datetime.date(2026, 11, 10)
    name = "10 พฤศจิกายน 2569"
    # The rounds tests write into are open; a planned round accepts nothing from schools.
    state = Round.State.OPEN


def june_round():
    return RoundFactory(kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10), name="10 มิถุนายน 2569")


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    round = factory.SubFactory(RoundFactory)
    school = factory.SubFactory(SchoolFactory)
    status = Submission.Status.DRAFT


class StudentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentRecord

    round = factory.SubFactory(RoundFactory)
    school = factory.SubFactory(SchoolFactory)
    person_id = factory.Sequence(citizen_id)
    id_kind = ids.CITIZEN
    student_number = factory.Sequence(lambda n: str(1000 + n))
    grade = "P1"
    room = 1
    gender = "M"
    prefix = "boy"
    first_name = factory.Sequence(lambda n: f"สมชาย{n}")
    last_name = "ใจดี"
    birth_date = datetime.date(2019, 6, 25)
    weight_kg = Decimal("22.5")
    height_cm = Decimal("120.0")
