"""Reads of student records that more than one page (and the workflow) need."""

from dataclasses import dataclass, field

from . import checks
from .models import StudentRecord

# Stored fields the import's cleaners know: a record written around the checks (the admin, a
# script, an older version of the rules) is cleaned again, so an invalid ID or an unknown code
# shows here just as it would in a file.
_CLEANED = None


def _cleaned_fields():
    global _CLEANED
    if _CLEANED is None:
        names = {f.name for f in StudentRecord._meta.concrete_fields}
        _CLEANED = ["person_id", *(name for name in checks.cleaners() if name in names)]
    return _CLEANED


@dataclass
class StoredProblems:
    """What the checks say about a school's stored records for a round."""

    pairs: list = field(default_factory=list)  # (record or None, Problem), errors first
    record_count: int = 0

    @property
    def items(self):
        return [problem for _record, problem in self.pairs]

    @property
    def error_count(self):
        return sum(1 for _record, problem in self.pairs if problem.is_error)

    @property
    def warning_count(self):
        return len(self.pairs) - self.error_count


def stored_problems(*, school, round):
    """The import preview's checks run over the school's stored records for the round.

    Each record stands for one row of a file, so the list says what the preview said: cleaning
    (IDs, codes, dates, lengths), the row checks, and – district-wide – the same person in another
    school this round and students of the previous round missing now (those come with no record).
    Problems name no spreadsheet row (``row`` is None) and show person IDs masked, since lists and
    messages never show a full ID.
    """
    names = _cleaned_fields()
    stored = list(
        StudentRecord.objects.filter(school=school, round=round)
        .order_by("grade", "room", "student_number", "pk").values_list("pk", *names)
    )
    # The import's own fast cleaner, reading each stored row as the cells of a file's row.
    clean = checks.row_cleaner(list(enumerate(names, start=1)), None)
    found, rows = [], []
    for index, cells in enumerate(stored):
        values = clean(cells, index, found)
        values["row_number"] = index
        rows.append(values)
    found.extend(checks.check_rows(rows, school=school, round=round))
    # Until here a problem's ``row`` is its record's index in ``stored``; only records with a
    # problem are loaded whole (the problems page links and names them).
    wanted = {stored[p.row][0] for p in found if p.row is not None}
    records = {}
    for chunk in checks._chunks(wanted):
        records.update(StudentRecord.objects.in_bulk(chunk))
    pairs = []
    for problem in found:
        index = problem.row
        record = records[stored[index][0]] if index is not None else None
        problem.row = None
        if problem.field == "person_id" and problem.value and problem.code != "missing_since_previous":
            problem.value = record.masked_id if record else checks.mask(problem.value)
        pairs.append((index, record, problem))
    pairs.sort(key=lambda item: (not item[2].is_error, item[0] is None, item[0] or 0))
    return StoredProblems(pairs=[(record, problem) for _index, record, problem in pairs], record_count=len(stored))
