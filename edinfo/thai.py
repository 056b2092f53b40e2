"""Thai calendar and digit helpers: Buddhist Era (พ.ศ. = ค.ศ. + 543) for every date a person reads."""

import datetime

from django.utils import timezone

BE_OFFSET = 543

MONTHS_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def to_thai_digits(value):
    return str(value).translate(THAI_DIGITS)


def to_arabic_digits(value):
    return str(value).translate(ARABIC_DIGITS)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value
    return value


def format_date(value, full=False, with_time=False, thai_digits=False):
    """'10 พ.ย. 2569' (or 'full': '10 พฤศจิกายน 2569'); '' for no date."""
    if not value:
        return ""
    value = _as_date(value)
    months = MONTHS_FULL if full else MONTHS_ABBR
    text = f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET}"
    if with_time and isinstance(value, datetime.datetime):
        text += f" {value:%H:%M} น."
    return to_thai_digits(text) if thai_digits else text


def academic_year(day):
    """The Thai academic year (พ.ศ.) a date falls in; it starts in mid-May."""
    year = day.year + BE_OFFSET
    return year if (day.month, day.day) >= (5, 16) else year - 1
