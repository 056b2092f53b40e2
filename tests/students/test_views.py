"""The student pages: each view's happy path, 404 for outsiders, 403 for roles that may not,
and the import's upload → preview → confirm, as the school staff use it."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import RequestFactory
from django.urls import reverse

from collection.models import Round, Submission
from edinfo import demo_students
from edinfo.models import AccessLog
from students import exporting, ids, layout
from students.admin import StudentRecordAdmin
from students.models import StudentRecord
from tests.factories import SchoolFactory

CITIZEN_IDS = [ids.with_check_digit(f"1640100{n:05d}") for n in range(1, 40)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def round_(db):
    # An open round: schools write into it (a planned one accepts nothing until the office opens it).
    return Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                                name="10 พฤศจิกายน 2569", state=Round.State.OPEN)


def make_record(school, round_, **fields):
    values = {
        "person_id": CITIZEN_IDS[StudentRecord.objects.count()], "id_kind": "citizen", "grade": "P1", "room": 1,
        "student_number": f"{StudentRecord.objects.count() + 1:05d}", "gender": "M", "prefix": "boy",
        "first_name": "ธนกร", "last_name": "ใจดี", "birth_date": datetime.date(2019, 6, 25),
        "weight_kg": Decimal("21.5"), "height_cm": Decimal("118.0"),
    }
    values.update(fields)
    return StudentRecord.objects.create(school=school, round=round_, **values)


def lock(school, round_):
    return Submission.objects.create(school=school, round=round_, status=Submission.Status.CERTIFIED)


def url(name, school=None, round_=None, record_pk=None):
    path = reverse(f"students:{name}", args=[school.smis_code] if school else [])
    if record_pk is not None:
        return f"{path}?id={record_pk}"
    return f"{path}?round={round_.pk}" if round_ else path


# --- files as schools have them ---------------------------------------------------------------------

STUDENT = {
    "_school_code": "64010001", "_school_name": "บ้านทดสอบ", "grade": "ป.1", "room": 1, "gender": "ช",
    "prefix": "เด็กชาย", "first_name": "ธนกร", "last_name": "ใจดี", "birth_date": "25/06/2562", "_age": 7,
    "weight_kg": 21.5, "height_cm": 118, "religion": "พุทธ", "ethnicity": "ไทย", "nationality": "ไทย",
    "disadvantage": "-", "_dmc_flag": "-",
}


def dmc_file(students):
    """A DMC-layout workbook as OBEC's system writes it: timestamp row, 36 headers, one student a row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append([f"{layout.DMC_TIMESTAMP_PREFIX} 2026-11-12 09:15:00.123456"])
    sheet.append([header for header, _field in layout.DMC_COLUMNS])
    for student in students:
        values = {**STUDENT, **student}
        sheet.append([values.get(field, "") for _header, field in layout.DMC_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, school, round_, content, name="2569-2-student.xlsx"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(url("import_upload", school, round_), {"file": file, "round": round_.pk})


# --- entry points ------------------------------------------------------------------------------------


def test_index_sends_each_role_to_its_page(as_user, staff, officer, executive, school):
    assert as_user(staff).get(url("index"))["Location"] == reverse("students:list", args=[school.smis_code])
    assert as_user(officer).get(url("index"))["Location"] == reverse("students:district")
    assert as_user(executive).get(url("index")).status_code == 403


def test_without_a_round_the_pages_say_so_in_thai(as_user, staff, officer, school):
    response = as_user(staff).get(url("list", school))
    assert response.status_code == 200
    assert 'data-testid="no-round"' in response.content.decode()
    assert as_user(officer).get(url("district")).status_code == 200


def test_an_unknown_round_is_404(as_user, staff, school, round_):
    assert as_user(staff).get(reverse("students:list", args=[school.smis_code]) + "?round=999").status_code == 404


# --- the list ----------------------------------------------------------------------------------------


def test_list_shows_masked_ids_and_defaults_to_the_latest_round(as_user, staff, school, round_):
    june = Round.objects.create(academic_year=2569, kind="jun10", census_day=datetime.date(2026, 6, 10), name="มิ.ย.")
    record = make_record(school, round_)
    make_record(school, june, first_name="รอบก่อน")
    response = as_user(staff).get(reverse("students:list", args=[school.smis_code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert record.masked_id in html and record.person_id not in html
    assert "รอบก่อน" not in html
    assert "รอบก่อน" in as_user(staff).get(url("list", school, june)).content.decode()


def test_list_defaults_to_the_open_round_not_one_planned_for_later(as_user, staff, school, round_):
    # QA: with the 10 November round open and next year's June round already in the calendar, a
    # teacher clicking "นักเรียน" landed on the empty planned round, days before the November deadline.
    round_.state = Round.State.OPEN
    round_.save()
    Round.objects.create(academic_year=2570, kind="jun10", census_day=datetime.date(2027, 6, 10), name="มิ.ย. 2570")
    make_record(school, round_, first_name="รอบที่เปิดอยู่")
    html = as_user(staff).get(reverse("students:list", args=[school.smis_code])).content.decode()
    assert "รอบที่เปิดอยู่" in html


def test_list_filters_by_grade_room_and_search(as_user, staff, school, round_):
    make_record(school, round_, first_name="หนึ่ง", grade="P1", room=1)
    make_record(school, round_, first_name="สอง", grade="P2", room=2)
    target = make_record(school, round_, first_name="สาม", grade="P2", room=3, student_number="07777")
    client = as_user(staff)

    def names(query):
        page = client.get(url("list", school, round_) + query).context["page"]
        return {r.first_name for r in page}

    assert names("&grade=P2") == {"สอง", "สาม"}
    assert names("&grade=P2&room=3") == {"สาม"}
    assert names("&q=หนึ่ง") == {"หนึ่ง"}
    assert names("&q=07777") == {"สาม"}
    pid = target.person_id
    dashed = f"{pid[0]}-{pid[1:5]}-{pid[5:10]}-{pid[10:12]}-{pid[12]}"
    assert names(f"&q={dashed}") == {"สาม"}
    assert names("&room=abc") == {"หนึ่ง", "สอง", "สาม"}  # a filter not understood is ignored


def test_list_paginates_by_fifty(as_user, staff, school, round_, django_assert_max_num_queries):
    StudentRecord.objects.bulk_create(
        StudentRecord(school=school, round=round_, person_id=ids.with_check_digit(f"16401{n:07d}"), id_kind="citizen",
                      grade="P3", gender="F", first_name=f"ด{n}", last_name="ท", student_number=f"{n:05d}")
        for n in range(120)
    )
    client = as_user(staff)
    with django_assert_max_num_queries(15):
        response = client.get(url("list", school, round_))
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 3


def test_list_roles(as_user, director, officer, outsider, executive, school, round_):
    make_record(school, round_)
    assert as_user(director).get(url("list", school, round_)).status_code == 200
    assert as_user(officer).get(url("list", school, round_)).status_code == 200
    assert as_user(outsider).get(url("list", school, round_)).status_code == 404
    assert as_user(executive).get(url("list", school, round_)).status_code == 403


def test_director_and_officer_read_but_do_not_get_write_buttons(as_user, director, school, round_):
    html = as_user(director).get(url("list", school, round_)).content.decode()
    assert reverse("students:add", args=[school.smis_code]) not in html
    assert reverse("students:import_upload", args=[school.smis_code]) not in html


# --- one record ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "director", "officer"])
def test_record_page_shows_the_full_id_and_logs_the_opening(request, as_user, role, school, round_):
    record = make_record(school, round_)
    user = request.getfixturevalue(role)
    response = as_user(user).get(url("detail", school, None, record.pk))
    assert response.status_code == 200
    pid = record.person_id
    assert f"{pid[0]}-{pid[1:5]}-{pid[5:10]}-{pid[10:12]}-{pid[12]}" in response.content.decode()  # as on the card
    log = AccessLog.objects.get()
    assert log.user == user and log.action == "view" and str(record.pk) in log.what
    assert record.person_id not in log.what  # the log itself holds no full ID


def test_record_page_refuses_outsiders_and_executives(as_user, outsider, executive, school, other_school, round_):
    record = make_record(school, round_)
    assert as_user(outsider).get(url("detail", school, None, record.pk)).status_code == 404
    assert as_user(executive).get(url("detail", school, None, record.pk)).status_code == 403
    # Another school's record under one's own school code is not found either.
    other = make_record(other_school, round_)
    assert as_user(outsider).get(url("detail", other_school, None, record.pk)).status_code == 404
    assert as_user(outsider).get(url("detail", other_school, None, other.pk)).status_code == 200
    assert not AccessLog.objects.filter(what__contains=f"record {record.pk} ").exists()


# --- add and edit -------------------------------------------------------------------------------------

FORM = {
    "person_id": "", "student_number": "00901", "grade": "P1", "room": "1", "gender": "F", "prefix": "girl",
    "first_name": "ณัฐธิดา", "last_name": "ศรีสุข", "birth_date": "12/03/2563", "weight_kg": "20.5",
    "height_cm": "116", "disadvantage": "99", "disability": "99", "status": "studying",
}


def test_staff_adds_a_student_with_a_be_birth_date(as_user, staff, school, round_):
    client = as_user(staff)
    assert client.get(url("add", school, round_)).status_code == 200
    response = client.post(url("add", school, round_), {**FORM, "person_id": "1-6401-00000-01-" + CITIZEN_IDS[0][-1],
                                                         "round": round_.pk})
    record = StudentRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", school, None, record.pk)
    assert record.person_id == CITIZEN_IDS[0] and record.id_kind == "citizen"
    assert record.birth_date == datetime.date(2020, 3, 12)
    assert record.round == round_ and record.school == school
    assert record.history.count() == 1


def test_add_shows_blocking_errors_on_the_fields_in_thai(as_user, staff, school, round_):
    bad_id = CITIZEN_IDS[0][:12] + str((int(CITIZEN_IDS[0][12]) + 1) % 10)
    response = as_user(staff).post(url("add", school, round_),
                                   {**FORM, "person_id": bad_id, "birth_date": "31/02/2563"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "เลขตรวจสอบหลักที่ 13 ไม่ถูกต้อง" in " ".join(form.errors["person_id"])
    assert form.errors["birth_date"] == ["ไม่มีวันที่ 31/02/2563 ในปฏิทิน (ตรวจวันและเดือนอีกครั้ง)"]
    assert not StudentRecord.objects.exists()


def test_a_birth_date_typed_wrongly_gets_the_format_hint(as_user, staff, school, round_):
    response = as_user(staff).post(url("add", school, round_), {**FORM, "birth_date": "2563-13"})
    assert response.context["form"].errors["birth_date"] == ["กรอกวันเกิดเป็น วัน/เดือน/ปี พ.ศ. เช่น 25/06/2562"]


def test_add_refuses_a_second_record_of_the_same_person(as_user, staff, school, round_):
    existing = make_record(school, round_)
    response = as_user(staff).post(url("add", school, round_), {**FORM, "person_id": existing.person_id})
    assert response.status_code == 200 and response.context["form"].errors["person_id"]
    assert StudentRecord.objects.count() == 1


def test_warnings_do_not_block_and_are_shown(as_user, staff, school, round_):
    response = as_user(staff).post(url("add", school, round_), {**FORM, "person_id": CITIZEN_IDS[1], "height_cm": "16"},
                                   follow=True)
    assert StudentRecord.objects.get().height_cm == Decimal("16.0")
    assert "ส่วนสูง" in response.content.decode()


def test_staff_edits_a_record_and_history_keeps_the_old_value(as_user, staff, school, round_):
    record = make_record(school, round_)
    client = as_user(staff)
    page = client.get(url("edit", school, None, record.pk))
    assert page.status_code == 200
    assert page.context["form"]["birth_date"].value() == "25/06/2562"
    data = {**FORM, "person_id": record.person_id, "first_name": "ธนพล", "gender": "M", "prefix": "boy"}
    response = client.post(url("edit", school, None, record.pk), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.first_name == "ธนพล"
    assert [h.first_name for h in record.history.order_by("history_date")] == ["ธนกร", "ธนพล"]


@pytest.mark.parametrize("role", ["director", "officer", "executive"])
def test_only_school_staff_write(request, as_user, role, school, round_):
    record = make_record(school, round_)
    client = as_user(request.getfixturevalue(role))
    assert client.get(url("add", school, round_)).status_code == 403
    assert client.post(url("edit", school, None, record.pk), {**FORM, "person_id": record.person_id}).status_code == 403


def test_outsider_cannot_add_or_edit(as_user, outsider, school, round_):
    record = make_record(school, round_)
    assert as_user(outsider).get(url("add", school, round_)).status_code == 404
    assert as_user(outsider).get(url("edit", school, None, record.pk)).status_code == 404


def test_locked_submission_refuses_add_and_edit(as_user, staff, school, round_):
    record = make_record(school, round_)
    lock(school, round_)
    client = as_user(staff)
    response = client.post(url("edit", school, None, record.pk), {**FORM, "person_id": record.person_id,
                                                                  "first_name": "เปลี่ยน"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.first_name == "ธนกร"
    assert client.post(url("add", school, round_), {**FORM, "person_id": CITIZEN_IDS[5]}).status_code == 302
    assert StudentRecord.objects.count() == 1
    html = client.get(url("list", school, round_)).content.decode()
    assert 'data-testid="locked-notice"' in html
    assert reverse("students:add", args=[school.smis_code]) not in html


# --- problems -------------------------------------------------------------------------------------------


def test_problems_page_lists_each_problem_with_student_column_and_message(as_user, staff, school, other_school, round_):
    tall = make_record(school, round_, height_cm=Decimal("14.5"))
    shared = make_record(school, round_, first_name="ย้ายมา")
    make_record(other_school, round_, person_id=shared.person_id)
    response = as_user(staff).get(url("problems", school, round_))
    assert response.status_code == 200
    rows = response.context["rows"]
    codes = {(record.pk if record else None, p.code) for record, p in rows}
    assert (tall.pk, "height_implausible") in codes
    assert (shared.pk, "id_in_other_school") in codes
    html = response.content.decode()
    assert "ส่วนสูง" in html and "บ้านคนอื่น" in html
    assert shared.person_id not in html and shared.masked_id in html


def test_problems_page_roles(as_user, director, officer, outsider, executive, school, round_):
    assert as_user(director).get(url("problems", school, round_)).status_code == 200
    assert as_user(officer).get(url("problems", school, round_)).status_code == 200
    assert as_user(outsider).get(url("problems", school, round_)).status_code == 404
    assert as_user(executive).get(url("problems", school, round_)).status_code == 403


# --- district -------------------------------------------------------------------------------------------


def test_district_page_lists_duplicates_with_both_schools_and_masked_ids(as_user, officer, school, other_school,
                                                                         round_):
    shared = make_record(school, round_)
    make_record(other_school, round_, person_id=shared.person_id)
    make_record(other_school, round_)
    response = as_user(officer).get(url("district", None, round_))
    assert response.status_code == 200
    html = response.content.decode()
    assert shared.masked_id in html and shared.person_id not in html
    assert "บ้านทดสอบ" in html and "บ้านคนอื่น" in html
    assert reverse("students:problems", args=[other_school.smis_code]) in html
    assert response.context["total"] == 3


@pytest.mark.parametrize("role", ["staff", "director", "executive"])
def test_district_page_is_for_officers(request, as_user, role, round_):
    assert as_user(request.getfixturevalue(role)).get(url("district", None, round_)).status_code == 403


# --- files out -----------------------------------------------------------------------------------------


def test_template_download(as_user, staff, school):
    response = as_user(staff).get(url("template", school))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book["นักเรียน"].data_validations.dataValidation) == len(layout.CODED_FIELDS)


@pytest.mark.parametrize("name,reader", [("export_xlsx", "xlsx"), ("export_csv", "csv")])
def test_school_export_is_the_schools_records_and_is_logged(as_user, staff, school, other_school, round_, name,
                                                             reader):
    mine = make_record(school, round_)
    make_record(other_school, round_, first_name="คนอื่น")
    response = as_user(staff).get(url(name, school, round_))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if reader == "xlsx":
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    else:
        import csv

        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[2][2] == mine.person_id
    log = AccessLog.objects.get(action="export")
    assert log.user == staff and school.smis_code in log.what and "1 student" in log.what


def test_officer_exports_the_whole_district_in_one_file(as_user, officer, school, other_school, round_):
    make_record(school, round_)
    make_record(other_school, round_)
    response = as_user(officer).get(url("district_export_xlsx", None, round_))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[0] for row in rows[2:]} == {school.smis_code, other_school.smis_code}
    assert AccessLog.objects.filter(action="export", user=officer, what__contains="district").exists()


def test_export_roles(as_user, outsider, executive, staff, school, round_):
    assert as_user(outsider).get(url("export_xlsx", school, round_)).status_code == 404
    assert as_user(executive).get(url("export_csv", school, round_)).status_code == 403
    assert as_user(staff).get(url("district_export_csv", None, round_)).status_code == 403
    assert not AccessLog.objects.exists()


# --- import: upload → preview → confirm --------------------------------------------------------------


def imports_dir(settings):
    return Path(settings.MEDIA_ROOT) / "imports"


def test_upload_preview_confirm(as_user, staff, school, round_, settings):
    client = as_user(staff)
    assert client.get(url("import_upload", school, round_)).status_code == 200
    bad = dmc_file([
        {"person_id": CITIZEN_IDS[0], "student_number": "1"},
        {"person_id": CITIZEN_IDS[0][:12] + str((int(CITIZEN_IDS[0][12]) + 1) % 10), "student_number": "2"},
        {"person_id": CITIZEN_IDS[2], "student_number": "3", "grade": "ป.9"},
    ])
    response = upload(client, school, round_, bad)
    assert response.status_code == 302 and response["Location"] == url("import_preview", school, round_)
    assert len(list(imports_dir(settings).iterdir())) == 1

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    errors = [p for p in preview.context["problems"] if p.level == "error"]
    assert {(p.row, p.field) for p in errors} >= {(4, "person_id"), (5, "grade")}
    assert "เลขตรวจสอบหลักที่ 13" in html and "ป.9" in html
    assert 'data-testid="confirm-import"' not in html
    assert client.post(url("import_confirm", school, round_)).status_code == 302
    assert not StudentRecord.objects.exists()  # nothing is written while the file has errors

    good = dmc_file([
        {"person_id": CITIZEN_IDS[0], "student_number": "1"},
        {"person_id": CITIZEN_IDS[1], "student_number": "2", "first_name": "ณัฐธิดา", "gender": "ญ",
         "prefix": "เด็กหญิง"},
        {"person_id": CITIZEN_IDS[2], "student_number": "3", "grade": "ป.2", "birth_date": "02/01/2561"},
    ])
    upload(client, school, round_, good)
    assert len(list(imports_dir(settings).iterdir())) == 1  # the earlier file was replaced
    preview = client.get(url("import_preview", school, round_))
    assert preview.context["preview"].can_commit
    assert 'data-testid="confirm-import"' in preview.content.decode()
    response = client.post(url("import_confirm", school, round_))
    assert response.status_code == 302 and response["Location"] == url("list", school, round_)
    assert StudentRecord.objects.filter(school=school, round=round_).count() == 3
    assert list(imports_dir(settings).iterdir()) == []  # the stored upload is gone
    assert AccessLog.objects.filter(action="import", user=staff).exists()
    listing = client.get(response["Location"]).content.decode()
    assert "ณัฐธิดา" in listing


def test_upload_refuses_other_kinds_of_file_in_thai(as_user, staff, school, round_, settings):
    response = upload(as_user(staff), school, round_, b"%PDF-1.4 not a sheet", name="students.pdf")
    assert response.status_code == 200
    assert "รับเฉพาะไฟล์ตารางข้อมูล" in " ".join(response.context["form"].errors["file"])
    assert not imports_dir(settings).exists() or not list(imports_dir(settings).iterdir())


def test_upload_refuses_big_files(as_user, staff, school, round_, monkeypatch):
    monkeypatch.setattr("students.forms.MAX_UPLOAD_BYTES", 100)
    response = upload(as_user(staff), school, round_, dmc_file([{"person_id": CITIZEN_IDS[0]}]))
    assert "ไฟล์ใหญ่เกินไป" in " ".join(response.context["form"].errors["file"])


def test_a_file_that_cannot_be_read_is_reported_on_the_preview(as_user, staff, school, round_):
    client = as_user(staff)
    upload(client, school, round_, b"PK\x03\x04 broken zip", name="broken.xlsx")
    response = client.get(url("import_preview", school, round_), follow=True)
    assert response.status_code == 200
    assert "เสียหาย" in response.content.decode() or "เปิดไม่ได้" in response.content.decode()


def test_preview_without_an_upload_goes_back_to_the_upload_page(as_user, staff, school, round_):
    response = as_user(staff).get(url("import_preview", school, round_))
    assert response.status_code == 302 and response["Location"] == url("import_upload", school, round_)


def test_cancel_discards_the_stored_file(as_user, staff, school, round_, settings):
    client = as_user(staff)
    upload(client, school, round_, dmc_file([{"person_id": CITIZEN_IDS[0]}]))
    assert client.post(url("import_cancel", school, round_)).status_code == 302
    assert list(imports_dir(settings).iterdir()) == []


def test_confirm_and_cancel_are_post_only(as_user, staff, school, round_):
    assert as_user(staff).get(url("import_confirm", school, round_)).status_code == 405
    assert as_user(staff).get(url("import_cancel", school, round_)).status_code == 405


def test_locked_submission_shows_why_and_offers_no_upload(as_user, staff, school, round_):
    lock(school, round_)
    client = as_user(staff)
    response = client.get(url("import_upload", school, round_))
    html = response.content.decode()
    assert 'data-testid="locked-notice"' in html and 'data-testid="upload-form"' not in html
    response = upload(client, school, round_, dmc_file([{"person_id": CITIZEN_IDS[0]}]))
    assert response.status_code == 200 and not StudentRecord.objects.exists()


def test_locked_after_preview_refuses_the_confirm(as_user, staff, school, round_):
    client = as_user(staff)
    upload(client, school, round_, dmc_file([{"person_id": CITIZEN_IDS[0]}]))
    lock(school, round_)
    response = client.post(url("import_confirm", school, round_), follow=True)
    assert not StudentRecord.objects.exists()
    assert "รับรอง" in response.content.decode()


@pytest.mark.parametrize("role,status", [("director", 403), ("officer", 403), ("executive", 403), ("outsider", 404)])
def test_import_is_for_the_schools_staff(request, as_user, role, status, school, round_):
    client = as_user(request.getfixturevalue(role))
    for name in ("import_upload", "import_preview"):
        assert client.get(url(name, school, round_)).status_code == status
    for name in ("import_confirm", "import_cancel"):
        assert client.post(url(name, school, round_)).status_code == status


# --- admin -----------------------------------------------------------------------------------------------


def test_admin_lists_masked_ids(client, admin_user, school, round_):
    record = make_record(school, round_)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("admin:students_studentrecord_changelist")).content.decode()
    assert record.masked_id in html and record.person_id not in html


def test_admin_cannot_change_a_locked_record(client, admin_user, school, round_):
    record = make_record(school, round_)
    lock(school, round_)
    model_admin = StudentRecordAdmin(StudentRecord, admin_site)
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    change_url = reverse("admin:students_studentrecord_change", args=[record.pk])
    response = client.post(change_url, {"first_name": "แก้ในแอดมิน"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.first_name == "ธนกร"


def test_admin_save_is_refused_when_the_submission_got_locked(admin_user, school, round_):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.core.exceptions import PermissionDenied

    record = make_record(school, round_)
    model_admin = StudentRecordAdmin(StudentRecord, admin_site)
    request = RequestFactory().post("/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    assert model_admin.has_change_permission(request, record)
    lock(school, round_)  # certified while the admin had the form open
    record.first_name = "แก้ในแอดมิน"
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, record, None, True)
    record.refresh_from_db()
    assert record.first_name == "ธนกร"


# --- demo data ------------------------------------------------------------------------------------------


def test_demo_students_are_valid_spread_and_idempotent(db):
    first = SchoolFactory(smis_code="64010001", student_count=60, lowest_level="K1", highest_level="P6")
    second = SchoolFactory(smis_code="64010002", student_count=40, lowest_level="K1", highest_level="P6")
    closed = SchoolFactory(smis_code="64010003", student_count=30, is_open=False)
    assert demo_students.build_students([first, second, closed]) == 100
    assert demo_students.build_students([first, second, closed]) == 0
    records = StudentRecord.objects.all()
    assert records.count() == 100 and records.filter(school=closed).count() == 0
    round_ = Round.objects.get()
    assert (round_.name, round_.academic_year, round_.kind, round_.census_day) == (
        "10 พฤศจิกายน 2569", 2569, "nov10", datetime.date(2026, 11, 10))
    for record in records:
        parsed = ids.parse(record.person_id)
        assert parsed.ok and parsed.kind == record.id_kind, record.person_id
    assert set(records.filter(school=first).values_list("grade", flat=True)) == set(first.levels)
    # The planted problems: one person in both schools, one implausible height.
    shared = records.filter(school=first).values_list("person_id", flat=True)
    assert records.filter(school=second, person_id__in=list(shared)).count() == 1
    assert records.filter(height_cm__lt=50).count() == 1
    # Each record starts its history, written in bulk.
    assert StudentRecord.history.count() == 100


def test_export_filename_names_round_and_school(school, round_):
    assert exporting.export_filename(round_, school, "csv") == "นักเรียน-64010001-2569-10พย.csv"
    assert exporting.export_filename(round_, None, "xlsx") == "นักเรียน-ทั้งเขต-2569-10พย.xlsx"


def test_record_pages_without_an_id_go_to_the_list_and_a_bad_id_is_404(as_user, staff, school, round_):
    client = as_user(staff)
    assert client.get(reverse("students:detail", args=[school.smis_code]))["Location"] == reverse(
        "students:list", args=[school.smis_code])
    assert client.get(reverse("students:detail", args=[school.smis_code]) + "?id=x1").status_code == 404
    assert client.get(url("detail", school, None, 98765)).status_code == 404


def test_preview_counts_and_names_the_students_a_file_would_remove(as_user, staff, school, round_):
    kept = make_record(school, round_, student_number="1")
    gone = make_record(school, round_, first_name="ย้ายออกแล้ว")
    client = as_user(staff)
    upload(client, school, round_, dmc_file([
        {"person_id": kept.person_id, "student_number": "1"},
        {"person_id": CITIZEN_IDS[20], "student_number": "9", "first_name": "มาใหม่"},
    ]))
    response = client.get(url("import_preview", school, round_))
    preview = response.context["preview"]
    assert (preview.new, preview.changed + preview.unchanged, preview.removed) == (1, 1, 1)
    html = response.content.decode()
    assert "ย้ายออกแล้ว" in html and gone.masked_id in html and gone.person_id not in html


def test_uploads_left_unconfirmed_are_swept_away(as_user, staff, school, round_, settings):
    import os
    import time

    folder = imports_dir(settings)
    folder.mkdir(parents=True)
    stale = folder / "0123abcd.xlsx"
    stale.write_bytes(b"old personal data")
    old = time.time() - 2 * 24 * 60 * 60
    os.utime(stale, (old, old))
    upload(as_user(staff), school, round_, dmc_file([{"person_id": CITIZEN_IDS[0]}]))
    assert not stale.exists() and len(list(folder.iterdir())) == 1


def test_a_file_that_would_remove_students_needs_a_tick_and_says_how_many(as_user, staff, school, round_):
    # A teacher importing only the new pupil must not wipe the rest of the school by accident.
    for n, pid in enumerate(CITIZEN_IDS[:3], start=1):
        make_record(school, round_, person_id=pid, student_number=str(n))
    client = as_user(staff)
    upload(client, school, round_, dmc_file([{"person_id": CITIZEN_IDS[0], "student_number": "1"}]))
    preview = client.get(url("import_preview", school, round_))
    html = preview.content.decode()
    assert preview.context["preview"].removed == 2
    assert 'data-testid="removal-warning"' in html and 'name="confirm_removals"' in html

    response = client.post(url("import_confirm", school, round_), follow=True)
    assert StudentRecord.objects.filter(school=school, round=round_).count() == 3  # nothing removed
    assert "2" in " ".join(str(m) for m in response.context["messages"])

    client.post(url("import_confirm", school, round_), {"confirm_removals": "on"})
    assert list(StudentRecord.objects.filter(school=school, round=round_).values_list("person_id", flat=True)) == [
        CITIZEN_IDS[0]
    ]
