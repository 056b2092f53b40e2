"""Indicator sets as data: a CSV of indicator_no, name_th, category_no, category_name, is_education.

bmn/data/indicator_set_2560_2564.csv is ours (the official wording of the 31 public criteria of
the 2560–2564 set, their 5 หมวด and the education flag on 15–19). A later set (e.g. 2566–2570)
is loaded from a CSV of the same shape with ``manage.py load_bmn_indicators`` or the officers'
upload page; no code changes.
"""

import csv
import io
from pathlib import Path

from django.db import transaction

from students.checks import ERROR, Problem
from students.importing import FileRefused, read_table

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "indicator_set_2560_2564.csv"
DEFAULT_SET = {"code": "2560-2564", "name": "เครื่องชี้วัด จปฐ. ปี 2560–2564 (5 หมวด 31 ตัวชี้วัด)",
               "first_year": 2560, "last_year": 2564}
COLUMNS = ["indicator_no", "name_th", "category_no", "category_name", "is_education"]
TRUE = {"1", "yes", "y", "true", "ใช่", "x", "✓"}
FALSE = {"", "0", "no", "n", "false", "ไม่ใช่", "-"}


def parse_indicator_rows(table):
    """(indicators, problems) from a table (list of rows, header first)."""
    problems = []
    if not table:
        raise FileRefused("ไฟล์ว่างเปล่า")
    header = [str(c).strip().lstrip("\ufeff") for c in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise FileRefused("ไฟล์ชุดตัวชี้วัดต้องมีหัวคอลัมน์ " + ", ".join(COLUMNS) + " (ขาด " + ", ".join(missing) + ")")
    at = {name: header.index(name) for name in COLUMNS}
    indicators, seen = [], set()
    for offset, cells in enumerate(table[1:], start=2):
        cells = [str(c).strip() if c is not None else "" for c in cells]
        if not any(cells):
            continue

        def cell(name, cells=cells):
            index = at[name]
            return cells[index] if index < len(cells) else ""

        def bad(column, message, value="", offset=offset):
            problems.append(Problem("indicator", ERROR, message, row=offset, column=column, value=value))

        number, category = cell("indicator_no"), cell("category_no")
        if not number.isdigit() or int(number) < 1:
            bad("indicator_no", "เลขตัวชี้วัดต้องเป็นจำนวนเต็มบวก", number)
            continue
        if int(number) in seen:
            bad("indicator_no", "เลขตัวชี้วัดซ้ำกับแถวก่อนหน้า", number)
        seen.add(int(number))
        if not cell("name_th"):
            bad("name_th", "ต้องมีข้อความตัวชี้วัด")
        if not category.isdigit():
            bad("category_no", "เลขหมวดต้องเป็นจำนวนเต็ม", category)
        if not cell("category_name"):
            bad("category_name", "ต้องมีชื่อหมวด")
        flag = cell("is_education").lower()
        if flag not in TRUE | FALSE:
            bad("is_education", "ใส่ 1 ถ้าเป็นตัวชี้วัดด้านการศึกษา หรือ 0 ถ้าไม่ใช่", flag)
        indicators.append({
            "number": int(number), "name_th": cell("name_th")[:300],
            "category_no": int(category) if category.isdigit() else 0,
            "category_name": cell("category_name")[:100], "is_education": flag in TRUE,
        })
    if not indicators and not problems:
        raise FileRefused("ไฟล์ชุดตัวชี้วัดไม่มีตัวชี้วัดเลย")
    return indicators, problems


def read_indicator_file(data, filename=""):
    rows, _ = read_table(data, filename)
    return parse_indicator_rows(rows)


def default_indicators():
    with open(DEFAULT_FILE, encoding="utf-8", newline="") as handle:
        return parse_indicator_rows(list(csv.reader(io.StringIO(handle.read()))))[0]


MSG_IN_USE = ("ชุดตัวชี้วัดรหัส {code} ใช้อ่านข้อมูลสำรวจแล้ว ({surveys}) จึงแก้ไขหรือแทนที่ไม่ได้ "
              "เพราะผลสำรวจเดิมอ่านตามชุดนี้: ให้บันทึกเป็นชุดใหม่ด้วยรหัสอื่น (ยังไม่ได้บันทึกข้อมูลใด ๆ)")


class SetInUse(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@transaction.atomic
def save_indicator_set(*, code, name, indicators, first_year=None, last_year=None, note="", models=None):
    """Create a set, or replace a set that no survey uses yet. A set that a survey was read against
    is never changed (its results would silently change meaning): SetInUse. Returns the IndicatorSet."""
    if models is None:
        from .models import Indicator, IndicatorSet
    else:
        IndicatorSet, Indicator = models
    existing = IndicatorSet.objects.filter(code=code).first()
    if existing is not None:
        surveys = list(existing.surveys.order_by("year", "province_code"))
        if surveys:
            raise SetInUse(MSG_IN_USE.format(code=code, surveys=", ".join(
                getattr(s, "label", f"จปฐ. ปี {s.year}") for s in surveys)))
    indicator_set, _ = IndicatorSet.objects.update_or_create(
        code=code, defaults={"name": name, "first_year": first_year, "last_year": last_year, "note": note}
    )
    numbers = [item["number"] for item in indicators]
    for item in indicators:
        Indicator.objects.update_or_create(
            indicator_set=indicator_set, number=item["number"],
            defaults={k: v for k, v in item.items() if k != "number"},
        )
    Indicator.objects.filter(indicator_set=indicator_set).exclude(number__in=numbers).delete()
    return indicator_set


def ensure_default_set():
    from .models import IndicatorSet

    existing = IndicatorSet.objects.filter(code=DEFAULT_SET["code"]).first()
    return existing or save_indicator_set(indicators=default_indicators(), **DEFAULT_SET)
