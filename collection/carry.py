"""Starting a round from the last one: each school's students carried in as a draft to check.

Schools re-enter the same children every census day. Carrying the previous round's students
forward gives each school a draft to check instead of an empty page: at a new academic year
everyone moves up one grade and the school's top grade leaves as graduated; within the same
academic year (10 June → 10 November) the grade stays.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from schools.levels import LEVELS, ORDER
from schools.models import School
from students.codes import Status as RecordStatus
from students.models import StudentRecord

from .models import Submission, SubmissionEvent
from .services import submission_recheck

BATCH = 2000  # rows per INSERT (and per history INSERT): a district's round is about 15,000
# Copied as they are; everything else of the record is the new round's own.
NOT_COPIED = {"id", "round", "created_at", "updated_at"}


@dataclass
class CarryResult:
    """What carry_forward() did: totals, and the schools it left alone with the reason."""

    previous: object = None
    students: int = 0
    graduated: int = 0
    schools: int = 0
    skipped: list = field(default_factory=list)  # [(school, reason)]


def next_grade(grade, taught):
    """The grade a student of `grade` moves up to at a new academic year, or None when they
    graduate: past the school's top grade, or into a level it does not teach (P6 → M1 only in a
    school with M1)."""
    index = ORDER[grade] + 1
    if index >= len(LEVELS):
        return None
    promoted = LEVELS[index]
    return promoted if promoted in taught else None


def taught_levels(school, grades_reported):
    """Levels a school teaches: its registered range, else the grades it reported last round
    (up to the highest of them), so a school missing from the registry's levels still promotes."""
    if school.levels:
        return set(school.levels)
    if not grades_reported:
        return set()
    top = max(grades_reported, key=ORDER.__getitem__)
    return set(LEVELS[: ORDER[top] + 1])


def submissions_for_all(round, schools=None):
    """A draft submission for each of `schools` (default: every open school) that has none in
    this round yet. Returns how many were made.

    Not called when a round opens: until a school acts, having no submission is how the board
    tells "not started" from "draft". Reminders need one (a reminder names its submission).
    """
    have = Submission.objects.filter(round=round).values_list("school_id", flat=True)
    schools = School.objects.filter(is_open=True) if schools is None else schools
    missing = schools.exclude(pk__in=have).values_list("pk", flat=True)
    created = Submission.objects.bulk_create(
        [Submission(round=round, school_id=pk, status=Submission.Status.DRAFT) for pk in missing],
        batch_size=BATCH, ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def carry_forward(*, round, user=None, previous=None):
    """Copy each school's studying students of the previous round into `round` as a draft.

    A school is carried only when it has no records in `round` yet and its submission is a draft:
    once a school has entered or imported its own data, adding last round's children to it would
    mix two lists, and data already confirmed must not change behind the school's back. So running
    this twice adds nothing the second time. Each carried school gets a line in its thread.
    """
    previous = previous or round.previous()
    result = CarryResult(previous=previous)
    if previous is None:
        return result
    new_year = previous.academic_year != round.academic_year

    sources = dict(
        StudentRecord.objects.filter(round=previous, status=RecordStatus.STUDYING)
        .values_list("school_id").annotate(n=Count("pk")).order_by()
    )
    if not sources:
        return result
    already = set(
        StudentRecord.objects.filter(round=round, school_id__in=sources)
        .values_list("school_id", flat=True).distinct().order_by()
    )
    submissions = {s.school_id: s for s in Submission.objects.filter(round=round, school_id__in=sources)}
    schools = School.objects.in_bulk(list(sources))
    carried = []
    for school_id in sorted(sources, key=lambda pk: schools[pk].smis_code):
        school = schools[school_id]
        submission = submissions.get(school_id)
        if school_id in already:
            result.skipped.append((school, _("it already has records in this round")))
        elif submission is not None and submission.status != Submission.Status.DRAFT:
            result.skipped.append((school, _("its submission is already %(status)s")
                                   % {"status": submission.get_status_display()}))
        else:
            carried.append(school)
    if not carried:
        return result

    # Schools whose levels the registry does not know: their grades of last round stand in.
    grades = {}
    unknown = [s.pk for s in carried if not s.levels]
    if unknown:
        for school_id, grade in (
            StudentRecord.objects.filter(round=previous, school_id__in=unknown)
            .values_list("school_id", "grade").distinct().order_by()
        ):
            grades.setdefault(school_id, set()).add(grade)
    taught = {s.pk: taught_levels(s, grades.get(s.pk, ())) for s in carried}

    per_school = dict.fromkeys(taught, 0)
    graduated = dict.fromkeys(taught, 0)
    fields = [f for f in StudentRecord._meta.concrete_fields if f.name not in NOT_COPIED]
    now = timezone.now()
    reason = _("carried forward from %(round)s") % {"round": previous.name}
    batch = []
    records = (
        StudentRecord.objects.filter(round=previous, status=RecordStatus.STUDYING, school_id__in=taught)
        .order_by("school_id", "pk")
    )
    for record in records.iterator(chunk_size=BATCH):
        grade = record.grade
        if new_year:
            grade = next_grade(grade, taught[record.school_id])
            if grade is None:
                graduated[record.school_id] += 1
                continue
        copy = StudentRecord(round=round, created_at=now, updated_at=now)
        for f in fields:
            setattr(copy, f.attname, getattr(record, f.attname))
        copy.grade = grade
        batch.append(copy)
        per_school[record.school_id] += 1
        if len(batch) >= BATCH:
            _insert(batch, user, reason, now)
            batch = []
    if batch:
        _insert(batch, user, reason, now)

    for school in carried:
        submission = submissions.get(school.pk)
        if submission is None:
            submission = Submission.objects.create(round=round, school=school, status=Submission.Status.DRAFT)
        # Checked at once, so the board shows each school's real error count from the first day
        # (a child moved up a grade may now be too young for it) instead of "not checked".
        submission.school, submission.round = school, round
        submission_recheck(submission=submission)
        SubmissionEvent.objects.create(
            submission=submission, at=now, user=user, action="carry",
            from_status=submission.status, to_status=submission.status,
            comment=_carry_note(per_school[school.pk], graduated[school.pk], previous, new_year),
        )
    result.schools = len(carried)
    result.students = sum(per_school.values())
    result.graduated = sum(graduated.values())
    return result


def _insert(batch, user, reason, now):
    bulk_create_with_history(batch, StudentRecord, batch_size=BATCH, default_user=user,
                             default_change_reason=reason, default_date=now)


def _carry_note(students, graduated, previous, new_year):
    note = _("%(count)d students were carried forward from %(round)s as a draft: check them, "
             "remove those who left and add those who arrived.") % {"count": students, "round": previous.name}
    if new_year:
        note += " " + _("Everyone moved up one grade; %(count)d in the school's top grade left as graduated.") % {
            "count": graduated
        }
    return note
