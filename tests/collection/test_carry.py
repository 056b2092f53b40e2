"""Carrying last round's students forward: promotion at a new academic year, graduation from the
school's top grade, the same grade within a year, only studying students, and never twice."""

import datetime

import pytest
from django.db import connection

from collection.carry import carry_forward, next_grade, submissions_for_all, taught_levels
from collection.models import Round, Submission, SubmissionEvent
from schools.levels import level_range
from students.models import StudentRecord
from tests.factories import SchoolFactory
from tests.students.factories import StudentRecordFactory


def _round(year, kind, day, name, **extra):
    return Round.objects.create(academic_year=year, kind=kind, census_day=day, name=name, **extra)


@pytest.fixture
def march(db):
    """End of academic year 2568 (31 March 2569 BE)."""
    return _round(2568, Round.Kind.MARCH, datetime.date(2026, 3, 31), "31 มีนาคม 2569")


@pytest.fixture
def june(db):
    return _round(2569, Round.Kind.JUNE, datetime.date(2026, 6, 10), "10 มิถุนายน 2569")


@pytest.fixture
def november(db):
    return _round(2569, Round.Kind.NOVEMBER, datetime.date(2026, 11, 10), "10 พฤศจิกายน 2569")


def grades(round_, school):
    return sorted(StudentRecord.objects.filter(round=round_, school=school).values_list("grade", flat=True))


# --- the promotion rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("grade,levels,expected", [
    ("K1", ("K1", "P6"), "K2"),
    ("K2", ("K1", "P6"), "K3"),
    ("K3", ("K1", "P6"), "P1"),
    ("P1", ("K1", "P6"), "P2"),
    ("P5", ("K1", "P6"), "P6"),
    ("P6", ("K1", "P6"), None),  # no M1 here: they leave as graduates
    ("P6", ("K1", "M3"), "M1"),  # an opportunity-expansion school keeps them
    ("M2", ("K1", "M3"), "M3"),
    ("M3", ("K1", "M3"), None),  # the school's top grade
    ("K3", ("K1", "K3"), None),  # a kindergarten-only school
    ("M6", ("M1", "M6"), None),
])
def test_next_grade(grade, levels, expected):
    assert next_grade(grade, set(level_range(*levels))) == expected


def test_levels_come_from_the_registry_else_from_last_rounds_grades(db):
    assert taught_levels(SchoolFactory(lowest_level="P1", highest_level="M3"), {"P2"}) == set(level_range("P1", "M3"))
    unknown = SchoolFactory(lowest_level="", highest_level="")
    assert taught_levels(unknown, {"K2", "P4"}) == set(level_range("K1", "P4"))
    assert taught_levels(unknown, set()) == set()


# --- carrying ---------------------------------------------------------------------------------------


def test_new_academic_year_promotes_and_graduates_the_top_grade(march, june, officer):
    primary = SchoolFactory(lowest_level="K1", highest_level="P6")
    expansion = SchoolFactory(lowest_level="K1", highest_level="M3")
    for grade in ("K1", "K3", "P5", "P6", "P6"):
        StudentRecordFactory(round=march, school=primary, grade=grade)
    for grade in ("P6", "M1", "M3"):
        StudentRecordFactory(round=march, school=expansion, grade=grade)
    StudentRecordFactory(round=march, school=primary, grade="P2", status="moved_out")
    StudentRecordFactory(round=march, school=primary, grade="P3", status="dropped_out")

    result = carry_forward(round=june, user=officer)

    assert grades(june, primary) == ["K2", "P1", "P6"]
    assert grades(june, expansion) == ["M1", "M2"]
    assert result.previous == march
    assert result.students == 5
    assert result.graduated == 3  # two P6 of the primary school, the M3 of the other
    assert result.schools == 2
    assert result.skipped == []
    # Nothing of last round changed.
    assert StudentRecord.objects.filter(round=march).count() == 10


def test_same_academic_year_keeps_the_grade(june, november):
    school = SchoolFactory()
    for grade in ("K1", "P6", "P6"):
        StudentRecordFactory(round=june, school=school, grade=grade)
    result = carry_forward(round=november)
    assert grades(november, school) == ["K1", "P6", "P6"]
    assert result.graduated == 0


def test_everything_else_of_the_record_is_kept(june, november, officer):
    school = SchoolFactory()
    old = StudentRecordFactory(
        round=june, school=school, grade="P4", room=2, first_name="มานี", last_name="มีนา", gender="F",
        prefix="girl", religion="พุทธ", house_number="12/3", father_first_name="มานะ", disadvantage="1",
    )
    carry_forward(round=november, user=officer)
    new = StudentRecord.objects.get(round=november)
    assert new.pk != old.pk
    for name in ("person_id", "id_kind", "student_number", "grade", "room", "gender", "prefix", "first_name",
                 "last_name", "birth_date", "weight_kg", "height_cm", "religion", "house_number",
                 "father_first_name", "disadvantage", "status", "school_id"):
        assert getattr(new, name) == getattr(old, name), name
    # The copy is in the record's history, by the officer, so nothing appears from nowhere.
    history = new.history.get()
    assert history.history_user == officer
    assert history.history_type == "+"
    assert "10 มิถุนายน 2569" in history.history_change_reason


def test_each_school_gets_a_draft_and_a_line_in_its_thread(march, june, officer):
    school = SchoolFactory()
    StudentRecordFactory.create_batch(4, round=march, school=school, grade="P1")
    carry_forward(round=june, user=officer)
    submission = Submission.objects.get(round=june, school=school)
    assert submission.status == Submission.Status.DRAFT
    assert submission.record_count == 4
    # Checked at once: the board shows real counts, not "not checked".
    assert submission.checked_at is not None
    from students.selectors import stored_problems

    problems = stored_problems(school=school, round=june)
    assert (submission.error_count, submission.warning_count) == (problems.error_count, problems.warning_count)
    event = SubmissionEvent.objects.get(submission=submission)
    assert event.action == "carry"
    assert event.user == officer
    assert "4" in event.comment


def test_running_twice_carries_nothing_more(june, november):
    school = SchoolFactory()
    StudentRecordFactory.create_batch(5, round=june, school=school)
    first = carry_forward(round=november)
    second = carry_forward(round=november)
    assert first.students == 5
    assert second.students == 0
    assert [s for s, _reason in second.skipped] == [school]
    assert StudentRecord.objects.filter(round=november).count() == 5
    assert SubmissionEvent.objects.filter(action="carry").count() == 1


def test_a_school_that_already_entered_data_is_left_alone(june, november):
    school = SchoolFactory()
    StudentRecordFactory.create_batch(3, round=june, school=school)
    StudentRecordFactory(round=november, school=school)
    result = carry_forward(round=november)
    assert result.students == 0
    assert StudentRecord.objects.filter(round=november, school=school).count() == 1


def test_a_confirmed_submission_is_not_changed(june, november):
    school = SchoolFactory()
    StudentRecordFactory.create_batch(3, round=june, school=school)
    Submission.objects.create(round=november, school=school, status=Submission.Status.CONFIRMED)
    result = carry_forward(round=november)
    assert result.students == 0
    assert [s for s, _reason in result.skipped] == [school]
    assert Submission.objects.get(round=november, school=school).status == Submission.Status.CONFIRMED


def test_an_existing_draft_is_filled(june, november):
    school = SchoolFactory()
    StudentRecordFactory.create_batch(2, round=june, school=school)
    draft = Submission.objects.create(round=november, school=school)
    carry_forward(round=november)
    assert Submission.objects.get().pk == draft.pk
    assert StudentRecord.objects.filter(round=november).count() == 2


def test_school_without_registered_levels_uses_last_rounds_grades(march, june):
    school = SchoolFactory(lowest_level="", highest_level="")
    for grade in ("P5", "P6"):
        StudentRecordFactory(round=march, school=school, grade=grade)
    result = carry_forward(round=june)
    assert grades(june, school) == ["P6"]
    assert result.graduated == 1


def test_no_previous_round_carries_nothing(march):
    result = carry_forward(round=march)
    assert result.previous is None
    assert result.students == 0


def test_many_students_are_carried_in_few_queries(june, november, django_assert_max_num_queries):
    schools = [SchoolFactory() for _ in range(3)]
    StudentRecord.objects.bulk_create([
        StudentRecordFactory.build(round=june, school=schools[n % 3], grade="P3") for n in range(2500)
    ])
    # Per school a submission, its checks and counts, and its thread line; the rows go in batches.
    # SQLite caps the parameters of one statement (999), so its batches hold about twenty rows of
    # 50 columns, and the checks read the records back in chunks of the same size.
    limit = 40 if connection.vendor == "postgresql" else 2500 // 10 + 20
    with django_assert_max_num_queries(limit):
        result = carry_forward(round=november)
    assert result.students == 2500
    assert StudentRecord.objects.filter(round=november).count() == 2500
    assert StudentRecord.history.filter(round=november).count() == 2500


def test_submissions_for_all_open_schools(june, school, other_school):
    SchoolFactory(is_open=False)
    Submission.objects.create(round=june, school=school, status=Submission.Status.CONFIRMED)
    assert submissions_for_all(june) == 1
    assert submissions_for_all(june) == 0
    assert Submission.objects.get(round=june, school=school).status == Submission.Status.CONFIRMED
    assert Submission.objects.filter(round=june).count() == 2


def test_submissions_for_some_schools(june, school, other_school):
    from schools.models import School

    assert submissions_for_all(june, School.objects.filter(pk=other_school.pk)) == 1
    assert [s.school for s in Submission.objects.filter(round=june)] == [other_school]
