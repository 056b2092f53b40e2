"""Every check on student records, in one place: the file import and the one-record form use the same.

A check has a stable ``code`` (views, tests and reports key on it), a ``level`` (``error`` blocks
the import or the save, ``warning`` is shown and allowed) and a Thai message. Problems are
reported as :class:`Problem` objects everywhere.

Three layers:

* **cleaning** (:func:`clean_data`) turns cell or form values into model values – IDs, dates in
  the Buddhist or Christian era, numbers, code-table values – reporting what cannot be
  understood. It is pure (no database), so the parser uses it.
* **row checks** (:func:`check_rows`) look at cleaned rows against the school and the round:
  required fields, dates, prefix/gender, age for the grade, plausible growth, duplicates in the
  file, the same person in another school this round, and who vanished since the last round.
* **one record** (:func:`check_record` / :func:`validate_record`) runs the same on a form's data.

:func:`district_duplicates` is the district-wide list for the officer's page.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

from edinfo.thai import BE_OFFSET, MONTHS_ABBR, MONTHS_FULL
from schools.levels import LEVELS, ORDER, SHORT_TH

from . import codes, ids, layout

ERROR = "error"
WARNING = "warning"

# code → (level, what it means). The message of each problem says it for the value at hand.
CHECKS = {
    "file_refused": (ERROR, "ไฟล์นี้นำเข้าไม่ได้"),
    "no_rows": (ERROR, "ไม่พบข้อมูลนักเรียนในไฟล์"),
    "submission_locked": (ERROR, "ข้อมูลรอบนี้ของโรงเรียนถูกล็อก (รับรองแล้วหรือปิดรอบแล้ว) แก้ไขไม่ได้จนกว่าจะเปิดแก้ไข"),
    "column_ignored": (WARNING, "คอลัมน์ที่ระบบไม่รู้จัก จะไม่นำเข้า"),
    "school_code_mismatch": (ERROR, "รหัสโรงเรียนไม่ตรงกับโรงเรียนที่นำเข้า"),
    "required": (ERROR, "ยังไม่ได้กรอกข้อมูลที่จำเป็น"),
    "id_invalid": (ERROR, "เลขประจำตัวไม่ถูกต้องตามรูปแบบของประเภทนั้น"),
    "id_duplicate_in_file": (ERROR, "เลขประจำตัวซ้ำกันในไฟล์"),
    "id_duplicate_in_round": (ERROR, "เลขประจำตัวซ้ำกับนักเรียนที่มีอยู่แล้วในรอบนี้ของโรงเรียน"),
    "id_in_other_school": (WARNING, "เลขประจำตัวเดียวกันอยู่ในข้อมูลของโรงเรียนอื่นในรอบเดียวกัน"),
    "code_unknown": (ERROR, "ค่าที่ไม่อยู่ในรายการรหัส"),
    "date_invalid": (ERROR, "วันที่อ่านไม่ได้"),
    "date_future": (ERROR, "วันที่อยู่ในอนาคต"),
    "date_too_old": (ERROR, "วันเกิดก่อนปี พ.ศ. 2540"),
    "number_invalid": (ERROR, "ต้องเป็นตัวเลข"),
    "number_range": (ERROR, "ตัวเลขอยู่นอกช่วงที่บันทึกได้"),
    "too_long": (ERROR, "ข้อความยาวเกินกว่าที่บันทึกได้"),
    "grade_not_offered": (WARNING, "ชั้นที่โรงเรียนไม่ได้เปิดสอน"),
    "prefix_gender": (WARNING, "คำนำหน้าชื่อไม่ตรงกับเพศ"),
    "prefix_age": (WARNING, "คำนำหน้าชื่อไม่ตรงกับอายุ"),
    "age_grade": (WARNING, "อายุไม่สมกับชั้นเรียน"),
    "height_implausible": (WARNING, "ส่วนสูงไม่น่าเป็นไปได้สำหรับอายุและเพศ"),
    "weight_implausible": (WARNING, "น้ำหนักไม่น่าเป็นไปได้สำหรับอายุและเพศ"),
    "bmi_implausible": (WARNING, "น้ำหนักกับส่วนสูงไม่สัมพันธ์กัน (ดัชนีมวลกายผิดปกติมาก)"),
    "missing_since_previous": (WARNING, "นักเรียนที่มีในรอบก่อนแต่ไม่มีในรอบนี้"),
}

# Thai names of the fields, for messages and for form problems (the template's headers).
FIELD_LABELS = {fname: header for header, fname in layout.TEMPLATE_COLUMNS}
FIELD_LABELS.update({"person_id": "เลขประจำตัวประชาชน", "_school_code": "รหัสโรงเรียน", "birth_date": "วันเกิด"})

REQUIRED = ("person_id", "grade", "gender", "first_name", "last_name")

# Earliest believable birth date: 1 January 2540 BE (the oldest M6 student is about 20).
EARLIEST_BIRTH = datetime.date(2540 - BE_OFFSET, 1, 1)


@dataclass(slots=True)
class Problem:
    """One thing wrong with a file, a row or a record."""

    code: str
    level: str
    message: str
    row: int | None = None  # spreadsheet row, 1-based, counting the timestamp and header rows
    column: str = ""  # "C (เลขประจำตัวประชาชน)" in a file, the field's Thai name on a form
    value: str = ""  # the value as given
    field: str = ""  # the model field, so a form can put the message beside its input

    @property
    def is_error(self):
        return self.level == ERROR

    def __str__(self):
        parts = []
        if self.row is not None:
            parts.append(f"แถว {self.row}")
        if self.column:
            parts.append(f"คอลัมน์ {self.column}")
        if self.value != "":
            parts.append(f'"{self.value}"')
        where = " ".join(parts)
        return f"{where}: {self.message}" if where else self.message


def problem(code, message=None, *, row=None, column="", value="", field=""):
    level, default = CHECKS[code]
    return Problem(code, level, message or default, row, column, _shown(value), field)


def _shown(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.date()
    text = str(value)
    if not text.isprintable():
        text = _INVISIBLE.sub("", _SPACES.sub(" ", text))
    return text if len(text) <= 60 else text[:57] + "..."


def has_errors(problems):
    return any(p.level == ERROR for p in problems)


# --- cleaning: cell or form value → model value -----------------------------------------------------


class Bad(Exception):  # noqa: N818 – a control-flow signal inside this module, not an error type
    def __init__(self, code, message=None):
        super().__init__(code)
        self.code = code
        self.message = message


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Control and format characters (NUL, zero-width spaces, BOM, lone surrogates): PostgreSQL refuses
# NUL in text, and the others only hide differences between two names that look the same.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")
_SPACES = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_FORMULA_GUARD = ("'=", "'+", "'-", "'@")
NONE_MARKS = {"-", "–", "—", "--"}


def cell_text(value):
    """The text of a cell or form value: stripped, invisible characters removed, "-" means none."""
    if value is None:
        return ""
    if type(value) is str:
        text = value.strip()
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, bool):
        text = "1" if value else "0"
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    else:
        text = str(value).strip()
    if not text.isprintable():
        text = _INVISIBLE.sub("", _SPACES.sub(" ", text)).strip()
    if text in NONE_MARKS:
        return ""
    if text.startswith(_FORMULA_GUARD):  # our exporter's guard against formula injection
        text = text[1:]
    return text


def _text_cleaner(max_length):
    def clean(value):
        if type(value) is str and value.isprintable():
            text = value.strip()
            if text in NONE_MARKS:
                return ""
            if text.startswith(_FORMULA_GUARD):
                text = text[1:]
        else:
            text = cell_text(value)
        if len(text) > max_length:
            raise Bad("too_long", f"ข้อความยาว {len(text)} ตัวอักษร เกิน {max_length} ตัวอักษรที่บันทึกได้")
        return text

    clean.plain_text = True
    return clean


def _clean_student_number(value):
    text = ids.clean(value) if not isinstance(value, str) else cell_text(value)
    text = text.translate(_THAI_DIGITS)
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if len(text) > 20:
        raise Bad("too_long", f"เลขประจำตัวนักเรียนยาว {len(text)} ตัวอักษร เกิน 20 ตัวอักษร")
    return text


def _decimal_cleaner(limit):
    def clean(value):
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise Bad("number_invalid", "ต้องเป็นตัวเลข")
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                raise Bad("number_invalid", "ต้องเป็นตัวเลข")
            number = Decimal(repr(value))
        else:
            text = cell_text(value).translate(_THAI_DIGITS).replace(" ", "")
            if not text:
                return None
            if text.count(",") == 1 and "." not in text:
                text = text.replace(",", ".")  # 25,5 written with a decimal comma
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise Bad("number_invalid", "ต้องเป็นตัวเลข เช่น 25.5") from None
        if not number.is_finite():
            raise Bad("number_invalid", "ต้องเป็นตัวเลข")
        if number < 0 or number >= limit:
            raise Bad("number_range", f"ต้องอยู่ระหว่าง 0 ถึง {limit - 1}")
        return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    return clean


def _clean_room(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Bad("number_invalid", "ห้องต้องเป็นเลขจำนวนเต็ม เช่น 1")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = cell_text(value).translate(_THAI_DIGITS)
        if not text:
            return None
        if text.endswith(".0"):
            text = text[:-2]
        if not (text.isascii() and text.isdigit()):
            raise Bad("number_invalid", "ห้องต้องเป็นเลขจำนวนเต็ม เช่น 1")
        number = int(text)
    if not 0 <= number <= 999:
        raise Bad("number_range", "ห้องต้องอยู่ระหว่าง 0 ถึง 999")
    return number


_MONTHS = {name: i + 1 for i, name in enumerate(MONTHS_FULL)}
_MONTHS.update({name: i + 1 for i, name in enumerate(MONTHS_ABBR)})
_MONTHS.update({name.replace(".", ""): i + 1 for i, name in enumerate(MONTHS_ABBR)})
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})\s*([^\d\s]+)\s*(\d{4})$")
_DATE_HINT = "เช่น 25/06/2562 (วัน/เดือน/ปี พ.ศ.)"


def _year_ce(year):
    """A four-digit year in either era → Christian era; Buddhist-era years are 543 more."""
    if year >= 2400:
        return year - BE_OFFSET
    if 1800 <= year < 2200:
        return year
    raise Bad("date_invalid", f"ปี {year} ไม่ใช่ปี พ.ศ. หรือ ค.ศ. ที่เป็นไปได้ {_DATE_HINT}")


def clean_date(value):
    """A date from an Excel date cell, "dd/mm/yyyy" (BE or CE), "yyyy-mm-dd", "25 มิ.ย. 2564" or an Excel serial."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        # Excel stores what was typed: 25/06/2562 in a Gregorian-calendar Excel becomes year 2562.
        if value.year >= 2400:
            try:
                return value.replace(year=value.year - BE_OFFSET)
            except ValueError:
                raise Bad("date_invalid", f"ไม่มีวันที่นี้ในปฏิทิน {_DATE_HINT}") from None
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value == value and 20000 <= value <= 80000:  # an Excel serial day number (1954–2119)
            return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
        raise Bad("date_invalid", f"อ่านเป็นวันที่ไม่ได้ {_DATE_HINT}")
    text = cell_text(value).translate(_THAI_DIGITS)
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _YMD.match(text)
        if match:
            year, month, day = int(match[1]), int(match[2]), int(match[3])
        else:
            match = _D_MONTH_Y.match(text)
            month = _MONTHS.get(match[2]) if match else None
            if not month:
                raise Bad("date_invalid", f"อ่านเป็นวันที่ไม่ได้ {_DATE_HINT}")
            day, year = int(match[1]), int(match[3])
    try:
        return datetime.date(_year_ce(year), month, day)
    except ValueError:
        raise Bad("date_invalid", f"ไม่มีวันที่นี้ในปฏิทิน {_DATE_HINT}") from None


# Grade labels: codes (P1), DMC's short labels (ป.1), without the dot (ป1), the long Thai names.
GRADE_ALIASES = {}
for _code in LEVELS:
    _short = SHORT_TH[_code]
    _stage, _n = _short.split(".")
    _long = {"อ": "อนุบาล", "ป": "ประถมศึกษาปีที่", "ม": "มัธยมศึกษาปีที่"}[_stage]
    for _alias in (_code, _code.lower(), _short, f"{_stage}{_n}", f"{_long}{_n}"):
        GRADE_ALIASES[_alias] = _code
for _n in "123":
    GRADE_ALIASES[f"อบ.{_n}"] = f"K{_n}"  # EMIS writes อบ.1
    GRADE_ALIASES[f"อนุบาลปีที่{_n}"] = f"K{_n}"


def _clean_grade(value):
    text = cell_text(value).translate(_THAI_DIGITS).replace(" ", "")
    if not text:
        return ""
    code = GRADE_ALIASES.get(text)
    if code is None:
        raise Bad("code_unknown", "ไม่รู้จักชั้นนี้: ใช้ อ.1–อ.3, ป.1–ป.6 หรือ ม.1–ม.6")
    return code


# Spellings seen in school files that the code tables do not list.
EXTRA_ALIASES = {
    "gender": {"ช.": "M", "ญ.": "F", "m": "M", "f": "F"},
    "prefix": {
        "ด.ช.": "boy", "ด.ช": "boy", "ดช": "boy", "ดช.": "boy", "ด.ญ.": "girl", "ด.ญ": "girl", "ดญ": "girl",
        "ดญ.": "girl", "น.ส.": "miss", "น.ส": "miss", "นส.": "miss", "นส": "miss",
    },
    "blood_group": {
        "a": "A", "b": "B", "o": "O", "ab": "AB", "เอ": "A", "บี": "B", "โอ": "O", "เอบี": "AB",
        "ไม่ทราบ": "", "ไม่ระบุ": "", "ไม่ทราบกลุ่มเลือด": "",
    },
    "disadvantage": {"ไม่มี": "99", "ไม่ด้อยโอกาส": "99", "0": "99"},
    "disability": {"ไม่มี": "99", "ไม่พิการ": "99", "0": "99"},
}
# What an empty value means for each coded field.
CODED_EMPTY = {"disadvantage": codes.Disadvantage.NONE.value, "disability": codes.Disability.NONE.value,
               "status": codes.Status.STUDYING.value}


def _coded_cleaner(field_name, list_name):
    seen = {}
    extra = EXTRA_ALIASES.get(list_name, {})
    choices = codes.LISTS[list_name]
    hint = ", ".join(label for _c, label in choices.choices[:12])
    empty = CODED_EMPTY.get(field_name, "")

    def clean(value):
        text = cell_text(value)
        if text in seen:
            return seen[text]
        if not text:
            code = empty
        else:
            code = extra.get(text, extra.get(text.lower()))
            if code is None:
                code = codes.lookup(list_name, text, source="dmc")
            if code is None:
                raise Bad("code_unknown", f"ไม่รู้จัก{FIELD_LABELS.get(field_name, field_name)}นี้: ใช้ {hint}")
        if len(seen) < 1000:
            seen[text] = code
        return code

    return clean


def _build_cleaners():
    from .models import StudentRecord

    cleaners = {}
    for fld in StudentRecord._meta.concrete_fields:
        name = fld.name
        if name in ("id", "round", "school", "subdistrict", "created_at", "updated_at", "id_kind", "person_id"):
            continue
        if name == "grade":
            cleaners[name] = _clean_grade
        elif name in layout.CODED_FIELDS:
            cleaners[name] = _coded_cleaner(name, layout.CODED_FIELDS[name])
        elif name == "student_number":
            cleaners[name] = _clean_student_number
        elif name == "room":
            cleaners[name] = _clean_room
        elif name == "birth_date":
            cleaners[name] = clean_date
        elif fld.get_internal_type() == "DecimalField":
            cleaners[name] = _decimal_cleaner(10 ** (fld.max_digits - fld.decimal_places))
        else:
            cleaners[name] = _text_cleaner(fld.max_length)
    cleaners["_school_code"] = lambda value: ids.clean(value)[:20]
    return cleaners


_CLEANERS = None


def cleaners():
    """field → function(value) returning the model value or raising Bad (built once, on first use)."""
    global _CLEANERS
    if _CLEANERS is None:
        _CLEANERS = _build_cleaners()
    return _CLEANERS


def clean_data(data, *, row=None, columns=None, problems=None):
    """Model values for one row or form, and the problems met; fields not in ``data`` are left out.

    ``columns`` maps a field to how the problem should name its column (defaults: Thai field name).
    The person ID becomes ``person_id`` (normalised) and ``id_kind``; an invalid ID keeps its cleaned
    text so that duplicates can still be found, with ``id_kind`` None.
    """
    problems = [] if problems is None else problems
    table = cleaners()
    values = {}
    for name, raw in data.items():
        if name == "person_id":
            parsed = ids.parse(raw)
            values["person_id"] = parsed.value[:13] if parsed.error else parsed.value
            values["id_kind"] = parsed.kind
            if parsed.error and parsed.value:
                problems.append(_problem_at("id_invalid", parsed.error, row, columns, name, raw))
            continue
        cleaner = table.get(name)
        if cleaner is None:
            continue  # pseudo-fields the checks do not use (school name, age, DMC's flag)
        try:
            values[name] = cleaner(raw)
        except Bad as bad:
            values[name] = None
            problems.append(_problem_at(bad.code, bad.message, row, columns, name, raw))
    return values, problems


# Cleaners whose results are worth remembering per column: values repeat (dates, weights, codes).
_MEMO_FIELDS = {"grade", "room", "gender", "prefix", "birth_date", "weight_kg", "height_cm", "blood_group",
                "religion", "ethnicity", "nationality", "disadvantage", "disability", "distance_km",
                "travel_method", "status", "_school_code", "subdistrict_name", "district_name", "province_name",
                "guardian_relation", "guardian_occupation", "father_occupation", "mother_occupation"}
_MEMO_SIZE = 5000


def row_cleaner(plan, columns):
    """A fast clean_data for many rows of one file: ``plan`` is [(cell index, field)].

    Returns clean(cells, row, problems) → values, with the same results as clean_data. Plain text
    that needs no work (the common case) is handled inline; the rest goes through the cleaners.
    """
    from .models import StudentRecord

    table = cleaners()
    lengths = {f.name: f.max_length for f in StudentRecord._meta.concrete_fields
               if f.get_internal_type() == "CharField" and f.name not in layout.CODED_FIELDS}
    text_fields = {name for name, cleaner in table.items() if getattr(cleaner, "plain_text", False)}
    texts, steps = [], []
    id_index = None
    for index, name in plan:
        if name == "person_id":
            id_index = index
        elif name in text_fields:
            texts.append((index, name, lengths[name], table[name]))
        elif name in table:
            steps.append((index, name, table[name], {} if name in _MEMO_FIELDS else None))
    parse_id = ids.parse
    none_marks = NONE_MARKS
    guard = _FORMULA_GUARD
    needed = max([index for index, _n in plan], default=-1) + 1

    def clean(cells, row, problems):
        if len(cells) < needed:
            cells = list(cells) + [None] * (needed - len(cells))
        values = {}
        if id_index is not None:
            cell = cells[id_index]
            parsed = parse_id(cell)
            if parsed.error:
                values["person_id"] = parsed.value[:13]
                values["id_kind"] = None
                if parsed.value:
                    problems.append(_problem_at("id_invalid", parsed.error, row, columns, "person_id", cell))
            else:
                values["person_id"] = parsed.value
                values["id_kind"] = parsed.kind
        for index, name, max_length, cleaner in texts:
            cell = cells[index]
            if cell.__class__ is str and cell.isprintable():
                text = cell.strip()
                if len(text) < 3 and text in none_marks:
                    text = ""
                elif text[:1] == "'" and text.startswith(guard):
                    text = text[1:]
                if len(text) <= max_length:
                    values[name] = text
                    continue
            try:
                values[name] = cleaner(cell)
            except Bad as bad:
                values[name] = None
                problems.append(_problem_at(bad.code, bad.message, row, columns, name, cell))
        for index, name, cleaner, memo in steps:
            cell = cells[index]
            if cell.__class__ is bool:  # True == 1 as a dict key: never share the memo with numbers
                memo = None
            if memo is not None:
                try:
                    values[name] = memo[cell]
                    continue
                except (KeyError, TypeError):
                    pass
            try:
                value = cleaner(cell)
            except Bad as bad:
                values[name] = None
                problems.append(_problem_at(bad.code, bad.message, row, columns, name, cell))
                continue
            values[name] = value
            if memo is not None and len(memo) < _MEMO_SIZE:
                memo[cell] = value
        return values

    return clean


def _problem_at(code, message, row, columns, name, raw):
    column = (columns or {}).get(name) or FIELD_LABELS.get(name, name)
    level, default = CHECKS[code]
    return Problem(code, level, message or default, row, column, _shown(raw), name)


# --- row checks ----------------------------------------------------------------------------------

# Nominal age on the census day for each grade: the youngest normal age (ป.1 children are 6–7 on
# every census day of the year). A warning outside nominal−1 … nominal+3, i.e. "expected ±2" around
# the normal band, so a child held back two years or starting a year early passes silently.
NOMINAL_AGE = {code: age for code, age in zip(LEVELS, range(3, 3 + len(LEVELS)), strict=True)}
AGE_BELOW, AGE_ABOVE = 1, 3

# Height-for-age: WHO Child Growth Standards (2006, to 5 years) and WHO Growth Reference 2007
# (5–19 years): median and one standard deviation in cm at whole years, rounded to 0.1 cm. A height
# more than 6 SD from the median is what WHO's anthropometric software flags as biologically
# implausible (HAZ < −6 or > +6): the band catches typing errors (metres, a missing digit), not
# small or tall children.
HEIGHT_REF = {
    "M": {3: (96.1, 3.9), 4: (103.3, 4.2), 5: (110.0, 4.7), 6: (116.0, 4.9), 7: (121.7, 5.2), 8: (127.3, 5.6),
          9: (132.6, 5.9), 10: (137.8, 6.2), 11: (143.1, 6.7), 12: (149.1, 7.4), 13: (156.0, 7.9),
          14: (163.2, 7.8), 15: (169.0, 7.4), 16: (172.9, 7.1), 17: (175.2, 7.0), 18: (176.1, 7.0),
          19: (176.5, 7.0)},
    "F": {3: (95.1, 4.0), 4: (102.7, 4.3), 5: (109.4, 4.7), 6: (115.1, 5.0), 7: (120.8, 5.4), 8: (126.6, 5.8),
          9: (132.5, 6.2), 10: (138.6, 6.7), 11: (144.8, 7.0), 12: (151.2, 7.0), 13: (156.4, 6.6),
          14: (159.8, 6.3), 15: (161.7, 6.2), 16: (162.5, 6.2), 17: (162.9, 6.2), 18: (163.1, 6.2),
          19: (163.2, 6.2)},
}
HEIGHT_SD_LIMIT = 6
# BMI-for-age: WHO flags BAZ < −5 or > +5 as implausible; for ages 3–19 those z-scores lie near a
# BMI of 10 (both sexes, all ages) and above 35–45 (depending on age), so a fixed 10–40 band is used.
BMI_BAND = (Decimal(10), Decimal(40))
# Without a usable age: what no school-age child can measure.
HEIGHT_ANY = (Decimal(50), Decimal(210))
WEIGHT_ANY = (Decimal(5), Decimal(150))

CHILD_PREFIXES = {"boy", "girl"}
ADULT_PREFIXES = {"mr", "miss", "mrs"}


def age_on(birth_date, day):
    """Whole years of age on a day."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _bands():
    """(sex, age) → (height lo, height hi, weight lo, weight hi) as floats, computed once."""
    bands = {}
    for sex, table in HEIGHT_REF.items():
        for age, (median, sd) in table.items():
            lo, hi = round(median - HEIGHT_SD_LIMIT * sd, 1), round(median + HEIGHT_SD_LIMIT * sd, 1)
            bands[sex, age] = (lo, hi, round(BMI_LIMITS[0] * (lo / 100) ** 2, 1), round(BMI_LIMITS[1] * (hi / 100) ** 2, 1))
    return bands


BMI_LIMITS = (float(BMI_BAND[0]), float(BMI_BAND[1]))
ANY_BAND = (float(HEIGHT_ANY[0]), float(HEIGHT_ANY[1]), float(WEIGHT_ANY[0]), float(WEIGHT_ANY[1]))
GROWTH_BANDS = _bands()
GENDER_LABEL = {code: str(label) for code, label in codes.Gender.choices}
PREFIX_LABEL = {code: str(label) for code, label in codes.Prefix.choices}


def _fmt(number):
    return f"{number:.1f}".rstrip("0").rstrip(".")


class _RowChecker:
    """The checks of one row that need only the row, the school and the round (no database)."""

    def __init__(self, school, round_, columns=None, today=None):
        self.school = school
        self.census_day = round_.census_day
        self.today = today or timezone.localdate()
        self.columns = columns or {}
        self.offered = set(school.levels) if school.lowest_level and school.highest_level else None
        self.school_codes = {school.smis_code, school.obec_code}

    def _at(self, code, message, row, name, value):
        column = self.columns.get(name) or FIELD_LABELS.get(name, name)
        level, default = CHECKS[code]
        return Problem(code, level, message or default, row, column, _shown(value), name)

    def check(self, values, row, out):
        at = self._at
        for name in REQUIRED:
            # Only fields the row has; None means the value could not be read (reported already).
            if values.get(name, 0) == "":
                out.append(at("required", f"ต้องกรอก{FIELD_LABELS[name]}", row, name, ""))
        code = values.get("_school_code")
        if code and code not in self.school_codes:
            out.append(at("school_code_mismatch",
                          f"รหัสโรงเรียน {code} ไม่ใช่ของโรงเรียน{self.school.name} "
                          f"({self.school.smis_code} / {self.school.obec_code})", row, "_school_code", code))
        grade = values.get("grade")
        if grade and self.offered is not None and grade not in self.offered:
            out.append(at("grade_not_offered",
                          f"โรงเรียนเปิดสอน {self.school.levels_label} แต่นักเรียนอยู่ชั้น {SHORT_TH[grade]}",
                          row, "grade", SHORT_TH[grade]))
        gender = values.get("gender")
        prefix = values.get("prefix")
        if prefix and gender and codes.PREFIX_GENDER.get(prefix) not in (None, gender):
            out.append(at("prefix_gender",
                          f"คำนำหน้า {PREFIX_LABEL[prefix]} ไม่ตรงกับเพศ{GENDER_LABEL[gender]}",
                          row, "prefix", PREFIX_LABEL[prefix]))
        birth = values.get("birth_date")
        age = None
        if birth:
            if birth > self.today:
                out.append(at("date_future", "วันเกิดอยู่ในอนาคต", row, "birth_date", _be(birth)))
                birth = None
            elif birth < EARLIEST_BIRTH:
                out.append(at("date_too_old", "วันเกิดก่อนปี พ.ศ. 2540: ตรวจสอบปี พ.ศ./ค.ศ.", row, "birth_date",
                              _be(birth)))
                birth = None
        if birth:
            age = age_on(birth, self.census_day)
            if grade:
                nominal = NOMINAL_AGE[grade]
                if age < nominal - AGE_BELOW or age > nominal + AGE_ABOVE:
                    out.append(at("age_grade",
                                  f"อายุ {age} ปี ณ วันที่ {_be(self.census_day)} ไม่สมกับชั้น {SHORT_TH[grade]} "
                                  f"(ปกติ {nominal}–{nominal + 1} ปี)", row, "birth_date", _be(birth)))
            if prefix in ADULT_PREFIXES and age < 15:
                out.append(at("prefix_age", f"อายุ {age} ปี ต่ำกว่า 15 ปี ควรใช้ เด็กชาย/เด็กหญิง", row, "prefix",
                              PREFIX_LABEL[prefix]))
            elif prefix in CHILD_PREFIXES and age >= 16:
                out.append(at("prefix_age", f"อายุ {age} ปี ควรใช้ นาย/นางสาว", row, "prefix",
                              PREFIX_LABEL[prefix]))
        self._growth(values, row, out, age, gender)

    def _growth(self, values, row, out, age, gender):
        height = values.get("height_cm")
        weight = values.get("weight_kg")
        if height is None and weight is None:
            return
        band = GROWTH_BANDS.get((gender, age))
        h_lo, h_hi, w_lo, w_hi = band or ANY_BAND
        if height is not None:
            if not h_lo <= height <= h_hi:  # Decimal against float compares exactly
                out.append(self._at("height_implausible",
                                    f"ส่วนสูง {_fmt(height)} ซม. ไม่น่าเป็นไปได้{self._who(band, gender, age)} "
                                    f"(ช่วงที่รับได้ {_fmt(h_lo)}–{_fmt(h_hi)} ซม.): ตรวจหน่วยและตัวเลข",
                                    row, "height_cm", _fmt(height)))
                height = None
        if weight is not None:
            if height is not None:
                bmi = float(weight) / (float(height) / 100) ** 2
                if not BMI_LIMITS[0] <= bmi <= BMI_LIMITS[1]:
                    out.append(self._at("bmi_implausible",
                                        f"น้ำหนัก {_fmt(weight)} กก. กับส่วนสูง {_fmt(height)} ซม. ให้ดัชนีมวลกาย "
                                        f"{bmi:.1f} (ช่วงที่รับได้ 10–40): ตรวจตัวเลขทั้งสอง",
                                        row, "weight_kg", _fmt(weight)))
            elif not w_lo <= weight <= w_hi:
                out.append(self._at("weight_implausible",
                                    f"น้ำหนัก {_fmt(weight)} กก. ไม่น่าเป็นไปได้{self._who(band, gender, age)} "
                                    f"(ช่วงที่รับได้ {_fmt(w_lo)}–{_fmt(w_hi)} กก.)", row, "weight_kg", _fmt(weight)))

    @staticmethod
    def _who(band, gender, age):
        return f" สำหรับเพศ{GENDER_LABEL[gender]} อายุ {age} ปี" if band else ""


def _be(day):
    return f"{day.day:02d}/{day.month:02d}/{day.year + BE_OFFSET}"


def check_rows(rows, *, school, round, columns=None, today=None, database=True):
    """Problems of cleaned rows (each a dict with ``row_number``), as in one import file.

    Row checks, duplicates within the file, and – with ``database`` – the same person in another
    school this round and students of the previous round who are missing now.
    """
    out = []
    checker = _RowChecker(school, round, columns, today)
    by_id = defaultdict(list)
    for values in rows:
        row = values.get("row_number")
        checker.check(values, row, out)
        pid = values.get("person_id")
        if pid:
            by_id[pid].append(row)
    id_column = (columns or {}).get("person_id") or FIELD_LABELS["person_id"]
    for pid, rows_of_id in by_id.items():
        if len(rows_of_id) > 1:
            for row in rows_of_id:
                others = [r for r in rows_of_id if r != row]
                # A few row numbers, not all: a column filled down with one ID would make each message huge.
                others = ", ".join(str(r) for r in others[:5]) + (f" และอีก {len(others) - 5:,} แถว" if len(others) > 5 else "")
                out.append(Problem("id_duplicate_in_file", ERROR, f"เลขประจำตัวนี้ซ้ำกับแถว {others} ในไฟล์เดียวกัน",
                                   row, id_column, pid, "person_id"))
    if database:
        out.extend(other_school_problems(by_id, school=school, round=round, column=id_column))
        out.extend(missing_since_previous(school=school, round=round, person_ids=by_id.keys()))
    out.sort(key=_problem_order)
    return out


def _problem_order(p):
    return (p.row is None, p.row or 0, p.level != ERROR)


# --- checks that read the database ------------------------------------------------------------------

CHUNK = 500  # SQLite allows 999 parameters in old builds; stay well under


def _chunks(items, size=None):
    size = size or CHUNK
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def other_schools_of(person_ids, *, school, round):
    """person_id → [(school smis code, school name)] for those IDs in other schools this round."""
    from .models import StudentRecord

    found = defaultdict(list)
    if _is_postgres():
        # One array parameter instead of 20,000 placeholders: planning and sending them cost more than the query.
        from django.db import connection

        from schools.models import School

        quote = connection.ops.quote_name
        sql = (f"SELECT r.person_id, s.smis_code, s.name FROM {quote(StudentRecord._meta.db_table)} r "
               f"JOIN {quote(School._meta.db_table)} s ON s.id = r.school_id "
               "WHERE r.round_id = %s AND r.school_id <> %s AND r.person_id = ANY(%s)")
        with connection.cursor() as cursor:
            cursor.execute(sql, [round.pk, school.pk, list(person_ids)])
            rows = cursor.fetchall()
    else:
        rows = []
        for chunk in _chunks(person_ids):
            rows += (StudentRecord.objects.filter(round=round, person_id__in=chunk).exclude(school=school)
                     .values_list("person_id", "school__smis_code", "school__name"))
    for pid, code, name in rows:
        found[pid].append((code, name))
    return found


def other_school_problems(rows_by_id, *, school, round, column=""):
    found = other_schools_of(rows_by_id.keys(), school=school, round=round)
    out = []
    for pid, schools in found.items():
        names = ", ".join(f"โรงเรียน{name} ({code})" for code, name in sorted(schools))
        for row in rows_by_id.get(pid) or [None]:
            out.append(Problem("id_in_other_school", WARNING,
                               f"นักเรียนเลขนี้อยู่ในข้อมูลรอบเดียวกันของ{names} ด้วย: ตรวจสอบว่าย้ายโรงเรียนแล้วหรือไม่ "
                               "และแจ้งโรงเรียนนั้นให้นำออก", row, column or FIELD_LABELS["person_id"], pid, "person_id"))
    return out


def missing_since_previous(*, school, round, person_ids):
    """Warnings for students of this school in the previous round who are not in ``person_ids``.

    Not for students of the school's top grade (they leave), nor for those the previous round
    already recorded as moved out, graduated or dropped out.
    """
    from .models import StudentRecord

    previous = round.previous()
    if previous is None:
        return []
    earlier = list(StudentRecord.objects.filter(round=previous, school=school, status=codes.Status.STUDYING)
                   .values_list("person_id", "id_kind", "grade", "first_name", "last_name"))
    if not earlier:
        return []
    top = school.highest_level or max((grade for _p, _k, grade, _f, _l in earlier), key=ORDER.get)
    present = set(person_ids)
    out = []
    for pid, kind, grade, first, last in earlier:
        if pid in present or grade == top:
            continue
        out.append(Problem("missing_since_previous", WARNING,
                           f"{first} {last} ชั้น {SHORT_TH.get(grade, grade)} อยู่ในข้อมูลรอบ {previous.name} "
                           "แต่ไม่อยู่ในรอบนี้: ถ้าย้ายออกหรือออกกลางคัน ให้บันทึกสถานะไว้",
                           None, FIELD_LABELS["person_id"], mask(pid, kind), "person_id"))
    return out


def mask(person_id, kind=None):
    """1-1017-xxxxx-xx-9, as StudentRecord.masked_id writes it."""
    if kind == ids.GCODE or len(person_id) != 13:
        return person_id[:4] + "x" * max(len(person_id) - 5, 0) + person_id[-1:]
    return f"{person_id[0]}-{person_id[1:5]}-xxxxx-xx-{person_id[12]}"


def _is_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


@dataclass
class DuplicateId:
    """One person ID found in more than one school in the same round."""

    person_id: str
    id_kind: str
    records: list = field(default_factory=list)  # StudentRecord, school selected, one per school

    @property
    def schools(self):
        return [record.school for record in self.records]

    @property
    def masked_id(self):
        return mask(self.person_id, self.id_kind)


def district_duplicates(round, *, schools=None):
    """Every person ID in two or more schools of the round, with the records of each school.

    ``schools`` (a School queryset) limits the search to those schools, e.g. one area office.
    Sorted by person ID, then school code.
    """
    from django.db.models import Count

    from .models import StudentRecord

    base = StudentRecord.objects.filter(round=round)
    if schools is not None:
        base = base.filter(school__in=schools)
    dup_ids = (base.order_by().values("person_id").annotate(n=Count("school", distinct=True))
               .filter(n__gt=1).values("person_id"))
    records = (base.filter(person_id__in=dup_ids).select_related("school")
               .order_by("person_id", "school__smis_code", "pk"))
    result = []
    for record in records:
        if not result or result[-1].person_id != record.person_id:
            result.append(DuplicateId(record.person_id, record.id_kind))
        result[-1].records.append(record)
    return result


# --- one record (the add/edit form) ----------------------------------------------------------------


def validate_record(data, *, school, round, exclude_pk=None, today=None):
    """(model values, problems) for one record's data – form values or text, as in a file."""
    from .models import StudentRecord

    data = dict(data)
    data.setdefault("person_id", "")
    for name in REQUIRED:
        data.setdefault(name, "")
    values, problems = clean_data(data)
    _RowChecker(school, round, today=today).check(values, None, problems)
    pid = values.get("person_id")
    if pid:
        same = StudentRecord.objects.filter(round=round, school=school, person_id=pid)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        twin = same.first()
        if twin is not None:
            problems.append(Problem("id_duplicate_in_round", ERROR,
                                    f"มีนักเรียนเลขนี้ในรอบนี้ของโรงเรียนแล้ว: {twin.full_name} ชั้น "
                                    f"{SHORT_TH.get(twin.grade, twin.grade)}", None, FIELD_LABELS["person_id"], pid,
                                    "person_id"))
        problems.extend(other_school_problems({pid: [None]}, school=school, round=round))
    return values, problems


def check_record(data, *, school, round, exclude_pk=None):
    """The problems of one record's data (form values), by the same rules as the import."""
    return validate_record(data, school=school, round=round, exclude_pk=exclude_pk)[1]
