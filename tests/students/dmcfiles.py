"""Student files in the real layouts, built in the tests.

The DMC layout comes from the compiled reference in ../shared/reference-data/dmc-format (beside the
project, not copied into it): its headers, in its column order, under DMC's timestamp row.
"""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook

from students import layout

from .factories import citizen_id

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference-data" / "dmc-format"
TIMESTAMP = "วันและเวลาที่สร้างรายงาน 2026-11-10 04:10:12.244315"


def reference_columns():
    """[(col_index, excel_col, header_as_exported)] from the reference CSV; skips when it is absent."""
    path = REFERENCE / "dmc_student_export_columns.csv"
    if not path.exists():
        pytest.skip(f"reference data not found at {path}")
    with open(path, encoding="utf-8", newline="") as handle:
        return [(int(r["col_index0"]), r["excel_col"], r["header_as_exported"]) for r in csv.DictReader(handle)]


def dmc_headers():
    return [header for _i, _col, header in sorted(reference_columns())]


# One student as DMC writes the row, by our field names (pseudo-fields for school code/name, age, flag).
def student(n=1, **overrides):
    row = {
        "_school_code": "64010001",
        "_school_name": "บ้านทดสอบ",
        "person_id": "'" + citizen_id(n),
        "grade": "ป.1",
        "room": "1",
        "student_number": f"{1000 + n}",
        "gender": "ช",
        "prefix": "เด็กชาย",
        "first_name": f"สมชาย{n}",
        "last_name": "ใจดี",
        "birth_date": "25/06/2562",
        "_age": "7",
        "weight_kg": "22.5",
        "height_cm": "120",
        "blood_group": "A",
        "religion": "พุทธ",
        "ethnicity": "ไทย",
        "nationality": "ไทย",
        "house_number": "12/3",
        "village_number": "4",
        "road": "-",
        "subdistrict_name": "ธานี",
        "district_name": "เมืองสุโขทัย",
        "province_name": "สุโขทัย",
        "guardian_first_name": "สมศรี",
        "guardian_last_name": "ใจดี",
        "guardian_occupation": "รับจ้าง",
        "guardian_relation": "มารดา",
        "father_first_name": "สมหมาย",
        "father_last_name": "ใจดี",
        "father_occupation": "รับจ้าง",
        "mother_first_name": "สมศรี",
        "mother_last_name": "ใจดี",
        "mother_occupation": "รับจ้าง",
        "disadvantage": "-",
        "_dmc_flag": "-",
    }
    row.update(overrides)
    return row


def girl(n=1, **overrides):
    return student(n, **{"gender": "ญ", "prefix": "เด็กหญิง", "first_name": f"สมหญิง{n}", **overrides})


def dmc_table(students, *, timestamp=True, headers=None):
    """Rows of cells: the timestamp row, the reference headers, one row per student in DMC order."""
    fields = [fname for _h, fname in layout.DMC_COLUMNS]
    table = [[TIMESTAMP]] if timestamp else []
    table.append(headers or dmc_headers())
    for values in students:
        table.append([values.get(fname, "") for fname in fields])
    return table


def xlsx(table, sheet_title="Sheet1"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(table, encoding="utf-8-sig", delimiter=","):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    return out.getvalue().encode(encoding)


def dmc_xlsx(students, **kwargs):
    return xlsx(dmc_table(students, **kwargs))


def dmc_csv(students, encoding="utf-8-sig", **kwargs):
    return csv_bytes(dmc_table(students, **kwargs), encoding)


def template_table(students, columns=None):
    """Our template: header row 1 (TEMPLATE_COLUMNS, or the given [(header, field)] in any order)."""
    columns = columns or layout.TEMPLATE_COLUMNS
    table = [[header for header, _f in columns]]
    for values in students:
        table.append([values.get(fname, "") for _h, fname in columns])
    return table


def be(day):
    return f"{day.day:02d}/{day.month:02d}/{day.year + 543}"


TODAY = datetime.date(2026, 11, 23)
