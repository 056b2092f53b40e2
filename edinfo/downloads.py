"""Names of downloaded files and of their sheets, in Thai, the same way on every export.

A file a person saves should say what it holds and for which school and round without opening
it: นักเรียน-64010001-2569-10พย.xlsx. Browsers need RFC 5987 (`filename*=UTF-8''…`) for such a
name; clients that do not read it take the plain `filename=` beside it, an ASCII name of the same
file (students-64010001-2569-nov10.xlsx).
"""

import re
from urllib.parse import quote

from .thai import MONTHS_ABBR

# Excel refuses these in a sheet title, and a title longer than 31 characters.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters a file name must not carry on any common system.
_FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def round_label(round_):
    """A round as a file name reads it: the academic year, then the census day with the Thai
    month abbreviation without its dots ("2569-10พย", "2569-10มิย", "2569-31มีค"), so the only dot
    left in a file name is the one before its extension."""
    day = round_.census_day
    return f"{round_.academic_year}-{day.day}{MONTHS_ABBR[day.month - 1].replace('.', '')}"


def filename(*parts, extension):
    """The parts joined by "-" (empty ones left out), cleaned of characters no system accepts."""
    stem = "-".join(_FILE_FORBIDDEN.sub("-", str(part)).strip(" -") for part in parts if part)
    return f"{stem}.{extension}"


def attach(response, name, *, fallback, inline=False):
    """Set the response's Content-Disposition: the Thai name for every current browser (RFC 5987 and
    6266), the ASCII `fallback` for the rest."""
    plain = re.sub(r'[^\x21-\x7e]|["\\]', "_", fallback)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
    return response


def sheet_title(text):
    """A worksheet title Excel accepts: forbidden characters replaced, at most 31 characters."""
    return _SHEET_FORBIDDEN.sub("-", str(text)).strip()[:31] or "ข้อมูล"
