"""Writing student records: the two-step file import and the one-record save.

The import is *preview, then commit*. :func:`import_preview` reads and checks a file and says what
committing it would do; :func:`import_commit` does it – re-reading and re-checking the same bytes –
in one transaction, so that afterwards the round holds exactly the file for that school:
new students created, changed ones updated, those no longer in the file removed, unchanged
records not touched at all (re-importing a file writes nothing, not even history).

Nothing is written while any blocking error exists, or while the school's submission for the
round is certified or acknowledged (locked). Every change keeps a history row with the user.

Writes are bulk: on SQLite, simple_history's ``bulk_create_with_history`` /
``bulk_update_with_history``; on PostgreSQL, COPY into the table (and a temporary table for
updates) with the history rows written by one INSERT … SELECT – 20,000 rows in about a second.
"""

import datetime
import io
import operator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from collection.models import Submission
from collection.services import submission_recheck
from schools.levels import SHORT_TH

from . import checks, importing
from .checks import ERROR, WARNING, Problem
from .importing import FileRefused, ImportRefused  # noqa: F401 – re-exported for callers
from .models import StudentRecord

__all__ = ["ImportRefused", "FileRefused", "Preview", "import_preview", "import_commit", "record_save"]

MSG_LOCKED = ("ข้อมูลนักเรียนรอบนี้ของโรงเรียนถูกล็อก (รับรองแล้ว หรือปิดรอบแล้ว) จึงแก้ไขหรือนำเข้าไม่ได้ "
              "จนกว่าสำนักงานเขตจะเปิดให้แก้ไข")
# The one reason that applies (Submission.lock_reason), so a teacher knows whom to ask and when.
MSG_LOCKED_BY_REASON = {
    "planned": "รอบนี้ยังไม่เปิดให้บันทึกข้อมูล จึงแก้ไขหรือนำเข้าไม่ได้จนกว่าสำนักงานเขตจะเปิดรอบ",
    "closed": "รอบนี้ปิดแล้ว จึงแก้ไขหรือนำเข้าไม่ได้ จนกว่าสำนักงานเขตจะเปิดให้โรงเรียนนี้แก้ไข",
}


def locked_message(reason):
    """The Thai refusal for a lock reason ('certified', 'planned', 'closed')."""
    return MSG_LOCKED_BY_REASON.get(reason, MSG_LOCKED)


def _refuse_locked(reason):
    message = locked_message(reason)
    raise ImportRefused(message, [checks.problem("submission_locked", message)])
MSG_REMOVALS = ("ยังไม่ได้บันทึก: ไฟล์นี้จะลบนักเรียน {n:,} คนที่ไม่มีในไฟล์ออกจากรอบนี้ "
                "ถ้าไฟล์มีนักเรียนไม่ครบ ให้ยกเลิกแล้วนำเข้าไฟล์ที่มีนักเรียนทั้งโรงเรียน หรือติ๊กยืนยันการลบแล้วบันทึกอีกครั้ง")
MSG_BLOCKED = "ยังนำเข้าไม่ได้: ไฟล์มีข้อผิดพลาด {n:,} รายการ แก้ไขแล้วนำเข้าใหม่ (ยังไม่มีการบันทึกข้อมูลใด ๆ)"
MSG_RECORD_BLOCKED = "ยังบันทึกไม่ได้: มีข้อผิดพลาด {n} รายการ"
MSG_WRONG_RECORD = "ระเบียนนี้ไม่ใช่ของโรงเรียนและรอบที่เลือก"
REMOVED_LIST_LIMIT = 500

# Model fields an import may write (everything but keys and timestamps).
_SKIP = {"id", "round", "school", "created_at", "updated_at"}
MODEL_FIELDS = [f for f in StudentRecord._meta.concrete_fields if f.name not in _SKIP]
ATTNAMES = {f.attname for f in MODEL_FIELDS}
ADDRESS_FIELDS = ("subdistrict_name", "district_name", "province_name")


@dataclass
class Preview:
    """What an import does (or would do) to a school's round."""

    school: object
    round: object
    filename: str = ""
    layout: str = ""  # importing.DMC or importing.TEMPLATE; "" when the file was refused
    rows: int = 0  # student rows read from the file
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0  # records of this school and round that the file no longer holds
    problems: list = field(default_factory=list)
    locked: bool = False
    refused: str = ""  # why the file as a whole could not be read
    committed: bool = False
    removed_records: list = field(default_factory=list)  # dicts: masked_id, name, grade (first 500)

    @property
    def errors(self):
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self):
        return [p for p in self.problems if p.level == WARNING]

    @property
    def error_count(self):
        return sum(1 for p in self.problems if p.level == ERROR)

    @property
    def warning_count(self):
        return sum(1 for p in self.problems if p.level == WARNING)

    @property
    def can_commit(self):
        return not self.locked and not self.refused and self.error_count == 0

    @property
    def summary(self):
        """One Thai line: ใหม่ 12 · แก้ไข 3 · ไม่เปลี่ยน 480 · นำออก 2 · ข้อผิดพลาด 0 · คำเตือน 5."""
        return (f"ใหม่ {self.new:,} · แก้ไข {self.changed:,} · ไม่เปลี่ยน {self.unchanged:,} · นำออก {self.removed:,} · "
                f"ข้อผิดพลาด {self.error_count:,} · คำเตือน {self.warning_count:,}")


@dataclass
class _Plan:
    creates: list = field(default_factory=list)  # value dicts
    updates: list = field(default_factory=list)  # (pk, value dict, changed attnames)
    deletes: list = field(default_factory=list)  # pks
    fields: list = field(default_factory=list)  # attnames the file provides


# --- the two steps ----------------------------------------------------------------------------------


def import_preview(*, school, round, data, filename):
    """Read and check a file; say what committing it would do. Writes nothing, never raises for the file."""
    preview, _plan = _analyse(school=school, round=round, data=data, filename=filename)
    return preview


def import_commit(*, school, round, data, filename, user, allow_removals=True):
    """Make the school's round hold exactly the file, in one transaction; returns the Preview of what was done.

    Raises ImportRefused (FileRefused for an unreadable file) when anything blocks: then nothing
    at all has been written.
    """
    parsed = importing.parse(data, filename)  # FileRefused propagates
    with transaction.atomic():
        submission = _lock_submission(school, round)
        if submission.is_locked:
            _refuse_locked(submission.lock_reason)
        preview, plan = _analyse(school=school, round=round, data=data, filename=filename, parsed=parsed,
                                 locked=False)
        if not preview.can_commit:
            errors = preview.errors
            raise ImportRefused(MSG_BLOCKED.format(n=len(errors)), errors)
        if preview.removed and not allow_removals:
            # A file holding only some students would silently delete the rest: the page asks
            # the person to say, with a tick, that the removals are meant.
            raise ImportRefused(MSG_REMOVALS.format(n=preview.removed), [])
        _write(plan, school=school, round=round, user=user,
               reason=f"นำเข้าไฟล์ {filename}"[:100])
        # The preview has just checked exactly what is now stored: reuse its counts (file-level
        # notes such as ignored columns are not about any record) instead of checking it all again.
        warnings = sum(1 for p in preview.warnings if p.code != "column_ignored")
        _recheck(submission, school, round, counts=(preview.rows, 0, warnings))
        preview.committed = True
    return preview


def record_save(*, school, round, data, user, record=None):
    """Create or update one record from form data, by the import's checks; returns (record, warnings).

    Raises ImportRefused with the blocking problems (``problems``, each with its ``field``) when
    the data has errors or the submission is locked.
    """
    if record is not None and (record.school_id != school.pk or record.round_id != round.pk):
        raise ImportRefused(MSG_WRONG_RECORD)
    reason = _submission_locked(school, round)
    if reason:  # say so before listing what else is wrong
        _refuse_locked(reason)
    values, problems = checks.validate_record(data, school=school, round=round,
                                              exclude_pk=record.pk if record is not None else None)
    errors = [p for p in problems if p.level == ERROR]
    if errors:
        raise ImportRefused(MSG_RECORD_BLOCKED.format(n=len(errors)), errors)
    with transaction.atomic():
        submission = _lock_submission(school, round)
        if submission.is_locked:
            _refuse_locked(submission.lock_reason)
        if record is None:
            record = StudentRecord(school=school, round=round)
        for name, value in values.items():
            if name in ATTNAMES:
                setattr(record, name, value)
        if any(name in values for name in ADDRESS_FIELDS):
            record.subdistrict_id = importing.AddressResolver().resolve(
                record.subdistrict_name, record.district_name, record.province_name)
        record._history_user = user
        record.save()
        _recheck(submission, school, round)
    return record, [p for p in problems if p.level == WARNING]


def _recheck(submission, school, round, counts=None):
    # In the same transaction as the write, so the board's counts never describe data that was
    # rolled back, nor miss data that was committed.
    submission.school, submission.round = school, round
    submission_recheck(submission=submission, counts=counts)


# --- analysis -----------------------------------------------------------------------------------------


def _submission_locked(school, round):
    """Why the school's data of the round is locked ('' when it is not): Submission.lock_reason
    decides; a school without a submission yet is asked through an unsaved draft."""
    return Submission.lock_reason_of(school, round)


def _lock_submission(school, round):
    submission, _created = Submission.objects.get_or_create(
        school=school, round=round, defaults={"status": Submission.Status.DRAFT})
    return Submission.objects.select_for_update().get(pk=submission.pk)


def _analyse(*, school, round, data, filename, parsed=None, locked=None):
    preview = Preview(school=school, round=round, filename=filename)
    reason = _submission_locked(school, round) if locked is None else ("certified" if locked else "")
    preview.locked = bool(reason)
    if preview.locked:
        preview.problems.append(checks.problem("submission_locked", locked_message(reason)))
    if parsed is None:
        try:
            parsed = importing.parse(data, filename)
        except FileRefused as refused:
            preview.refused = refused.message
            preview.problems.append(checks.problem("file_refused", refused.message))
            return preview, None
    preview.layout = parsed.layout
    preview.rows = len(parsed.rows)
    importing.AddressResolver().apply(parsed.rows)
    preview.problems.extend(parsed.problems)
    preview.problems.extend(checks.check_rows(parsed.rows, school=school, round=round, columns=parsed.columns))
    preview.problems.sort(key=checks._problem_order)
    plan = _diff(parsed, school=school, round=round, preview=preview)
    return preview, plan


def _compare_fields(parsed):
    names = [name for name in parsed.fields if name in ATTNAMES]
    if any(name in parsed.fields for name in ADDRESS_FIELDS):
        names.append("subdistrict_id")
    return names


def _diff(parsed, *, school, round, preview):
    names = _compare_fields(parsed)
    plan = _Plan(fields=names)
    existing = {
        row["person_id"]: row
        for row in StudentRecord.objects.filter(school=school, round=round).order_by().values("pk", *names)
    }
    seen = set()
    for values in parsed.rows:
        pid = values.get("person_id")
        if not pid or pid in seen:
            continue
        seen.add(pid)
        old = existing.get(pid)
        if old is None:
            plan.creates.append(values)
            continue
        changed = [name for name in names if values.get(name) != old[name]]
        if changed:
            plan.updates.append((old["pk"], values, changed))
        else:
            preview.unchanged += 1
    gone = [row for pid, row in existing.items() if pid not in seen]
    plan.deletes = [row["pk"] for row in gone]
    preview.new, preview.changed, preview.removed = len(plan.creates), len(plan.updates), len(plan.deletes)
    if gone:
        for record in (StudentRecord.objects.filter(pk__in=plan.deletes[:REMOVED_LIST_LIMIT])
                       .only("person_id", "id_kind", "first_name", "last_name", "grade", "prefix")):
            preview.removed_records.append({
                "masked_id": record.masked_id, "name": record.full_name,
                "grade": SHORT_TH.get(record.grade, record.grade),
            })
    return plan


# --- writing ------------------------------------------------------------------------------------------


def _write(plan, *, school, round, user, reason):
    now = timezone.now()
    fast = connection.vendor == "postgresql" and _has_copy()
    user_id = user.pk if user is not None and getattr(user, "pk", None) else None
    if plan.deletes:
        # History first (the rows are still there to copy), then a plain DELETE: QuerySet.delete()
        # would send a signal per record, and simple_history would write a second, user-less row.
        table = connection.ops.quote_name(StudentRecord._meta.db_table)
        with connection.cursor() as cursor:
            if fast:
                _history_where("id = ANY(%s)", [plan.deletes], "-", user_id, reason, now)
                cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [plan.deletes])
            else:
                _history_from_table(plan.deletes, "-", user_id, reason, now)
                for chunk in checks._chunks(plan.deletes):
                    cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
    if plan.updates:
        if fast:
            _copy_update(plan, user_id, reason, now)
        else:
            _bulk_update(plan, user, reason, now)
    if plan.creates:
        if fast:
            _copy_create(plan.creates, school, round, user_id, reason, now)
        else:
            objs = [_new_record(values, school, round) for values in plan.creates]
            bulk_create_with_history(objs, StudentRecord, batch_size=500, default_user=user,
                                     default_change_reason=reason, default_date=now)


def _new_record(values, school, round):
    record = StudentRecord(school=school, round=round)
    for name, value in values.items():
        if name in ATTNAMES:
            setattr(record, name, value)
    return record


def _bulk_update(plan, user, reason, now):
    by_pk = {pk: (values, changed) for pk, values, changed in plan.updates}
    fields = sorted({name for _pk, _values, changed in plan.updates for name in changed})
    objs = []
    for chunk in checks._chunks(list(by_pk)):
        for record in StudentRecord.objects.filter(pk__in=chunk):
            values, _changed = by_pk[record.pk]
            for name in plan.fields:
                setattr(record, name, values.get(name))
            record.updated_at = now
            objs.append(record)
    model_fields = [f.name for f in MODEL_FIELDS if f.attname in fields] + ["updated_at"]
    bulk_update_with_history(objs, StudentRecord, model_fields, batch_size=500, default_user=user,
                             default_change_reason=reason, default_date=now)


# PostgreSQL: COPY ------------------------------------------------------------------------------------


def _has_copy():
    with connection.cursor() as cursor:
        return hasattr(cursor.cursor, "copy_expert")


def _copy_text(value):
    """A value in COPY's text format (tab-separated; \\N is NULL)."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _insert_columns():
    """(attnames, defaults) of StudentRecord columns COPY fills, in order; defaults for absent values."""
    columns, defaults = [], []
    for f in StudentRecord._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.attname)
        defaults.append(f.get_default() if f.has_default() else ("" if f.empty_strings_allowed and not f.null
                                                                  else None))
    return columns, defaults


def _copy_rows(cursor, table, columns, lines):
    buffer = io.StringIO("\n".join(lines) + "\n")
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)


def _copy_lines(rows, columns, defaults):
    """COPY text lines for value dicts; ``defaults`` (Python values) fill the columns a dict lacks.

    The common case is built in one expression per row; a row whose line holds a character COPY
    treats specially (backslash, tab, newline) is built again value by value with escaping.
    """
    base = dict(zip(columns, defaults, strict=True))
    pick = operator.itemgetter(*columns)
    tabs = len(columns) - 1
    lines = []
    for values in rows:
        picked = pick({**base, **values})
        # NUL stands in for NULL while the line is checked (cleaned text never holds one), then becomes \N.
        line = "\t".join([v if v.__class__ is str else "\x00" if v is None else str(v) for v in picked])
        if ("\\" in line or "\n" in line or "\r" in line or line.count("\t") != tabs
                or line.count("\x00") != picked.count(None)):
            line = "\t".join(_copy_text(v) for v in picked)
        else:
            line = line.replace("\x00", "\\N")
        lines.append(line)
    return lines


def _copy_create(creates, school, round, user_id, reason, now):
    columns, defaults = _insert_columns()
    fixed = {"round_id": round.pk, "school_id": school.pk, "created_at": now, "updated_at": now}
    defaults = [fixed.get(name, default) for name, default in zip(columns, defaults, strict=True)]
    lines = _copy_lines(creates, columns, defaults)
    table = connection.ops.quote_name(StudentRecord._meta.db_table)
    with connection.cursor() as cursor:
        _copy_rows(cursor, table, columns, lines)
    person_ids = [values["person_id"] for values in creates]
    _history_where("round_id = %s AND school_id = %s AND person_id = ANY(%s)", [round.pk, school.pk, person_ids],
                   "+", user_id, reason, now)


def _copy_update(plan, user_id, reason, now):
    names = sorted({name for _pk, _values, changed in plan.updates for name in changed})
    columns = ["id", *names, "updated_at"]
    main = connection.ops.quote_name(StudentRecord._meta.db_table)
    temp = "student_import_changes"
    types = {f.attname: f.db_type(connection) for f in StudentRecord._meta.concrete_fields}
    lines = [
        "\t".join([str(pk), *(_copy_text(values.get(name)) for name in names), now.isoformat()])
        for pk, values, _changed in plan.updates
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ("
                       + ", ".join(f"{quote(c)} {types[c]}" for c in columns) + ")")
        _copy_rows(cursor, temp, columns, lines)
        assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns if c != "id")
        cursor.execute(f"UPDATE {main} AS t SET {assignments} FROM {temp} AS s WHERE t.id = s.id")
        cursor.execute(f"DROP TABLE {temp}")
    _history_where("id = ANY(%s)", [[pk for pk, _v, _c in plan.updates]], "~", user_id, reason, now)


# History rows straight from the table -----------------------------------------------------------------


def _history_sql(where):
    history = StudentRecord.history.model
    source = {f.attname for f in StudentRecord._meta.concrete_fields}
    targets, selects = [], []
    extra = {"history_date": "%s", "history_change_reason": "%s", "history_type": "%s", "history_user_id": "%s"}
    order = []
    for f in history._meta.concrete_fields:
        if f.attname == "history_id":
            continue
        if f.attname in source:
            targets.append(f.column)
            selects.append(connection.ops.quote_name(f.attname))
        elif f.attname in extra:
            targets.append(f.column)
            selects.append(extra[f.attname])
            order.append(f.attname)
        else:
            raise RuntimeError(f"history column {f.attname} has no source")  # a new simple_history field
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(quote(c) for c in targets)}) "
           f"SELECT {', '.join(selects)} FROM {quote(StudentRecord._meta.db_table)} WHERE {where}")
    return sql, order


def _history_where(where, params, kind, user_id, reason, now):
    sql, order = _history_sql(where)
    values = {"history_date": connection.ops.adapt_datetimefield_value(now), "history_change_reason": reason,
              "history_type": kind, "history_user_id": user_id}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[name] for name in order] + list(params))


def _history_from_table(pks, kind, user_id, reason, now):
    for chunk in checks._chunks(pks):
        _history_where(f"id IN ({', '.join(['%s'] * len(chunk))})", chunk, kind, user_id, reason, now)


def problems_text(problems):
    """Every problem on its own line: แถว 5 คอลัมน์ C (…) "value": message."""
    return "\n".join(str(p) for p in problems)


__all__ += ["Problem", "problems_text"]
