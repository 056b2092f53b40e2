"""Exports in the DMC layout and the blank template: what a spreadsheet program will make of them."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from collection.models import Round
from students import exporting, ids, layout
from students.models import StudentRecord


@pytest.fixture
def round_(db):
    # An open round: schools write into it (a planned one accepts nothing until the office opens it).
    return Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                                name="10 พฤศจิกายน 2569", state=Round.State.OPEN)


PERSON_ID = ids.with_check_digit("110170020345")
TYPE0_ID = ids.with_check_digit("006400000501")


def make_record(school, round_, **fields):
    values = {
        "person_id": PERSON_ID, "id_kind": "citizen", "grade": "P1", "room": 1, "student_number": "00123",
        "gender": "M", "prefix": "boy", "first_name": "ธนกร", "last_name": "ใจดี",
        "birth_date": datetime.date(2019, 6, 25), "weight_kg": Decimal("21.5"), "height_cm": Decimal("118.0"),
    }
    values.update(fields)
    return StudentRecord.objects.create(school=school, round=round_, **values)


def read_xlsx(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def read_csv(content):
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read the file as UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def column(name):
    return [field for _header, field in layout.DMC_COLUMNS].index(name)


def test_xlsx_has_the_dmc_layout_with_the_true_header_for_column_c(school, round_):
    make_record(school, round_)
    sheet, rows = read_xlsx(exporting.export_xlsx(StudentRecord.objects.all(), census_day=round_.census_day))
    assert rows[0][0].startswith(layout.DMC_TIMESTAMP_PREFIX)
    headers = rows[1]
    assert len(headers) == len(layout.DMC_COLUMNS) == 36
    assert headers[2] == "เลขประจำตัวประชาชน"
    assert headers[5] == "เลขประจำตัวนักเรียน"
    assert [h for i, h in enumerate(headers) if i != 2] == [h for i, (h, _f) in enumerate(layout.DMC_COLUMNS) if i != 2]
    row = rows[2]
    assert row[0] == "64010001" and row[1] == "บ้านทดสอบ"
    assert row[column("grade")] == "ป.1"
    assert row[column("gender")] == "ช"
    assert row[column("prefix")] == "เด็กชาย"
    assert row[column("birth_date")] == "25/06/2562"
    assert row[column("_age")] == 7
    assert row[column("weight_kg")] == 21.5 and row[column("height_cm")] == 118
    assert row[column("disadvantage")] == "-"  # DMC's none-marker


def test_ids_are_text_cells_so_leading_zeros_survive(school, round_):
    make_record(school, round_, person_id=TYPE0_ID, id_kind="type0", student_number="00042")
    sheet, rows = read_xlsx(exporting.export_xlsx(StudentRecord.objects.all()))
    id_cell = sheet.cell(row=3, column=3)
    assert id_cell.value == TYPE0_ID
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    number_cell = sheet.cell(row=3, column=6)
    assert number_cell.value == "00042" and number_cell.number_format == "@"


def test_csv_has_bom_same_layout_and_be_dates(school, round_):
    make_record(school, round_)
    rows = read_csv(exporting.export_csv(StudentRecord.objects.all(), census_day=round_.census_day))
    assert rows[1][2] == "เลขประจำตัวประชาชน"
    assert rows[2][2] == PERSON_ID
    assert rows[2][column("birth_date")] == "25/06/2562"
    assert rows[2][column("weight_kg")] == "21.5"


@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+66 81 234 5678", "'+66 81 234 5678"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tรับจ้าง", "'\tรับจ้าง"),
    ("\rรับจ้าง", "'\rรับจ้าง"),
    ("-", "-"),  # DMC's none-marker is not a formula
    ("-12", "-12"),  # a plain (negative) number can only be read as a number
    ("12/3", "12/3"),
    ("เกษตรกร", "เกษตรกร"),
    ("", ""),
    (None, None),
    (-3.5, -3.5),
    (Decimal("-1"), Decimal("-1")),
])
def test_neutralise(value, expected):
    assert exporting.neutralise(value) == expected


def test_formulas_are_neutralised_in_both_files_but_numbers_stay_numbers(school, round_):
    make_record(school, round_, father_occupation="=1+1", road="-", house_number="@cmd", weight_kg=Decimal("-2.0"),
                mother_occupation="-", guardian_occupation="+ค้าขาย")
    sheet, rows = read_xlsx(exporting.export_xlsx(StudentRecord.objects.all()))
    row = rows[2]
    assert row[column("father_occupation")] == "'=1+1"
    assert sheet.cell(row=3, column=column("father_occupation") + 1).data_type == "s"  # not a formula cell
    assert row[column("house_number")] == "'@cmd"
    assert row[column("guardian_occupation")] == "'+ค้าขาย"
    assert row[column("road")] == "-" and row[column("mother_occupation")] == "-"
    assert row[column("weight_kg")] == -2  # a number, not text and not neutralised
    line = read_csv(exporting.export_csv(StudentRecord.objects.all()))[2]
    assert line[column("father_occupation")] == "'=1+1"
    assert line[column("weight_kg")] == "-2"
    assert line[column("road")] == "-"


def test_empty_values_and_unknown_birth_date(school, round_):
    make_record(school, round_, birth_date=None, weight_kg=None, height_cm=None, room=None, prefix="")
    row = read_xlsx(exporting.export_xlsx(StudentRecord.objects.all()))[1][2]
    assert row[column("birth_date")] is None and row[column("_age")] is None
    assert row[column("weight_kg")] is None and row[column("room")] is None


def test_export_round_trips_through_the_importer(school, round_):
    """What we export, our importer reads back as the same students (nothing new, nothing changed)."""
    services = pytest.importorskip("students.services")
    make_record(school, round_)
    make_record(school, round_, person_id=TYPE0_ID, id_kind="type0", student_number="00124",
                first_name="ณัฐธิดา", gender="F", prefix="girl")
    content = exporting.export_xlsx(StudentRecord.objects.all(), census_day=round_.census_day)
    preview = services.import_preview(school=school, round=round_, data=content, filename="2569-nov10-student.xlsx")
    assert [p for p in preview.problems if p.level == "error"] == []
    assert _count(preview.unchanged) == 2 and _count(preview.new) == 0 and _count(preview.changed) == 0


def _count(value):
    return value if isinstance(value, int) else len(value)


def test_template_has_headers_text_id_column_and_drop_downs():
    book = openpyxl.load_workbook(io.BytesIO(exporting.template_xlsx()))
    sheet = book["นักเรียน"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [header for header, _field in layout.TEMPLATE_COLUMNS]
    id_letter = openpyxl.utils.get_column_letter(headers.index("เลขประจำตัวประชาชน") + 1)
    assert sheet.column_dimensions[id_letter].number_format == "@"
    validated = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            validated[cell_range.min_col] = validation.formula1
    fields = [field for _header, field in layout.TEMPLATE_COLUMNS]
    for field in layout.CODED_FIELDS:
        assert fields.index(field) + 1 in validated, f"no drop-down for {field}"
    # The lists live on a hidden sheet; the grade list holds the labels schools write.
    lists = book[exporting.LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    grade_formula = validated[fields.index("grade") + 1]
    letter = grade_formula.split("!")[1].split("$")[1]
    values = [c.value for c in lists[letter][1:] if c.value]
    assert values[:4] == ["อ.1", "อ.2", "อ.3", "ป.1"]
    assert "คำอธิบาย" in book.sheetnames
    assert sheet.max_row == 1  # no example rows that would be imported as students
