"""Student files in: bytes and a file name → cleaned rows and their problems. No database.

Accepted, recognised by content rather than by file name:

* the DMC export exactly as downloaded (.xlsx): row 1 "วันและเวลาที่สร้างรายงาน …", headers on
  row 2, columns located by position (column C's header is wrong in DMC's own files);
* our template (layout.TEMPLATE_COLUMNS headers on row 1), matched by header text, any order;
* CSV of either layout, in UTF-8 (with or without BOM), TIS-620/cp874 or Excel's UTF-16
  "Unicode text".

Only .xlsx workbooks are read (plus CSV): python-calamine builds a dense table from the cell
coordinates a file declares, so a tiny file naming a cell at XFD1048576 would make it allocate
hundreds of gigabytes and abort the process. Every worksheet is scanned for such coordinates while
the zip guard inflates it; .xls/.xlsb/.ods (binary or repeat-count formats that cannot be scanned
so cheaply) are refused with the advice to save as .xlsx.

Workbooks are read with python-calamine (never pandas: IDs must stay text). A file is refused as a
whole – :class:`FileRefused` with a Thai message and nothing else – when it is too big, not a
spreadsheet, a corrupt or oversized zip (a "zip bomb"), or has headers we do not recognise.

Each row is a dict of model field → value with ``row_number`` (1-based, as the spreadsheet shows it,
counting the timestamp and header rows). Values are cleaned by :func:`students.checks.clean_data`
so that the import and the one-record form agree on every rule.

:class:`AddressResolver` (separate, it reads the database) turns tambon/amphoe/province names into
a Subdistrict.
"""

import codecs
import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine
from openpyxl.utils import get_column_letter

from . import checks, layout

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 100  # DMC has 36 columns, our template 40; calamine lays out width × height cells
# A 50,000-row DMC workbook unpacks to about 60 MB of XML; past these limits a zip is refused.
MAX_UNPACKED = 250 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_RATIO = 200  # unpacked ÷ packed size of any member bigger than 1 MB (XML packs about 10–20×)

DMC = "dmc"
TEMPLATE = "template"


class ImportRefused(Exception):
    """An import or a save that cannot go ahead; ``message`` says why in Thai, ``problems`` lists what blocks."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])


class FileRefused(ImportRefused):
    """The file as a whole cannot be read as a student list."""


@dataclass
class ParseResult:
    layout: str  # DMC or TEMPLATE
    rows: list  # dicts: model field → value, plus "row_number"
    problems: list  # Problem, from reading and cleaning the cells
    columns: dict  # field → column label, "C (เลขประจำตัวประชาชน)"
    fields: list  # model fields the file provides (others keep their values on update)
    header_row: int  # 1-based
    filename: str = ""
    encoding: str = ""  # for CSV: the encoding it was read in
    ignored_columns: list = field(default_factory=list)


# --- reading cells ------------------------------------------------------------------------------

MSG_TOO_BIG = "ไฟล์มีขนาด {size:.1f} MB เกินขนาดสูงสุด {limit} MB: แบ่งไฟล์หรือลบแผ่นงานที่ไม่ใช้ออก"
MSG_EMPTY = "ไฟล์ว่างเปล่า"
MSG_NOT_SHEET = "ไฟล์นี้ไม่ใช่ตารางข้อมูล: นำเข้าได้เฉพาะไฟล์ Excel (.xlsx) หรือ CSV"
MSG_OLD_FORMAT = "ระบบอ่านไฟล์ Excel แบบเก่า (.xls, .xlsb) และ .ods ไม่ได้: เปิดไฟล์แล้วบันทึกเป็น .xlsx ก่อนนำเข้า"
MSG_LAYOUT = (
    "แผ่นงานในไฟล์นี้มีข้อมูลอยู่ไกลเกินแถวที่ {rows:,} หรือคอลัมน์ที่ {columns} หรือเขียนตำแหน่งเซลล์ในแบบที่ระบบไม่รองรับ: "
    "ลบแถว/คอลัมน์ที่ไม่ใช้ หรือเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"
)
MSG_CORRUPT = "ไฟล์ Excel นี้เสียหรือไม่สมบูรณ์ เปิดไม่ได้: ลองเปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่"
MSG_BOMB = "ไฟล์ Excel นี้เมื่อคลายการบีบอัดแล้วใหญ่ผิดปกติ จึงไม่เปิด: บันทึกเป็น .xlsx ใหม่จาก Excel"
MSG_PASSWORD = "ไฟล์ Excel นี้ตั้งรหัสผ่านไว้: เอารหัสผ่านออกแล้วบันทึกใหม่"
MSG_TOO_MANY_ROWS = "ไฟล์มีข้อมูลมากกว่า {limit:,} แถว: แบ่งเป็นหลายไฟล์"
MSG_ENCODING = "อ่านตัวอักษรในไฟล์ CSV ไม่ได้: บันทึกเป็น CSV UTF-8 จาก Excel"

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".txt")
OLD_FORMATS = (".xls", ".xlsb", ".ods")
_NOT_SHEET_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"MZ")


def read_table(data, filename=""):
    """The first worksheet (or the CSV) as a list of rows of cell values; refuses what is not a sheet.

    Returns (rows, encoding) – encoding is "" for workbooks.
    """
    if not data:
        raise FileRefused(MSG_EMPTY)
    if len(data) > MAX_BYTES:
        raise FileRefused(MSG_TOO_BIG.format(size=len(data) / 1024 / 1024, limit=MAX_BYTES // 1024 // 1024))
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        return _read_workbook(_checked_zip(data)), ""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: an .xls, or an encrypted .xlsx
        raise FileRefused(MSG_PASSWORD if "EncryptedPackage".encode("utf-16-le") in data else MSG_OLD_FORMAT)
    if name.endswith(OLD_FORMATS):
        raise FileRefused(MSG_OLD_FORMAT)
    if data.startswith(_NOT_SHEET_MAGIC) or name.endswith((".xlsx", ".xlsm")):
        raise FileRefused(MSG_NOT_SHEET if data.startswith(_NOT_SHEET_MAGIC) else MSG_CORRUPT)
    if name and not name.endswith(SPREADSHEET_EXTENSIONS):
        raise FileRefused(MSG_NOT_SHEET)
    return _read_csv(data)


def _checked_zip(data):
    """The workbook's bytes, once every member has been inflated and measured (a "zip bomb" guard).

    A zip's directory can lie about sizes, so the directory (read with zipfile) is only the first
    check: every deflated member is then actually inflated, in bounded steps and without keeping
    the output, and must end exactly at its declared size within the total limit. Whatever reads
    the workbook afterwards can unpack no more than was measured here.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:  # noqa: BLE001 – BadZipFile, NotImplementedError (a "version 15.5" zip), struct errors…
        raise FileRefused(MSG_CORRUPT) from None
    if len(members) > MAX_MEMBERS:
        raise FileRefused(MSG_BOMB)
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names or "content.xml" in names:
            raise FileRefused(MSG_OLD_FORMAT)
        raise FileRefused(MSG_NOT_SHEET)
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise FileRefused(MSG_BOMB)
    budget = MAX_UNPACKED
    view = memoryview(data)
    for member in members:
        if member.flag_bits & 0x1:
            raise FileRefused(MSG_PASSWORD)
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise FileRefused(MSG_BOMB)
        scan = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        budget -= _inflated_size(view, member, budget, scan)
    return data


_INFLATE_STEP = 4 * 1024 * 1024


def _above(limit, symbols):
    """A regex for the numerals in ``symbols`` (a base, "0123456789" or "ABC…Z" bijective) above ``limit``."""
    base = len(symbols)
    if symbols[0] == "0":
        text = str(limit)
    else:  # spreadsheet column letters: A=1 … Z=26, AA=27 …
        text, n = "", limit
        while n:
            n, rest = divmod(n - 1, base)
            text = symbols[rest] + text
    first = symbols[1] if symbols[0] == "0" else symbols[0]
    alternatives = [f"[{first}-{symbols[-1]}][{symbols[0]}-{symbols[-1]}]{{{len(text)},}}"]  # more places
    for i, ch in enumerate(text):
        higher = symbols.index(ch) + 1
        if higher < base:
            rest = len(text) - i - 1
            tail = f"[{symbols[0]}-{symbols[-1]}]{{{rest}}}" if rest else ""
            alternatives.append(f"{text[:i]}[{symbols[higher]}-{symbols[-1]}]{tail}")
    return "(?:" + "|".join(alternatives) + ")"


_DIGITS = "0123456789"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# In a worksheet: a cell whose reference lies beyond column MAX_COLUMNS or row MAX_ROWS + 10, or a
# cell without an explicit r="…" reference first (its position would be counted, not declared).
_FAR_CELL = re.compile(
    ('<c(?: r="(?:' + _above(MAX_COLUMNS, _LETTERS) + "|[A-Z]{1,3}" + _above(MAX_ROWS + 10, _DIGITS) + ")"
     + '|(?! r=")[ >])').encode()
)
_SCAN_OVERLAP = 32


def _scan_worksheet(tail, chunk, final=False):
    """Refuse a worksheet calamine would have to spread over an enormous dense table.

    Called chunk by chunk; a match starting in the last bytes of a chunk may only look like one
    because the chunk ends there, so it is judged again with the next chunk (or at the end).
    """
    window = tail + chunk
    if b":sheetData" in window:  # a namespace prefix would hide the cells from the scan
        raise FileRefused(MSG_LAYOUT.format(rows=MAX_ROWS, columns=MAX_COLUMNS))
    found = _FAR_CELL.search(window)
    if found and (final or found.start() < len(window) - _SCAN_OVERLAP):
        raise FileRefused(MSG_LAYOUT.format(rows=MAX_ROWS, columns=MAX_COLUMNS))
    return window[-_SCAN_OVERLAP:]


def _inflated_size(view, member, budget, scan=False):
    """Bytes the member truly unpacks to; refuses a lie about its size, a bomb or a broken stream."""
    offset = member.header_offset
    header = bytes(view[offset:offset + 30])
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise FileRefused(MSG_CORRUPT)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = view[start:start + member.compress_size]
    if len(raw) != member.compress_size:
        raise FileRefused(MSG_CORRUPT)
    if member.compress_type == zipfile.ZIP_STORED:
        if member.file_size != member.compress_size:
            raise FileRefused(MSG_CORRUPT)
        if scan:
            _scan_worksheet(b"", bytes(raw), final=True)
        return member.file_size
    if member.compress_type != zipfile.ZIP_DEFLATED:  # Excel writes deflate only
        raise FileRefused(MSG_CORRUPT)
    limit = min(budget, member.file_size)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    pending = raw
    tail = b""
    try:
        while True:
            out = inflater.decompress(pending, _INFLATE_STEP)
            total += len(out)
            if total > limit:
                raise FileRefused(MSG_BOMB)
            if scan and out:
                tail = _scan_worksheet(tail, out)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not out and not pending):
                break
    except zlib.error:
        raise FileRefused(MSG_CORRUPT) from None
    if not inflater.eof or total != member.file_size:
        raise FileRefused(MSG_CORRUPT)
    if scan:
        _scan_worksheet(tail, b"", final=True)
    return total


def _read_workbook(data):
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if not names:
            raise FileRefused(MSG_EMPTY)
        # Our template's sheet is "นักเรียน"; DMC's only sheet is "Sheet1". Otherwise the first.
        sheet = workbook.get_sheet_by_name("นักเรียน") if "นักเรียน" in names else workbook.get_sheet_by_index(0)
        if sheet.total_height > MAX_ROWS + 10:
            raise FileRefused(MSG_TOO_MANY_ROWS.format(limit=MAX_ROWS))
        rows = sheet.to_python(skip_empty_area=False)
    except FileRefused:
        raise
    except python_calamine.PasswordError:
        raise FileRefused(MSG_PASSWORD) from None
    except Exception:  # noqa: BLE001 – calamine raises several types for a broken file; all mean the same
        raise FileRefused(MSG_CORRUPT) from None
    return rows


def _read_csv(data):
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(MSG_NOT_SHEET)
    text = encoding = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "cp874")  # cp874 is TIS-620 plus a few Windows punctuation marks
    for candidate in candidates:
        try:
            text = data.decode(candidate)
            encoding = candidate
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise FileRefused(MSG_ENCODING)
    if "\x00" in text:
        text = text.replace("\x00", "")
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if first_line.count("\t") > first_line.count(","):
        delimiter = "\t"
    elif first_line.count(";") > first_line.count(","):
        delimiter = ";"
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 10:
                raise FileRefused(MSG_TOO_MANY_ROWS.format(limit=MAX_ROWS))
    except csv.Error:
        raise FileRefused(MSG_NOT_SHEET) from None
    if rows and len(rows) <= 2 and sum(len(r) for r in rows) <= 1 and not _looks_like_header(rows):
        raise FileRefused(MSG_NOT_SHEET)
    return rows, encoding


def _looks_like_header(rows):
    return any(_norm(str(cell)) in TEMPLATE_HEADERS for row in rows for cell in row)


# --- recognising the layout -----------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u200b\ufeff*]+")


def _norm(header):
    """Header text compared without spaces, asterisks (required marks) or letter case."""
    return _SPACES.sub("", str(header or "")).lower()


DMC_HEADERS = [_norm(header) for header, _f in layout.DMC_COLUMNS]
DMC_PERSON_ID_INDEX = next(i for i, (_h, f) in enumerate(layout.DMC_COLUMNS) if f == "person_id")
DMC_MIN_MATCHING = len(DMC_HEADERS) - 4  # DMC renames a header now and then; the positions stay

# Template headers, and other names schools give the same columns.
TEMPLATE_HEADERS = {_norm(header): fname for header, fname in layout.TEMPLATE_COLUMNS}
for _header, _field in layout.DMC_COLUMNS:
    if _field != "person_id":
        TEMPLATE_HEADERS.setdefault(_norm(_header), _field)
TEMPLATE_HEADERS.update({
    _norm("เลขประจำตัวประชาชน 13 หลัก"): "person_id",
    _norm("เลขบัตรประชาชน"): "person_id",
    _norm("รหัสนักเรียน"): "student_number",
    _norm("หมู่โลหิต"): "blood_group",
    _norm("อายุ"): "_age",
    _norm("ระยะทางถึงโรงเรียน"): "distance_km",
})
STORED_PSEUDO = {"_school_code"}  # pseudo-fields the checks read


def _dmc_header_matches(cells):
    found = [_norm(c) for c in cells[: len(DMC_HEADERS)]]
    found += [""] * (len(DMC_HEADERS) - len(found))
    matching = 0
    for index, (expected, got) in enumerate(zip(DMC_HEADERS, found, strict=True)):
        if got == expected or (index == DMC_PERSON_ID_INDEX and got == _norm("เลขประจำตัวประชาชน")):
            matching += 1
    return matching


def _expected_dmc():
    return ", ".join(h for h, _f in layout.DMC_COLUMNS)


def _expected_template():
    return ", ".join(h for h, _f in layout.TEMPLATE_COLUMNS)


def _label(index, header):
    return f"{get_column_letter(index + 1)} ({header})" if header else get_column_letter(index + 1)


def detect_layout(table):
    """(layout, header_row_index, plan, columns, ignored) – plan: [(column index, field)]."""
    first = next((i for i, row in enumerate(table[:5]) if any(str(c).strip() for c in row)), None)
    if first is None:
        raise FileRefused(MSG_EMPTY)
    head = [str(c).strip() if c is not None else "" for c in table[first]]
    first_text = next((c for c in head if c), "")
    if first_text.startswith(layout.DMC_TIMESTAMP_PREFIX):
        header_index = first + 1
        cells = table[header_index] if header_index < len(table) else []
        if _dmc_header_matches(cells) < DMC_MIN_MATCHING:
            raise FileRefused(
                f"แถวที่ {header_index + 1} ของไฟล์ DMC ไม่ใช่หัวตารางที่รู้จัก: คาดว่าเป็น {_expected_dmc()} "
                "(ไฟล์ต้องเป็นไฟล์ที่ดาวน์โหลดจาก DMC โดยไม่ได้แก้ไขหัวตาราง)"
            )
        return _dmc_plan(header_index, cells)
    if _dmc_header_matches(table[first]) >= DMC_MIN_MATCHING:
        return _dmc_plan(first, table[first])
    return _template_plan(first, table[first])


def _dmc_plan(header_index, cells):
    plan, columns = [], {}
    for index, (header, fname) in enumerate(layout.DMC_COLUMNS):
        if fname.startswith("_") and fname not in STORED_PSEUDO:
            continue
        plan.append((index, fname))
        columns[fname] = _label(index, checks.FIELD_LABELS.get(fname, header) if fname == "person_id" else header)
    return DMC, header_index, plan, columns, []


def _template_plan(header_index, cells):
    plan, columns, ignored, seen = [], {}, [], set()
    for index, cell in enumerate(cells[:MAX_COLUMNS]):
        header = str(cell).strip() if cell is not None else ""
        if not header:
            continue
        fname = TEMPLATE_HEADERS.get(_norm(header))
        if fname is None or fname in seen:
            ignored.append((index, header))
            continue
        seen.add(fname)
        if fname.startswith("_") and fname not in STORED_PSEUDO:
            continue
        plan.append((index, fname))
        columns[fname] = _label(index, header)
    missing = [checks.FIELD_LABELS[f] for f in checks.REQUIRED if f not in seen]
    if missing:
        if not plan:
            raise FileRefused(
                "ไม่รู้จักหัวตารางของไฟล์นี้: นำเข้าได้เฉพาะไฟล์ที่ดาวน์โหลดจาก DMC (แถวแรกเป็น "
                f'"{layout.DMC_TIMESTAMP_PREFIX} …" แถวที่สองเป็น {_expected_dmc()}) '
                f"หรือแบบฟอร์มของระบบ (หัวตารางแถวแรก: {_expected_template()})"
            )
        raise FileRefused(
            f"หัวตารางในแถวที่ {header_index + 1} ไม่มีคอลัมน์ {', '.join(missing)}: "
            f"หัวตารางของแบบฟอร์มคือ {_expected_template()}"
        )
    return TEMPLATE, header_index, plan, columns, ignored


# --- rows -------------------------------------------------------------------------------------------


def _blank(cell):
    if cell is None:
        return True
    if type(cell) is str:
        text = cell.strip()
        return not text or text in checks.NONE_MARKS
    return False


def _blank_row(cells, indexes):
    width = len(cells)
    for index in indexes:
        if index < width and not _blank(cells[index]):
            return False
    return True


def parse(data, filename=""):
    """ParseResult for a student file; raises FileRefused when the file cannot be read as one."""
    table, encoding = read_table(data, filename)
    kind, header_index, plan, columns, ignored = detect_layout(table)
    problems = [
        checks.problem("column_ignored", f"ไม่รู้จักคอลัมน์ \"{header}\" จึงไม่นำเข้า", row=header_index + 1,
                       column=_label(index, header))
        for index, header in ignored
    ]
    rows = []
    clean = checks.row_cleaner(plan, columns)
    indexes = [index for index, _f in plan]
    for offset, cells in enumerate(table[header_index + 1:], start=header_index + 2):
        if _blank_row(cells, indexes):
            continue
        values = clean(cells, offset, problems)
        values["row_number"] = offset
        rows.append(values)
        if len(rows) > MAX_ROWS:
            raise FileRefused(MSG_TOO_MANY_ROWS.format(limit=MAX_ROWS))
    if not rows:
        problems.append(checks.problem("no_rows", "ไม่พบข้อมูลนักเรียนในไฟล์ (มีแต่หัวตาราง)", row=header_index + 2))
    fields = [fname for _i, fname in plan if not fname.startswith("_")]
    if "person_id" in fields:
        fields.append("id_kind")
    return ParseResult(kind, rows, problems, columns, fields, header_index + 1, filename, encoding,
                       [header for _i, header in ignored])


# --- address → Subdistrict (reads the database) ------------------------------------------------------

_PREFIXES = {
    "subdistrict": ("ตำบล", "แขวง", "ต."),
    "district": ("อำเภอ", "เขต", "อ."),
    "province": ("จังหวัด", "จ."),
}
BANGKOK = "กรุงเทพมหานคร"
_PROVINCE_ALIASES = {"กรุงเทพฯ": BANGKOK, "กทม.": BANGKOK, "กทม": BANGKOK, "กรุงเทพ": BANGKOK}


def place_name(text, kind):
    """A division's name without its "ต." / "อ." / "จ." (or spelled-out) prefix and spaces."""
    name = _SPACES.sub("", str(text or ""))
    for prefix in _PREFIXES[kind]:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
            break
    if kind == "province":
        name = _PROVINCE_ALIASES.get(name, name)
    return name


class AddressResolver:
    """Subdistrict code for tambon + amphoe + province names, or None; lookups are cached."""

    def __init__(self):
        self._provinces = None
        self._by_province = {}
        self._cache = {}

    def resolve(self, subdistrict, district, province):
        key = (subdistrict or "", district or "", province or "")
        if key not in self._cache:
            self._cache[key] = self._lookup(*key)
        return self._cache[key]

    def _lookup(self, subdistrict, district, province):
        from schools.models import Province, Subdistrict

        if not (subdistrict and district and province):
            return None
        if self._provinces is None:
            self._provinces = {place_name(name, "province"): code
                               for code, name in Province.objects.values_list("code", "name_th")}
        prov_name = place_name(province, "province")
        code = self._provinces.get(prov_name)
        if code is None:
            return None
        if code not in self._by_province:
            table = {}
            for sub_code, sub_name, dist_name in (Subdistrict.objects.filter(district__province_id=code)
                                                  .values_list("code", "name_th", "district__name_th")):
                table.setdefault((place_name(sub_name, "subdistrict"), place_name(dist_name, "district")), sub_code)
            self._by_province[code] = table
        dist_name = place_name(district, "district")
        if dist_name == "เมือง":
            dist_name = "เมือง" + prov_name
        return self._by_province[code].get((place_name(subdistrict, "subdistrict"), dist_name))

    def apply(self, rows):
        """Set ``subdistrict_id`` on rows that carry the three names (None when they do not match)."""
        for values in rows:
            if "subdistrict_name" in values:
                values["subdistrict_id"] = self.resolve(
                    values.get("subdistrict_name"), values.get("district_name"), values.get("province_name"))
        return rows
