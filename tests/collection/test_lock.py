"""Locked data cannot change by any path until reopened (DESIGN.md §4).

Once the director certifies (or the office acknowledges), and once the round closes for a school
the office has not reopened, every way of writing student records is refused and the data stays
as it was: the record form, the import pages, the import service, the one-record service, the
admin and the import command. After the office returns or reopens the submission, the same
writes go through again.
"""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict
from django.urls import reverse

from collection.models import Round, Submission
from collection.services import submission_act
from students import layout, services
from students.models import StudentRecord
from tests.students.dmcfiles import dmc_table, student, xlsx
from tests.students.factories import RoundFactory, StudentRecordFactory, citizen_id

S = Submission.Status
NEW_NAME = "แก้แล้ว"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def round_(db):
    return RoundFactory(state=Round.State.OPEN)


@pytest.fixture
def record(school, round_):
    return StudentRecordFactory(school=school, round=round_, person_id=citizen_id(1), first_name="สมชาย1")


@pytest.fixture
def world(school, round_, record, staff, director, officer, admin_user, as_user, client, tmp_path):
    """Everything a write path needs, in one place."""
    return {"school": school, "round": round_, "record": record, "staff": staff, "director": director,
            "officer": officer, "admin": admin_user, "as_user": as_user, "client": client, "tmp_path": tmp_path}


def data_state(school, round_):
    """What must not move while locked: every stored value that the writes touch, and the history."""
    records = StudentRecord.objects.filter(school=school, round=round_).order_by("pk")
    return (list(records.values_list("pk", "person_id", "first_name", "last_name", "grade", "updated_at")),
            StudentRecord.history.filter(school=school, round=round_).count())


def dmc_file():
    """The school's file: the stored student with a new first name, and one more student."""
    headers = [header for header, _field in layout.DMC_COLUMNS]
    return xlsx(dmc_table([student(1, first_name=NEW_NAME), student(2)], headers=headers))


# --- the write paths ------------------------------------------------------------------------------------------
# Each tries one change to the school's records and swallows the refusal; the test then compares the data.

FORM = {"student_number": "1001", "grade": "P1", "room": "1", "gender": "M", "prefix": "boy", "first_name": NEW_NAME,
        "last_name": "ใจดี", "birth_date": "25/06/2562", "weight_kg": "22.5", "height_cm": "120",
        "disadvantage": "99", "disability": "99", "status": "studying"}


def record_form_edit(w):
    url = reverse("students:edit", args=[w["school"].smis_code]) + f"?id={w['record'].pk}"
    response = w["as_user"](w["staff"]).post(url, {**FORM, "person_id": w["record"].person_id})
    assert response.status_code in (200, 302)


def record_form_add(w):
    url = reverse("students:add", args=[w["school"].smis_code]) + f"?round={w['round'].pk}"
    response = w["as_user"](w["staff"]).post(url, {**FORM, "person_id": citizen_id(2)})
    assert response.status_code in (200, 302)


def import_pages(w):
    client = w["as_user"](w["staff"])
    query = f"?round={w['round'].pk}"
    upload = io.BytesIO(dmc_file())
    upload.name = "2569-2-student.xlsx"
    client.post(reverse("students:import_upload", args=[w["school"].smis_code]) + query,
                {"file": upload, "round": w["round"].pk})
    client.get(reverse("students:import_preview", args=[w["school"].smis_code]) + query)
    response = client.post(reverse("students:import_confirm", args=[w["school"].smis_code]) + query)
    assert response.status_code == 302


def expected_refusal(w):
    """The refusal names the one reason that applies: certified, or the round closed."""
    reason = Submission.objects.get(school=w["school"], round=w["round"]).lock_reason
    return services.locked_message(reason)


def import_commit(w):
    try:
        services.import_commit(school=w["school"], round=w["round"], data=dmc_file(), filename="2569-2-student.xlsx",
                               user=w["staff"])
    except services.ImportRefused as refused:
        assert refused.message == expected_refusal(w)


def record_save(w):
    data = {"person_id": w["record"].person_id, "grade": "P1", "gender": "M", "prefix": "boy",
            "first_name": NEW_NAME, "last_name": "ใจดี"}
    try:
        services.record_save(school=w["school"], round=w["round"], data=data, user=w["staff"], record=w["record"])
    except services.ImportRefused as refused:
        assert refused.message == expected_refusal(w)


def admin_change_form(w):
    record = w["record"]
    data = {name: ("" if value is None else value) for name, value in model_to_dict(record).items()}
    # The admin's date boxes take day/month/Buddhist-era year, as the page shows them (edinfo/admin_thai.py).
    born = record.birth_date
    data.update(first_name=NEW_NAME, birth_date=f"{born.day:02d}/{born.month:02d}/{born.year + 543}", _save="Save")
    client = w["client"]
    client.force_login(w["admin"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("admin:students_studentrecord_change", args=[record.pk]), data)
    assert response.status_code in (302, 403), response.content[:2000]


def import_command(w):
    path = w["tmp_path"] / "2569-2-student.xlsx"
    path.write_bytes(dmc_file())
    try:
        call_command("import_students", str(path), "--school", w["school"].smis_code, "--round", w["round"].code,
                     "--commit", stdout=io.StringIO())
    except CommandError as error:
        assert error.returncode == 1


WRITES = [record_form_edit, record_form_add, import_pages, import_commit, record_save, admin_change_form,
          import_command]


# --- locking and unlocking through the workflow -----------------------------------------------------------------


def certify(w):
    submission = Submission.objects.get_or_create(school=w["school"], round=w["round"])[0]
    submission_act(submission=submission, action="confirm", user=w["staff"])
    return submission_act(submission=submission, action="certify", user=w["director"])


def acknowledge(w):
    return submission_act(submission=certify(w), action="acknowledge", user=w["officer"])


def close_round(w):
    w["round"].state = Round.State.CLOSED
    w["round"].save(update_fields=["state"])


def certified_then_closed(w):
    submission = certify(w)
    close_round(w)
    return submission


def closed_while_draft(w):
    submission = Submission.objects.get_or_create(school=w["school"], round=w["round"])[0]
    close_round(w)
    return submission


def officer_returns(w, submission):
    submission_act(submission=submission, action="return", user=w["officer"], comment="ชื่อนักเรียนสะกดผิด")


def officer_reopens(w, submission):
    submission_act(submission=submission, action="reopen", user=w["officer"], comment="ส่งข้อมูลเพิ่มหลังปิดรอบ")


LOCKS = [
    pytest.param(certify, officer_returns, id="certified-returned"),
    pytest.param(acknowledge, officer_returns, id="acknowledged-returned"),
    pytest.param(certified_then_closed, officer_reopens, id="certified-closed-reopened"),
    pytest.param(closed_while_draft, officer_reopens, id="closed-reopened"),
]


@pytest.mark.parametrize("lock,unlock", LOCKS)
@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_locked_data_cannot_change_by_any_path_until_reopened(world, lock, unlock, write):
    submission = lock(world)
    submission.refresh_from_db()
    assert submission.is_locked
    before = data_state(world["school"], world["round"])

    write(world)
    assert data_state(world["school"], world["round"]) == before

    unlock(world, submission)
    submission.refresh_from_db()
    assert not submission.is_locked and submission.status == S.RETURNED
    write(world)
    assert data_state(world["school"], world["round"]) != before
    names = set(StudentRecord.objects.filter(school=world["school"], round=world["round"])
                .values_list("first_name", flat=True))
    assert NEW_NAME in names


def test_an_upload_previewed_before_the_director_certified_cannot_be_confirmed_after(world):
    school, round_ = world["school"], world["round"]
    client = world["as_user"](world["staff"])
    query = f"?round={round_.pk}"
    upload = io.BytesIO(dmc_file())
    upload.name = "2569-2-student.xlsx"
    client.post(reverse("students:import_upload", args=[school.smis_code]) + query, {"file": upload})
    preview = client.get(reverse("students:import_preview", args=[school.smis_code]) + query)
    assert preview.context["preview"].can_commit
    before = data_state(school, round_)

    certify(world)
    response = client.post(reverse("students:import_confirm", args=[school.smis_code]) + query, follow=True)
    assert data_state(school, round_) == before
    assert services.MSG_LOCKED in response.content.decode()


def test_a_closed_round_locks_and_reopening_one_school_unlocks_only_that_school(world, other_school, outsider):
    round_ = world["round"]
    theirs = Submission.objects.create(school=other_school, round=round_)
    ours = closed_while_draft(world)
    assert ours.is_locked and Submission.objects.get(pk=theirs.pk).is_locked
    officer_reopens(world, ours)
    ours.refresh_from_db()
    assert not ours.is_locked
    assert Submission.objects.select_related("round").get(pk=theirs.pk).is_locked
    # The reopened school may change and confirm again, the other school may not.
    record_save(world)
    assert StudentRecord.objects.get(pk=world["record"].pk).first_name == NEW_NAME
    with pytest.raises(services.ImportRefused):
        services.record_save(school=other_school, round=round_, user=outsider, data={
            "person_id": citizen_id(9), "grade": "P1", "gender": "M", "first_name": "ก", "last_name": "ข"})
    submission_act(submission=ours, action="confirm", user=world["staff"])



def test_a_closed_round_locks_the_admin_even_before_the_school_has_a_submission(world):
    close_round(world)
    assert not Submission.objects.filter(school=world["school"]).exists()
    before = data_state(world["school"], world["round"])
    admin_change_form(world)
    assert data_state(world["school"], world["round"]) == before
