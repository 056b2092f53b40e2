"""A round the office has planned but not opened accepts no student data from schools, by any path
(form, import, admin), exactly like certified data; the pages say why and when it opens. Once the
office opens it, the same staff can work. The office's own preparation (carrying last round's
students forward) still writes into it."""

import datetime

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory
from django.urls import reverse

from collection import carry
from collection.models import Round, Submission
from edinfo import thai
from students import services
from students.admin import StudentRecordAdmin
from students.models import StudentRecord
from tests.students.test_views import CITIZEN_IDS, FORM, dmc_file, make_record, upload, url

OPENS = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def planned(db):
    """Next round, in the calendar with its opening day, not yet opened by the office."""
    return Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                                name="10 พฤศจิกายน 2569", opens_on=OPENS, closes_on=datetime.date(2026, 12, 20))


def test_a_planned_round_is_locked_with_its_own_reason(planned, school):
    submission = Submission(school=school, round=planned)
    assert submission.is_locked and submission.lock_reason == "planned"
    planned.state = Round.State.OPEN
    assert not submission.is_locked and submission.lock_reason == ""
    planned.state = Round.State.CLOSED
    assert submission.lock_reason == "closed"
    submission.reopened_at = datetime.datetime(2026, 12, 21, tzinfo=datetime.UTC)
    assert not submission.is_locked
    submission.status = Submission.Status.CERTIFIED
    assert submission.lock_reason == "certified"


def test_staff_cannot_add_or_edit_in_a_planned_round_and_are_told_when_it_opens(as_user, staff, school, planned):
    record = make_record(school, planned)  # e.g. carried forward by the office
    client = as_user(staff)
    response = client.get(url("add", school, planned), follow=True)
    html = response.content.decode()
    assert response.redirect_chain and response.redirect_chain[-1][0] == url("list", school, planned)
    assert thai.format_date(OPENS) in html  # the message names the opening day, in Thai
    assert 'data-reason="planned"' in html
    assert reverse("students:add", args=[school.smis_code]) not in html

    response = client.post(url("add", school, planned), {**FORM, "person_id": CITIZEN_IDS[5]})
    assert response.status_code == 302
    response = client.post(url("edit", school, None, record.pk), {**FORM, "person_id": record.person_id,
                                                                  "first_name": "เปลี่ยน"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.first_name == "ธนกร"
    assert StudentRecord.objects.count() == 1
    assert not record.history.filter(history_type="~").exists()


def test_staff_cannot_import_into_a_planned_round(as_user, staff, school, planned, settings):
    client = as_user(staff)
    page = client.get(url("import_upload", school, planned)).content.decode()
    assert 'data-testid="upload-form"' not in page and 'data-reason="planned"' in page
    assert thai.format_date(OPENS) in page
    response = upload(client, school, planned, dmc_file([{"person_id": CITIZEN_IDS[0]}]))
    assert response.status_code == 200 and 'data-testid="upload-form"' not in response.content.decode()
    assert client.get(url("import_preview", school, planned)).status_code == 200
    client.post(url("import_confirm", school, planned), follow=True)
    assert not StudentRecord.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_the_services_refuse_a_planned_round_whatever_calls_them(school, planned, staff):
    # The refusal says the round is not open (the import command prints it), not "certified or closed".
    not_open = "รอบนี้ยังไม่เปิดให้บันทึกข้อมูล"
    with pytest.raises(services.ImportRefused) as refused:
        services.record_save(school=school, round=planned, data={**FORM, "person_id": CITIZEN_IDS[0]}, user=staff)
    assert not_open in refused.value.message
    with pytest.raises(services.ImportRefused) as refused:
        services.import_commit(school=school, round=planned, data=dmc_file([{"person_id": CITIZEN_IDS[0]}]),
                               filename="students.xlsx", user=staff)
    assert not_open in refused.value.message and "รับรองแล้ว" not in refused.value.message
    assert not StudentRecord.objects.exists()
    preview = services.import_preview(school=school, round=planned, data=dmc_file([{"person_id": CITIZEN_IDS[0]}]),
                                      filename="students.xlsx")
    assert preview.locked and not preview.can_commit
    assert any(not_open in problem.message for problem in preview.problems)


def test_the_admin_refuses_records_of_a_planned_round(client, admin_user, school, planned):
    record = make_record(school, planned)
    model_admin = StudentRecordAdmin(StudentRecord, admin_site)
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("admin:students_studentrecord_change", args=[record.pk]), {"first_name": "แอดมิน"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.first_name == "ธนกร"


def test_a_planned_round_without_an_opening_day_still_says_it_is_not_open(as_user, staff, school, planned):
    planned.opens_on = None
    planned.save()
    html = as_user(staff).get(url("list", school, planned)).content.decode()
    assert 'data-reason="planned"' in html
    assert reverse("students:add", args=[school.smis_code]) not in html


def test_a_closed_round_says_it_has_closed_not_that_it_was_certified(as_user, staff, school, planned):
    planned.state = Round.State.CLOSED
    planned.save()
    client = as_user(staff)
    response = client.get(url("add", school, planned), follow=True)
    html = response.content.decode()
    assert 'data-reason="closed"' in html
    assert not StudentRecord.objects.exists()
    page = client.get(url("import_upload", school, planned)).content.decode()
    assert 'data-testid="upload-form"' not in page and 'data-testid="import-refused"' in page


def test_after_the_office_opens_the_round_the_same_staff_can_add(as_user, staff, officer, school, planned):
    client = as_user(staff)
    client.post(url("add", school, planned), {**FORM, "person_id": CITIZEN_IDS[0]})
    assert not StudentRecord.objects.exists()
    response = as_user(officer).post(reverse("collection:round_open", args=[planned.pk]))
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.is_open
    client = as_user(staff)  # back at the school, in the same browser
    html = client.get(url("list", school, planned)).content.decode()
    assert 'data-testid="locked-notice"' not in html
    response = client.post(url("add", school, planned), {**FORM, "person_id": CITIZEN_IDS[0]})
    record = StudentRecord.objects.get()
    assert response.status_code == 302 and record.round == planned and record.school == school


def test_the_office_still_carries_last_rounds_students_into_a_planned_round(school, planned, officer):
    june = Round.objects.create(academic_year=2569, kind="jun10", census_day=datetime.date(2026, 6, 10),
                                name="10 มิถุนายน 2569", state=Round.State.CLOSED)
    make_record(school, june)
    carry.carry_forward(round=planned, user=officer)
    assert StudentRecord.objects.filter(round=planned, school=school).count() == 1
