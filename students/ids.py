"""Person IDs of students: what kind an ID is, and whether it is valid for its kind.

Three kinds are held by schools (DESIGN.md §3):

* **citizen** – a Thai citizen ID: 13 digits, first digit 1–8, mod-11 check digit in position 13
  (validated with python-stdnum's ``stdnum.th.pin``).
* **type0** – a type-0 ID for persons without registration status: 13 digits beginning with 0,
  the same check digit. stdnum refuses a leading 0, so the checksum is computed here:
  ``d13 = (11 − Σ d_i·(14 − i) mod 11) mod 10`` for i = 1..12.
* **gcode** – an OBEC G-code for a student with no ID at all. Our precise pattern (the column
  is 13 characters wide, like the citizen ID it stands in for)::

      G YY PP SSSSSSS[S]
      │ │  │  └ running number: 7 or 8 digits
      │ │  └ DOPA province code (10–96, one of the 77 provinces)
      │ └ last two digits of the Buddhist-era year the code was issued
      └ the letter G (a lower-case g is accepted and written upper-case)

  i.e. ``^G\\d{2}(province)\\d{7,8}$``, 12 or 13 characters. G-codes have no check digit.

Input is forgiving about presentation: spaces, dashes and a leading apostrophe (Excel's
"keep as text" mark) are removed, Thai digits become Arabic, and a float rendering of a number
("1101700203451.0", as Excel cells and pandas produce) loses its ".0".
"""

import re
from dataclasses import dataclass

from stdnum.th import pin

CITIZEN = "citizen"
TYPE0 = "type0"
GCODE = "gcode"

# DOPA two-digit province codes (77 provinces).
PROVINCE_CODES = frozenset(
    [str(n) for n in range(10, 28)] + [str(n) for n in range(30, 50)] + [str(n) for n in range(50, 59)]
    + [str(n) for n in range(60, 68)] + [str(n) for n in range(70, 78)] + [str(n) for n in range(80, 87)]
    + [str(n) for n in range(90, 97)]
)

_REMOVE = str.maketrans({" ": None, "-": None, "\u00a0": None, "\t": None, "\u200b": None})
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_FLOAT_ZERO = re.compile(r"^(\d+)\.0+$")
_GCODE = re.compile(r"^G(\d{2})(\d{2})(\d{7,8})$")

# Messages (Thai, for the people who fix the file).
MSG_EMPTY = "ไม่มีเลขประจำตัวประชาชน"
MSG_LENGTH = "เลขประจำตัวประชาชนต้องมี 13 หลัก (พบ {n} หลัก)"
MSG_NOT_DIGITS = "เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก หรือรหัส G ของ สพฐ."
MSG_FIRST_DIGIT = "เลขประจำตัวประชาชนหลักแรกต้องเป็น 0–8 (พบ 9)"
MSG_CHECKSUM = "เลขตรวจสอบหลักที่ 13 ไม่ถูกต้อง (ควรเป็น {digit})"
MSG_GCODE = (
    "รหัส G ต้องเป็น G ตามด้วยปี พ.ศ. 2 หลัก รหัสจังหวัด 2 หลัก และเลขลำดับ 7–8 หลัก เช่น G69640000001"
)
MSG_GCODE_PROVINCE = "รหัส G มีรหัสจังหวัด {code} ซึ่งไม่ใช่รหัสจังหวัดของกรมการปกครอง"
MSG_SCIENTIFIC = "เลขประจำตัวประชาชนถูกแปลงเป็นเลขยกกำลัง (เช่น 1.1E+12) โดย Excel จึงสูญหลักไป: จัดรูปแบบเซลล์เป็นข้อความแล้วพิมพ์ใหม่"


class InvalidId(ValueError):
    """A person ID that is not valid for its kind; ``message`` says what is wrong, in Thai."""

    def __init__(self, message, value=""):
        super().__init__(message)
        self.message = message
        self.value = value


@dataclass(frozen=True)
class ParsedId:
    value: str  # normalised (what we store), or the cleaned text when invalid
    kind: str | None  # CITIZEN / TYPE0 / GCODE, None when invalid
    error: str | None  # Thai message, None when valid

    @property
    def ok(self):
        return self.error is None


def clean(raw):
    """The ID as text without separators, apostrophe, Thai digits or a float's ".0"."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):  # NaN / infinity
            return ""
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    text = str(raw).strip()
    if text[:1] == "'":
        text = text[1:]
    if text.isdigit() and text.isascii():  # the common case, quickly
        return text
    text = text.translate(_REMOVE).translate(_THAI_DIGITS).lstrip("'’‘`")
    match = _FLOAT_ZERO.match(text)
    if match:
        text = match.group(1)
    return text


def check_digit(first12):
    """The mod-11 check digit (as an int) for the first 12 digits of a citizen or type-0 ID."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12[:12]))
    return (11 - total % 11) % 10


def parse(raw):
    """ParsedId for any input; never raises."""
    text = clean(raw)
    if not text:
        return ParsedId("", None, MSG_EMPTY)
    if text[0] in "Gg":
        text = "G" + text[1:]
        match = _GCODE.match(text)
        if not match:
            return ParsedId(text, None, MSG_GCODE)
        if match.group(2) not in PROVINCE_CODES:
            return ParsedId(text, None, MSG_GCODE_PROVINCE.format(code=match.group(2)))
        return ParsedId(text, GCODE, None)
    if not (text.isascii() and text.isdigit()):
        upper = text.upper()
        if ("E+" in upper or "E-" in upper) and text[0].isdigit():
            return ParsedId(text, None, MSG_SCIENTIFIC)
        return ParsedId(text, None, MSG_NOT_DIGITS)
    if len(text) != 13:
        return ParsedId(text, None, MSG_LENGTH.format(n=len(text)))
    if text[0] == "9":
        return ParsedId(text, None, MSG_FIRST_DIGIT)
    # stdnum's check digit is the same for type-0 IDs; only its validate() refuses a leading 0.
    expected = pin.calc_check_digit(text)
    if text[12] != expected:
        return ParsedId(text, None, MSG_CHECKSUM.format(digit=expected))
    return ParsedId(text, TYPE0 if text[0] == "0" else CITIZEN, None)


def classify(raw):
    """(normalised, kind) for a valid ID; raises InvalidId with a Thai message otherwise."""
    parsed = parse(raw)
    if parsed.error:
        raise InvalidId(parsed.error, parsed.value)
    return parsed.value, parsed.kind


def is_valid(raw):
    return parse(raw).ok


def with_check_digit(first12):
    """A complete 13-digit ID from its first 12 digits (test data, synthetic benchmarks)."""
    return f"{first12}{check_digit(first12)}"
