"""What a Thai reader sees on the จปฐ. pages: file column names only in parentheses, one label per
thing. Synthetic files."""

import io
import re
import subprocess
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from bmn import services
from schools.models import Province, Subdistrict
from tests.factories import SchoolFactory

from .synthetic import amphoe_file, tambon_file, village_file

# ".ALL"/".CNT" standing alone (as the QA walk found): allowed only as part of a file column name
# written out in a parenthesis, e.g. "(คอลัมน์ indicatorN.ALL ในไฟล์)".
BARE = re.compile(r"(?<![0-9A-Za-z])(\d+)?\.(ALL|CNT)\b")


def bare_column_names(text):
    return [m.group(0) for m in BARE.finditer(text)]


@pytest.fixture
def survey(sukhothai, default_set):
    SchoolFactory(subdistrict=Subdistrict.objects.get(code="640102"), province=Province.objects.get(code="64"))
    result = services.import_files(year=2561, indicator_set=default_set, files=[
        ("a.csv", amphoe_file()), ("t.csv", tambon_file()), ("v.csv", village_file())])
    assert result.committed
    return result.survey


def page_text(client, name, **query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return strip_tags(response.content.decode())


def test_the_pages_explain_the_columns_in_thai(survey, officer, as_user):
    client = as_user(officer)
    for name in ("bmn:index", "bmn:report", "bmn:survey"):
        text = page_text(client, name, survey=survey.pk)
        assert "จำนวนคนที่ตัวชี้วัดใช้วัด (คอลัมน์ indicatorN.ALL ในไฟล์)" in text, name
        assert "เป็นการตีความของเรา" in text, name  # the uncertainty is kept
        assert bare_column_names(text) == [], name
    survey_page = page_text(client, "bmn:survey", survey=survey.pk)
    assert "ข้อ 15 ไม่ผ่าน (คน)" in survey_page and "ข้อ 19 ไม่ผ่าน (คน)" in survey_page


def test_the_pdf_and_the_workbook_explain_the_columns_in_thai(survey, officer, as_user):
    client = as_user(officer)
    pdf = client.get(reverse("bmn:report"), {"survey": survey.pk, "format": "pdf"}).content
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    text = unicodedata.normalize("NFC", out.stdout.decode())
    assert "indicatorN.ALL" in text and bare_column_names(text) == []
    book = load_workbook(io.BytesIO(client.get(reverse("bmn:report"), {"survey": survey.pk, "format": "xlsx"}).content))
    cells = " ".join(str(c.value) for r in book.active.iter_rows() for c in r if c.value is not None)
    assert "จำนวนคนที่ตัวชี้วัดใช้วัด (คอลัมน์ indicatorN.ALL ในไฟล์)" in cells
    assert bare_column_names(cells) == []


def test_the_problems_table_heads_its_severity_column_type_not_level(sukhothai, default_set, officer, as_user):
    response = as_user(officer).post(reverse("bmn:import"), {
        "year": "2561", "indicator_set": default_set.pk,
        "files": [SimpleUploadedFile("t.csv", tambon_file(), content_type="text/csv")]})
    html = response.content.decode()
    table = html[html.index('data-testid="bmn-problems"'):]
    headers = re.findall(r"<th>(.*?)</th>", table[:table.index("</thead>")])
    assert headers[0] == "ประเภท"  # holds ข้อผิดพลาด/ข้อควรตรวจสอบ; "ระดับ" means อำเภอ/ตำบล/หมู่บ้าน here
    assert "ระดับ" not in headers


def test_village_warnings_of_one_unresolved_tambon_are_one_line(sukhothai, default_set, officer, as_user):
    villages = ["6401020101"] + [f"64015101{n:02d}" for n in range(1, 8)] + ["6401540101", "6401540201"]
    response = as_user(officer).post(reverse("bmn:import"), {
        "year": "2561", "indicator_set": default_set.pk,
        "files": [SimpleUploadedFile("v.csv", village_file(villages), content_type="text/csv")]})
    result = response.context["result"]
    assert result.committed
    unresolved = [p for p in result.files[0].warnings if "ไม่อยู่ในทะเบียนตำบล" in p.message]
    assert [(p.value, p.row) for p in unresolved] == [("640151", 3), ("640154", 10)]
    assert unresolved[0].message == (
        "รหัสตำบล 640151 ของหมู่บ้าน 7 แถวไม่อยู่ในทะเบียนตำบล (อาจเป็นรหัสเขตเทศบาล) นำเข้าได้ "
        "และรวมไว้ภายใต้อำเภอเมืองสุโขทัย: 6401510101, 6401510102, 6401510103 และอีก 4 แถว")
    assert unresolved[1].message.endswith("ของหมู่บ้าน 2 แถวไม่อยู่ในทะเบียนตำบล (อาจเป็นรหัสเขตเทศบาล) นำเข้าได้ "
                                          "และรวมไว้ภายใต้อำเภอเมืองสุโขทัย: 6401540101, 6401540201")
    assert response.content.decode().count("ไม่อยู่ในทะเบียนตำบล (อาจเป็นรหัสเขตเทศบาล) นำเข้าได้") == 2


def test_a_municipal_row_shows_its_code_once_and_a_set_its_years_once(survey, officer, as_user):
    client = as_user(officer)
    html = client.get(reverse("bmn:index"), {"survey": survey.pk, "district": "all"}).content.decode()
    row = html[html.index('data-code="640151"'):]
    first_cell = strip_tags(row[row.index("<td>"):row.index("</td>")])
    assert "เขตเทศบาล (รหัส 640151)" in first_cell and first_cell.count("640151") == 1
    indicators = page_text(client, "bmn:indicators")
    assert "เครื่องชี้วัด จปฐ. ปี 2560–2564 (5 หมวด 31 ตัวชี้วัด)" in indicators
    assert "(2560-2564)" not in indicators


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_the_report_files_download_with_a_name_saying_what_they_hold(survey, officer, as_user, fmt):
    client = as_user(officer)
    response = client.get(reverse("bmn:report"), {"survey": survey.pk, "format": fmt})
    assert response["Content-Disposition"] == f'attachment; filename="bmn-education-2561.{fmt}"'
    response = client.get(reverse("bmn:report"), {"survey": survey.pk, "format": fmt, "district": "6402"})
    assert response["Content-Disposition"] == f'attachment; filename="bmn-education-2561-6402.{fmt}"'
