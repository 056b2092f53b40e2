"""The enrolment trend of a school and its five-year projection: a least-squares line through the
last up-to-five actual years, floored at 0, rounded to whole students; none under three years."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from reports import mapping
from schools.models import EnrolmentYear
from tests.factories import SchoolFactory
from tests.students.factories import RoundFactory, StudentRecordFactory, SubmissionFactory, june_round


def test_a_straight_decline_projects_along_its_line():
    trend = mapping.fit({2565: 100, 2566: 90, 2567: 80, 2568: 70, 2569: 60})
    assert trend.slope == pytest.approx(-10)
    assert trend.projected() == {2570: 50, 2571: 40, 2572: 30, 2573: 20, 2574: 10}


def test_a_known_noisy_series():
    # x̄ = 2567, ȳ = 60; Σ(x−x̄)(y−ȳ) = (−2)(2) + (−1)(3) + 0 + (1)(−4) + (2)(−1) = −13; Σ(x−x̄)² = 10
    # slope −1.3 through (2567, 60): 56.1, 54.8, 53.5 (a half: up), 52.2, 50.9
    trend = mapping.fit({2565: 62, 2566: 63, 2567: 60, 2568: 56, 2569: 59})
    assert trend.slope == pytest.approx(-1.3)
    assert trend.projected() == {2570: 56, 2571: 55, 2572: 54, 2573: 52, 2574: 51}


def test_only_the_last_five_years_count():
    trend = mapping.fit({2560: 1000, 2561: 900, 2565: 100, 2566: 90, 2567: 80, 2568: 70, 2569: 60})
    assert trend.used == [2565, 2566, 2567, 2568, 2569]
    assert trend.projected()[2570] == 50


def test_years_older_than_four_before_the_latest_are_never_fitted():
    """{2560, 2561, 2567} are not "the last five years": only 2563–2567 count, and one year is too few."""
    trend = mapping.fit({2560: 1000, 2561: 900, 2567: 80})
    assert not trend.has_projection and trend.used == [] and trend.reason == mapping.TOO_FEW
    assert mapping.REASONS[trend.reason] == "มีตัวเลขจริงไม่ถึง 3 ปีใน 5 ปีล่าสุด"
    # A gap inside the window is fine: 2564, 2566, 2568 are three of 2564–2568.
    trend = mapping.fit({2563: 500, 2564: 100, 2566: 80, 2568: 60})
    assert trend.used == [2564, 2566, 2568] and trend.slope == pytest.approx(-10)


def test_a_school_whose_figures_stop_two_years_before_the_area_is_not_projected():
    figures = {2565: 100, 2566: 90, 2567: 80}
    stale = mapping.fit(figures, latest_year=2569)
    assert not stale.has_projection and stale.projected() == {}
    assert mapping.REASONS[stale.reason] == "ข้อมูลไม่เป็นปัจจุบัน"
    assert mapping.fit(figures, latest_year=2568).projected()[2568] == 70  # one year behind: still current


def test_the_report_says_which_schools_are_not_projected_and_why(history, officer):
    _school, _other, nov = history
    old = SchoolFactory(smis_code="64019103", obec_code="1064019103", name="บ้านข้อมูลเก่า")
    for year, n in ((2565, 50), (2566, 45), (2567, 40)):
        EnrolmentYear.objects.create(school=old, academic_year=year, students=n)
    report = mapping.enrolment_projection(nov)
    rows = {row[1]: row for row in report.tables[0].rows}
    assert report.tables[0].columns[-1] == "ไม่คาดการณ์เพราะ"
    assert rows["บ้านข้อมูลเก่า"][7:] == [None, None, None, None, None, None, "ข้อมูลไม่เป็นปัจจุบัน"]
    assert rows["บ้านลดลง"][7] == 4
    notes = " ".join(report.notes)
    assert "ปีที่เก่ากว่านั้นไม่นำมาใช้" in notes and "ข้อมูลไม่เป็นปัจจุบัน" in notes
    assert "ปีล่าสุดที่มีตัวเลขจริงของพื้นที่คือ 2569 มี 1 โรงเรียนที่ข้อมูลไม่เป็นปัจจุบัน" in notes
    # The school's own page says the same.
    profile = mapping.school_profile(old, officer)
    assert profile["enrolment"]["stale"] and profile["enrolment"]["projected"] == []
    html = render_to_string("schools/_enrolment_trend.html", profile)
    assert 'data-testid="no-projection"' in html and "2568" not in html


def test_whole_students_with_halves_rounded_up():
    # 10, 12, 15: slope 2.5, through (2568, 12.333): 2570 → 17.33 → 17; 2571 → 19.83 → 20
    trend = mapping.fit({2567: 10, 2568: 12, 2569: 15})
    assert trend.slope == pytest.approx(2.5)
    assert trend.projected([2570, 2571]) == {2570: 17, 2571: 20}
    # 0, 1, 1, 2: slope 0.6 through (2567.5, 1): 2570 → exactly 2.5 → 3 (not to the even 2)
    assert mapping.fit({2566: 0, 2567: 1, 2568: 1, 2569: 2}).projected([2570]) == {2570: 3}


def test_fewer_than_three_years_give_no_projection():
    assert mapping.fit({2568: 70, 2569: 60}).projected() == {}
    assert not mapping.fit({}).has_projection


def test_a_steep_decline_stops_at_zero():
    trend = mapping.fit({2567: 40, 2568: 20, 2569: 0})
    assert trend.projected() == {2570: 0, 2571: 0, 2572: 0, 2573: 0, 2574: 0}


@pytest.fixture
def history(db):
    """A school with imported figures 2565–2569 (100, 90, 80, 70, 60), and a certified 10 June
    2569 round with 3 of its students (one more moved out), which replaces the imported 60."""
    school = SchoolFactory(smis_code="64019101", obec_code="1064019101", name="บ้านลดลง")
    other = SchoolFactory(smis_code="64019102", obec_code="1064019102", name="บ้านสองปี")
    for year, n in zip(range(2565, 2570), (100, 90, 80, 70, 60), strict=True):
        EnrolmentYear.objects.create(school=school, academic_year=year, students=n)
    EnrolmentYear.objects.create(school=other, academic_year=2568, students=30)
    EnrolmentYear.objects.create(school=other, academic_year=2569, students=28)
    june = june_round()
    SubmissionFactory(round=june, school=school, status="acknowledged")
    for _ in range(3):
        StudentRecordFactory(round=june, school=school)
    StudentRecordFactory(round=june, school=school, status="moved_out")
    SubmissionFactory(round=june, school=other, status="draft")
    StudentRecordFactory(round=june, school=other)
    nov = RoundFactory()
    SubmissionFactory(round=nov, school=school, status="certified")
    return school, other, nov


def test_the_june_round_overrides_the_imported_figure_of_its_year(history):
    school, other, _nov = history
    trend = mapping.school_trend(school)
    assert trend.actual[2569] == (3, "june")
    assert trend.actual[2568] == (70, "imported")
    # The draft June data of the other school does not count: its imported 28 stays.
    assert mapping.school_trend(other).actual[2569] == (28, "imported")
    figures = mapping.enrolment_figures([other.pk], provisional=True)
    assert figures[other.pk][2569] == (1, "june")


def test_the_projection_report(history):
    school, other, nov = history
    report = mapping.enrolment_projection(nov)
    table = report.tables[0]
    assert table.columns[2:7] == ["2565", "2566", "2567", "2568", "2569"]
    assert table.columns[7:12] == [f"{y} (คาดการณ์)" for y in range(2570, 2575)]
    rows = {row[1]: row for row in table.rows}
    # 100, 90, 80, 70, 3: slope = Σ(x−x̄)(y−ȳ)/10 = (−2·31.4 −1·21.4 + 0 + 1·1.4 + 2·(−65.6))/10 = −21.4
    assert rows["บ้านลดลง"][2:7] == [100, 90, 80, 70, 3]
    assert rows["บ้านลดลง"][12] == -21.4
    # ȳ = 68.6 at 2567: 2570 → 68.6 − 64.2 = 4.4 → 4; later years below 0 → 0
    assert rows["บ้านลดลง"][7:12] == [4, 0, 0, 0, 0]
    assert rows["บ้านสองปี"][2:] == [None, None, None, 30, 28, None, None, None, None, None, None,
                                     "มีตัวเลขจริงไม่ถึง 3 ปีใน 5 ปีล่าสุด"]
    assert rows["บ้านลดลง"][13] == ""
    assert table.totals[2:8] == [100, 90, 80, 100, 31, 4]
    totals = {row[0]: row for row in report.tables[1].rows}
    assert totals["2569"] == ["2569", "จริง", 31, 2] and totals["2570"] == ["2570", "คาดการณ์", 4, 1]
    assert report.chart[0] == ("2565", 100) and report.chart[5] == ("2570 (คาดการณ์)", 4)
    assert any("ไม่ใช่การพยากรณ์ประชากร" in note for note in report.notes)
    assert any("กำลังสองน้อยที่สุด" in note for note in report.notes)


def test_the_projection_report_as_a_page_pdf_and_excel(as_user, officer, history):
    client = as_user(officer)
    address = reverse("reports:report", kwargs={"name": "enrolment-projection"})
    page = client.get(address).content.decode()
    assert "แนวโน้มจำนวนนักเรียนและการคาดการณ์ 5 ปี" in page and "<svg" in page
    assert client.get(address + "?format=pdf")["Content-Type"] == "application/pdf"
    assert client.get(address + "?format=xlsx").status_code == 200


def test_the_school_page_context(history, officer, staff):
    school, _other, _nov = history
    profile = mapping.school_profile(school, officer)
    enrolment = profile["enrolment"]
    assert enrolment["actual"][-1] == (2569, 3, "รอบ 10 มิ.ย.")
    assert enrolment["actual"][0] == (2565, 100, "นำเข้า")
    assert enrolment["projected"][0] == (2570, 4)
    assert "<svg" in enrolment["chart"] and "stroke-dasharray" in enrolment["chart"]
    assert profile["nearby_schools"] == [] or all(item["url"] for item in profile["nearby_schools"])


def test_the_includes_render(history, officer, staff):
    from django.template.loader import render_to_string

    school, other, _nov = history
    school.latitude, school.longitude = "17.000000", "99.800000"
    school.save()
    other.latitude, other.longitude = "17.010000", "99.800000"
    other.save()
    html = render_to_string("schools/_nearby.html", mapping.school_profile(school, officer))
    assert "บ้านสองปี" in html and "1.1" in html and f'/schools/{other.smis_code}/' in html
    profile = mapping.school_profile(school, staff)
    assert profile["nearby_shown"] is False and profile["nearby_schools"] == []
    html = render_to_string("schools/_enrolment_trend.html", mapping.school_profile(school, officer))
    assert "2570" in html and "<svg" in html
    html = render_to_string("schools/_enrolment_trend.html", mapping.school_profile(other, officer))
    assert "2569" in html and "2570" not in html


def test_the_demo_history_is_plausible_and_repeatable(db):
    from edinfo import demo, demo_history

    schools = demo.build_district(seed=2569)
    made = demo_history.build_history(schools)
    assert made == 5 * len(schools)
    assert demo_history.build_history(schools) == made  # again: the same rows, replaced
    assert EnrolmentYear.objects.count() == made
    years = sorted(set(EnrolmentYear.objects.values_list("academic_year", flat=True)))
    assert years == [2564, 2565, 2566, 2567, 2568]
    small = next(s for s in schools if s.student_count <= 120)
    series = dict(EnrolmentYear.objects.filter(school=small).values_list("academic_year", "students"))
    assert series[2564] >= series[2568] >= small.student_count * 0.9
    assert datetime.date.today()  # nothing depends on the clock


def circle_xs(svg):
    return [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]


def test_the_trend_chart_spaces_the_years_by_their_value_so_a_gap_shows():
    from reports.charts import line_chart

    svg = line_chart(["2560", "2561", "2564"], [("จำนวนจริง", [50, 48, 40], False)])
    x2560, x2561, x2564 = circle_xs(svg)
    assert (x2564 - x2560) == pytest.approx(4 * (x2561 - x2560), abs=0.2)
    # Labels that are not years stay evenly spaced.
    a, b, c = circle_xs(line_chart(["ก", "ข", "ค"], [("x", [1, 2, 3], False)]))
    assert (c - b) == pytest.approx(b - a, abs=0.2)


def test_the_school_page_chart_shows_missing_years_as_a_gap(db, officer):
    school = SchoolFactory(smis_code="64019104", obec_code="1064019104", name="บ้านเว้นปี")
    for year, n in ((2560, 50), (2561, 48), (2564, 40)):
        EnrolmentYear.objects.create(school=school, academic_year=year, students=n)
    x2560, x2561, x2564 = circle_xs(mapping.school_profile(school, officer)["enrolment"]["chart"])[:3]
    assert (x2564 - x2560) == pytest.approx(4 * (x2561 - x2560), abs=0.2)


def test_a_closed_school_shows_its_past_only(as_user, officer, history):
    from django.utils.html import escape
    from django.utils.translation import gettext

    school, other, nov = history
    school.latitude, school.longitude, school.is_open = "17.000000", "99.800000", False
    school.save()
    other.latitude, other.longitude = "17.010000", "99.800000"
    other.save()
    page = as_user(officer).get(reverse("schools:detail", args=[school.smis_code])).content.decode()
    assert 'data-testid="enrolment-trend"' in page and "2565" in page and "2569" in page
    assert escape(gettext("The school is closed: no projection.")) in page
    assert "2570" not in page and "stroke-dasharray" not in page  # no projected years, no dashed line
    assert 'data-testid="nearby-schools"' not in page and "บ้านสองปี" not in page
    # The projection report keeps its past figures and says why there is no projection.
    rows = {row[1]: row for row in mapping.enrolment_projection(nov).tables[0].rows}
    assert rows["บ้านลดลง"][2:7] == [100, 90, 80, 70, 3]
    assert rows["บ้านลดลง"][7:] == [None] * 6 + ["โรงเรียนปิดทำการ"]
    assert any("ปิดทำการ" in note and "ไม่คาดการณ์" in note
               for note in mapping.enrolment_projection(nov).notes)


def label_texts(svg):
    return re.findall(r'<text [^>]*class="point-label">([^<]*)</text>', svg)


def test_the_trend_chart_writes_each_value_once_below_the_title_and_off_the_axis():
    from reports.charts import line_chart

    svg = line_chart(["2565", "2566", "2567", "2568"],
                     [("จำนวนจริง", [100, 90, 80, None], False), ("คาดการณ์", [None, None, 80, 70], True)],
                     title="จำนวนนักเรียนรายปีการศึกษา")
    # 80 is where the projection starts from the last actual figure: written once, not twice.
    assert sorted(label_texts(svg)) == ["100", "70", "80", "90"]
    labels = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="middle" class="point-label">100<', svg)
    (x100, y100), = labels
    # The highest point's label is inside the drawing, clear of the title (14 px, baseline 16) ...
    assert float(y100) - 11 > 20
    # ... and clear of the y axis and its maximum "100" written left of it at x = 50.
    assert float(x100) - 12 > 50


def test_charts_scale_to_their_container_on_a_phone():
    from reports.charts import bar_chart, line_chart

    for svg in (bar_chart([("ก", 3), ("ข", 5)], title="t"), line_chart(["2565", "2566"], [("x", [1, 2], False)])):
        assert 'viewBox="0 0 640 ' in svg and "width: 100%; max-width: 640px; height: auto" in svg
