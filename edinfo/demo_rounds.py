"""The demo's collection cycle: 10 June 2569 closed and acknowledged, 10 November 2569 open
with schools in every state, so the calendar, the board and the school pages have something to show.

States are written directly with their events (as if each step had been taken through the
services on plausible days); the schools that still have blocking errors stay in draft.
"""

import datetime
import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from collection.models import Round, Submission, SubmissionEvent
from collection.services import round_recheck
from collection.workflow import Action
from edinfo.models import User
from edinfo.thai import format_date
from schools.models import Membership
from students.models import StudentRecord

from . import demo_students

S = Submission.Status
JUNE_NAME = "10 มิถุนายน 2569"
RETURN_REASONS = [
    "จำนวนนักเรียนชั้น ป.1 น้อยกว่ารอบ 10 มิ.ย. 2569 มาก กรุณาตรวจสอบนักเรียนที่ย้ายออกอีกครั้ง",
    "มีนักเรียนไม่มีน้ำหนักและส่วนสูงหลายราย กรุณากรอกให้ครบ",
    "ข้อมูลความด้อยโอกาสไม่ตรงกับแบบ พฐ.4 ที่ส่งมา กรุณาตรวจสอบ",
]
# Share of the open November round's schools in each state (the rest are drafts).
NOVEMBER_MIX = [(S.ACKNOWLEDGED, 0.18), (S.CERTIFIED, 0.22), (S.CONFIRMED, 0.17), (S.RETURNED, 0.08)]


def _at(day, hour, rng):
    moment = datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59)))
    return timezone.make_aware(moment)


# The open round's deadline lies this many days after the day the demo is built, so a newcomer
# sees a countdown and a realistic mix on the board, not a district where everyone is overdue.
DAYS_TO_DEADLINE = 5
# ... and it opened long enough ago for the schools' demo threads to have happened.
DAYS_OPEN_BEFORE = 26


def november_dates(today=None):
    """(opens_on, closes_on) of the demo's open round, relative to the day the demo is built: open since
    26 Oct 2569 (or DAYS_OPEN_BEFORE days ago, whichever is earlier), due DAYS_TO_DEADLINE days from today."""
    today = today or timezone.localdate()
    opens_on = min(datetime.date(2026, 10, 26), today - datetime.timedelta(days=DAYS_OPEN_BEFORE))
    return opens_on, today + datetime.timedelta(days=DAYS_TO_DEADLINE)


def ensure_rounds(today=None):
    nov = demo_students.ensure_rounds()
    opens_on, closes_on = november_dates(today)
    Round.objects.filter(pk=nov.pk).update(
        opens_on=opens_on, closes_on=closes_on, state=Round.State.OPEN,
        notes="ข้อมูลนักเรียนรายบุคคล ณ วันที่ 10 พฤศจิกายน 2569 (ภาคเรียนที่ 2) ส่งภายในวันที่ "
        + format_date(closes_on),
    )
    june, _ = Round.objects.update_or_create(
        academic_year=2569, kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10),
        defaults={
            "name": JUNE_NAME, "opens_on": datetime.date(2026, 5, 18), "closes_on": datetime.date(2026, 6, 30),
            "state": Round.State.CLOSED,
            "notes": "ข้อมูลนักเรียนรายบุคคล ณ วันที่ 10 มิถุนายน 2569 (ภาคเรียนที่ 1)",
        },
    )
    nov.refresh_from_db()
    return june, nov


def _june_students(june, nov, schools, rng):
    """June's records from November's: a few arrived since (not in June), a few left the district
    or moved between schools after June — the round-to-round comparison has real cases to show."""
    if StudentRecord.objects.filter(round=june).exists():
        return 0
    by_district = {}
    for school in schools:
        if school.is_open:
            by_district.setdefault(school.subdistrict.district_id, []).append(school)
    nov_records = list(StudentRecord.objects.filter(round=nov).select_related("school__subdistrict"))
    seen = set()
    june_records = []
    serial = 900_000
    for record in nov_records:
        if (record.school_id, record.person_id) in seen:
            continue
        seen.add((record.school_id, record.person_id))
        roll = rng.random()
        if roll < 0.012:
            continue  # arrived after 10 June
        copy = StudentRecord(**{
            f.attname: getattr(record, f.attname) for f in StudentRecord._meta.concrete_fields if f.attname != "id"
        })
        copy.round = june
        if roll < 0.018:
            # Moved here from a neighbouring school of the same amphoe after June.
            neighbours = [s for s in by_district[record.school.subdistrict.district_id] if s.pk != record.school_id]
            if neighbours:
                copy.school_id = rng.choice(neighbours).pk
        june_records.append(copy)
        if rng.random() < 0.008:
            # A classmate in June who has left the district since.
            serial += 1
            gone = StudentRecord(**{
                f.attname: getattr(copy, f.attname) for f in StudentRecord._meta.concrete_fields if f.attname != "id"
            })
            gone.person_id, gone.id_kind = demo_students._citizen_id(serial)
            gone.first_name = rng.choice(["ธนากร", "ปิยะพงษ์", "กัญญารัตน์", "สุภาวดี", "ณัฐวุฒิ"])
            june_records.append(gone)
    # A school's June list cannot hold one person twice (a mover may land where a namesake is).
    unique, keys = [], set()
    for record in june_records:
        key = (record.school_id, record.person_id)
        if key not in keys:
            keys.add(key)
            unique.append(record)
    bulk_create_with_history(unique, StudentRecord, batch_size=2000, default_change_reason="demo data")
    return len(unique)


def _people(schools):
    staff, directors = {}, {}
    for m in Membership.objects.filter(school__in=schools).select_related("user"):
        (staff if m.role == Membership.Role.STAFF else directors)[m.school_id] = m.user
    return staff, directors


def _history(submission, steps, staff, director, officer, rng):
    """Events for the steps taken, one day apart, ending in the state the demo wants."""
    events = []
    actors = {Action.CONFIRM: staff, Action.CERTIFY: director, Action.ACKNOWLEDGE: officer,
              Action.RETURN: officer, Action.SEND_BACK: director}
    status = S.DRAFT
    day = submission.round.opens_on + datetime.timedelta(days=rng.randint(3, 12))
    targets = {Action.CONFIRM: S.CONFIRMED, Action.CERTIFY: S.CERTIFIED, Action.ACKNOWLEDGE: S.ACKNOWLEDGED,
               Action.RETURN: S.RETURNED, Action.SEND_BACK: S.DRAFT}
    for action in steps:
        comment = rng.choice(RETURN_REASONS) if action == Action.RETURN else ""
        events.append(SubmissionEvent(
            submission=submission, at=_at(day, rng.randint(9, 16), rng), user=actors[action], action=action,
            from_status=status, to_status=targets[action], comment=comment,
        ))
        status = targets[action]
        day += datetime.timedelta(days=rng.randint(1, 3))
    return events, status, (events[-1].at if events else None)


@transaction.atomic
def build_cycle(schools, seed=2569):
    """Both demo rounds with their submissions and threads; safe to run again."""
    rng = random.Random(seed + 7)
    june, nov = ensure_rounds()
    made = _june_students(june, nov, schools, rng)
    staff, directors = _people(schools)
    officer = User.objects.filter(username="officer").first()
    with_errors = {schools[0].pk, schools[1].pk}  # the planted problems live there
    plans = []
    for school in schools:
        if not school.is_open:
            continue
        plans.append((june, school, [Action.CONFIRM, Action.CERTIFY, Action.ACKNOWLEDGE]))
        steps = []
        if school.pk not in with_errors:
            roll, target = rng.random(), S.DRAFT
            for status, share in NOVEMBER_MIX:
                if roll < share:
                    target = status
                    break
                roll -= share
            steps = {
                S.DRAFT: [],
                S.CONFIRMED: [Action.CONFIRM],
                S.CERTIFIED: [Action.CONFIRM, Action.CERTIFY],
                S.ACKNOWLEDGED: [Action.CONFIRM, Action.CERTIFY, Action.ACKNOWLEDGE],
                S.RETURNED: [Action.CONFIRM, Action.CERTIFY, Action.RETURN],
            }[target]
        plans.append((nov, school, steps))
    existing = set(Submission.objects.filter(round__in=[june, nov]).values_list("round_id", "school_id"))
    events = []
    for round_, school, steps in plans:
        if (round_.pk, school.pk) in existing:
            continue
        submission = Submission.objects.create(round=round_, school=school)
        new_events, status, when = _history(
            submission, steps, staff.get(school.pk), directors.get(school.pk), officer, rng
        )
        events += new_events
        Submission.objects.filter(pk=submission.pk).update(status=status, status_changed_at=when)
    SubmissionEvent.objects.bulk_create(events)
    # The board reads cached counts: June's by one GROUP BY (it is closed and acknowledged),
    # November's by running the checks over each school's stored records.
    for row in StudentRecord.objects.filter(round=june).values("school_id").annotate(n=Count("pk")):
        Submission.objects.filter(round=june, school_id=row["school_id"]).update(record_count=row["n"])
    round_recheck(round=nov)
    return made
