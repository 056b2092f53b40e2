"""The school mapping analysis: small schools and their nearest larger school, each school's
nearest schools, and the enrolment trend of each school with a simple five-year projection.

Distances are great-circle distances between the schools' coordinates (schools.geo), not road
distances: a road is usually longer, and a river or a hill can make it much longer. Every
report says so.

Student numbers: a school whose submission of the round counts (Scope.covered: certified or
acknowledged, or any submission for provisional figures) has its students of the round; any
other school has the registry's figure (School.student_count), and each row says which.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from math import asin, cos, pi, radians, sin

from django.db.models import Count, Exists, Max, OuterRef, Q

from collection.models import Round, Submission
from schools.geo import EARTH_RADIUS_KM, KM_PER_DEGREE, PointIndex, has_location
from schools.models import EnrolmentYear, School, SizeCategory
from students import codes
from students.models import StudentRecord

from .charts import line_chart
from .selectors import CERTIFIED_STATES, Table, round_half, scope

DEFAULT_DISTANCE_KM = 6  # OBEC's usual guideline when it considers merging a small school
MAX_DISTANCE_KM = 100
FALLBACK_SMALL_MAX = 120  # only when the office has no size bands at all (the note says so)
DISTANCE_NOTE = ("ระยะทางเป็นระยะทางเส้นตรงบนผิวโลก (วัดตามความโค้งของโลกระหว่างพิกัดของโรงเรียน) "
                 "ไม่ใช่ระยะทางตามถนน ซึ่งมักไกลกว่านี้")
SOURCE_ROUND, SOURCE_REGISTRY = "รอบนี้", "ทะเบียน"
NEARBY_COUNT = 5
RINGS_KM = (3, 5, 10)

LEADING_VOWELS = "เแโใไ"


def thai_key(text):
    """A sort key that puts Thai words in dictionary order (a leading vowel sorts after its
    consonant), for lists sorted in Python; the database sorts with thai_order."""
    chars = list(text)
    for i in range(len(chars) - 1):
        if chars[i] in LEADING_VOWELS:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


# --- the schools of a place, with their students ----------------------------------------------


@dataclass
class Place:
    """A school of the analysis: its figures and where it is."""

    school: School
    students: int | None
    source: str  # SOURCE_ROUND or SOURCE_REGISTRY
    size: object = None  # its SizeCategory

    @property
    def pk(self):
        return self.school.pk

    @property
    def label(self):
        return f"{self.school.smis_code} {self.school.name}"


def size_bands():
    bands = list(SizeCategory.objects.order_by("min_students"))
    small_max = bands[0].max_students if bands and bands[0].max_students is not None else None
    return bands, small_max


def places(sc, wide, bands):
    """[Place] of every school of `wide` (the place asked for, whatever school filter), with the
    round's students of those it covers and the registry's figure of the others. Three queries."""
    schools = list(wide.schools.select_related("subdistrict__district").order_by("smis_code"))
    covered = set(wide.covered.values_list("pk", flat=True))
    counts = dict(wide.records().values("school_id").annotate(n=Count("*")).values_list("school_id", "n"))
    found = []
    for school in schools:
        if school.pk in covered:
            students, source = counts.get(school.pk, 0), SOURCE_ROUND
        else:
            students, source = school.student_count, SOURCE_REGISTRY
        found.append(Place(school, students, source, SizeCategory.for_count(students, bands)))
    return found


def parse_distance(value):
    """(km, note): the distance asked for, or the default with a note saying why."""
    if value in (None, ""):
        return Decimal(DEFAULT_DISTANCE_KM), None
    try:
        km = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        km = None
    if km is None or not km.is_finite() or km <= 0 or km > MAX_DISTANCE_KM:
        return Decimal(DEFAULT_DISTANCE_KM), (
            f"ระยะทาง “{value}” ใช้ไม่ได้ (ต้องเป็นตัวเลขมากกว่า 0 ไม่เกิน {MAX_DISTANCE_KM} กม.) "
            f"จึงใช้ {DEFAULT_DISTANCE_KM} กม. แทน")
    return km, None


def km_text(km):
    return f"{km.normalize():f}" if isinstance(km, Decimal) else str(km)


def _district(school):
    return school.subdistrict.district.name_th if school.subdistrict_id else ""


def _tambon(school):
    return school.subdistrict.name_th if school.subdistrict_id else ""


# --- the small-school table ---------------------------------------------------------------------

BANDS_KM = [(2, "ไม่เกิน 2 กม."), (4, "2–4 กม."), (6, "4–6 กม."), (10, "6–10 กม."), (None, "มากกว่า 10 กม.")]
NO_LARGER, NO_LOCATION = "ไม่มีโรงเรียนที่ใหญ่กว่าในพื้นที่", "ไม่มีพิกัด"


def _band(distance):
    for limit, label in BANDS_KM:
        if limit is None or distance <= limit:
            return label
    return BANDS_KM[-1][1]


def small_schools(round, *, district=None, cluster=None, school=None, provisional=False, distance=None):
    """Each school with at most the smallest size band's students (SizeCategory data), its nearest
    school, and the nearest school larger than that within `distance` km (default 6).

    The candidates are every school of the round in the amphoe or cluster asked for that has
    coordinates (a school filter narrows the rows, not the candidates). Six queries."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    wide = sc if not school else scope(round, district=district, cluster=cluster, provisional=provisional)
    km, distance_note = parse_distance(distance)
    bands, small_max = size_bands()
    notes = []
    warnings = [distance_note] if distance_note else []  # shown where the reader cannot miss it
    if small_max is None:
        small_max = FALLBACK_SMALL_MAX
        notes.append(f"ยังไม่มีเกณฑ์ขนาดโรงเรียนในระบบ จึงถือว่าโรงเรียนขนาดเล็กมีนักเรียนไม่เกิน {small_max} คน")
    everyone = places(sc, wide, bands)
    rows_ids = set(sc.schools.values_list("pk", flat=True)) if school else None
    located = PointIndex((p.school.latitude, p.school.longitude, p) for p in everyone)

    def is_larger(other):
        return other.students is not None and other.students > small_max

    small = [p for p in everyone if p.students is not None and p.students <= small_max
             and (rows_ids is None or p.pk in rows_ids)]
    rows, chart_counts, per_amphoe = [], {}, {}
    for place in small:
        s = place.school
        nearest_any = nearest_larger = far_larger = None
        if has_location(s):
            found = located.nearest(s.latitude, s.longitude, limit=1, where=lambda o, me=place: o is not me)
            nearest_any = found[0] if found else None
            found = located.nearest(s.latitude, s.longitude, limit=1, where=is_larger)
            far_larger = found[0] if found else None
            if far_larger and far_larger[0] <= float(km):
                nearest_larger = far_larger
        if not has_location(s):
            band, larger_cells, order = NO_LOCATION, [NO_LOCATION, None, None, ""], 2
        elif nearest_larger:
            d, other = nearest_larger
            band = _band(d)
            larger_cells, order = [other.label, round_half(d), other.students, other.size.name if other.size else ""], 0
        else:
            band = _band(far_larger[0]) if far_larger else NO_LARGER
            larger_cells, order = [f"ไม่มีในระยะ {km_text(km)} กม.", None, None, ""], 1
        chart_counts[band] = chart_counts.get(band, 0) + 1
        amphoe = per_amphoe.setdefault(_district(s) or "ไม่ระบุอำเภอ", [0, 0, 0, 0])
        amphoe[0] += 1
        amphoe[order + 1] += 1
        any_cells = ([nearest_any[1].label, round_half(nearest_any[0])] if nearest_any
                     else [NO_LOCATION if not has_location(s) else "–", None])
        sort_distance = nearest_larger[0] if nearest_larger else 0
        rows.append(((order, sort_distance, thai_key(s.name), s.smis_code),
                     [s.smis_code, s.name, _district(s), _tambon(s), place.students, place.source,
                      *any_cells, *larger_cells]))
    rows.sort(key=lambda pair: pair[0])
    rows = [cells for _key, cells in rows]
    km_label = km_text(km)
    small_name = bands[0].name if bands else "ขนาดเล็ก"
    table = Table(
        caption=f"โรงเรียน{small_name} (ไม่เกิน {small_max:,} คน) และโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุดในระยะ {km_label} กม.",
        columns=["รหัส", "โรงเรียน", "อำเภอ", "ตำบล", "นักเรียน", "ที่มาของจำนวน", "โรงเรียนที่ใกล้ที่สุด",
                 "ระยะทาง (กม.)", f"โรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุด (ไม่เกิน {km_label} กม.)", "ระยะทาง (กม.)",
                 "นักเรียน", "ขนาด"],
        rows=rows, label_columns=4,
        totals=["รวม", f"{len(rows):,} โรงเรียน", "", "", sum(r[4] for r in rows), "", "", None, "", None, None, ""],
    )
    amphoe_rows = [[name, *counts] for name, counts in sorted(per_amphoe.items(), key=lambda kv: thai_key(kv[0]))]
    summary = Table(
        caption="จำนวนโรงเรียนขนาดเล็กจำแนกตามอำเภอ",
        columns=["อำเภอ", "โรงเรียนขนาดเล็ก", f"มีโรงเรียนที่ใหญ่กว่าในระยะ {km_label} กม.",
                 f"ไม่มีในระยะ {km_label} กม.", "ไม่มีพิกัด"],
        rows=amphoe_rows, totals=["รวม", *(sum(r[i] for r in amphoe_rows) for i in range(1, 5))],
    )
    chart = [(label, chart_counts.get(label, 0)) for label in [*(b[1] for b in BANDS_KM), NO_LARGER, NO_LOCATION]]
    registry = sum(1 for r in rows if r[5] == SOURCE_REGISTRY)
    notes += [
        f"ใช้ระยะทางไม่เกิน {km_label} กม. (ค่าเริ่มต้น {DEFAULT_DISTANCE_KM} กม. ตามแนวทางที่ สพฐ. มักใช้พิจารณา"
        "การรวมโรงเรียนขนาดเล็ก) โรงเรียนที่ใหญ่กว่าคือโรงเรียนที่มีนักเรียนเกิน "
        f"{small_max:,} คน (เกณฑ์โรงเรียน{small_name}ในระบบ)",
        "จำนวนนักเรียน: โรงเรียนที่ข้อมูลรอบนี้รับรองแล้วใช้จำนวนของรอบนี้ (“รอบนี้”) โรงเรียนอื่นใช้จำนวนในทะเบียนโรงเรียน "
        f"(“ทะเบียน”){f' ซึ่งมี {registry:,} โรงเรียนในตาราง' if registry else ''}",
        DISTANCE_NOTE,
        "โรงเรียนที่นำมาพิจารณาคือทุกโรงเรียนในพื้นที่ที่เลือกซึ่งมีพิกัด "
        "แผนภูมิแสดงระยะถึงโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุดโดยไม่จำกัดระยะ",
    ]
    unknown = sum(1 for p in everyone if p.students is None)
    if unknown:
        notes.append(f"{unknown:,} โรงเรียนไม่มีจำนวนนักเรียนทั้งในรอบนี้และในทะเบียน จึงไม่ได้นำมาพิจารณา")
    return sc.report("small-schools", "โรงเรียนขนาดเล็กและโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุด", [table, summary],
                     chart=chart, chart_title="โรงเรียนขนาดเล็กจำแนกตามระยะทางถึงโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุด",
                     notes=notes, warnings=warnings, landscape=True)


# --- each school's nearest schools --------------------------------------------------------------

NEAREST_BANDS = [(1, "ไม่เกิน 1 กม."), (3, "1–3 กม."), (5, "3–5 กม."), (10, "5–10 กม."), (None, "มากกว่า 10 กม.")]


def nearest_schools(round, *, district=None, cluster=None, school=None, provisional=False):
    """Every school of the place with its nearest school, the distance, and how many schools are
    within 3, 5 and 10 km (of the schools of the amphoe or cluster asked for)."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    wide = sc if not school else scope(round, district=district, cluster=cluster, provisional=provisional)
    bands, _small_max = size_bands()
    everyone = places(sc, wide, bands)
    rows_ids = set(sc.schools.values_list("pk", flat=True)) if school else None
    located = PointIndex((p.school.latitude, p.school.longitude, p) for p in everyone)
    rows, chart_counts = [], {}
    for place in everyone:
        s = place.school
        if rows_ids is not None and place.pk not in rows_ids:
            continue
        if has_location(s):
            around = located.within(s.latitude, s.longitude, max(RINGS_KM), where=lambda o, me=place: o is not me)
            found = around[:1] or located.nearest(s.latitude, s.longitude, limit=1,
                                                  where=lambda o, me=place: o is not me)
            rings = [sum(1 for d, _o in around if d <= ring) for ring in RINGS_KM]
            if found:
                d, other = found[0]
                label = next(text for limit, text in NEAREST_BANDS if limit is None or d <= limit)
                cells = [other.label, round_half(d)]
            else:
                label, cells = "ไม่มีโรงเรียนอื่นที่มีพิกัด", ["–", None]
        else:
            label, cells, rings = NO_LOCATION, [NO_LOCATION, None], [None] * len(RINGS_KM)
        chart_counts[label] = chart_counts.get(label, 0) + 1
        rows.append([s.smis_code, s.name, _district(s), place.students, place.size.name if place.size else "",
                     *cells, *rings])
    table = Table(
        caption="โรงเรียนที่ใกล้ที่สุดของแต่ละโรงเรียน",
        columns=["รหัส", "โรงเรียน", "อำเภอ", "นักเรียน", "ขนาด", "โรงเรียนที่ใกล้ที่สุด", "ระยะทาง (กม.)",
                 *(f"โรงเรียนในระยะ {ring} กม." for ring in RINGS_KM)],
        rows=rows, label_columns=3,
    )
    labels = [*(b[1] for b in NEAREST_BANDS), NO_LOCATION]
    chart = [(label, chart_counts.get(label, 0)) for label in labels]
    chart += [(label, n) for label, n in chart_counts.items() if label not in labels]
    notes = [
        "จำนวนนักเรียน: โรงเรียนที่ข้อมูลรอบนี้รับรองแล้วใช้จำนวนของรอบนี้ โรงเรียนอื่นใช้จำนวนในทะเบียนโรงเรียน",
        "โรงเรียนที่นับคือทุกโรงเรียนในพื้นที่ที่เลือกซึ่งมีพิกัด", DISTANCE_NOTE,
    ]
    return sc.report("nearest-schools", "ระยะทางถึงโรงเรียนที่ใกล้ที่สุด", [table], chart=chart,
                     chart_title="โรงเรียนจำแนกตามระยะทางถึงโรงเรียนที่ใกล้ที่สุด", notes=notes, landscape=True)


def _box_reach_km(lat, box):
    """The radius, in km, of the largest circle around a point at `lat` that fits inside the box of
    ±`box` degrees around it: nothing outside the box is nearer than this."""
    if box >= 90:
        return pi * EARTH_RADIUS_KM  # the box is the whole earth
    along_meridian = box * KM_PER_DEGREE
    to_meridian = EARTH_RADIUS_KM * asin(min(1.0, sin(radians(box)) * cos(radians(lat))))
    return min(along_meridian, to_meridian)


def nearby(school, *, limit=NEARBY_COUNT):
    """[(distance_km, School, SizeCategory)] of the `limit` nearest open schools, nearest first.

    Students are the registry's (School.student_count, the latest certified count). The
    coordinates of the schools in a box around the school (±0.5°, about 55 km), a box that doubles
    (1°, 2°, 4° …) while it may have missed a nearer school (a border or island school), so only
    coordinates are read, of a few boxes at most; then the chosen schools, and the size bands."""
    if not has_location(school):
        return []
    lat, lon = float(school.latitude), float(school.longitude)
    candidates = School.objects.filter(is_open=True, latitude__isnull=False, longitude__isnull=False).exclude(
        pk=school.pk)
    box = 0.5
    while True:
        near = candidates if box >= 90 else candidates.filter(
            latitude__range=(lat - box, lat + box), longitude__range=(lon - box, lon + box))
        index = PointIndex(near.values_list("latitude", "longitude", "smis_code"))
        found = index.nearest(lat, lon, limit=limit)
        # Every school outside the box is farther than its reach: the ones found are the nearest.
        if box >= 90 or (len(found) >= limit and found[-1][0] <= _box_reach_km(lat, box)):
            break
        box *= 2
    chosen = School.objects.in_bulk([code for _d, code in found], field_name="smis_code")
    bands = list(SizeCategory.objects.order_by("min_students"))
    return [(round_half(d), chosen[code], SizeCategory.for_count(chosen[code].student_count, bands))
            for d, code in found]


# --- enrolment trend and projection -------------------------------------------------------------

PROJECTION_YEARS = 5
PROJECTION_WINDOW = 5
PROJECTION_MINIMUM = 3
PROJECTION_STALE_AFTER = 1  # years a school's latest figure may lag behind the area's latest
PROJECTION_METHOD = (
    "วิธีคาดการณ์: เส้นแนวโน้มเชิงเส้นด้วยวิธีกำลังสองน้อยที่สุด (เส้นตรงที่ผลรวมกำลังสองของผลต่างจากตัวเลขจริงน้อยที่สุด) "
    "จากจำนวนนักเรียนจริง "
    f"ของปีการศึกษาในช่วง {PROJECTION_WINDOW} ปีล่าสุดของแต่ละโรงเรียน (ปีล่าสุดที่มีตัวเลขจริงและย้อนหลัง "
    f"{PROJECTION_WINDOW - 1} ปี ปีที่เก่ากว่านั้นไม่นำมาใช้) ต่อเส้นไปอีก {PROJECTION_YEARS} ปี "
    f"ปัดเป็นจำนวนเต็ม และไม่ต่ำกว่า 0 โรงเรียนที่มีตัวเลขจริงในช่วงนั้นน้อยกว่า {PROJECTION_MINIMUM} ปี "
    "ไม่คาดการณ์ และโรงเรียนที่ปีล่าสุดที่มีตัวเลขจริงเก่ากว่าปีล่าสุดของพื้นที่เกิน "
    f"{PROJECTION_STALE_AFTER} ปีไม่คาดการณ์ (ข้อมูลไม่เป็นปัจจุบัน) นี่เป็นการต่อแนวโน้มอย่างง่าย "
    "ไม่ใช่การพยากรณ์ประชากร (ไม่ได้ใช้ข้อมูลการเกิด การย้ายถิ่น หรือนโยบาย)"
)
NO_FIGURES, TOO_FEW, STALE, CLOSED = "none", "few", "stale", "closed"
REASONS = {
    NO_FIGURES: "ไม่มีตัวเลขจริง",
    CLOSED: "โรงเรียนปิดทำการ",
    TOO_FEW: f"มีตัวเลขจริงไม่ถึง {PROJECTION_MINIMUM} ปีใน {PROJECTION_WINDOW} ปีล่าสุด",
    STALE: "ข้อมูลไม่เป็นปัจจุบัน",
}
SOURCE_NOTE = (
    "จำนวนจริงของแต่ละปีการศึกษา: นักเรียนที่กำลังศึกษาในรอบ 10 มิถุนายน ของโรงเรียนที่รับรองข้อมูลแล้ว "
    "ถ้าไม่มี ใช้จำนวนที่นำเข้าจากข้อมูลย้อนหลัง (ตัวเลขจากรอบใช้แทนตัวเลขนำเข้าของปีเดียวกัน)"
)
SOURCE_LABELS = {"june": "รอบ 10 มิ.ย.", EnrolmentYear.Source.IMPORTED: "นำเข้า",
                 EnrolmentYear.Source.ROUND: "บันทึกจากรอบ"}


def half_up(value):
    return int(Decimal(repr(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class Trend:
    """A school's actual figures by academic year and the least-squares line through the last few."""

    actual: dict  # {academic year: (students, source)}; source "june" for a 10 June round here
    used: list = field(default_factory=list)  # the years the line is fitted on
    slope: float | None = None
    mean_year: float | None = None  # the line passes through (mean year, mean students)
    mean_students: float | None = None
    reason: str = ""  # why there is no projection: NO_FIGURES, TOO_FEW or STALE (REASONS says it in Thai)

    @property
    def has_projection(self):
        return self.slope is not None

    @property
    def last_year(self):
        return max(self.actual) if self.actual else None

    def projected(self, years=None):
        """{year: students} on the line, floored at 0 and rounded to whole students; by default the
        five years after the last actual one. {} without a projection."""
        if not self.has_projection:
            return {}
        if years is None:
            years = range(self.last_year + 1, self.last_year + 1 + PROJECTION_YEARS)
        return {year: max(0, half_up(round(self.mean_students + self.slope * (year - self.mean_year), 6)))
                for year in years}


def fit(actual, *, latest_year=None):
    """A Trend for {year: (students, source)} (or {year: students}): the ordinary least-squares
    line through the actual figures of the school's last five academic years (its latest year
    and the four before it: an older year is never used, however few years that leaves).

    No projection (and `reason` says why) without figures, with fewer than 3 years in that window,
    or when the school's latest year is more than one year older than `latest_year`, the latest
    year of the area it is compared with: its line would start from data that is not current."""
    actual = {year: value if isinstance(value, tuple) else (value, "") for year, value in actual.items()}
    trend = Trend(actual=actual)
    if not actual:
        trend.reason = NO_FIGURES
        return trend
    last = max(actual)
    if latest_year is not None and latest_year - last > PROJECTION_STALE_AFTER:
        trend.reason = STALE
        return trend
    used = [year for year in sorted(actual) if year > last - PROJECTION_WINDOW]
    if len(used) < PROJECTION_MINIMUM:
        trend.reason = TOO_FEW
        return trend
    xs = used
    ys = [actual[year][0] for year in used]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    trend.slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    trend.mean_year, trend.mean_students = mean_x, mean_y
    trend.used = used
    return trend


def without_projection_if_closed(trend, school):
    """A closed school keeps its past figures and gets no line: it has no future students."""
    if not school.is_open:
        trend.slope = trend.mean_year = trend.mean_students = None
        trend.used = []
        trend.reason = CLOSED
    return trend


def enrolment_figures(schools, *, up_to_year=None, provisional=False):
    """{school id: {academic year: (students, source)}}: imported EnrolmentYear rows, overridden by
    the studying count of the 10 June round of the same year where the school's submission is
    certified or acknowledged (any submission when provisional). Three queries.

    `schools` is a queryset or a list of ids."""
    imported = EnrolmentYear.objects.filter(school__in=schools)
    rounds = Round.objects.filter(kind=Round.Kind.JUNE)
    if up_to_year is not None:
        imported = imported.filter(academic_year__lte=up_to_year)
        rounds = rounds.filter(academic_year__lte=up_to_year)
    figures = {}
    for school_id, year, students, source in imported.values_list("school_id", "academic_year", "students",
                                                                   "source"):
        figures.setdefault(school_id, {})[year] = (students, source)
    june = {r.pk: r for r in rounds}
    if not june:
        return figures
    states = Q(round=OuterRef("round"), school=OuterRef("school"))
    if not provisional:
        states &= Q(status__in=CERTIFIED_STATES)
    counted = (
        StudentRecord.objects.filter(round__in=list(june), school__in=schools, status=codes.Status.STUDYING)
        .filter(Exists(Submission.objects.filter(states)))
        .order_by().values("round_id", "school_id").annotate(n=Count("*"))
    )
    latest = {}  # (school, year) → census day of the round used
    for row in counted:
        round_ = june[row["round_id"]]
        key = (row["school_id"], round_.academic_year)
        if key not in latest or round_.census_day > latest[key]:
            latest[key] = round_.census_day
            figures.setdefault(row["school_id"], {})[round_.academic_year] = (row["n"], "june")
    return figures


def area_latest_year(school):
    """The latest academic year with an actual figure of any school of the school's area office
    (of every school when it has none): what a school's own latest year is compared with. Two queries."""
    schools = School.objects.filter(area=school.area_id) if school.area_id else School.objects.all()
    imported = EnrolmentYear.objects.filter(school__in=schools).aggregate(year=Max("academic_year"))["year"]
    counted = Submission.objects.filter(
        school__in=schools, round__kind=Round.Kind.JUNE, status__in=CERTIFIED_STATES,
    ).aggregate(year=Max("round__academic_year"))["year"]
    years = [year for year in (imported, counted) if year is not None]
    return max(years) if years else None


def school_trend(school):
    return fit(enrolment_figures([school.pk]).get(school.pk, {}), latest_year=area_latest_year(school))


def enrolment_projection(round, *, district=None, cluster=None, school=None, provisional=False):
    """Per school the last five academic years up to the round's, and the next five projected;
    the totals of the place per year; a chart of the totals, actual and projected."""
    sc = scope(round, district=district, cluster=cluster, school=school, provisional=provisional)
    year = sc.round.academic_year
    actual_years = list(range(year - PROJECTION_WINDOW + 1, year + 1))
    future_years = list(range(year + 1, year + 1 + PROJECTION_YEARS))
    figures = enrolment_figures(sc.schools, up_to_year=year, provisional=provisional)
    schools = sorted(sc.schools, key=lambda s: s.smis_code)
    latest = max((y for by_year in figures.values() for y in by_year), default=None)  # the area's latest
    rows, projected_count, with_figures, stale, closed = [], 0, 0, 0, 0
    for s in schools:
        trend = without_projection_if_closed(fit(figures.get(s.pk, {}), latest_year=latest), s)
        closed += trend.reason == CLOSED
        if trend.actual:
            with_figures += 1
        stale += trend.reason == STALE
        projected = trend.projected(future_years)
        projected_count += bool(projected)
        rows.append([s.smis_code, s.name, *(trend.actual.get(y, (None,))[0] for y in actual_years),
                     *(projected.get(y) for y in future_years),
                     round_half(trend.slope) if trend.has_projection else None, REASONS.get(trend.reason, "")])
    width = len(actual_years) + len(future_years)

    def column_total(index):
        values = [r[index] for r in rows if r[index] is not None]
        return sum(values) if values else None

    totals = ["รวม", f"{len(rows):,} โรงเรียน", *(column_total(2 + i) for i in range(width)), None, ""]
    table = Table(
        caption="จำนวนนักเรียนจริงและคาดการณ์รายโรงเรียน",
        columns=["รหัส", "โรงเรียน", *(f"{y}" for y in actual_years), *(f"{y} (คาดการณ์)" for y in future_years),
                 "แนวโน้ม (คน/ปี)", "ไม่คาดการณ์เพราะ"],
        rows=rows, totals=totals, label_columns=2,
    )
    total_rows = []
    for i, y in enumerate([*actual_years, *future_years]):
        have = sum(1 for r in rows if r[2 + i] is not None)
        total_rows.append([f"{y}", "จริง" if y <= year else "คาดการณ์", column_total(2 + i) or 0, have])
    totals_table = Table(caption="จำนวนนักเรียนรวมของพื้นที่แต่ละปีการศึกษา",
                         columns=["ปีการศึกษา", "ประเภท", "นักเรียน", "โรงเรียนที่มีตัวเลข"], rows=total_rows,
                         label_columns=2)
    chart = [(f"{r[0]}" if r[1] == "จริง" else f"{r[0]} (คาดการณ์)", r[2]) for r in total_rows]
    notes = [
        PROJECTION_METHOD, SOURCE_NOTE,
        f"มีตัวเลขจริงอย่างน้อยหนึ่งปี {with_figures:,} จาก {len(rows):,} โรงเรียน "
        f"คาดการณ์ได้ {projected_count:,} โรงเรียน ยอดรวมแต่ละปีรวมเฉพาะโรงเรียนที่มีตัวเลขของปีนั้น",
        "โรงเรียนที่ปิดทำการแล้วยังแสดงตัวเลขจริงของปีที่ผ่านมา แต่ไม่คาดการณ์ (ช่อง “ไม่คาดการณ์เพราะ” "
        f"ระบุว่า “{REASONS[CLOSED]}”)" + (f" ในรายงานนี้มี {closed:,} โรงเรียน" if closed else ""),
    ]
    if latest is not None:
        notes.append(f"ปีล่าสุดที่มีตัวเลขจริงของพื้นที่คือ {latest} "
                     f"มี {stale:,} โรงเรียนที่ข้อมูลไม่เป็นปัจจุบัน (ตัวเลขล่าสุดก่อนปี {latest - PROJECTION_STALE_AFTER})")
    return sc.report("enrolment-projection", "แนวโน้มจำนวนนักเรียนและการคาดการณ์ 5 ปี", [table, totals_table],
                     chart=chart, chart_title="จำนวนนักเรียนรวม: จริงและคาดการณ์", notes=notes, landscape=True)


# --- the school page ----------------------------------------------------------------------------


def school_profile(school, user):
    """The context of templates/schools/_nearby.html and _enrolment_trend.html for a school's page.

    The nearest schools are other schools' data: only the office (officer, executive, admin), who
    see every school, get them, with links to their pages. School users see their own school
    only, so for them there is no nearby-schools section at all (`nearby_shown` False)."""
    from django.urls import reverse

    from edinfo import access

    # A closed school has no neighbours to send its pupils to any more, and no future: its past only.
    office = school.is_open and bool(access.roles_of(user) & {access.OFFICER, access.EXECUTIVE, access.ADMIN})
    near = [
        {"distance": d, "school": s, "size": size,
         "url": reverse("schools:detail", kwargs={"smis_code": s.smis_code})}
        for d, s, size in nearby(school)
    ] if office else []
    trend = without_projection_if_closed(school_trend(school), school)
    projected = trend.projected()
    years = [*sorted(trend.actual), *projected]
    chart = ""
    if years:
        labels = [str(y) for y in years]
        actual_line = [trend.actual[y][0] if y in trend.actual else None for y in years]
        projected_line = [None] * len(years)
        if projected:
            last = years.index(trend.last_year)
            projected_line[last] = trend.actual[trend.last_year][0]
            for y, n in projected.items():
                projected_line[years.index(y)] = n
        chart = line_chart(labels, [("จำนวนจริง", actual_line, False), ("คาดการณ์", projected_line, True)],
                           title="จำนวนนักเรียนรายปีการศึกษา", number=lambda v: f"{v:,}")
    return {
        "nearby_shown": office,
        "nearby_schools": near,
        "nearby_located": has_location(school),
        "enrolment": {
            "actual": [(y, n, SOURCE_LABELS.get(source, source)) for y, (n, source) in sorted(trend.actual.items())],
            "projected": sorted(projected.items()),
            "slope": round_half(trend.slope) if trend.has_projection else None,
            "used": trend.used,
            "minimum": PROJECTION_MINIMUM,
            "window": PROJECTION_WINDOW,
            "stale": trend.reason == STALE,
            "closed": trend.reason == CLOSED,
            "chart": chart,
        },
    }
