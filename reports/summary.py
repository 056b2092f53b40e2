"""The executive summary and the published figures: aggregates of certified data only.

Every number here comes from schools whose submission for the round is certified or
acknowledged (DESIGN §4), is counted in SQL, and never carries a person's row.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from collection.models import Round, Submission
from collection.selectors import state_counts
from schools.levels import LEVELS, SHORT_TH, STAGE_LEVELS
from schools.models import School, SizeCategory
from students import codes
from students.models import StudentRecord

OFFICIAL = (Submission.Status.CERTIFIED, Submission.Status.ACKNOWLEDGED)
SUPPRESS_BELOW = 5
CHANGES_LIMIT = 5
# The provincial central database's stages; M4–M6 are not in a primary area's schools.
STAGES = [("K", "อนุบาล"), ("P", "ประถมศึกษา"), ("LS", "มัธยมศึกษาตอนต้น")]


def certified_school_ids(round_):
    return Submission.objects.filter(round=round_, status__in=OFFICIAL).values("school_id")


def official_records(round_):
    """Records that feed official figures: certified schools, students still studying."""
    return StudentRecord.objects.filter(
        round=round_, school__in=certified_school_ids(round_), status=codes.Status.STUDYING
    )


def coverage(round_):
    """(schools with certified data, open schools) and the line every report prints."""
    covered = Submission.objects.filter(round=round_, status__in=OFFICIAL).count()
    total = School.objects.filter(is_open=True).count()
    return {"covered": covered, "total": total,
            "line": f"ข้อมูลจากโรงเรียนที่รับรองแล้ว {covered:,} แห่ง จากทั้งหมด {total:,} แห่ง",
            "provisional": covered < total}


def grade_gender(records):
    """[{grade, label, M, F, total}] for the grades with students, in the order of schooling."""
    counts = {}
    for grade, gender, n in records.values_list("grade", "gender").annotate(n=Count("pk")).order_by():
        counts.setdefault(grade, {"M": 0, "F": 0})[gender] = n
    rows = []
    for grade in LEVELS:
        if grade in counts:
            m, f = counts[grade]["M"], counts[grade]["F"]
            rows.append({"grade": grade, "label": SHORT_TH[grade], "M": m, "F": f, "total": m + f})
    return rows


def school_counts(round_):
    """{school_id: students} from certified data."""
    return dict(official_records(round_).values_list("school_id").annotate(n=Count("pk")).order_by())


def size_bands(counts):
    """Schools per size band (thresholds from SizeCategory), from certified counts."""
    categories = list(SizeCategory.objects.all())
    bands = [{"code": c.code, "label": c.name, "count": 0} for c in categories]
    for n in counts.values():
        for band, category in zip(bands, categories, strict=True):
            if category.contains(n):
                band["count"] += 1
                break
    return bands, categories


def changes(round_, current_counts, limit=CHANGES_LIMIT):
    """Schools gaining and losing most since the previous round, both rounds certified."""
    previous = round_.previous()
    if previous is None:
        return {"previous": None, "gains": [], "losses": []}
    before = school_counts(previous)
    common = set(before) & set(current_counts)
    names = {pk: (name, code) for pk, name, code in
             School.objects.filter(pk__in=common).values_list("pk", "name", "smis_code")}
    diffs = [
        {"school": names[pk][0], "code": names[pk][1], "before": before[pk], "after": current_counts[pk], "change": current_counts[pk] - before[pk]}
        for pk in common
    ]
    gains = sorted((d for d in diffs if d["change"] > 0), key=lambda d: (-d["change"], d["school"]))[:limit]
    losses = sorted((d for d in diffs if d["change"] < 0), key=lambda d: (d["change"], d["school"]))[:limit]
    return {"previous": previous, "gains": gains, "losses": losses}


def progress(round_):
    """Collection progress: schools per board state and the share certified or acknowledged."""
    states = state_counts(round_)
    total = sum(n for _state, _label, n in states)
    done = sum(n for state, _label, n in states if state in OFFICIAL)
    return {"states": [{"state": s, "label": label, "count": n} for s, label, n in states],
            "total": total, "done": done, "done_pct": round(100 * done / total, 1) if total else 0}


def suppressed_breakdown(records, field_name, choices):
    """Counts per type (the 'none' code left out), 1–4 hidden as '<5'. The total is given only
    when nothing is hidden: total minus the shown cells would otherwise reveal a hidden one."""
    counts = dict(
        records.exclude(**{field_name: choices.NONE}).values_list(field_name).annotate(n=Count("pk")).order_by()
    )
    rows = []
    for code, label in choices.choices:
        if code == choices.NONE:
            continue
        n = counts.get(code, 0)
        hidden = 0 < n < SUPPRESS_BELOW
        rows.append({"code": code, "label": label, "count": None if hidden else n, "suppressed": hidden})
    any_hidden = any(r["suppressed"] for r in rows)
    return {"rows": rows, "total": None if any_hidden else sum(counts.values()), "total_suppressed": any_hidden}


@dataclass
class Summary:
    round: Round
    coverage: dict
    students: int
    grades: list
    schools: int
    small: int
    bands: list
    progress: dict
    changes: dict
    totals: dict = field(default_factory=dict)
    # The school registry's total (every open school's latest count, certified or not): what the
    # home pages show, named here so the summary can say why its own figure differs.
    registry_students: int = 0


def executive_summary(round_):
    """The executive's page: key figures, charts' data, progress and the largest changes."""
    records = official_records(round_)
    grades = grade_gender(records)
    counts = school_counts(round_)
    bands, _categories = size_bands(counts)
    students = sum(g["total"] for g in grades)
    return Summary(
        round=round_, coverage=coverage(round_), students=students, grades=grades,
        schools=School.objects.filter(is_open=True).count(),
        small=bands[0]["count"] if bands else 0, bands=bands, progress=progress(round_),
        changes=changes(round_, counts),
        totals={"M": sum(g["M"] for g in grades), "F": sum(g["F"] for g in grades), "total": students},
        registry_students=School.objects.filter(is_open=True).aggregate(n=Sum("student_count"))["n"] or 0,
    )


def has_official_data(round_):
    return Submission.objects.filter(round=round_, status__in=OFFICIAL).exists()


def public_snapshot(round_):
    """What a publication copies: district and per-school aggregates, small counts suppressed.
    Plain JSON types only; nothing in it identifies a person."""
    records = official_records(round_)
    _bands, categories = size_bands({})
    per_school = {}
    for school_id, grade, gender, n in (
        records.values_list("school_id", "grade", "gender").annotate(n=Count("pk")).order_by()
    ):
        per_school.setdefault(school_id, {}).setdefault(grade, {"M": 0, "F": 0})[gender] = n
    schools = []
    for school in (
        School.objects.filter(pk__in=certified_school_ids(round_))
        .select_related("subdistrict__district").order_by("smis_code")
    ):
        by_grade = per_school.get(school.pk, {})
        grades = [
            {"grade": g, "label": SHORT_TH[g], "M": by_grade[g]["M"], "F": by_grade[g]["F"],
             "total": by_grade[g]["M"] + by_grade[g]["F"]}
            for g in LEVELS if g in by_grade
        ]
        total = sum(g["total"] for g in grades)
        size = SizeCategory.for_count(total, categories)
        schools.append({
            "obec_code": school.obec_code, "smis_code": school.smis_code, "name": school.name,
            "amphoe": school.subdistrict.district.name_th if school.subdistrict_id else "",
            "tambon": school.subdistrict.name_th if school.subdistrict_id else "",
            "grades": grades, "M": sum(g["M"] for g in grades), "F": sum(g["F"] for g in grades),
            "total": total, "size": size.name if size else "",
        })
    grades = grade_gender(records)
    bands, _ = size_bands({s["smis_code"]: s["total"] for s in schools})
    cov = coverage(round_)
    return {
        "round": {"id": round_.pk, "name": round_.name, "academic_year": round_.academic_year,
                  "census_day": round_.census_day.isoformat()},
        "coverage": {"covered": cov["covered"], "total": cov["total"], "line": cov["line"]},
        "grades": grades,
        "totals": {"M": sum(g["M"] for g in grades), "F": sum(g["F"] for g in grades),
                   "total": sum(g["total"] for g in grades), "schools": len(schools)},
        "sizes": bands,
        "disadvantage": suppressed_breakdown(records, "disadvantage", codes.Disadvantage),
        "disability": suppressed_breakdown(records, "disability", codes.Disability),
        "schools": schools,
    }


def provincial_tables(round_):
    """Rows by amphoe and by tambon: schools, and students by stage and gender (certified data)."""
    records = official_records(round_)
    stage_q = {
        stage: Q(grade__in=LEVELS[LEVELS.index(STAGE_LEVELS[stage][0]):LEVELS.index(STAGE_LEVELS[stage][1]) + 1])
        for stage, _label in STAGES
    }
    metrics = {
        f"{stage}_{gender}": Count("pk", filter=stage_q[stage] & Q(gender=gender))
        for stage, _label in STAGES for gender in ("M", "F")
    }
    schools = School.objects.filter(pk__in=certified_school_ids(round_))

    def table(keys):
        school_keys = [f"school__{k}" for k in keys]
        students = {
            tuple(row[k] for k in school_keys): row
            for row in records.values(*school_keys).annotate(**metrics).order_by()
        }
        out = []
        for row in schools.values(*keys).annotate(schools=Count("pk")).order_by(*keys):
            figures = students.get(tuple(row[k] for k in keys), {})
            out.append({**row, **{m: figures.get(m, 0) for m in metrics}})
        return out

    return {
        "amphoe": table(["subdistrict__district__code", "subdistrict__district__name_th"]),
        "tambon": table(["subdistrict__district__name_th", "subdistrict__code", "subdistrict__name_th"]),
        "metrics": list(metrics),
    }
