"""Student records out to files: the DMC layout (.xlsx and .csv) and the blank import template.

The export follows layout.DMC_COLUMNS so that a file we write can be read back by our own importer
and by tools that read DMC exports. Everything here is pure (records in, bytes out); the views
decide who may export and write the access log.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from edinfo import downloads
from edinfo.thai import BE_OFFSET
from schools.levels import LEVELS, SHORT_TH

from . import codes, layout

TEXT_FORMAT = "@"
NONE_MARK = "-"

# DMC's own export repeats "เลขประจำตัวนักเรียน" over column C although the column holds the
# 13-digit citizen ID; people reading our file (and importers that go by header text) deserve the
# truth, and our importer locates DMC columns by position, so the real name costs nothing.
DMC_EXPORT_HEADERS = [
    "เลขประจำตัวประชาชน" if field == "person_id" else header for header, field in layout.DMC_COLUMNS
]
# Columns written as text whatever they look like: IDs lose leading zeros (type-0 IDs, student
# numbers) and 13-digit numbers turn into 1.10E+12 if a spreadsheet takes them for numbers.
TEXT_FIELDS = {"person_id", "student_number", "_school_code"}

# DMC writes "-" for "none" in these columns; elsewhere an empty value stays empty.
DASH_WHEN_EMPTY = {"road", "disadvantage", "_dmc_flag"}

# A spreadsheet runs a cell that begins with one of these as a formula (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(value):
    """A value safe to put in a spreadsheet cell.

    Numbers stay numbers (a negative number is not a formula, and turning it into text would break
    sums), and so do text cells that are plain numbers ("-12"), which a spreadsheet can only read as
    a number. DMC's "-" none-marker stays as it is. Any other text that a spreadsheet would evaluate
    gets a leading apostrophe, the usual way to say "this is text".
    """
    if not isinstance(value, str) or not value:
        return value
    if value == NONE_MARK or PLAIN_NUMBER.fullmatch(value):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def be_date(day):
    """25/06/2562: the Buddhist-era day/month/year text DMC files use."""
    if not day:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}"


def age_on(birth_date, day):
    """Whole years of age on a day (the census day of the round)."""
    if not birth_date or not day:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        # One decimal place at most in the model; a whole number reads better without ".0".
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def dmc_values(record, census_day=None):
    """One record as the DMC export's row of values, in layout.DMC_COLUMNS order (not yet neutralised)."""
    school = record.school
    values = {
        "_school_code": school.smis_code,
        "_school_name": school.name,
        "grade": SHORT_TH.get(record.grade, record.grade),
        "room": record.room,
        "gender": {"M": "ช", "F": "ญ"}.get(record.gender, record.gender),
        "prefix": record.get_prefix_display() if record.prefix else "",
        "birth_date": be_date(record.birth_date),
        "_age": age_on(record.birth_date, census_day or record.round.census_day),
        "weight_kg": _number(record.weight_kg),
        "height_cm": _number(record.height_cm),
        "disadvantage": "" if record.disadvantage == codes.Disadvantage.NONE else record.get_disadvantage_display(),
        "_dmc_flag": "",
    }
    row = []
    for _header, field in layout.DMC_COLUMNS:
        value = values[field] if field in values else getattr(record, field)
        if value in ("", None) and field in DASH_WHEN_EMPTY:
            value = NONE_MARK
        row.append(value)
    return row


def _records_for_export(records):
    return records.select_related("school", "round").order_by(
        "school__smis_code", "grade", "room", "student_number", "pk"
    )


def _timestamp_line():
    # DMC files begin with this line, and importers (ours too) recognise the layout by it.
    now = timezone.localtime()
    return f"{layout.DMC_TIMESTAMP_PREFIX} {now:%Y-%m-%d %H:%M:%S}"


def _rows(records, census_day):
    for record in _records_for_export(records).iterator(chunk_size=2000):
        yield [neutralise(value) for value in dmc_values(record, census_day)]


def export_xlsx(records, *, census_day=None):
    """The records as a DMC-layout workbook (row 1 timestamp, row 2 headers, one student a row)."""
    workbook = Workbook(write_only=True)
    # DMC's own export calls its sheet "Sheet1"; ours says what it holds (the importer reads both).
    sheet = workbook.create_sheet("นักเรียน")
    text_columns = {i for i, (_h, field) in enumerate(layout.DMC_COLUMNS) if field in TEXT_FIELDS}
    for index, width in ((1, 10), (2, 24), (3, 17), (9, 14), (10, 16)):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_timestamp_line()])
    sheet.append(DMC_EXPORT_HEADERS)
    for row in _rows(records, census_day):
        cells = []
        for index, value in enumerate(row):
            if value == "":
                cells.append(None)  # the write-only sheet leaves None out: a third of the cells
            elif index in text_columns:
                cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
                cell.number_format = TEXT_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_csv(records, *, census_day=None):
    """The same rows as CSV, UTF-8 with a byte-order mark so that Excel shows the Thai text.

    CSV cannot say "this column is text": a spreadsheet opening it will still turn IDs into numbers.
    The .xlsx export is the one for people; the CSV is for other systems.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_timestamp_line()])
    writer.writerow(DMC_EXPORT_HEADERS)
    for row in _rows(records, census_day):
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode("utf-8")


def export_filename(round_, school=None, extension="xlsx"):
    """นักเรียน-64010001-2569-10พย.xlsx (the whole district: นักเรียน-ทั้งเขต-2569-10พย.xlsx)."""
    who = school.smis_code if school else "ทั้งเขต"
    return downloads.filename("นักเรียน", who, downloads.round_label(round_), extension=extension)


def export_fallback_filename(round_, school=None, extension="xlsx"):
    """The same file's ASCII name, for clients that cannot read a Thai one."""
    who = school.smis_code if school else "district"
    return f"students-{who}-{round_.code}.{extension}"


# --- the blank import template -------------------------------------------------------------------

TEMPLATE_ROWS = 2000  # rows covered by the drop-down lists; a large school has about 1,650 students
LISTS_SHEET = "รายการรหัส"


def template_choices():
    """Per coded field, the labels the template offers (the importer accepts codes and labels)."""
    choices = {"grade": [SHORT_TH[code] for code in LEVELS]}
    for field, list_name in layout.CODED_FIELDS.items():
        if field == "grade":
            continue
        choices[field] = [label for _code, label in codes.LISTS[list_name].choices]
    return choices


INSTRUCTIONS = [
    "วิธีกรอกแบบฟอร์มข้อมูลนักเรียนรายบุคคล",
    "",
    "1. กรอกนักเรียนหนึ่งคนต่อหนึ่งแถวในแผ่นงาน \"นักเรียน\" เริ่มที่แถวที่ 2 ห้ามแก้ไขหัวตารางในแถวที่ 1",
    "2. เลขประจำตัวประชาชน 13 หลัก กรอกเป็นตัวเลขติดกันไม่ต้องมีขีด คอลัมน์นี้ตั้งเป็นข้อความไว้แล้ว "
    "เลขที่ขึ้นต้นด้วย 0 (บุคคลที่ไม่มีสถานะทางทะเบียน) จะไม่หาย",
    "3. นักเรียนที่ไม่มีเลขประจำตัวประชาชน ให้กรอกรหัส G ที่ สพฐ. ออกให้ เช่น G69640000123",
    "4. ชั้น เพศ คำนำหน้าชื่อ กลุ่มเลือด ความด้อยโอกาส ความพิการ การเดินทาง และสถานะ "
    "ให้เลือกจากรายการในเซลล์ (ลูกศรด้านขวาของเซลล์)",
    "5. วันเกิดกรอกเป็น วัน/เดือน/ปี พ.ศ. เช่น 25/06/2562",
    "6. น้ำหนักเป็นกิโลกรัม ส่วนสูงเป็นเซนติเมตร กรอกเป็นตัวเลข ทศนิยมได้ 1 ตำแหน่ง",
    "7. ช่องที่ไม่มีข้อมูลให้เว้นว่าง หรือใส่ - ก็ได้",
    "8. บันทึกไฟล์เป็น .xlsx แล้วนำเข้าที่หน้า \"นำเข้าข้อมูลนักเรียน\" ระบบจะแสดงตัวอย่างและปัญหาทุกแถว "
    "ก่อนบันทึกจริง และจะไม่บันทึกอะไรเลยจนกว่าไฟล์จะไม่มีข้อผิดพลาด",
    "9. ไฟล์ DMC ที่ส่งออกจากระบบ DMC ของ สพฐ. นำเข้าได้โดยไม่ต้องแปลงเป็นแบบฟอร์มนี้",
]


def template_xlsx():
    """A blank workbook in layout.TEMPLATE_COLUMNS with drop-downs for every coded column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "นักเรียน"
    sheet.append([header for header, _field in layout.TEMPLATE_COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"

    lists = workbook.create_sheet(LISTS_SHEET)
    choices = template_choices()
    list_count = 0
    for index, (header, field) in enumerate(layout.TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(len(header) + 4, 30))
        if field in TEXT_FIELDS:
            # A column style: Excel applies it to every cell typed into the column, without
            # writing 2,000 empty cells that an importer would have to skip.
            sheet.column_dimensions[letter].number_format = TEXT_FORMAT
        if field in choices:
            values = choices[field]
            list_count += 1
            list_column = get_column_letter(list_count)
            lists[f"{list_column}1"] = header
            for row, value in enumerate(values, start=2):
                lists[f"{list_column}{row}"] = value
            source = f"{quote_sheetname(LISTS_SHEET)}!${list_column}$2:${list_column}${len(values) + 1}"
            validation = DataValidation(
                type="list", formula1=f"={source}", allow_blank=True,
                showErrorMessage=True, errorStyle="warning",
                errorTitle="ค่าไม่อยู่ในรายการ", error="กรุณาเลือกจากรายการ",
            )
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"

    help_sheet = workbook.create_sheet("คำอธิบาย")
    for line in INSTRUCTIONS:
        help_sheet.append([line])
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 120

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_filename(day=None):
    day = day or datetime.date.today()
    return f"แบบฟอร์มนักเรียน-{day.year + BE_OFFSET}.xlsx"
