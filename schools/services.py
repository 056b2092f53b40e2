"""Bringing a checked school list into the database: compare with what is there, then write once.

``import_school_file`` is what the ``import_schools`` command calls. Checking (``schools.importing``)
needs no database; comparing only reads; writing happens in one transaction, and only when no row
was refused, so a file is either taken whole or not at all.
"""

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .geography import DATA_DIR, load_geography
from .importing import KEY_COLUMNS, Layout, ParsedFile, Problem, Reference, SchoolRow, parse_school_file
from .models import AreaOffice, Cluster, Province, School, Subdistrict

BATCH_SIZE = 1000
# bulk_update writes CASE WHEN per field per batch: its cost grows with the square of the batch (measured:
# 29,579 updates took about 20 s in batches of 1000 and about 11 s in batches of 100, SQLite and PostgreSQL alike).
UPDATE_BATCH_SIZE = 100
SPECIAL_EDUCATION_AREA = "100700"


@dataclass
class ImportReport:
    """What an import found and did; the command prints it."""

    path: Path
    layout: Layout
    rows_read: int
    new: int
    updated: int
    unchanged: int
    areas_new: int
    areas_updated: int
    problems: list[Problem]
    written: bool
    changed_fields: Counter[str] = field(default_factory=Counter)  # School field -> schools updated in it

    @property
    def refused_rows(self) -> int:
        return len({problem.row for problem in self.problems if problem.refused})


@dataclass
class _Change:
    school: School
    fields: frozenset[str]
    area_code: str | None


@dataclass
class _Plan:
    new: list[tuple[School, str | None]] = field(default_factory=list)
    changes: list[_Change] = field(default_factory=list)
    unchanged: int = 0
    areas_new: list[AreaOffice] = field(default_factory=list)
    areas_updated: list[AreaOffice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_school_file(*, path: Path, commit: bool) -> ImportReport:
    """Check a file, compare it with the database and, when asked and nothing is refused, save it."""
    parsed = parse_school_file(path=path, reference=load_reference())
    plan = plan_import(parsed=parsed)
    problems = sorted(parsed.problems + plan.problems, key=lambda problem: problem.row)
    written = commit and not any(problem.refused for problem in problems)
    if written:
        write_import(plan=plan, change_reason=f"นำเข้าจากไฟล์ {path.name}"[:100])
    return ImportReport(
        path=path,
        layout=parsed.layout,
        rows_read=parsed.rows_read,
        new=len(plan.new),
        updated=len(plan.changes),
        unchanged=plan.unchanged,
        areas_new=len(plan.areas_new),
        areas_updated=len(plan.areas_updated),
        problems=problems,
        written=written,
        changed_fields=Counter(name.removesuffix("_id") for change in plan.changes for name in change.fields),
    )


def load_reference() -> Reference:
    """Known codes, read once. With no provinces yet, those load_geography() would add (a dry run writes nothing)."""
    provinces = dict(Province.objects.values_list("code", "name_th"))
    if provinces:
        subdistricts = frozenset(Subdistrict.objects.values_list("code", flat=True))
    else:
        provinces, subdistricts = _shipped_geography()
    return Reference(
        provinces=provinces,
        areas=frozenset(AreaOffice.objects.values_list("code", flat=True)),
        clusters={(area, code): pk for pk, area, code in Cluster.objects.values_list("pk", "area__code", "code")},
        subdistricts=subdistricts,
    )


def _shipped_geography() -> tuple[dict[str, str], frozenset[str]]:
    """Province names by DOPA code and subdistrict codes, keyed the way load_geography() keys them."""

    def rows(name: str) -> list[dict[str, str]]:
        with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    names = {row["id"]: row["name_th"] for row in rows("provinces.csv")}
    provinces: dict[str, str] = {}
    for row in rows("districts.csv"):
        provinces.setdefault(row["id"][:2], names[row["province_id"]])
    return provinces, frozenset(row["id"] for row in rows("sub_districts.csv"))


def area_kind(*, code: str) -> str:
    """4 digits: a primary area (สพป.); 100700: the special education bureau; other 6 digits: secondary (สพม.)."""
    if code == SPECIAL_EDUCATION_AREA:
        return AreaOffice.Kind.SPECIAL
    return AreaOffice.Kind.PRIMARY if len(code) == 4 else AreaOffice.Kind.SECONDARY


def plan_import(*, parsed: ParsedFile) -> _Plan:
    """Match rows to schools (OBEC code first, then SMIS code) and work out what would change; reads only."""
    plan = _Plan()
    areas = {area.code: area for area in AreaOffice.objects.all()}
    for code, name in parsed.areas.items():
        kind = area_kind(code=code)
        area = areas.get(code)
        if area is None:
            plan.areas_new.append(AreaOffice(code=code, name=name or code, kind=kind))
        elif (name and area.name != name) or area.kind != kind:
            area.name, area.kind = name or area.name, kind
            plan.areas_updated.append(area)
    area_code_of = {area.pk: code for code, area in areas.items()}

    schools = list(School.objects.all())
    by_obec = {school.obec_code: school for school in schools}
    by_smis = {school.smis_code: school for school in schools}
    claimed: dict[int, int] = {}
    for row in parsed.rows:
        school = by_obec.get(row.obec_code) or by_smis.get(row.smis_code)
        if school is None:
            values = {**row.new_school_values, **row.values}
            plan.new.append((School(obec_code=row.obec_code, smis_code=row.smis_code, **values), row.area_code))
            continue
        problem = _conflict(row=row, school=school, by_smis=by_smis, claimed=claimed, layout=parsed.layout)
        if problem:
            plan.problems.append(problem)
            continue
        claimed[school.pk] = row.row
        wanted = {"obec_code": row.obec_code, "smis_code": row.smis_code, **row.values}
        changed = {name for name, value in wanted.items() if getattr(school, name) != value}
        area_changed = row.area_code is not None and area_code_of.get(school.area_id, "") != row.area_code
        if not changed and not area_changed:
            plan.unchanged += 1
            continue
        if area_changed and "cluster_id" not in row.values and school.cluster_id is not None:
            changed.add("cluster_id")  # a cluster belongs to one area office: it cannot follow the school
        for name in changed:
            setattr(school, name, wanted.get(name))
        plan.changes.append(_Change(school, frozenset(changed | ({"area"} if area_changed else set())), row.area_code))
    return plan


def _conflict(
    *, row: SchoolRow, school: School, by_smis: dict[str, School], claimed: dict[int, int], layout: Layout
) -> Problem | None:
    """A row that would take another school's code, or a school two rows both claim, is refused."""
    obec_column, smis_column = KEY_COLUMNS[layout]
    if school.pk in claimed:
        return Problem(
            row.row, obec_column, row.obec_code,
            f"แถวนี้กับแถว {claimed[school.pk]} ตรงกับโรงเรียนเดียวกันในระบบ "
            f"({school.name} {school.obec_code}/{school.smis_code})",
            "code_conflict", refused=True,
        )
    owner = by_smis.get(row.smis_code)
    if owner is not None and owner.pk != school.pk:
        return Problem(
            row.row, smis_column, row.smis_code,
            f"รหัส SMIS นี้เป็นของโรงเรียน{owner.name} (รหัส {owner.obec_code}) ในระบบอยู่แล้ว "
            f"แต่รหัส 10 หลัก {row.obec_code} เป็นของโรงเรียน{school.name} (SMIS {school.smis_code})",
            "code_conflict", refused=True,
        )
    return None


@transaction.atomic
def write_import(*, plan: _Plan, change_reason: str) -> None:
    """Everything in one transaction, in batches; history rows are written alongside, as the admin would.

    bulk_create skips model validation on purpose: the 9-digit codes OBEC publishes are kept as published.
    """
    if not Province.objects.exists():
        load_geography()
    AreaOffice.objects.bulk_create(plan.areas_new, batch_size=BATCH_SIZE)
    AreaOffice.objects.bulk_update(plan.areas_updated, ["name", "kind"], batch_size=BATCH_SIZE)
    area_ids = dict(AreaOffice.objects.values_list("code", "pk"))
    for school, code in plan.new:
        if code:
            school.area_id = area_ids[code]
    now = timezone.now()
    bulk_create_with_history(
        [school for school, _ in plan.new], School, batch_size=BATCH_SIZE,
        default_change_reason=change_reason, default_date=now,
    )
    by_fields: dict[frozenset[str], list[School]] = defaultdict(list)
    for change in plan.changes:
        if "area" in change.fields:
            change.school.area_id = area_ids[change.area_code] if change.area_code else None
        change.school.updated_at = now
        by_fields[change.fields].append(change.school)
    for fields, schools in by_fields.items():
        bulk_update_with_history(
            schools, School, sorted(fields), batch_size=UPDATE_BATCH_SIZE,
            default_change_reason=change_reason, default_date=now,
        )
    # One timestamp for all: a plain UPDATE, rather than one more CASE WHEN column in every bulk_update batch.
    pks = [change.school.pk for change in plan.changes]
    for start in range(0, len(pks), BATCH_SIZE // 2):
        School.objects.filter(pk__in=pks[start : start + BATCH_SIZE // 2]).update(updated_at=now)
