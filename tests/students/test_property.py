"""Property-based: random bad cells and damaged files never raise anything but a refusal, and never
leave a partial write – the round holds either exactly what it held before, or exactly the file."""

import random

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from students import importing, layout, services
from students.models import StudentRecord
from tests.factories import UserFactory

from .dmcfiles import csv_bytes, dmc_table, dmc_xlsx, student, xlsx
from .factories import RoundFactory, StudentRecordFactory, citizen_id

pytestmark = pytest.mark.django_db

History = StudentRecord.history.model
FIELDS = [fname for _h, fname in layout.DMC_COLUMNS]

ODD_VALUES = [
    "", " ", "-", "'", "''", "0", "00", "G", "g", "G69", "ป.", "ป.1", "ม.7", "อ.0", "ช", "ญ", "x", "เด็กชาย", "นาง",
    "31/02/2562", "29/02/2563", "00/00/0000", "1/1/1", "2562-13-01", "25/06/2590", "9999-12-31", "NaN", "inf",
    "-1", "1e309", "1e-309", "1,5", "1.2.3", "๑๒๓", "12345678901234567890", "=1+1", "@SUM(A1)", "'=cmd",
    "\\N", "a\tb", "a\nb", "\u200b", "\ufeff", "\x00", "ก" * 120, citizen_id(1), citizen_id(2), "1101700203450",
]
cell = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=30),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.none(),
)
row_changes = st.dictionaries(st.sampled_from(FIELDS), cell, max_size=6)


def _xlsx_safe(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)  # an xlsx cell cannot hold NaN or infinity
    return value


def _file(rows, kind):
    if kind == "csv":
        return csv_bytes(dmc_table(rows)), "random.csv"
    table = [[_xlsx_safe(v) for v in row] for row in dmc_table(rows)]
    return xlsx(table), "random.xlsx"


class _Rollback(Exception):
    pass


def _state(school, round_):
    return (sorted(StudentRecord.objects.filter(school=school, round=round_)
                   .values_list("pk", "person_id", "first_name", "weight_kg", "birth_date", "updated_at")),
            History.objects.count())


@pytest.fixture
def setting(school):
    round_ = RoundFactory()
    user = UserFactory(username="fuzzer")
    for n in (1, 2, 3):
        StudentRecordFactory(school=school, round=round_, person_id=citizen_id(n))
    return school, round_, user


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(changes=st.lists(row_changes, min_size=1, max_size=5), kind=st.sampled_from(["csv", "xlsx"]))
def test_random_bad_cells_are_refused_whole_or_imported_whole(setting, changes, kind):
    school, round_, user = setting
    rows = [student(n, **change) for n, change in enumerate(changes, start=1)]
    data, filename = _file(rows, kind)
    try:
        with transaction.atomic():
            before = _state(school, round_)
            try:
                result = services.import_commit(school=school, round=round_, data=data, filename=filename, user=user)
            except services.ImportRefused as refused:
                event("refused")
                assert refused.message
                assert _state(school, round_) == before  # nothing written
            else:
                event("imported")
                held = set(StudentRecord.objects.filter(school=school, round=round_).values_list("person_id", flat=True))
                parsed = importing.parse(data, filename)
                assert held == {r["person_id"] for r in parsed.rows}
                assert result.new + result.changed + result.unchanged == len(held)
                preview = services.import_preview(school=school, round=round_, data=data, filename=filename)
                assert (preview.new, preview.changed, preview.removed) == (0, 0, 0)  # it now holds the file
            raise _Rollback
    except _Rollback:
        pass


@settings(max_examples=80, deadline=None, database=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), flips=st.integers(min_value=1, max_value=40))
def test_damaged_workbooks_are_read_or_refused_never_crash(seed, flips):
    data = bytearray(_WORKBOOK)
    rng = random.Random(seed)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    try:
        importing.parse(bytes(data), "damaged.xlsx")
    except importing.FileRefused as refused:
        assert refused.message


@settings(max_examples=80, deadline=None, database=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x", "x.xls"]))
def test_arbitrary_bytes_are_read_or_refused_never_crash(data, name):
    try:
        importing.parse(data, name)
    except importing.FileRefused as refused:
        assert refused.message


_WORKBOOK = dmc_xlsx([student(n) for n in range(1, 4)])


@settings(max_examples=60, deadline=None, database=None)
@given(rows=st.lists(st.lists(cell, min_size=len(FIELDS), max_size=len(FIELDS)), min_size=1, max_size=8))
def test_the_fast_row_cleaner_agrees_with_clean_data(rows):
    """The parser's per-file cleaner (short paths, per-column memory) gives what the form's cleaner gives."""
    from students import checks

    plan = [(index, fname) for index, fname in enumerate(FIELDS)]
    fast = checks.row_cleaner(plan, {})
    for number, cells in enumerate(rows, start=3):
        fast_problems, slow_problems = [], []
        fast_values = fast(cells, number, fast_problems)
        slow_values, _ = checks.clean_data(dict(zip(FIELDS, cells, strict=True)), row=number,
                                           problems=slow_problems)
        assert fast_values == slow_values
        key = sorted((p.code, p.field, p.value) for p in fast_problems)
        assert key == sorted((p.code, p.field, p.value) for p in slow_problems)
