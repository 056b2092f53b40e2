"""Reading and checking a school list without touching the database.

Two layouts are understood: OBEC's published list (``obec_schools_*.csv``) and our own list as the
admin exports it (``schools.resources.COLUMNS``, CSV or XLSX). ``parse_school_file`` returns the rows
it accepts and every problem it found, so that a dry run can show the whole picture before anything
is saved; ``schools.services`` compares the rows with the database and writes them.

The real OBEC list has known flaws (9-digit codes, a school filed under another province, Bueng Kan
keeping Nong Khai's SMIS prefix, blank school types, repeated names). They are accepted with a
warning: refusing them would mean no school list at all. Malformed keys are refused: a wrong key
would silently attach data to the wrong school.
"""

import csv
import datetime
import enum
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from python_calamine import CalamineError, CalamineWorkbook

from . import levels
from .models import phone_validator
from .resources import COLUMNS


class ImportFileError(Exception):
    """The file as a whole cannot be read (unknown layout, not UTF-8, empty); the message is Thai."""


class Layout(enum.Enum):
    OBEC = "รายชื่อโรงเรียนของ สพฐ."
    OWN = "รายชื่อโรงเรียนที่ส่งออกจากระบบ"


OBEC_HEADERS = (
    "province_page", "province_th", "seq", "area_code", "area_name",
    "smis_code", "school_id_10", "school_name_th", "school_type",
)
OWN_HEADERS = {attribute: header for attribute, header in COLUMNS}
OWN_REQUIRED = ("obec_code", "smis_code", "name")
# Thai names of School fields, for the summary of what an import changes.
FIELD_LABELS = {**OWN_HEADERS, "province": "จังหวัด"}
# The header of the OBEC code and of the SMIS code in each layout, for messages about keys.
KEY_COLUMNS = {
    Layout.OBEC: ("school_id_10", "smis_code"),
    Layout.OWN: (OWN_HEADERS["obec_code"], OWN_HEADERS["smis_code"]),
}

# Summary labels, warnings first, in the order a reader should meet them.
WARNING_KINDS = {
    "obec_code_9_digits": "รหัสโรงเรียน 9 หลัก (รับไว้ตามที่ สพฐ. เผยแพร่)",
    "obec_code_province": "รหัสโรงเรียนระบุจังหวัดไม่ตรงกับจังหวัดที่แถวนั้นอยู่",
    "smis_code_province": "รหัส SMIS ขึ้นต้นไม่ตรงกับรหัสจังหวัด",
    "province_unknown": "ไม่พบจังหวัด (คงจังหวัดเดิม)",
    "area_missing": "ไม่มีเขตพื้นที่ (คงเขตพื้นที่เดิม)",
    "area_name_missing": "ไม่มีชื่อเขตพื้นที่",
    "area_name_conflict": "ชื่อเขตพื้นที่ไม่ตรงกันระหว่างแถว",
    "school_type_blank": "ไม่ระบุประเภทโรงเรียน (คงระดับชั้นเดิม)",
    "school_type_unknown": "ไม่รู้จักประเภทโรงเรียน (คงระดับชั้นเดิม)",
    "name_prefix": "ชื่อมีคำว่า \"โรงเรียน\" นำหน้า (ตัดออก)",
    "duplicate_name": "ชื่อโรงเรียนซ้ำกันในจังหวัดเดียวกัน (รับไว้ทุกแถว)",
    "ignored_column": "คอลัมน์ที่ไม่รู้จัก (ข้าม)",
}
REFUSAL_KINDS = {
    "code_missing": "ไม่มีรหัสโรงเรียน",
    "code_invalid": "รหัสผิดรูปแบบ",
    "code_duplicate": "รหัสซ้ำกันในไฟล์",
    "code_conflict": "รหัสชนกับโรงเรียนอื่นในระบบ",
    "name_missing": "ไม่มีชื่อโรงเรียน",
    "area_invalid": "รหัสเขตพื้นที่ผิดรูปแบบ",
    "area_unknown": "ไม่พบเขตพื้นที่",
    "cluster_unknown": "ไม่พบกลุ่มเครือข่าย",
    "subdistrict_unknown": "ไม่พบตำบล",
    "level_invalid": "ระดับชั้นไม่ถูกต้อง",
    "coordinate_invalid": "พิกัดไม่ถูกต้อง",
    "value_invalid": "ค่าไม่ถูกต้อง",
    "too_long": "ข้อความยาวเกิน",
}

MAX_LENGTHS = {"name": 200, "school_type": 100, "address": 300, "phone": 40, "email": 254, "director_name": 200}
NAME_PREFIX = "โรงเรียน"
TRUE_WORDS = {"1", "true", "yes", "y", "ใช่", "เปิด", "เปิดสอน"}
FALSE_WORDS = {"0", "false", "no", "n", "ไม่", "ไม่ใช่", "ปิด", "ปิดสอน", "ยุบ"}
LEVEL_WORDS = {code.lower(): code for code in levels.LEVELS} | {label: code for code, label in levels.SHORT_TH.items()}
COORDINATE_RANGES = {"latitude": (Decimal(5), Decimal(21)), "longitude": (Decimal(97), Decimal(106))}
MICRODEGREE = Decimal("0.000001")

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff"} | {0xA0: " "}


@dataclass(frozen=True)
class Problem:
    """One finding about one cell; row numbers are as a spreadsheet shows them (header = row 1)."""

    row: int
    column: str
    value: str
    message: str
    kind: str
    refused: bool

    def __str__(self) -> str:
        return f'แถว {self.row} คอลัมน์ {self.column} "{self.value}": {self.message}'


@dataclass(frozen=True)
class Reference:
    """The codes a file may refer to, read beforehand so that checking stays free of queries."""

    provinces: dict[str, str]  # DOPA code -> Thai name
    areas: frozenset[str] = frozenset()
    clusters: dict[tuple[str, str], int] = field(default_factory=dict)  # (area code, cluster code) -> id
    subdistricts: frozenset[str] = frozenset()

    def province_by_name(self) -> dict[str, str]:
        return {name: code for code, name in self.provinces.items()}


@dataclass
class SchoolRow:
    """An accepted row: its keys and only the School fields the file actually carries."""

    row: int
    obec_code: str
    smis_code: str
    values: dict[str, Any]
    area_code: str | None = None  # None: the file says nothing about the area; "": no area
    new_school_values: dict[str, Any] = field(default_factory=dict)  # used only when the school is new


@dataclass
class ParsedFile:
    layout: Layout
    rows_read: int
    rows: list[SchoolRow]
    areas: dict[str, str]  # area code -> name as published (OBEC layout only)
    problems: list[Problem]


def parse_school_file(*, path: Path, reference: Reference) -> ParsedFile:
    """Read and check a whole file; raises ImportFileError only when no row can be read at all."""
    table = read_table(path=path)
    if not table:
        raise ImportFileError("ไฟล์ว่าง: ไม่มีแถวหัวตาราง")
    header = [_cell_text(value) for value in table[0]]
    body = [(number, [_cell_text(value) for value in cells]) for number, cells in enumerate(table[1:], start=2)]
    body = [(number, cells) for number, cells in body if any(cells)]
    layout = detect_layout(header=header)
    parser = _ObecParser(header, reference) if layout is Layout.OBEC else _OwnParser(header, reference)
    for number, cells in body:
        parser.parse(number, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False)))
    parser.check_repeated_names()
    problems = sorted(parser.problems, key=lambda p: (p.row, parser.column_order.get(p.column, 99)))
    refused_rows = {p.row for p in problems if p.refused}
    rows = [row for row in parser.rows if row.row not in refused_rows]
    return ParsedFile(layout=layout, rows_read=len(body), rows=rows, areas=parser.areas, problems=problems)


def read_table(*, path: Path) -> list[list[Any]]:
    """All rows of a CSV (UTF-8, BOM or not) or of the first sheet of an Excel/ODS workbook."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise ImportFileError(f"ไม่พบไฟล์ {path}") from error
    except OSError as error:
        raise ImportFileError(f"เปิดไฟล์ {path} ไม่ได้ ({error.strerror})") from error
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return _read_workbook(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "อ่านไฟล์ไม่ได้: ไฟล์ CSV ต้องบันทึกเป็น UTF-8 (ใน Excel เลือก \"CSV UTF-8\") หรือใช้ไฟล์ .xlsx"
        ) from error
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ImportFileError(f"อ่านไฟล์ CSV ไม่ได้: {error}") from error


def _read_workbook(data: bytes) -> list[list[Any]]:
    # python-calamine keeps text cells as text; numbers typed into code cells come back as floats
    # and are turned back into digits by _cell_text().
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError) as error:
        raise ImportFileError(f"อ่านไฟล์ Excel ไม่ได้: {error}") from error


def _cell_text(value: Any) -> str:
    """A cell as text: 64010001.0 from a spreadsheet is "64010001", invisible characters go."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).translate(_INVISIBLE).strip()


def detect_layout(*, header: list[str]) -> Layout:
    """Which layout the header row is; the error names the headers each layout needs."""
    present = set(header)
    if set(OBEC_HEADERS) <= present:
        return Layout.OBEC
    if {OWN_HEADERS[attribute] for attribute in OWN_REQUIRED} <= present:
        return Layout.OWN
    raise ImportFileError(
        "ไม่รู้จักรูปแบบไฟล์นี้ แถวแรกต้องเป็นหัวตารางแบบใดแบบหนึ่ง:\n"
        f"  {Layout.OBEC.value}: {','.join(OBEC_HEADERS)}\n"
        f"  {Layout.OWN.value}: {','.join(OWN_HEADERS.values())} "
        f"(ต้องมีอย่างน้อย {', '.join(OWN_HEADERS[a] for a in OWN_REQUIRED)})\n"
        f"  หัวตารางในไฟล์: {','.join(h for h in header if h) or '(ว่าง)'}"
    )


class _Parser:
    """What both layouts share: the key checks, in-file duplicates and repeated names."""

    obec_column: str
    smis_column: str
    name_column: str

    def __init__(self, header: list[str], reference: Reference):
        self.reference = reference
        self.column_order = {name: index for index, name in enumerate(header)}
        self.rows: list[SchoolRow] = []
        self.problems: list[Problem] = []
        self.areas: dict[str, str] = {}
        self._seen_obec: dict[str, int] = {}
        self._seen_smis: dict[str, int] = {}
        self._names: list[tuple[int, str | None, str]] = []  # (row, province code, name)

    def warn(self, row: int, column: str, value: str, message: str, kind: str) -> None:
        self.problems.append(Problem(row, column, value, message, kind, refused=False))

    def refuse(self, row: int, column: str, value: str, message: str, kind: str) -> None:
        self.problems.append(Problem(row, column, value, message, kind, refused=True))

    def keys(self, row: int, cells: dict[str, str]) -> tuple[str, str]:
        """The OBEC and SMIS codes, checked for form and for repeats inside the file."""
        obec = cells[self.obec_column].translate(_THAI_DIGITS)
        smis = cells[self.smis_column].translate(_THAI_DIGITS)
        if not obec:
            self.refuse(row, self.obec_column, obec, "ไม่มีรหัสโรงเรียน 10 หลัก", "code_missing")
        elif not obec.isascii() or not obec.isdigit() or len(obec) not in (9, 10) or (
            len(obec) == 10 and not obec.startswith("10")
        ):
            self.refuse(
                row, self.obec_column, obec,
                "รหัสโรงเรียนต้องเป็นตัวเลข 10 หลักที่ขึ้นต้นด้วย 10 เช่น 1064620015", "code_invalid",
            )
        elif len(obec) == 9:
            self.warn(
                row, self.obec_column, obec,
                "รหัสโรงเรียนมี 9 หลักตามที่ สพฐ. เผยแพร่: รับไว้และบันทึกตามนั้น", "obec_code_9_digits",
            )
        if not smis:
            self.refuse(row, self.smis_column, smis, "ไม่มีรหัส SMIS 8 หลัก", "code_missing")
        elif not (smis.isascii() and smis.isdigit() and len(smis) == 8):
            self.refuse(row, self.smis_column, smis, "รหัส SMIS ต้องเป็นตัวเลข 8 หลัก เช่น 64010001", "code_invalid")
        for code, column, seen in (
            (obec, self.obec_column, self._seen_obec),
            (smis, self.smis_column, self._seen_smis),
        ):
            if not code:
                continue
            if code in seen:
                self.refuse(
                    row, column, code,
                    f"แถว {seen[code]} และแถว {row} ใช้รหัสเดียวกัน: รหัสโรงเรียนต้องไม่ซ้ำกัน", "code_duplicate",
                )
            else:
                seen[code] = row
        return obec, smis

    def name(self, row: int, cells: dict[str, str]) -> str:
        name = " ".join(cells[self.name_column].split())
        if name.startswith(NAME_PREFIX) and len(name) > len(NAME_PREFIX):
            original, name = name, name[len(NAME_PREFIX):].lstrip()
            self.warn(
                row, self.name_column, original,
                f'ชื่อขึ้นต้นด้วยคำว่า "{NAME_PREFIX}" ซึ่งระบบเติมให้เอง: บันทึกเป็น "{name}"', "name_prefix",
            )
        if not name:
            self.refuse(row, self.name_column, name, "ไม่มีชื่อโรงเรียน", "name_missing")
        elif len(name) > MAX_LENGTHS["name"]:
            self.refuse(row, self.name_column, name, f"ชื่อยาวเกิน {MAX_LENGTHS['name']} ตัวอักษร", "too_long")
        return name

    def remember_name(self, row: int, province: str | None, name: str) -> None:
        self._names.append((row, province, name))

    def check_repeated_names(self) -> None:
        """Names are not keys, but two schools of one name in one province confuse people: say so."""
        first: dict[tuple[str, str], int] = {}
        counts = Counter((province, name) for _, province, name in self._names if province and name)
        for row, province, name in self._names:
            if not province or not name or counts[(province, name)] < 2:
                continue
            key = (province, name)
            if key in first:
                where = self.reference.provinces.get(province, province)
                self.warn(
                    row, self.name_column, name,
                    f"ชื่อซ้ำกับแถว {first[key]} ในจังหวัด{where}: รับไว้ทั้งสองแถว เพราะแยกโรงเรียนด้วยรหัส ไม่ใช่ชื่อ",
                    "duplicate_name",
                )
            else:
                first[key] = row

    def school_type(self, row: int, column: str, text: str, values: dict[str, Any], *, set_levels: bool) -> None:
        """Store the published type; derive the level range from it when the file gives no levels."""
        text = " ".join(text.split())
        if not text:
            self.warn(row, column, text, "ไม่ระบุประเภทโรงเรียน: คงระดับชั้นต่ำสุด–สูงสุดเดิมไว้", "school_type_blank")
            return
        if len(text) > MAX_LENGTHS["school_type"]:
            self.refuse(row, column, text, f"ยาวเกิน {MAX_LENGTHS['school_type']} ตัวอักษร", "too_long")
            return
        values["school_type"] = text
        if not set_levels:
            return
        lowest, highest = levels.range_from_school_type(text)
        if lowest is None:
            self.warn(
                row, column, text,
                "ไม่รู้จักประเภทนี้ (เช่น อนุบาล-ประถมศึกษา): บันทึกข้อความไว้ แต่คงระดับชั้นเดิม", "school_type_unknown",
            )
        else:
            values["lowest_level"], values["highest_level"] = lowest, highest

    def area_code(self, row: int, column: str, code: str) -> bool:
        if code.isascii() and code.isdigit() and len(code) in (4, 6):
            return True
        self.refuse(
            row, column, code,
            "รหัสเขตพื้นที่ต้องเป็นตัวเลข 4 หลัก (สพป. เช่น 6401) หรือ 6 หลัก (สพม./การศึกษาพิเศษ)", "area_invalid",
        )
        return False


class _ObecParser(_Parser):
    """OBEC's list: one row per school, with the province page and the area as printed."""

    obec_column, smis_column, name_column = "school_id_10", "smis_code", "school_name_th"

    def __init__(self, header: list[str], reference: Reference):
        super().__init__(header, reference)
        self._province_by_name = reference.province_by_name()
        self._area_rows: dict[str, int] = {}

    def parse(self, row: int, cells: dict[str, str]) -> None:
        obec, smis = self.keys(row, cells)
        values: dict[str, Any] = {"name": self.name(row, cells)}
        self.school_type(row, "school_type", cells["school_type"], values, set_levels=True)
        province = self.province(row, cells, obec, smis)
        if province:
            values["province_id"] = province
        self.remember_name(row, province, values["name"])
        self.rows.append(SchoolRow(row, obec, smis, values, area_code=self.area(row, cells)))

    def province(self, row: int, cells: dict[str, str], obec: str, smis: str) -> str | None:
        """The province most sources agree on: the OBEC code's digits 3–4, the page, the SMIS prefix.

        The code's digits come first (they are DOPA's), but the real list has a school whose code
        says Bangkok while its page, area and SMIS code say Sakon Nakhon: two sources outvote one.
        """
        names = self.reference.provinces
        page_name = " ".join(cells["province_th"].split())
        from_page = self._province_by_name.get(page_name)
        from_obec = obec[2:4] if len(obec) == 10 and obec[2:4] in names else None
        from_smis = smis[:2] if smis[:2] in names else None
        votes = Counter(code for code in (from_obec, from_page, from_smis) if code)
        chosen = max(votes, key=lambda code: (votes[code], code == from_obec, code == from_page)) if votes else None
        if from_page is None:
            self.warn(
                row, "province_th", page_name,
                f"ไม่พบจังหวัดชื่อนี้: {'ใช้จังหวัด' + names[chosen] + ' ตามรหัส' if chosen else 'คงจังหวัดเดิมไว้'}",
                "province_unknown",
            )
        if from_obec and from_page and from_obec != from_page:
            self.warn(
                row, self.obec_column, obec,
                f"รหัสโรงเรียนระบุจังหวัด{names[from_obec]} ({from_obec}) แต่แถวนี้อยู่ในรายชื่อจังหวัด{page_name}: "
                f"บันทึกเป็นจังหวัด{names[chosen]}",
                "obec_code_province",
            )
        if smis and from_page and smis[:2] != from_page:
            known = f" ({names[smis[:2]]})" if smis[:2] in names else ""
            self.warn(
                row, self.smis_column, smis,
                f"รหัส SMIS ขึ้นต้นด้วย {smis[:2]}{known} ไม่ตรงกับรหัสจังหวัด{page_name} ({from_page}): "
                f"บันทึกเป็นจังหวัด{names[chosen]}",
                "smis_code_province",
            )
        return chosen

    def area(self, row: int, cells: dict[str, str]) -> str | None:
        code = cells["area_code"].translate(_THAI_DIGITS)
        name = " ".join(cells["area_name"].split())
        if not code:
            self.warn(row, "area_code", code, "ไม่มีรหัสเขตพื้นที่: คงเขตพื้นที่เดิมของโรงเรียนไว้", "area_missing")
            return None
        if not self.area_code(row, "area_code", code):
            return None
        if len(name) > 200:
            self.refuse(row, "area_name", name, "ชื่อเขตพื้นที่ยาวเกิน 200 ตัวอักษร", "too_long")
        elif not name:
            self.warn(row, "area_name", name, "ไม่มีชื่อเขตพื้นที่: ใช้ชื่อที่มีอยู่แล้ว หรือรหัสแทนชื่อ", "area_name_missing")
            self.areas.setdefault(code, "")
        elif code not in self._area_rows:
            self._area_rows[code] = row
            self.areas[code] = name
        elif self.areas[code] != name:
            first = self._area_rows[code]
            self.warn(
                row, "area_name", name,
                f'ชื่อเขตพื้นที่ไม่ตรงกับแถว {first} ("{self.areas[code]}"): ใช้ชื่อจากแถว {first}', "area_name_conflict",
            )
        return code


class _OwnParser(_Parser):
    """Our own export: Thai headers; any column may be left out, and what is left out is not touched."""

    obec_column, smis_column, name_column = (OWN_HEADERS[a] for a in OWN_REQUIRED)

    def __init__(self, header: list[str], reference: Reference):
        super().__init__(header, reference)
        known = set(OWN_HEADERS.values())
        self.carried = {attribute for attribute, title in OWN_HEADERS.items() if title in header}
        for title in header:
            if title and title not in known:
                self.warn(1, title, title, "ไม่รู้จักคอลัมน์นี้: ข้ามไป", "ignored_column")

    def parse(self, row: int, cells: dict[str, str]) -> None:
        get = {attribute: cells.get(title, "") for attribute, title in OWN_HEADERS.items()}
        obec, smis = self.keys(row, cells)
        values: dict[str, Any] = {"name": self.name(row, cells)}
        school_row = SchoolRow(row, obec, smis, values)
        carried = self.carried
        if "school_type" in carried:
            if get["school_type"]:
                set_levels = not {"lowest_level", "highest_level"} & carried
                self.school_type(row, OWN_HEADERS["school_type"], get["school_type"], values, set_levels=set_levels)
            else:
                values["school_type"] = ""
        area = get["area"].translate(_THAI_DIGITS)
        if "area" in carried:
            if area and self.area_code(row, OWN_HEADERS["area"], area) and area not in self.reference.areas:
                self.refuse(
                    row, OWN_HEADERS["area"], area,
                    "ไม่พบเขตพื้นที่รหัสนี้ในระบบ: เพิ่มเขตพื้นที่ก่อน หรือนำเข้ารายชื่อของ สพฐ. ก่อน", "area_unknown",
                )
            school_row.area_code = area
        if "cluster" in carried:
            values["cluster_id"] = self.cluster(row, get["cluster"], area)
        if "subdistrict" in carried:
            values["subdistrict_id"] = self.subdistrict(row, get["subdistrict"].translate(_THAI_DIGITS))
        for attribute in ("address", "director_name"):
            if attribute in carried:
                values[attribute] = self.text(row, attribute, " ".join(get[attribute].split()))
        if "phone" in carried:
            values["phone"] = self.phone(row, get["phone"])
        if "email" in carried:
            values["email"] = self.email(row, get["email"])
        for attribute in ("latitude", "longitude"):
            if attribute in carried:
                values[attribute] = self.coordinate(row, attribute, get[attribute].translate(_THAI_DIGITS))
        if "latitude" in carried and "longitude" in carried and bool(get["latitude"]) != bool(get["longitude"]):
            missing = "longitude" if get["latitude"] else "latitude"
            self.refuse(
                row, OWN_HEADERS[missing], "", "ต้องระบุทั้งละติจูดและลองจิจูด หรือเว้นว่างทั้งคู่", "coordinate_invalid"
            )
        self.levels(row, get, values)
        if "student_count" in carried:
            values["student_count"] = self.count(row, get["student_count"].translate(_THAI_DIGITS))
        if "is_open" in carried and get["is_open"]:
            is_open = self.flag(row, get["is_open"])
            if is_open is not None:
                values["is_open"] = is_open
        # The subdistrict says where a school is; without one, only a new school takes its code's province digits.
        if values.get("subdistrict_id"):
            values["province_id"] = values["subdistrict_id"][:2]
        elif len(obec) == 10 and obec[2:4] in self.reference.provinces:
            school_row.new_school_values["province_id"] = obec[2:4]
        province = values.get("province_id") or school_row.new_school_values.get("province_id")
        self.remember_name(row, province, values["name"])
        self.rows.append(school_row)

    def text(self, row: int, attribute: str, value: str) -> str:
        if len(value) > MAX_LENGTHS[attribute]:
            self.refuse(row, OWN_HEADERS[attribute], value, f"ยาวเกิน {MAX_LENGTHS[attribute]} ตัวอักษร", "too_long")
        return value

    def cluster(self, row: int, code: str, area: str) -> int | None:
        """A cluster code is unique only inside its area office, so the row's area picks it."""
        if not code:
            return None
        column = OWN_HEADERS["cluster"]
        if not area:
            self.refuse(row, column, code, "ระบุกลุ่มเครือข่ายแล้ว ต้องระบุรหัสเขตพื้นที่ด้วย", "cluster_unknown")
            return None
        found = self.reference.clusters.get((area, code))
        if found is None and code.isdigit():
            # Excel drops leading zeros ("011" typed back as 11): accept the one cluster it can mean.
            clusters = self.reference.clusters.items()
            same = [pk for (a, c), pk in clusters if a == area and c.isdigit() and int(c) == int(code)]
            found = same[0] if len(same) == 1 else None
        if found is None:
            self.refuse(row, column, code, f"ไม่พบกลุ่มเครือข่ายรหัสนี้ในเขตพื้นที่ {area}", "cluster_unknown")
        return found

    def subdistrict(self, row: int, code: str) -> str | None:
        if not code:
            return None
        if code not in self.reference.subdistricts:
            self.refuse(
                row, OWN_HEADERS["subdistrict"], code, "ไม่พบรหัสตำบลนี้ (รหัส 6 หลักของกรมการปกครอง เช่น 640101)",
                "subdistrict_unknown",
            )
            return None
        return code

    def phone(self, row: int, value: str) -> str:
        if value:
            try:
                phone_validator(value)
            except ValidationError:
                self.refuse(
                    row, OWN_HEADERS["phone"], value,
                    "เบอร์โทรศัพท์ใช้ได้เฉพาะตัวเลข ช่องว่าง ขีด วงเล็บ และจุลภาค", "value_invalid",
                )
        return value

    def email(self, row: int, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.refuse(row, OWN_HEADERS["email"], value, "อีเมลไม่ถูกต้อง เช่น school@example.com", "value_invalid")
        return value

    def coordinate(self, row: int, attribute: str, text: str) -> Decimal | None:
        if not text:
            return None
        low, high = COORDINATE_RANGES[attribute]
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or not low <= number <= high:
            label = "ละติจูด" if attribute == "latitude" else "ลองจิจูด"
            self.refuse(
                row, OWN_HEADERS[attribute], text,
                f"{label}ต้องเป็นองศาแบบทศนิยม ระหว่าง {low} ถึง {high} (ในประเทศไทย)", "coordinate_invalid",
            )
            return None
        return number.quantize(MICRODEGREE)

    def levels(self, row: int, get: dict[str, str], values: dict[str, Any]) -> None:
        found = {}
        for attribute in ("lowest_level", "highest_level"):
            if attribute not in self.carried:
                continue
            text = get[attribute]
            code = LEVEL_WORDS.get(text.lower().replace(" ", "")) if text else ""
            if code is None:
                self.refuse(
                    row, OWN_HEADERS[attribute], text,
                    "ไม่รู้จักชั้นนี้: ใช้ K1–K3, P1–P6, M1–M6 หรือ อ.1, ป.1, ม.1", "level_invalid",
                )
            else:
                found[attribute] = code
        if len(found) < 2:
            values.update(found)
            return
        lowest, highest = found["lowest_level"], found["highest_level"]
        if bool(lowest) != bool(highest):
            message = "ต้องระบุทั้งชั้นต่ำสุดและชั้นสูงสุด หรือเว้นว่างทั้งคู่"
        elif lowest and levels.ORDER[lowest] > levels.ORDER[highest]:
            message = "ชั้นต่ำสุดสูงกว่าชั้นสูงสุด"
        else:
            values.update(found)
            return
        self.refuse(row, OWN_HEADERS["highest_level"], get["highest_level"], message, "level_invalid")

    def count(self, row: int, text: str) -> int | None:
        if not text:
            return None
        digits = text.replace(",", "")
        if digits.isascii() and digits.isdigit():
            return int(digits)
        self.refuse(row, OWN_HEADERS["student_count"], text, "จำนวนนักเรียนต้องเป็นจำนวนเต็มไม่ติดลบ", "value_invalid")
        return None

    def flag(self, row: int, text: str) -> bool | None:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.refuse(row, OWN_HEADERS["is_open"], text, "ใช้ 1 (เปิดสอน) หรือ 0 (ไม่เปิดสอน)", "value_invalid")
        return None
