"""The submission workflow (DESIGN.md §4): every action × every state × every role × round timing.

The expected table is written out here again from the design document, not read from
collection/workflow.py, so the test checks the code against the document rather than itself.
"""

import datetime
import itertools
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext

from collection.models import Round, Submission, SubmissionEvent
from collection.services import WorkflowError, round_recheck, submission_act, submission_recheck
from collection.workflow import available_actions
from edinfo import access
from students import layout, services
from students.selectors import stored_problems
from tests.students.dmcfiles import dmc_table, student, xlsx
from tests.students.factories import (
    RoundFactory,
    StudentRecordFactory,
    SubmissionFactory,
    citizen_id,
    june_round,
)

S = Submission.Status
OFFICE = {"officer", "admin"}

# action → (from states, to state, who may, when). "school": while the round is open, or after it
# closed for a school the office reopened; "office": once the round has opened; "closed": after it closed.
RULES = {
    "confirm": ({S.DRAFT, S.RETURNED}, S.CONFIRMED, {"staff"}, "school"),
    "send_back": ({S.CONFIRMED}, S.DRAFT, {"director"}, "school"),
    "certify": ({S.CONFIRMED}, S.CERTIFIED, {"director"}, "school"),
    "acknowledge": ({S.CERTIFIED}, S.ACKNOWLEDGED, OFFICE, "office"),
    "return": ({S.CERTIFIED, S.ACKNOWLEDGED}, S.RETURNED, OFFICE, "office"),
    "reopen": (set(S), S.RETURNED, OFFICE, "closed"),
}
WHEN = {"school": {"open", "reopened"}, "office": {"open", "closed", "reopened"}, "closed": {"closed", "reopened"}}
# Who gets an e-mail: the people who act next (never the one who acted).
NOTIFIED = {
    "confirm": {"director"},
    "send_back": {"staff"},
    "certify": {"officer"},
    "acknowledge": {"staff", "director"},
    "return": {"staff", "director"},
    "reopen": {"staff", "director"},
}
ROLES = ["staff", "director", "officer", "admin", "executive", "outsider"]
TIMINGS = ["planned", "open", "closed", "reopened"]
REASON = "จำนวนนักเรียน ป.1 ไม่ตรงกับทะเบียน"


@pytest.fixture
def cast(staff, director, officer, admin_user, executive, outsider):
    """The six standing users, each with an e-mail address so the outbox shows who was told."""
    people = {"staff": staff, "director": director, "officer": officer, "admin": admin_user,
              "executive": executive, "outsider": outsider}
    for name, user in people.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return people


def round_in(timing, **fields):
    state = {"planned": Round.State.PLANNED, "open": Round.State.OPEN}.get(timing, Round.State.CLOSED)
    return RoundFactory(state=state, **fields)


def submission_in(school, status, timing):
    round_ = round_in(timing)
    reopened_at = timezone.now() - datetime.timedelta(days=1) if timing == "reopened" else None
    return SubmissionFactory(school=school, round=round_, status=status, reopened_at=reopened_at)


def allowed(action, status, role, timing):
    sources, _target, roles, when = RULES[action]
    return status in sources and role in roles and timing in WHEN[when]


@pytest.mark.parametrize(
    "action,status,role,timing",
    list(itertools.product(RULES, list(S), ROLES, TIMINGS)),
    ids=lambda value: str(value),
)
def test_every_action_in_every_state_for_every_role(
    cast, school, action, status, role, timing, django_capture_on_commit_callbacks
):
    submission = submission_in(school, status, timing)
    StudentRecordFactory(school=school, round=submission.round)  # a clean record: confirm is not blocked
    actor = cast[role]
    expected = allowed(action, status, role, timing)
    # The buttons a page shows are the steps the service takes.
    assert (action in available_actions(submission, access.school_roles_of(actor, school))) == expected

    with django_capture_on_commit_callbacks(execute=True):
        if expected:
            submission_act(submission=submission, action=action, user=actor, comment=REASON)
        else:
            with pytest.raises(WorkflowError) as refused:
                submission_act(submission=submission, action=action, user=actor, comment=REASON)

    before = submission.status_changed_at
    submission.refresh_from_db()
    events = list(SubmissionEvent.objects.filter(submission=submission).values_list(
        "user", "action", "from_status", "to_status", "comment"))
    if not expected:
        assert str(refused.value).strip()
        assert submission.status == status and submission.status_changed_at == before
        assert events == []
        assert mail.outbox == []
        return
    target = RULES[action][1]
    assert submission.status == target and submission.status_changed_at is not None
    assert events == [(actor.pk, action, status, target, REASON)]
    if action == "reopen":
        assert submission.reopened_at is not None
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted(f"{name}@example.org" for name in NOTIFIED[action] - {role})
    assert all(school.full_name in message.subject for message in mail.outbox)


@pytest.mark.parametrize("action,status,timing", [("return", S.CERTIFIED, "open"), ("return", S.ACKNOWLEDGED, "closed"),
                                                  ("reopen", S.DRAFT, "closed")])
@pytest.mark.parametrize("comment", ["", "   \n"])
def test_return_and_reopen_need_a_reason(cast, school, action, status, timing, comment, mailoutbox):
    submission = submission_in(school, status, timing)
    with pytest.raises(WorkflowError) as refused:
        submission_act(submission=submission, action=action, user=cast["officer"], comment=comment)
    assert gettext("Please give a reason: the school reads it to know what to fix.") in str(refused.value)
    submission.refresh_from_db()
    assert submission.status == status and submission.reopened_at is None
    assert not SubmissionEvent.objects.exists() and mailoutbox == []


@pytest.mark.parametrize("bad,message", [
    ({"first_name": ""}, "ต้องกรอกชื่อ"),
    ({"person_id": "1234567890123"}, "เลขตรวจสอบหลักที่ 13 ไม่ถูกต้อง"),
    ({"grade": "P9"}, "ไม่รู้จักชั้นนี้"),
])
def test_confirm_is_refused_while_blocking_errors_remain_and_says_which(cast, school, bad, message, mailoutbox):
    submission = submission_in(school, S.DRAFT, "open")
    StudentRecordFactory(school=school, round=submission.round)
    # Written directly, around the checks (as an old import, a script or the admin could have).
    StudentRecordFactory(school=school, round=submission.round, **bad)
    with pytest.raises(WorkflowError) as refused:
        submission_act(submission=submission, action="confirm", user=cast["staff"])
    text = str(refused.value)
    assert message in text
    assert text.startswith(gettext("Cannot confirm yet: "))
    assert "1234567890123" not in text  # a message never shows a full ID
    submission.refresh_from_db()
    assert submission.status == S.DRAFT
    assert not SubmissionEvent.objects.exists() and mailoutbox == []


def test_confirm_with_no_records_is_refused_when_the_round_collects_students(cast, school):
    submission = submission_in(school, S.DRAFT, "open")
    with pytest.raises(WorkflowError) as refused:
        submission_act(submission=submission, action="confirm", user=cast["staff"])
    assert gettext("No student records have been entered or imported for this round.") in str(refused.value)
    submission.refresh_from_db()
    assert submission.status == S.DRAFT and not SubmissionEvent.objects.exists()


def test_a_round_without_student_records_can_be_confirmed_empty(cast, school):
    round_ = RoundFactory(state=Round.State.OPEN, collects_students=False)
    submission = SubmissionFactory(school=school, round=round_)
    submission_act(submission=submission, action="confirm", user=cast["staff"])
    submission.refresh_from_db()
    assert submission.status == S.CONFIRMED


def test_warnings_do_not_block_confirm(cast, school):
    submission = submission_in(school, S.DRAFT, "open")
    StudentRecordFactory(school=school, round=submission.round, prefix="girl")  # prefix against gender: a warning
    submission_act(submission=submission, action="confirm", user=cast["staff"])
    submission.refresh_from_db()
    assert submission.status == S.CONFIRMED


# --- what confirm and the board read: the checks over the stored records ----------------------------------------


def dmc_file(*rows):
    headers = [header for header, _field in layout.DMC_COLUMNS]
    return xlsx(dmc_table(rows, headers=headers))


def shape(problems):
    return Counter((p.code, p.level, p.field) for p in problems)


def test_stored_problems_say_what_the_import_preview_said(school, other_school):
    nov = RoundFactory(state=Round.State.OPEN)
    june = june_round()
    StudentRecordFactory(school=school, round=june, person_id=citizen_id(50), grade="P1")  # not in November
    StudentRecordFactory(school=other_school, round=nov, person_id=citizen_id(2))  # in two schools
    data = dmc_file(student(1), student(2), student(3, prefix="เด็กหญิง"), student(4, height_cm="300"))
    services.import_commit(school=school, round=nov, data=data, filename="nov.xlsx", user=None)
    preview = services.import_preview(school=school, round=nov, data=data, filename="nov.xlsx")

    stored = stored_problems(school=school, round=nov)
    assert shape(stored.items) == shape(preview.problems)
    assert {"prefix_gender", "height_implausible", "id_in_other_school", "missing_since_previous"} <= {
        p.code for p in stored.items}
    assert (stored.record_count, stored.error_count, stored.warning_count) == (4, 0, len(preview.problems))
    by_code = {p.code: record for record, p in stored.pairs}
    assert by_code["missing_since_previous"] is None  # a student of June: no record this round
    assert by_code["prefix_gender"].person_id == citizen_id(3)


def test_stored_problems_list_errors_first_and_never_a_full_id(school):
    nov = RoundFactory(state=Round.State.OPEN)
    StudentRecordFactory(school=school, round=nov, prefix="girl")  # a warning
    bad = StudentRecordFactory(school=school, round=nov, person_id="1234567890123", first_name="")
    stored = stored_problems(school=school, round=nov)
    assert [p.level for p in stored.items] == ["error", "error", "warning"]
    assert {p.code for p in stored.items[:2]} == {"id_invalid", "required"}
    assert all(record == bad for record, p in stored.pairs if p.is_error)
    assert all(p.row is None for p in stored.items)  # a stored record has no spreadsheet row
    assert not any("1234567890123" in str(p) for p in stored.items)
    assert (stored.record_count, stored.error_count, stored.warning_count) == (2, 2, 1)


def test_recheck_keeps_the_counts_and_nothing_else(school, other_school):
    nov = RoundFactory(state=Round.State.OPEN)
    ours = SubmissionFactory(school=school, round=nov)
    theirs = SubmissionFactory(school=other_school, round=nov)
    StudentRecordFactory(school=school, round=nov)
    StudentRecordFactory(school=school, round=nov, first_name="", prefix="girl")
    StudentRecordFactory(school=other_school, round=nov)
    stale = Submission.objects.get(pk=ours.pk)
    Submission.objects.filter(pk=ours.pk).update(status=S.RETURNED)  # a step taken meanwhile

    submission_recheck(submission=stale)
    ours.refresh_from_db()
    assert (ours.record_count, ours.error_count, ours.warning_count) == (2, 1, 1)
    assert ours.checked_at is not None and ours.status == S.RETURNED
    assert round_recheck(round=nov) == 2
    theirs.refresh_from_db()
    assert (theirs.record_count, theirs.error_count, theirs.warning_count) == (1, 0, 0)


def test_an_import_and_a_record_save_recheck_the_submission(school, staff):
    nov = RoundFactory(state=Round.State.OPEN)
    services.import_commit(school=school, round=nov, data=dmc_file(student(1), student(2, prefix="เด็กหญิง")),
                           filename="nov.xlsx", user=staff)
    submission = Submission.objects.get(school=school, round=nov)
    assert (submission.record_count, submission.error_count, submission.warning_count) == (2, 0, 1)
    assert submission.checked_at is not None
    services.record_save(school=school, round=nov, user=staff, data={
        "person_id": citizen_id(3), "grade": "P1", "gender": "F", "prefix": "girl", "first_name": "ก", "last_name": "ข"})
    submission.refresh_from_db()
    assert submission.record_count == 3


def test_the_counts_an_import_leaves_are_those_a_full_recheck_finds(school, other_school, staff):
    # The import reuses its preview's counts instead of checking the stored rows again: they must
    # agree with a recheck, warnings of every kind included (another school holding the same
    # person, a prefix that contradicts the gender, a student of June missing in November).
    june = RoundFactory(state=Round.State.CLOSED, census_day=datetime.date(2026, 6, 10), kind=Round.Kind.JUNE)
    nov = RoundFactory(state=Round.State.OPEN)
    StudentRecordFactory(school=school, round=june, person_id=citizen_id(9))
    StudentRecordFactory(school=other_school, round=nov, person_id=citizen_id(1))
    services.import_commit(school=school, round=nov, data=dmc_file(student(1), student(2, prefix="เด็กหญิง")),
                           filename="nov.xlsx", user=staff)
    submission = Submission.objects.get(school=school, round=nov)
    after_import = (submission.record_count, submission.error_count, submission.warning_count)
    submission_recheck(submission=submission)
    submission.refresh_from_db()
    assert after_import == (submission.record_count, submission.error_count, submission.warning_count)
    assert after_import[2] >= 3
