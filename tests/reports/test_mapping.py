"""The small-school table and each school's nearest schools, on a district laid out by hand.

Every school stands on the meridian 99.8°E, so a distance is the difference of latitude × 111.195
km (one degree of a great circle on the mean earth):

    lat 17.000 บ้านหนึ่ง     40 students (registry)
    lat 17.010 บ้านสอง      registry 60, but its certified November data has 7 students
    lat 17.040 บ้านใหญ่     300 (medium)          4.448 km from หนึ่ง, 3.336 km from สอง
    lat 17.100 บ้านกลาง     121 (medium: the first count above the small band)
    lat 17.300 บ้านไกล     100                   22.239 km from กลาง, its nearest larger school
    lat 18.000 บ้านพอดี    120 (the top of the small band: small)
    no coordinates: บ้านไม่มีพิกัด 80
    another amphoe, lat 17.001: บ้านข้ามอำเภอ 900 (only a candidate without the amphoe filter)
"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import catalogue, mapping
from schools.models import SizeCategory
from tests.factories import DistrictFactory, SchoolFactory, SubdistrictFactory
from tests.reports.test_renderings import nfkd, pdf_text, table_rows
from tests.students.factories import RoundFactory, StudentRecordFactory, SubmissionFactory

LON = "99.800000"


@pytest.fixture
def district(db):
    round_ = RoundFactory()
    muang = SubdistrictFactory()
    other = SubdistrictFactory(code="640201", name_th="ลานหอย",
                               district=DistrictFactory(code="6402", name_th="บ้านด่านลานหอย"))

    def school(code, name, students, lat, subdistrict=muang):
        return SchoolFactory(smis_code=code, obec_code=f"10{code}", name=name, student_count=students,
                             subdistrict=subdistrict, latitude=lat, longitude=LON if lat else None)

    made = {
        "one": school("64019001", "บ้านหนึ่ง", 40, "17.000000"),
        "two": school("64019002", "บ้านสอง", 60, "17.010000"),
        "big": school("64019003", "บ้านใหญ่", 300, "17.040000"),
        "mid": school("64019004", "บ้านกลาง", 121, "17.100000"),
        "far": school("64019005", "บ้านไกล", 100, "17.300000"),
        "edge": school("64019006", "บ้านพอดี", 120, "18.000000"),
        "none": school("64019007", "บ้านไม่มีพิกัด", 80, None),
        "across": school("64019008", "บ้านข้ามอำเภอ", 900, "17.001000", subdistrict=other),
    }
    SubmissionFactory(round=round_, school=made["two"], status="certified")
    for _ in range(7):
        StudentRecordFactory(round=round_, school=made["two"])
    made["round"] = round_
    return made


def by_name(report):
    return {row[1]: row for row in report.tables[0].rows}


def test_the_nearest_larger_school_within_the_distance(district):
    report = mapping.small_schools(district["round"], district="6401")
    rows = report.tables[0].rows
    assert [row[1] for row in rows] == ["บ้านสอง", "บ้านหนึ่ง", "บ้านไกล", "บ้านพอดี", "บ้านไม่มีพิกัด"]
    assert rows[0] == ["64019002", "บ้านสอง", "เมืองสุโขทัย", "ธานี", 7, "รอบนี้",
                       "64019001 บ้านหนึ่ง", 1.1, "64019003 บ้านใหญ่", 3.3, 300, "ขนาดกลาง"]
    assert rows[1][4:] == [40, "ทะเบียน", "64019002 บ้านสอง", 1.1, "64019003 บ้านใหญ่", 4.4, 300, "ขนาดกลาง"]
    # Nothing larger within 6 km: บ้านกลาง (121 students) is 22.2 km from บ้านไกล.
    assert rows[2][8:] == ["ไม่มีในระยะ 6 กม.", None, None, ""]
    assert rows[2][6:8] == ["64019004 บ้านกลาง", 22.2]
    assert rows[4][6:] == ["ไม่มีพิกัด", None, "ไม่มีพิกัด", None, None, ""]
    assert report.tables[0].totals[:5] == ["รวม", "5 โรงเรียน", "", "", 7 + 40 + 100 + 120 + 80]
    assert any("ใช้ระยะทางไม่เกิน 6 กม." in note for note in report.notes)
    assert any("“ทะเบียน”" in note for note in report.notes)
    assert report.tables[1].rows == [["เมืองสุโขทัย", 5, 2, 2, 1]]
    assert dict(report.chart) == {"ไม่เกิน 2 กม.": 0, "2–4 กม.": 1, "4–6 กม.": 1, "6–10 กม.": 0,
                                  "มากกว่า 10 กม.": 2, "ไม่มีโรงเรียนที่ใหญ่กว่าในพื้นที่": 0, "ไม่มีพิกัด": 1}


def test_the_distance_cuts_off_and_a_bad_value_falls_back_to_six_km(district):
    rows = by_name(mapping.small_schools(district["round"], district="6401", distance="4"))
    assert rows["บ้านหนึ่ง"][8:] == ["ไม่มีในระยะ 4 กม.", None, None, ""]
    assert rows["บ้านสอง"][8:10] == ["64019003 บ้านใหญ่", 3.3]
    rows = by_name(mapping.small_schools(district["round"], district="6401", distance="25.5"))
    assert rows["บ้านไกล"][8:] == ["64019004 บ้านกลาง", 22.2, 121, "ขนาดกลาง"]
    for bad in ("abc", "-3", "0", "1000"):
        report = mapping.small_schools(district["round"], district="6401", distance=bad)
        assert f"ระยะทาง “{bad}” ใช้ไม่ได้" in report.warnings[0]
        assert by_name(report)["บ้านหนึ่ง"][9] == 4.4


def test_candidates_are_the_schools_of_the_place_asked_for(district):
    # Without the amphoe filter, the 900-student school across the border (0.1 km away) is nearest.
    rows = by_name(mapping.small_schools(district["round"]))
    assert rows["บ้านหนึ่ง"][8:] == ["64019008 บ้านข้ามอำเภอ", 0.1, 900, "ขนาดใหญ่"]
    # A school filter narrows the rows, not the candidates.
    report = mapping.small_schools(district["round"], district="6401", school="64019001")
    assert [row[1] for row in report.tables[0].rows] == ["บ้านหนึ่ง"]
    assert report.tables[0].rows[0][8] == "64019003 บ้านใหญ่"


def test_the_small_band_is_read_from_the_size_categories(district):
    SizeCategory.objects.filter(code="small").update(max_students=100)
    SizeCategory.objects.filter(code="medium").update(min_students=101)
    report = mapping.small_schools(district["round"], district="6401")
    rows = by_name(report)
    assert "บ้านพอดี" not in rows  # 120 students is no longer small
    assert rows["บ้านไกล"][8] == "ไม่มีในระยะ 6 กม."
    report = mapping.small_schools(district["round"], district="6401", distance="80")
    # บ้านพอดี (120) now counts as larger: 77.8 km from บ้านไกล, but บ้านกลาง is nearer.
    assert by_name(report)["บ้านไกล"][8:10] == ["64019004 บ้านกลาง", 22.2]
    assert "ไม่เกิน 100 คน" in report.tables[0].caption


def test_nearest_schools_report_counts_the_schools_around(district):
    report = mapping.nearest_schools(district["round"], district="6401")
    rows = by_name(report)
    assert rows["บ้านหนึ่ง"][5:] == ["64019002 บ้านสอง", 1.1, 1, 2, 2]  # สอง 1.1; ใหญ่ 4.4
    assert rows["บ้านไม่มีพิกัด"][5:] == ["ไม่มีพิกัด", None, None, None, None]


def test_the_five_nearest_schools_of_a_school(district):
    found = mapping.nearby(district["one"])
    assert [(d, s.name) for d, s, _size in found] == [
        (0.1, "บ้านข้ามอำเภอ"), (1.1, "บ้านสอง"), (4.4, "บ้านใหญ่"), (11.1, "บ้านกลาง"), (33.4, "บ้านไกล")]
    assert [size.name for _d, _s, size in found][:3] == ["ขนาดใหญ่", "ขนาดเล็ก", "ขนาดกลาง"]
    assert mapping.nearby(district["none"]) == []


def test_the_table_on_a_page_in_a_pdf_and_in_excel(as_user, officer, district):
    client = as_user(officer)
    address = reverse("reports:report", kwargs={"name": "small-schools"}) + "?district=6401&distance=5"
    page = client.get(address).content.decode()
    assert 'name="distance"' in page and 'value="5"' in page
    rows = table_rows(page)
    assert ["64019001", "บ้านหนึ่ง", "เมืองสุโขทัย", "ธานี", "40", "ทะเบียน", "64019002 บ้านสอง", "1.1",
            "64019003 บ้านใหญ่", "4.4", "300", "ขนาดกลาง"] in rows
    assert ["64019005", "บ้านไกล", "เมืองสุโขทัย", "ธานี", "100", "ทะเบียน", "64019004 บ้านกลาง", "22.2",
            "ไม่มีในระยะ 5 กม.", "–", "–", ""] in rows

    response = client.get(address + "&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    for words in ("โรงเรียนขนาดเล็กและโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุด", "บ้านหนึ่ง", "64019003 บ้านใหญ่ 4.4 300",
                  "ไม่มีในระยะ 5 กม.", "ทะเบียน"):
        assert nfkd(words) in text, words

    # The chart, scaled to its container on a page, still has its size in the PDF: its bands are there.
    assert nfkd("โรงเรียนขนาดเล็กจำแนกตามระยะทางถึงโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุด") in text
    assert nfkd("มากกว่า 10 กม.") in text and nfkd("6–10 กม.") in text

    response = client.get(address + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert ["64019002", "บ้านสอง", "เมืองสุโขทัย", "ธานี", 7, "รอบนี้", "64019001 บ้านหนึ่ง", 1.1,
            "64019003 บ้านใหญ่", 3.3, 300, "ขนาดกลาง"] in cells
    assert any(row[0] == "64019007" and row[5] == "ทะเบียน" and row[8] == "ไม่มีพิกัด" for row in cells)


@pytest.mark.parametrize("name", ["small-schools", "nearest-schools", "enrolment-projection"])
def test_the_notes_are_in_thai_on_the_page_in_the_pdf_and_in_excel(as_user, officer, district, name):
    client = as_user(officer)
    address = reverse("reports:report", kwargs={"name": name})
    english = ("great-circle", "least squares", "least-squares")
    page = client.get(address).content.decode()
    assert "ระยะทางเส้นตรงบนผิวโลก" in page or "วิธีกำลังสองน้อยที่สุด" in page
    text = pdf_text(client.get(address + "?format=pdf").content)
    sheet = load_workbook(io.BytesIO(client.get(address + "?format=xlsx").content)).active
    cells = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)
    for rendering in (page, text, cells):
        assert not any(word in rendering.lower() for word in english)


def test_render_report_command_takes_the_distance(district, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "small.xlsx"
    call_command("render_report", "small-schools", "--round", district["round"].code, "--param", "distance=4",
                 "--format", "xlsx", "--out", str(out), "--district", "6401")
    cells = [list(row) for row in load_workbook(out).active.iter_rows(values_only=True)]
    assert any(row[1] == "บ้านหนึ่ง" and row[8] == "ไม่มีในระยะ 4 กม." for row in cells)


def test_the_catalogue_has_the_mapping_reports():
    assert {"small-schools", "nearest-schools", "enrolment-projection"} <= set(catalogue.CATALOGUE)
    assert [p.name for p in catalogue.CATALOGUE["small-schools"].params] == ["distance"]


def test_a_school_without_any_figure_is_left_out_and_said_so(district):
    SchoolFactory(smis_code="64019009", obec_code="1064019009", name="บ้านไม่มีตัวเลข", student_count=None,
                  latitude="17.002000", longitude=LON)
    report = mapping.small_schools(district["round"], district="6401")
    assert "บ้านไม่มีตัวเลข" not in by_name(report)
    assert "1 โรงเรียนไม่มีจำนวนนักเรียนทั้งในรอบนี้และในทะเบียน จึงไม่ได้นำมาพิจารณา" in report.notes


def test_a_lone_school_has_no_nearest_school(db):
    round_ = RoundFactory()
    SchoolFactory(smis_code="64019010", obec_code="1064019010", name="บ้านเดียว", latitude="17.0", longitude=LON)
    report = mapping.nearest_schools(round_)
    assert report.rows[0][5:] == ["–", None, 0, 0, 0]
    assert ("ไม่มีโรงเรียนอื่นที่มีพิกัด", 1) in report.chart
    row = mapping.small_schools(round_).rows[0]
    assert row[6:] == ["–", None, "ไม่มีในระยะ 6 กม.", None, None, ""]
    assert ("ไม่มีโรงเรียนที่ใหญ่กว่าในพื้นที่", 1) in mapping.small_schools(round_).chart


def test_an_island_school_finds_its_true_nearest_without_reading_every_school(db):
    """A school 800 km from the others (few schools in its ±0.5° box): the box widens step by step,
    only coordinates are read, and the answer is the one a pass over every school gives."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schools.geo import nearest
    from schools.models import School

    island = SchoolFactory(smis_code="64019100", obec_code="1064019100", name="บ้านเกาะ",
                           latitude="10.000000", longitude="98.000000")
    SchoolFactory(smis_code="64019101", obec_code="1064019101", name="บ้านเกาะใกล้",
                  latitude="10.300000", longitude="98.000000")
    for i in range(30):  # the mainland
        SchoolFactory(smis_code=f"640192{i:02d}", obec_code=f"10640192{i:02d}", name=f"บ้านฝั่ง{i}",
                      latitude=f"{17 + i / 100:.6f}", longitude=f"{99.8 + i / 100:.6f}")
    with CaptureQueriesContext(connection) as queries:
        found = mapping.nearby(island)
    expected = nearest(island, School.objects.filter(is_open=True))[:5]
    assert [s.smis_code for _d, s, _size in found] == [s.smis_code for _d, s in expected]
    assert found[0][1].name == "บ้านเกาะใกล้" and found[0][0] == 33.4
    school_queries = [q["sql"] for q in queries.captured_queries if "schools_school" in q["sql"]]
    assert len(queries.captured_queries) <= 8
    # Whole school rows are read only for the five chosen; the boxes read coordinates only.
    full_reads = [sql for sql in school_queries if '"schools_school"."name"' in sql]
    assert len(full_reads) == 1 and "IN (" in full_reads[0]
    assert all("BETWEEN" in sql for sql in school_queries if sql not in full_reads)
