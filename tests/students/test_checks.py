"""Every check, by its stable code: on an import file (through the preview) and on one record (the form)."""

import datetime
from decimal import Decimal

import pytest

from students import checks, services
from students.checks import ERROR, WARNING
from tests.factories import SchoolFactory

from .dmcfiles import dmc_xlsx, girl, student
from .factories import RoundFactory, StudentRecordFactory, citizen_id, june_round

pytestmark = pytest.mark.django_db

STABLE_CODES = {
    "file_refused", "no_rows", "submission_locked", "column_ignored", "school_code_mismatch", "required",
    "id_invalid", "id_duplicate_in_file", "id_duplicate_in_round", "id_in_other_school", "code_unknown",
    "date_invalid", "date_future", "date_too_old", "number_invalid", "number_range", "too_long",
    "grade_not_offered", "prefix_gender", "prefix_age", "age_grade", "height_implausible", "weight_implausible",
    "bmi_implausible", "missing_since_previous",
}


@pytest.fixture
def nov(db):
    return RoundFactory()


def problems_of(school, round_, rows):
    result = services.import_preview(school=school, round=round_, data=dmc_xlsx(rows), filename="f.xlsx")
    return result.problems


def codes_by_row(problems):
    found = {}
    for p in problems:
        found.setdefault(p.row, set()).add(p.code)
    return found


def test_the_codes_are_stable_and_each_has_a_level_and_a_thai_meaning():
    assert set(checks.CHECKS) == STABLE_CODES
    for level, meaning in checks.CHECKS.values():
        assert level in (ERROR, WARNING) and meaning


def test_a_clean_file_has_no_problems(school, nov):
    assert problems_of(school, nov, [student(1), girl(2), student(3, grade="อ.1", birth_date="01/03/2566",
                                                                     prefix="เด็กชาย", weight_kg="14",
                                                                     height_cm="95")]) == []


def test_required_fields(school, nov):
    rows = [student(1, person_id=""), student(2, grade=""), student(3, gender="-", prefix=""),
            student(4, first_name=" "), student(5, last_name="")]
    found = [(p.row, p.code, p.field, p.level) for p in problems_of(school, nov, rows)]
    assert found == [(3, "required", "person_id", ERROR), (4, "required", "grade", ERROR),
                     (5, "required", "gender", ERROR), (6, "required", "first_name", ERROR),
                     (7, "required", "last_name", ERROR)]
    assert str(problems_of(school, nov, rows)[0]) == "แถว 3 คอลัมน์ C (เลขประจำตัวประชาชน): ต้องกรอกเลขประจำตัวประชาชน"


def test_duplicate_ids_in_the_file_name_both_rows(school, nov):
    rows = [student(1), student(2), student(1, first_name="คนที่สอง"), student(1, first_name="คนที่สาม")]
    dups = [p for p in problems_of(school, nov, rows) if p.code == "id_duplicate_in_file"]
    assert [(p.row, p.level) for p in dups] == [(3, ERROR), (5, ERROR), (6, ERROR)]
    assert dups[0].message == "เลขประจำตัวนี้ซ้ำกับแถว 5, 6 ในไฟล์เดียวกัน"
    assert dups[1].message == "เลขประจำตัวนี้ซ้ำกับแถว 3, 6 ในไฟล์เดียวกัน"


def test_the_same_person_in_another_school_this_round_is_a_warning_naming_it(school, other_school, nov):
    StudentRecordFactory(school=other_school, round=nov, person_id=citizen_id(1))
    StudentRecordFactory(school=other_school, round=june_round(), person_id=citizen_id(2))  # last round: fine
    found = problems_of(school, nov, [student(1), student(2)])
    assert [(p.row, p.code, p.level) for p in found] == [(3, "id_in_other_school", WARNING)]
    assert "โรงเรียนบ้านคนอื่น (64010002)" in found[0].message


def test_school_code_must_be_the_schools(school, nov):
    found = problems_of(school, nov, [student(1, _school_code="64010002"), student(2, _school_code="1064010001")])
    assert [(p.row, p.code, p.value) for p in found] == [(3, "school_code_mismatch", "64010002")]
    assert "64010001 / 1064010001" in found[0].message


@pytest.mark.parametrize(("overrides", "code", "column"), [
    ({"grade": "ป.8"}, "code_unknown", "D (ชั้น)"),
    ({"gender": "ชญ"}, "code_unknown", "G (เพศ)"),
    ({"prefix": "คุณ"}, "code_unknown", "H (คำนำหน้าชื่อ)"),
    ({"blood_group": "Z"}, "code_unknown", "O (กลุ่มเลือด)"),
    ({"disadvantage": "เด็กเก่ง"}, "code_unknown", "AI (ความด้อยโอกาส)"),
    ({"birth_date": "2562"}, "date_invalid", "K (วันเกิด)"),
    ({"birth_date": "30/02/2562"}, "date_invalid", "K (วันเกิด)"),
    ({"birth_date": "25/06/62"}, "date_invalid", "K (วันเกิด)"),
    ({"birth_date": "25/06/2590"}, "date_future", "K (วันเกิด)"),
    ({"birth_date": "31/12/2539"}, "date_too_old", "K (วันเกิด)"),
    ({"birth_date": "1996-01-01"}, "date_too_old", "K (วันเกิด)"),
    ({"weight_kg": "22 กก."}, "number_invalid", "M (น้ำหนัก)"),
    ({"height_cm": "-120"}, "number_range", "N (ส่วนสูง)"),
    ({"height_cm": "12000"}, "number_range", "N (ส่วนสูง)"),
    ({"room": "ก"}, "number_invalid", "E (ห้อง)"),
    ({"student_number": "1" * 21}, "too_long", "F (เลขประจำตัวนักเรียน)"),
    ({"village_number": "12345678901"}, "too_long", "T (หมู่)"),
    ({"person_id": "3101700203452"}, "id_invalid", "C (เลขประจำตัวประชาชน)"),
])
def test_values_that_cannot_be_stored_are_errors(school, nov, overrides, code, column):
    found = problems_of(school, nov, [student(1, **overrides)])
    assert [(p.code, p.level, p.column, p.row) for p in found] == [(code, ERROR, column, 3)]


@pytest.mark.parametrize(("overrides", "codes"), [
    ({"prefix": "เด็กหญิง"}, {"prefix_gender"}),
    ({"gender": "ญ"}, {"prefix_gender"}),
    ({"prefix": "นาย"}, {"prefix_age"}),  # a 7-year-old
    ({"grade": "ป.6"}, {"age_grade"}),  # 7 years old in ป.6
    ({"birth_date": "25/06/2555"}, {"age_grade"}),  # 14 years old in ป.1
    ({"grade": "ม.1"}, {"grade_not_offered", "age_grade"}),  # the school teaches อ.1–ป.6
    ({"height_cm": "12"}, {"height_implausible"}),  # metres or a missing digit
    ({"height_cm": "1.20", "weight_kg": ""}, {"height_implausible"}),
    ({"weight_kg": "220"}, {"bmi_implausible"}),
    ({"weight_kg": "2.2"}, {"bmi_implausible"}),
    ({"weight_kg": "120", "height_cm": ""}, {"weight_implausible"}),
])
def test_implausible_values_are_warnings(school, nov, overrides, codes):
    found = problems_of(school, nov, [student(1, **overrides)])
    assert {p.code for p in found} == codes
    assert all(p.level == WARNING and p.row == 3 for p in found)


def test_plausibility_bands_at_the_edges(school, nov):
    # ป.1 on 10 November: nominal age 6, accepted 5–9.
    rows = [student(1, birth_date="11/11/2564"), student(2, birth_date="11/11/2559")]  # 4 and 9 years old
    assert codes_by_row(problems_of(school, nov, rows)) == {3: {"age_grade"}}
    assert problems_of(school, nov, [student(3, birth_date="10/11/2564")]) == []  # turns 5 on the census day
    # A mature M.3-aged boy in our ป.6 still has plausible measurements.
    tall = student(4, grade="ป.6", birth_date="01/01/2557", prefix="เด็กชาย", height_cm="175", weight_kg="70")
    assert problems_of(school, nov, [tall]) == []


def test_prefix_for_age_allows_a_year_after_fifteen(school, nov):
    school.highest_level = "M6"
    school.save()
    rows = [student(1, grade="ม.4", birth_date="01/01/2554", prefix="เด็กชาย", height_cm="165", weight_kg="55"),
            student(2, grade="ม.4", birth_date="01/01/2553", prefix="เด็กชาย", height_cm="165", weight_kg="55"),
            student(3, grade="ม.4", birth_date="01/01/2553", prefix="นาย", height_cm="165", weight_kg="55")]
    assert codes_by_row(problems_of(school, nov, rows)) == {4: {"prefix_age"}}


def test_students_missing_since_the_previous_round(school, nov):
    june = june_round()
    stays = StudentRecordFactory(school=school, round=june, person_id=citizen_id(1), grade="P1")
    gone = StudentRecordFactory(school=school, round=june, person_id=citizen_id(2), grade="P3", first_name="หายไป")
    StudentRecordFactory(school=school, round=june, person_id=citizen_id(3), grade="P6")  # top grade: leaves
    StudentRecordFactory(school=school, round=june, person_id=citizen_id(4), status="moved_out")
    StudentRecordFactory(school=SchoolFactory(), round=june, person_id=citizen_id(5))  # another school's
    found = problems_of(school, nov, [student(1)])
    assert [(p.code, p.level, p.row, p.value) for p in found] == [
        ("missing_since_previous", WARNING, None, gone.masked_id)]
    assert "หายไป" in found[0].message and "รอบ 10 มิถุนายน 2569" in found[0].message
    assert stays.person_id not in found[0].message  # never the full ID in a message


def test_no_previous_round_no_missing_check(school):
    first = june_round()
    assert problems_of(school, first, [student(1)]) == []


# --- one record: the add/edit form ------------------------------------------------------------------


def form_data(**overrides):
    data = {"person_id": citizen_id(1), "grade": "P1", "room": 1, "gender": "M", "prefix": "boy",
            "first_name": "สมชาย", "last_name": "ใจดี", "birth_date": datetime.date(2019, 6, 25),
            "weight_kg": Decimal("22.5"), "height_cm": Decimal("120"), "disadvantage": "99", "status": "studying"}
    data.update(overrides)
    return data


def test_check_record_uses_the_same_rules_as_the_import(school, nov):
    assert checks.check_record(form_data(), school=school, round=nov) == []
    found = checks.check_record(form_data(prefix="girl", person_id="1234", birth_date=datetime.date(2040, 1, 1),
                                          first_name=""), school=school, round=nov)
    assert {(p.code, p.field) for p in found} == {("prefix_gender", "prefix"), ("id_invalid", "person_id"),
                                                  ("date_future", "birth_date"), ("required", "first_name")}
    assert all(p.row is None for p in found)
    assert next(p for p in found if p.code == "required").column == "ชื่อ"


def test_check_record_accepts_text_as_typed(school, nov):
    typed = form_data(person_id=f" {citizen_id(1)[:1]}-{citizen_id(1)[1:]} ", birth_date="25/06/2562",
                      weight_kg="22.5", grade="ป.1", gender="ช", prefix="ด.ช.")
    assert checks.check_record(typed, school=school, round=nov) == []
    values, _problems = checks.validate_record(typed, school=school, round=nov)
    assert values["birth_date"] == datetime.date(2019, 6, 25) and values["grade"] == "P1"


def test_check_record_finds_the_same_id_in_the_schools_round_except_itself(school, other_school, nov):
    mine = StudentRecordFactory(school=school, round=nov, person_id=citizen_id(1))
    found = checks.check_record(form_data(), school=school, round=nov)
    assert [(p.code, p.level) for p in found] == [("id_duplicate_in_round", ERROR)]
    assert checks.check_record(form_data(), school=school, round=nov, exclude_pk=mine.pk) == []
    StudentRecordFactory(school=other_school, round=nov, person_id=citizen_id(1))
    found = checks.check_record(form_data(), school=school, round=nov, exclude_pk=mine.pk)
    assert [(p.code, p.level) for p in found] == [("id_in_other_school", WARNING)]


# --- district-wide ------------------------------------------------------------------------------------


def test_district_duplicates_name_both_schools(school, other_school, nov):
    third = SchoolFactory()
    a = StudentRecordFactory(school=school, round=nov, person_id=citizen_id(1))
    b = StudentRecordFactory(school=other_school, round=nov, person_id=citizen_id(1))
    StudentRecordFactory(school=third, round=nov, person_id=citizen_id(2))
    StudentRecordFactory(school=third, round=june_round(), person_id=citizen_id(2))  # another round
    StudentRecordFactory(school=school, round=nov, person_id=citizen_id(3))
    found = checks.district_duplicates(nov)
    assert len(found) == 1
    assert found[0].person_id == citizen_id(1) and found[0].records == [a, b]
    assert found[0].schools == [school, other_school]
    assert found[0].masked_id == a.masked_id
    assert checks.district_duplicates(nov, schools=type(school).objects.filter(pk__in=[school.pk, third.pk])) == []


def test_problem_text_for_people():
    p = checks.problem("date_invalid", "อ่านไม่ได้", row=7, column="K (วันเกิด)", value="31/02/2562")
    assert str(p) == 'แถว 7 คอลัมน์ K (วันเกิด) "31/02/2562": อ่านไม่ได้'
    assert str(checks.problem("no_rows")) == "ไม่พบข้อมูลนักเรียนในไฟล์"


def test_one_id_filled_down_a_column_gives_short_messages(school, nov):
    rows = [student(1, student_number=str(n)) for n in range(12)]
    dups = [p for p in problems_of(school, nov, rows) if p.code == "id_duplicate_in_file"]
    assert len(dups) == 12
    assert dups[0].message == "เลขประจำตัวนี้ซ้ำกับแถว 4, 5, 6, 7, 8 และอีก 6 แถว ในไฟล์เดียวกัน"
