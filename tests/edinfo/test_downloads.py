"""Every downloaded file says what it holds, for which school and round, in Thai: the name the
browser saves (read from the response header as a browser reads it) and the sheets inside."""

import datetime
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.http import HttpResponse
from django.urls import reverse

from collection.models import Round
from edinfo import downloads
from tests.reports.fixtures import build_district

pytestmark = pytest.mark.django_db

XLSX_MAGIC = b"PK"


def saved_name(response):
    """The name a browser saves the file under: RFC 5987's filename* wins over filename."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment;"), header
    star = re.search(r"filename\*=UTF-8''([^;]+)", header, re.IGNORECASE)
    assert star, header
    return unquote(star.group(1))


def fallback_name(response):
    plain = re.search(r'filename="([^"]*)"', response["Content-Disposition"])
    assert plain, response["Content-Disposition"]
    name = plain.group(1)
    assert name.isascii()
    return name


def sheet_names(response):
    assert response.content[:2] == XLSX_MAGIC
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).sheetnames


@pytest.fixture
def nov(school, other_school):
    return build_district(school, other_school)


def test_a_round_reads_as_its_academic_year_and_census_day_in_thai():
    def label(year, day):
        return downloads.round_label(Round(academic_year=year, census_day=day))

    assert label(2569, datetime.date(2026, 11, 10)) == "2569-10พย"
    assert label(2569, datetime.date(2026, 6, 10)) == "2569-10มิย"
    # 31 March closes academic year 2569 although it falls in 2570.
    assert label(2569, datetime.date(2027, 3, 31)) == "2569-31มีค"


def test_the_header_carries_the_thai_name_and_an_ascii_fallback():
    response = downloads.attach(HttpResponse(), 'นักเรียน-64010001-2569-10พย.xlsx', fallback='a "b".xlsx')
    assert response["Content-Disposition"] == (
        "attachment; filename=\"a__b_.xlsx\"; filename*=UTF-8''"
        "%E0%B8%99%E0%B8%B1%E0%B8%81%E0%B9%80%E0%B8%A3%E0%B8%B5%E0%B8%A2%E0%B8%99-64010001-2569-10%E0%B8%9E%E0%B8%A2.xlsx"
    )
    assert downloads.filename("ก/ข", "", "2569-10พย", extension="pdf") == "ก-ข-2569-10พย.pdf"
    assert downloads.sheet_title("ชาย/หญิง [ทั้งหมด]: " + "ก" * 40) == ("ชาย-หญิง -ทั้งหมด-- " + "ก" * 40)[:31]


def test_a_schools_student_export_names_the_school_and_round(as_user, staff, school, nov):
    client = as_user(staff)
    response = client.get(reverse("students:export_xlsx", args=[school.smis_code]), {"round": nov.pk})
    assert saved_name(response) == "นักเรียน-64010001-2569-10พย.xlsx"
    assert fallback_name(response) == "students-64010001-2569-nov10.xlsx"
    assert sheet_names(response) == ["นักเรียน"]
    response = client.get(reverse("students:export_csv", args=[school.smis_code]), {"round": nov.pk})
    assert saved_name(response) == "นักเรียน-64010001-2569-10พย.csv"


def test_the_district_student_export_and_the_template(as_user, officer, staff, school, nov):
    response = as_user(officer).get(reverse("students:district_export_xlsx"), {"round": nov.pk})
    assert saved_name(response) == "นักเรียน-ทั้งเขต-2569-10พย.xlsx"
    assert sheet_names(response) == ["นักเรียน"]
    response = as_user(staff).get(reverse("students:template", args=[school.smis_code]))
    assert saved_name(response).startswith("แบบฟอร์มนักเรียน-")
    assert fallback_name(response).startswith("student-template-")
    assert "Sheet1" not in sheet_names(response)


def test_the_board_export(as_user, officer, nov):
    response = as_user(officer).get(reverse("collection:board_export", args=[nov.pk]))
    assert saved_name(response) == "สถานะการส่งข้อมูล-2569-10พย.xlsx"
    assert fallback_name(response) == "board-2569-nov10.xlsx"
    assert sheet_names(response) == ["สถานะการส่งข้อมูล"]


def test_report_files_carry_the_reports_thai_title_and_round(as_user, officer, school, nov):
    client = as_user(officer)
    url = reverse("reports:report", args=["students"])
    response = client.get(url, {"round": nov.pk, "format": "xlsx"})
    assert saved_name(response) == "จำนวนนักเรียนจำแนกตามชั้นและเพศ-2569-10พย.xlsx"
    assert fallback_name(response) == "report-students-2569-nov10.xlsx"
    assert sheet_names(response) == ["จำนวนนักเรียนจำแนกตามชั้นและเพศ"]
    response = client.get(url, {"round": nov.pk, "format": "pdf", "school": school.smis_code})
    assert saved_name(response) == "จำนวนนักเรียนจำแนกตามชั้นและเพศ-64010001-2569-10พย.pdf"
    response = client.get(reverse("reports:report", args=["status"]), {"round": nov.pk, "format": "xlsx"})
    assert sheet_names(response) == ["สถานะการจัดเก็บข้อมูล"]


def test_the_summary_pdf_and_the_provincial_workbook(as_user, officer, nov):
    client = as_user(officer)
    response = client.get(reverse("summary:pdf"), {"round": nov.pk})
    assert saved_name(response) == "สรุปสำหรับผู้บริหาร-2569-10พย.pdf"
    assert fallback_name(response) == "summary-2569-nov10.pdf"
    response = client.get(reverse("summary:provincial"), {"round": nov.pk})
    assert saved_name(response) == "ฐานข้อมูลกลางจังหวัด-2569-10พย.xlsx"
    assert sheet_names(response) == ["อำเภอ", "ตำบล"]
