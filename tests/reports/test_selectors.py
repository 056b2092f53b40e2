"""The numbers of every report, against a hand-built district whose figures are worked out below.

School A (อำเภอเมือง, cluster 1, อ.1–ป.6) certified: อ.1 ช 2 ญ 1, ป.1 ช 3 (rooms 1 and 2) ญ 2, ป.6 ญ 1,
    and a ป.1 boy recorded as moved out (not counted): 9 students, 5 boys, 4 girls.
School B (อำเภอบ้านด่านลานหอย, cluster 2, อ.1–ม.3) acknowledged: ป.1 ช 1 ญ 1, ม.1 ช 2 ญ 1: 5 students.
School C (อำเภอเมือง, cluster 1) draft: ป.1 ช 5 — counted only in provisional figures.
School D open, no submission (not started); school E closed with no submission: not of the round.
June 2569: A 10 and B 6 certified, C 2 in draft. November 2568: A 12 certified.
"""

import datetime
from types import SimpleNamespace

import pytest

from collection.models import Round
from reports import catalogue, selectors
from students.codes import Disability, Disadvantage, Status
from tests.factories import ClusterFactory, DistrictFactory, SchoolFactory, SubdistrictFactory
from tests.students.factories import RoundFactory, StudentRecordFactory, SubmissionFactory, june_round

CERTIFIED, ACKNOWLEDGED, DRAFT = "certified", "acknowledged", "draft"


def records(round, school, grade, gender, n, **fields):
    for _ in range(n):
        StudentRecordFactory(round=round, school=school, grade=grade, gender=gender,
                             prefix="boy" if gender == "M" else "girl", **fields)


def build_world():
    nov = RoundFactory(state=Round.State.OPEN)
    june = june_round()
    last_year = RoundFactory(academic_year=2568, census_day=datetime.date(2025, 11, 10), name="10 พฤศจิกายน 2568")
    c1 = ClusterFactory(code="011", name="กลุ่มเครือข่ายเมือง 1")
    c2 = ClusterFactory(code="012", name="กลุ่มเครือข่ายบ้านด่าน")
    muang = SubdistrictFactory()
    bandan = SubdistrictFactory(code="640201", name_th="ลานหอย", district=DistrictFactory(
        code="6402", name_th="บ้านด่านลานหอย"))
    a = SchoolFactory(smis_code="64010101", obec_code="1064010101", name="บ้านเอ", cluster=c1, subdistrict=muang)
    b = SchoolFactory(smis_code="64010102", obec_code="1064010102", name="บ้านบี", cluster=c2, subdistrict=bandan,
                      highest_level="M3", school_type="อนุบาล-มัธยมศึกษาตอนต้น")
    c = SchoolFactory(smis_code="64010103", obec_code="1064010103", name="บ้านซี", cluster=c1, subdistrict=muang)
    d = SchoolFactory(smis_code="64010104", obec_code="1064010104", name="บ้านดี", cluster=c1, subdistrict=muang)
    SchoolFactory(smis_code="64010105", obec_code="1064010105", name="บ้านอี", is_open=False)
    for school, status in ((a, CERTIFIED), (b, ACKNOWLEDGED), (c, DRAFT)):
        SubmissionFactory(round=nov, school=school, status=status)
    records(nov, a, "K1", "M", 2)
    records(nov, a, "K1", "F", 1, disadvantage=Disadvantage.POOR)
    records(nov, a, "P1", "M", 2, room=1)
    records(nov, a, "P1", "M", 1, room=2, disability=Disability.LEARNING)
    records(nov, a, "P1", "M", 1, room=2, status=Status.MOVED_OUT)
    records(nov, a, "P1", "F", 2, room=2)
    records(nov, a, "P6", "F", 1)
    records(nov, b, "P1", "M", 1)
    records(nov, b, "P1", "F", 1, disadvantage=Disadvantage.POOR)
    records(nov, b, "M1", "M", 2, disadvantage=Disadvantage.MINORITY)
    records(nov, b, "M1", "F", 1)
    records(nov, c, "P1", "M", 5, disadvantage=Disadvantage.POOR)
    for school, status, n in ((a, CERTIFIED, 10), (b, CERTIFIED, 6), (c, DRAFT, 2)):
        SubmissionFactory(round=june, school=school, status=status)
        records(june, school, "P2", "M", n)
    SubmissionFactory(round=last_year, school=a, status=ACKNOWLEDGED)
    records(last_year, a, "P1", "F", 12)
    return SimpleNamespace(nov=nov, june=june, last_year=last_year, a=a, b=b, c=c, d=d, c1=c1, c2=c2)


@pytest.fixture
def world(db):
    return build_world()


def row(table, label):
    return next(r for r in table.rows if r[0] == label)


def test_grade_gender_counts_only_certified_schools_and_says_how_many(world):
    report = selectors.students_by_grade_gender(world.nov)
    grades = report.tables[0]
    assert grades.columns == ["ชั้น", "ชาย", "หญิง", "รวม"]
    assert row(grades, "อ.1") == ["อ.1", 2, 1, 3]
    assert row(grades, "ป.1") == ["ป.1", 4, 3, 7]  # A 3+2 and B 1+1; the moved-out boy is not counted
    assert row(grades, "ป.6") == ["ป.6", 0, 1, 1]
    assert row(grades, "ม.1") == ["ม.1", 2, 1, 3]
    assert row(grades, "รวมอนุบาล") == ["รวมอนุบาล", 2, 1, 3]
    assert row(grades, "รวมประถมศึกษา") == ["รวมประถมศึกษา", 4, 4, 8]
    assert row(grades, "รวมมัธยมศึกษาตอนต้น") == ["รวมมัธยมศึกษาตอนต้น", 2, 1, 3]
    assert report.totals == ["รวมทั้งสิ้น", 8, 6, 14]
    assert not any(r[0] == "ม.4" for r in grades.rows)  # upper secondary only when someone is in it
    assert (report.schools_covered, report.schools_total) == (2, 4)
    assert report.coverage_line == "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 4 แห่ง"
    assert report.census_day == datetime.date(2026, 11, 10)
    assert not report.provisional
    assert len(report.tables) == 1  # the whole area: no per-group table


def test_provisional_counts_draft_schools_and_says_so(world):
    report = selectors.students_by_grade_gender(world.nov, provisional=True)
    assert report.totals == ["รวมทั้งสิ้น", 13, 6, 19]
    assert report.provisional
    assert (report.schools_covered, report.schools_total) == (3, 4)
    assert "ข้อมูลเบื้องต้น" in report.coverage_line and "3 แห่ง จาก 4 แห่ง (รวมข้อมูลที่ยังไม่รับรอง)" in report.coverage_line


@pytest.mark.parametrize("group_by,expected", [
    ("school", {"64010101 บ้านเอ": (3, 0, 5, 9), "64010102 บ้านบี": (0, 3, 3, 5)}),
    ("amphoe", {"เมืองสุโขทัย": (3, 0, 5, 9), "บ้านด่านลานหอย": (0, 3, 3, 5)}),
    ("cluster", {"กลุ่มเครือข่ายเมือง 1": (3, 0, 5, 9), "กลุ่มเครือข่ายบ้านด่าน": (0, 3, 3, 5)}),
])
def test_grade_gender_per_group(world, group_by, expected):
    table = selectors.students_by_grade_gender(world.nov, group_by=group_by).tables[1]
    col = {name: i for i, name in enumerate(table.columns)}
    got = {r[0]: (r[col["อ.1"]], r[col["ม.1"]], r[col["ชาย"]], r[col["รวม"]]) for r in table.rows}
    assert got == expected
    assert [r[0] for r in table.rows] == list(expected)  # in code order
    assert table.totals[col["รวม"]] == 14
    assert table.totals[col["รวมประถมศึกษา"]] == 8


def test_unknown_grouping_is_refused(world):
    with pytest.raises(ValueError):
        selectors.students_by_grade_gender(world.nov, group_by="village")


@pytest.mark.parametrize("filters,covered,total,students", [
    ({"district": "6401"}, 1, 3, 9),
    ({"district": "6402"}, 1, 1, 5),
    ({"cluster": "c1"}, 1, 3, 9),
    ({"cluster": "c2"}, 1, 1, 5),
    ({"school": "64010101"}, 1, 1, 9),
    ({"school": "1064010102"}, 1, 1, 5),  # the OBEC code works too
    ({"school": "64010103"}, 0, 1, 0),  # a draft school: nothing certified
])
def test_filters(world, filters, covered, total, students):
    if "cluster" in filters:
        filters = {"cluster": getattr(world, filters["cluster"]).pk}
    report = selectors.students_by_grade_gender(world.nov, **filters)
    assert (report.schools_covered, report.schools_total, report.totals[-1]) == (covered, total, students)
    assert report.filter_line  # the place is named on the report


def test_a_round_is_named_by_id_or_code(world):
    assert selectors.resolve_round("2569-nov10") == world.nov
    assert selectors.resolve_round(str(world.june.pk)) == world.june
    with pytest.raises(Round.DoesNotExist):
        selectors.resolve_round("2570-nov10")


def test_schools_by_size_and_levels_and_the_small_schools(world):
    report = selectors.schools_by_size(world.nov)
    sizes, levels, small = report.tables
    assert sizes.rows[0] == ["ขนาดเล็ก (0–120 คน)", 2, 14]
    assert [r[1] for r in sizes.rows[1:]] == [0, 0, 0]
    assert sizes.totals == ["รวม", 2, 14]
    assert sorted(levels.rows) == [["อ.1–ป.6", 1], ["อ.1–ม.3", 1]]
    assert small.rows == [["64010101", "บ้านเอ", "เมืองสุโขทัย", 9], ["64010102", "บ้านบี", "บ้านด่านลานหอย", 5]]
    assert report.chart[0] == ("ขนาดเล็ก", 2)


def test_classrooms_and_class_size(world):
    table = selectors.classrooms(world.nov).tables[0]
    assert table.columns == ["ชั้น", "ห้องเรียน", "นักเรียน", "นักเรียนเฉลี่ยต่อห้อง"]
    assert row(table, "อ.1") == ["อ.1", 1, 3, 3.0]
    assert row(table, "ป.1") == ["ป.1", 3, 7, 2.3]  # A's rooms 1 and 2, B's room 1
    assert row(table, "ป.2") == ["ป.2", 0, 0, None]
    assert row(table, "รวมประถมศึกษา") == ["รวมประถมศึกษา", 4, 8, 2.0]
    assert table.totals == ["รวมทั้งสิ้น", 6, 14, 2.3]


def test_disadvantaged_and_disabled_by_type(world):
    report = selectors.disadvantage(world.nov)
    poor, disabled = report.tables
    assert row(poor, "เด็กยากจน") == ["เด็กยากจน", 0, 2, 2]  # C's five poor boys are in draft
    assert row(poor, "ชนกลุ่มน้อย") == ["ชนกลุ่มน้อย", 2, 0, 2]
    assert poor.totals == ["รวม", 2, 2, 4]
    assert row(disabled, "ความพิการทางการเรียนรู้") == ["ความพิการทางการเรียนรู้", 1, 0, 1]
    assert disabled.totals == ["รวม", 1, 0, 1]
    assert "ไม่ด้อยโอกาส" not in [r[0] for r in poor.rows]
    provisional = selectors.disadvantage(world.nov, provisional=True)
    assert row(provisional.tables[0], "เด็กยากจน")[3] == 7


def test_change_against_the_previous_round_and_a_year_earlier(world):
    report = selectors.change(world.nov)
    table, losing = report.tables
    assert table.columns == ["รหัส", "โรงเรียน", "10 พฤศจิกายน 2568", "10 มิถุนายน 2569", "10 พฤศจิกายน 2569",
                             "เพิ่ม/ลด", "ร้อยละ"]
    assert table.rows == [
        ["64010101", "บ้านเอ", 12, 10, 9, -1, -10.0],
        ["64010102", "บ้านบี", None, 6, 5, -1, -16.7],
    ]
    assert table.totals == ["รวม", "", 12, 16, 14, -2, -12.5]
    assert [r[0] for r in losing.rows] == ["64010101", "64010102"]
    assert report.chart == [("10 พฤศจิกายน 2568", 12), ("10 มิถุนายน 2569", 16), ("10 พฤศจิกายน 2569", 14)]


def test_a_school_without_certified_figures_last_round_is_no_gain(world):
    world.c.submissions.filter(round=world.nov).update(status=CERTIFIED)  # June stays in draft
    report = selectors.change(world.nov)
    assert report.rows[2][2:] == [None, None, 5, None, None]
    assert report.totals == ["รวม", "", 12, 16, 19, -2, -12.5]
    assert report.notes == ["1 โรงเรียนไม่มีข้อมูลที่รับรองแล้วในรอบก่อน จึงไม่นับในยอดเพิ่ม/ลดรวม"]


def test_change_with_no_earlier_round(world):
    report = selectors.change(world.last_year)
    assert report.notes == ["ยังไม่มีรอบก่อนหน้าให้เทียบ"]
    assert report.rows == [["64010101", "บ้านเอ", None, 12, None, None]]


def test_collection_status(world):
    report = selectors.collection_status(world.nov)
    got = {r[0]: r[1] for r in report.rows}
    assert got == {"ยังไม่เริ่ม": 1, "ฉบับร่าง": 1, "ส่งกลับแก้ไข": 0, "โรงเรียนยืนยันแล้ว": 0,
                   "ผู้อำนวยการรับรองแล้ว": 1, "เขตพื้นที่รับทราบแล้ว": 1}
    assert report.totals == ["รวม", 4, 100.0]
    assert row(report.tables[0], "ยังไม่เริ่ม")[2] == 25.0


def test_every_report_aggregates_in_a_few_queries(world, django_assert_max_num_queries):
    for name in catalogue.CATALOGUE:
        with django_assert_max_num_queries(12):
            catalogue.build(name, world.nov, group_by="school")


def test_rounding_is_half_up_both_ways():
    assert selectors.round_half(2.25) == 2.3
    assert selectors.round_half(-16.666) == -16.7
    assert selectors.round_half(-10.05) == -10.1
