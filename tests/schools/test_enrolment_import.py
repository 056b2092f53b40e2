"""Importing past years' student totals (EnrolmentYear) from a CSV or Excel file in the admin.

A bad row names its row (the file's line, the header being line 1) and its column in Thai, and
the import writes nothing."""

import io

import pytest
import tablib
from django.urls import reverse
from openpyxl import Workbook

from schools.models import EnrolmentYear
from schools.resources import EnrolmentYearResource
from tests.factories import SchoolFactory

HEADER = "รหัส SMIS,ปีการศึกษา,จำนวนนักเรียน,หมายเหตุ\n"


@pytest.fixture
def schools(db):
    return (SchoolFactory(smis_code="64019201", obec_code="1064019201", name="บ้านนำเข้า"),
            SchoolFactory(smis_code="64019202", obec_code="1064019202", name="บ้านนำเข้าสอง"))


def run(text, dry_run=False):
    dataset = tablib.Dataset().load(text, format="csv")
    return EnrolmentYearResource().import_data(dataset, dry_run=dry_run, raise_errors=False)


def messages(result):
    return [message for row in result.invalid_rows for message in row.error_dict.get("__all__", [])]


def test_a_good_file_writes_every_row_and_a_second_import_replaces_the_figures(schools):
    result = run(HEADER + "64019201,2565,120,จากแบบ ขพ.\n64019201,2566,\"1,105\",\n64019202,2565,45,\n")
    assert not result.has_errors() and not result.has_validation_errors()
    assert sorted(EnrolmentYear.objects.values_list("school__smis_code", "academic_year", "students", "source")) == [
        ("64019201", 2565, 120, "imported"), ("64019201", 2566, 1105, "imported"), ("64019202", 2565, 45, "imported")]
    run(HEADER + "64019201,2565,118,แก้ไข\n")
    assert EnrolmentYear.objects.get(school=schools[0], academic_year=2565).students == 118
    assert EnrolmentYear.objects.count() == 3


def test_a_bad_row_names_its_row_and_column_and_nothing_is_written(schools):
    result = run(HEADER + "64019201,2565,120,\n64019201,25x5,-3,\n99999999,2566,10,\n64019201,2565,7,\n")
    assert result.has_validation_errors()
    assert EnrolmentYear.objects.count() == 0  # not even the good first row
    found = messages(result)
    assert 'แถว 3 คอลัมน์ ปีการศึกษา "25x5": ปีการศึกษาต้องเป็นปี พ.ศ. 4 หลัก เช่น 2565' in found
    assert 'แถว 3 คอลัมน์ จำนวนนักเรียน "-3": จำนวนนักเรียนต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป' in found
    assert 'แถว 4 คอลัมน์ รหัส SMIS "99999999": ไม่มีโรงเรียนรหัสนี้ในทะเบียนโรงเรียน' in found
    assert any(m.startswith('แถว 5 คอลัมน์ ปีการศึกษา "2565": ซ้ำกับแถว 2') for m in found)


def test_a_file_without_the_columns_is_refused_in_thai(schools):
    result = run("smis,year,students\n64019201,2565,120\n")
    assert result.has_errors() and EnrolmentYear.objects.count() == 0
    assert "ไฟล์ไม่มีคอลัมน์ “รหัส SMIS”" in str(result.base_errors[0].error)


def test_the_admin_import_shows_the_thai_message_and_writes_nothing(as_user, admin_user, schools):
    client = as_user(admin_user)
    address = reverse("admin:schools_enrolmentyear_import")
    page = client.get(address)
    assert page.status_code == 200
    formats = dict((label, value) for value, label in page.context["form"].fields["format"].choices)
    upload = io.BytesIO((HEADER + "64019201,2565,120,\n64019201,2566,สิบ,\n").encode())
    upload.name = "enrolment.csv"
    response = client.post(address, {"import_file": upload, "format": formats["csv"]})
    html = response.content.decode()
    assert "แถว 3 คอลัมน์ จำนวนนักเรียน &quot;สิบ&quot;" in html or 'แถว 3 คอลัมน์ จำนวนนักเรียน "สิบ"' in html
    assert EnrolmentYear.objects.count() == 0


def test_the_admin_imports_an_excel_file(as_user, admin_user, schools):
    client = as_user(admin_user)
    address = reverse("admin:schools_enrolmentyear_import")
    formats = dict((label, value) for value, label in client.get(address).context["form"].fields["format"].choices)
    book = Workbook()
    sheet = book.active
    sheet.append(["รหัส SMIS", "ปีการศึกษา", "จำนวนนักเรียน", "หมายเหตุ"])
    sheet.append(["64019202", 2567, 88, None])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "enrolment.xlsx"
    response = client.post(address, {"import_file": data, "format": formats["xlsx"]})
    assert response.status_code == 200 and "confirm" in response.content.decode().lower()
    form = response.context["confirm_form"]
    response = client.post(reverse("admin:schools_enrolmentyear_process_import"), form.initial)
    assert response.status_code == 302
    assert EnrolmentYear.objects.get().students == 88
