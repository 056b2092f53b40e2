"""Reading a TPMAP จปฐ. "common" file (amphoe, tambon or village level) against an indicator set.

No database writes here: :func:`parse` turns bytes into rows and problems (students.checks.Problem:
row as the spreadsheet shows it, header = row 1, and the file's own column header). The level is
found from the id column: amphur_ID (4 digits), tumbol_ID (6) or village_ID (10).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from students.checks import ERROR, WARNING, Problem
from students.importing import FileRefused, read_table

AMPHOE, TAMBON, VILLAGE = "amphoe", "tambon", "village"
ID_COLUMNS = {"amphur_ID": (AMPHOE, 4), "tumbol_ID": (TAMBON, 6), "village_ID": (VILLAGE, 10)}
LEVEL_TH = {AMPHOE: "อำเภอ", TAMBON: "ตำบล", VILLAGE: "หมู่บ้าน"}
# File column → AreaResult field.
COUNT_COLUMNS = {
    "household.CNT": "households",
    "HOUSEMEMBER_CNT": "persons",
    "MOF_REG_CNT": "mof_registered",
    "MOF_VAL_CNT": "mof_verified",
    "ELDERLY_CNT": "elderly",
    "DISABLED_CNT": "disabled",
    "CHRONICPATIENT_CNT": "chronic_patients",
}
HAPPINESS = "happiness"
PROVINCE = "province_ID"
_INDICATOR = re.compile(r"^indicator(\d+)\.(ALL|CNT)$")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+")

MSG_POOR_FILE = (
    "ไฟล์นี้เป็นไฟล์ “คนจนเป้าหมาย” ของ TPMAP (poor_by_dimension_combo: จำนวนคนจนเป้าหมายที่มีปัญหาในมิติที่เลือก) "
    "ไม่ใช่ผลสำรวจ จปฐ. รายพื้นที่ ระบบยังไม่นำเข้าไฟล์ชนิดนี้: ให้นำเข้าไฟล์ *_amphur_common, *_tambol_common "
    "หรือ *_village_common"
)
MSG_UNKNOWN_FILE = (
    "ไม่รู้จักไฟล์นี้: คอลัมน์แรกต้องเป็น amphur_ID, tumbol_ID หรือ village_ID ตามรูปแบบไฟล์ จปฐ. ของ TPMAP "
    "(*_common.csv) แต่พบ “{first}”"
)
MSG_NO_ROWS = "ไฟล์มีแต่หัวคอลัมน์ ไม่มีข้อมูล"


@dataclass
class ParsedFile:
    filename: str
    level: str = ""
    rows: list = field(default_factory=list)  # dicts: see _row()
    problems: list = field(default_factory=list)
    province_code: str = ""
    refused: str = ""

    @property
    def errors(self):
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self):
        return [p for p in self.problems if p.level == WARNING]

    @property
    def level_th(self):
        return LEVEL_TH.get(self.level, "")


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse(data, filename, indicators):
    """A ParsedFile for bytes of a CSV/xlsx file; ``indicators`` are the set's Indicator objects."""
    parsed = ParsedFile(filename=filename)
    try:
        table, _ = read_table(data, filename)
    except FileRefused as refused:
        parsed.refused = refused.message
        return parsed
    skipped = 0  # blank rows above the header still count in the spreadsheet's row numbers
    while table and not any(_text(c) for c in table[0]):
        table = table[1:]
        skipped += 1
    if not table:
        parsed.refused = "ไฟล์ว่างเปล่า"
        return parsed
    header_row = skipped + 1
    header = [_text(c).lstrip("\ufeff") for c in table[0]]
    first = header[0] if header else ""
    if any(h.startswith("poor.") for h in header):
        parsed.refused = MSG_POOR_FILE
        return parsed
    if first not in ID_COLUMNS:
        parsed.refused = MSG_UNKNOWN_FILE.format(first=first[:60])
        return parsed
    parsed.level, id_length = ID_COLUMNS[first]
    problems = parsed.problems

    def header_problem(column, message, level=ERROR):
        problems.append(Problem("header", level, message, row=header_row, column=column))

    numbers = {i.number: i for i in indicators}
    at = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name in at:
            header_problem(name, "หัวคอลัมน์ซ้ำ")
            continue
        at[name] = index
        match = _INDICATOR.match(name)
        if match and int(match.group(1)) not in numbers:
            header_problem(name, "ชุดตัวชี้วัดที่เลือกไม่มีตัวชี้วัดข้อนี้: ตรวจว่าเลือกชุดตัวชี้วัดถูกต้อง")
        elif not match and name not in COUNT_COLUMNS and name not in (first, HAPPINESS, PROVINCE):
            header_problem(name, "คอลัมน์นี้ไม่อยู่ในรูปแบบไฟล์ จปฐ. จะไม่นำเข้า", WARNING)
    required = [*COUNT_COLUMNS, HAPPINESS, PROVINCE]
    required += [f"indicator{n}.{kind}" for n in sorted(numbers) for kind in ("ALL", "CNT")]
    missing = [name for name in required if name not in at]
    for name in missing:
        header_problem(name, "ไม่มีคอลัมน์นี้ในไฟล์ (ต้องมีครบตามชุดตัวชี้วัดที่เลือก)")
    if missing:
        return parsed

    body = table[1:]
    seen = {}
    province_codes = {}
    for row_number, cells in enumerate(body, start=header_row + 1):
        cells = [_text(c) for c in cells]
        if not any(cells):
            continue

        def cell(name, cells=cells):
            index = at[name]
            return cells[index] if index < len(cells) else ""

        def error(column, message, value="", row_number=row_number):
            problems.append(Problem("row", ERROR, message, row=row_number, column=column, value=value))

        before = len(problems)
        code = cell(first)
        if not re.fullmatch(rf"\d{{{id_length}}}", code):
            error(first, f"รหัส{LEVEL_TH[parsed.level]}ต้องเป็นตัวเลข {id_length} หลัก", code)
        elif code in seen:
            error(first, f"รหัสนี้ซ้ำกับแถว {seen[code]}", code)
        else:
            seen[code] = row_number
        counts = {}
        for column, attr in COUNT_COLUMNS.items():
            counts[attr] = _count(cell(column), column, error)
        happiness = None
        raw = cell(HAPPINESS)
        if raw not in ("", "NA", "NaN"):
            try:
                happiness = Decimal(raw)
            except InvalidOperation:
                error(HAPPINESS, "ค่าความสุขต้องเป็นตัวเลข 0–10", raw)
            else:
                if not happiness.is_finite() or not 0 <= happiness <= 10:
                    error(HAPPINESS, "ค่าความสุขต้องอยู่ระหว่าง 0 ถึง 10", raw)
                    happiness = None
                else:
                    happiness = happiness.quantize(Decimal("0.001"))
        results = {}
        for number in sorted(numbers):
            all_column, cnt_column = f"indicator{number}.ALL", f"indicator{number}.CNT"
            applies = _count(cell(all_column), all_column, error)
            fails = _count(cell(cnt_column), cnt_column, error)
            if applies is not None and fails is not None and fails > applies:
                error(cnt_column, f"จำนวนผู้ไม่ผ่านเกณฑ์ ({fails:,}) มากกว่าจำนวนคนที่ตัวชี้วัดนี้ใช้วัด "
                                  f"({all_column} = {applies:,})", cell(cnt_column))
            results[number] = (applies, fails)
        province = cell(PROVINCE)
        if not re.fullmatch(r"\d{2}", province):
            error(PROVINCE, "รหัสจังหวัดต้องเป็นตัวเลข 2 หลัก", province)
        elif re.fullmatch(r"\d+", code) and not code.startswith(province):
            error(PROVINCE, f"รหัสจังหวัดไม่ตรงกับรหัสพื้นที่ {code}", province)
        else:
            province_codes.setdefault(province, row_number)
        if len(problems) == before:
            parsed.rows.append({"row_number": row_number, "code": code, "happiness": happiness,
                                "results": results, **counts})
    if len(province_codes) > 1:
        codes = sorted(province_codes)
        problems.append(Problem("row", ERROR, "ไฟล์หนึ่งต้องเป็นข้อมูลของจังหวัดเดียว แต่พบรหัสจังหวัด " + ", ".join(codes),
                                row=province_codes[codes[1]], column=PROVINCE, value=codes[1]))
    parsed.province_code = next(iter(province_codes), "")
    if not parsed.rows and not parsed.errors:
        parsed.refused = MSG_NO_ROWS
    return parsed


def _count(raw, column, error):
    if raw == "":
        error(column, "ช่องนี้ว่าง: ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป")
        return None
    text = raw.strip()
    text = text[:-2] if text.endswith(".0") else text
    if _THOUSANDS.fullmatch(text):  # Thai Excel exports often write 8,536
        text = text.replace(",", "")
    if re.fullmatch(r"-\d+", text):
        error(column, "ต้องไม่ติดลบ", raw)
        return None
    if not re.fullmatch(r"\d+", text):
        error(column, "ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป", raw)
        return None
    value = int(text)
    if value > 2_000_000_000:
        error(column, "ตัวเลขใหญ่เกินจริง", raw)
        return None
    return value
