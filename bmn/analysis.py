"""จปฐ. education indicators by tambon, beside the schools of each tambon (aggregates in SQL).

Which tambon rows: every tambon code of the survey (from its tambon file, or the villages summed by
their tambon when only a village file was imported) and every tambon where an open school lies,
within the chosen amphoe(s). Nothing is dropped: a tambon of the file without schools, a tambon
with schools but no survey row (640101 ธานี in the 2561 file) and a code that is in no tambon
register (municipal areas such as 640151, attached to their amphoe 6401) all have a row.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.urls import reverse

from schools.models import District, School, Subdistrict

from .models import AreaResult, IndicatorResult, Survey

ALL = "all"
NOTE_READING = ("ตัวชี้วัดแต่ละข้อมีตัวเลขสองค่า คือ จำนวนคนที่ตัวชี้วัดใช้วัด (คอลัมน์ indicatorN.ALL ในไฟล์) "
                "และจำนวนคนที่ไม่ผ่านเกณฑ์ (คอลัมน์ indicatorN.CNT ในไฟล์) — แหล่งข้อมูลไม่ได้อธิบายความหมายของ"
                "สองคอลัมน์นี้ไว้ ความหมายข้างต้นเป็นการตีความของเรา")
NOTE_CATEGORIES = ("การจัดตัวชี้วัดเป็น 5 หมวด (1 สุขภาพ 1–7, 2 สภาพแวดล้อม 8–14, 3 การศึกษา 15–19, "
                   "4 การมีงานทำและรายได้ 20–23, 5 ค่านิยม 24–31) เป็นการจัดกลุ่มตามที่ใช้กันทั่วไป "
                   "ยังไม่ได้ตรวจกับเอกสารทางการของกรมการพัฒนาชุมชน")
NOTE_SUBUNIT = ("รหัสหมู่บ้านในไฟล์มี 10 หลัก: 8 หลักแรกคือรหัสหมู่บ้านของกรมการปกครอง 2 หลักท้ายเป็นเลขลำดับหน่วยย่อย "
                "ที่เรายืนยันความหมายไม่ได้ (ส่วนใหญ่เป็น 01) ระบบเก็บไว้ตามไฟล์")
NOTE_MUNICIPAL = ("รหัสที่ไม่อยู่ในทะเบียนตำบล (เช่น 640151, 640154) น่าจะเป็นรหัสเขตเทศบาล "
                  "แสดงแยกไว้ใต้อำเภอของรหัสนั้น ไม่ได้รวมเข้ากับตำบลใด")
NOTE_ENROLMENT = "จำนวนนักเรียนเป็นตัวเลขในทะเบียนโรงเรียน (จำนวนนักเรียนล่าสุดที่รับรอง) ของโรงเรียนที่ยังเปิดสอน"
NOTE_SUM = "ผู้ไม่ผ่านเกณฑ์รวมเป็นผลบวกของทุกตัวชี้วัดด้านการศึกษา คนคนเดียวที่ไม่ผ่านหลายข้อจึงถูกนับซ้ำ"
PRIORITY_RULE = ("เรียงตามจำนวนคนที่ไม่ผ่านเกณฑ์ตัวชี้วัดด้านการศึกษารวมทุกข้อ (มากไปน้อย) "
                 "ถ้าเท่ากันเรียงตามอัตราต่อประชากร 1,000 คน")


@dataclass
class IndicatorCell:
    indicator: object
    fails: int = 0
    applies: int = 0

    @property
    def rate(self):
        """Failing persons as % of the persons the indicator applies to; None when it applies to none."""
        return round(100 * self.fails / self.applies, 1) if self.applies else None


@dataclass
class TambonRow:
    code: str
    name: str
    district_code: str
    district_name: str
    kind: str  # "tambon" | "municipal" (not in the tambon register)
    in_survey: bool = False
    households: int = 0
    persons: int = 0
    cells: list = field(default_factory=list)
    schools: list = field(default_factory=list)  # (name, smis_code, student_count)
    latitude: object = None
    longitude: object = None

    @property
    def label(self):
        if self.kind == "municipal":
            return f"เขตเทศบาล (รหัส {self.code})"
        return f"{self.name}"

    @property
    def anchor(self):
        return f"t{self.code}"

    @property
    def total_fails(self):
        return sum(c.fails for c in self.cells)

    @property
    def rate_per_1000(self):
        return round(1000 * self.total_fails / self.persons, 1) if self.persons else None

    @property
    def school_count(self):
        return len(self.schools)

    @property
    def students(self):
        return sum(s[2] or 0 for s in self.schools)

    @property
    def school_names(self):
        return ", ".join(s[0] for s in self.schools)

    @property
    def worst(self):
        cells = [c for c in self.cells if c.fails]
        return max(cells, key=lambda c: c.fails) if cells else None

    @property
    def reason(self):
        if not self.in_survey:
            return "ไม่มีข้อมูล จปฐ. ของตำบลนี้ในไฟล์"
        text = f"ไม่ผ่านเกณฑ์ด้านการศึกษารวม {self.total_fails:,} คน"
        if self.rate_per_1000 is not None:
            text += f" ({self.rate_per_1000:,.1f} ต่อประชากร 1,000 คน)"
        if self.worst:
            text += f" มากที่สุดคือตัวชี้วัดที่ {self.worst.indicator.number} ({self.worst.fails:,} คน)"
        if self.schools:
            text += f"; มีโรงเรียน {self.school_count} แห่ง นักเรียน {self.students:,} คน"
        else:
            text += "; ไม่มีโรงเรียนในสังกัดในตำบลนี้"
        return text


@dataclass
class Analysis:
    survey: object
    indicators: list
    rows: list
    district_choice: str
    districts: list  # (code, name) shown
    source_level: str
    missing: list = field(default_factory=list)  # TambonRow with schools but no survey row
    notice: str = ""  # set when the survey has no tambon-level data: the rows then say nothing

    @property
    def has_tambon_data(self):
        return bool(self.source_level)

    @property
    def priority(self):
        return priority(self.rows)

    @property
    def priority_by_rate(self):
        ranked = [r for r in self.rows if r.in_survey and r.persons]
        return sorted(ranked, key=lambda r: (-r.rate_per_1000, -r.total_fails, r.code))[:10]

    def totals(self):
        total = TambonRow("", "รวม", "", "", "tambon", True)
        total.cells = [IndicatorCell(i) for i in self.indicators]
        for row in self.rows:
            total.households += row.households
            total.persons += row.persons
            total.schools += row.schools
            for mine, theirs in zip(total.cells, row.cells, strict=True):
                mine.fails += theirs.fails
                mine.applies += theirs.applies
        return total

    def by_district(self):
        groups = {}
        for row in self.rows:
            groups.setdefault((row.district_code, row.district_name), []).append(row)
        return list(groups.items())


def priority(rows, limit=10):
    """Tambons that need attention first (PRIORITY_RULE)."""
    ranked = [r for r in rows if r.in_survey and r.total_fails]
    return sorted(ranked, key=lambda r: (-r.total_fails, -(r.rate_per_1000 or 0), r.code))[:limit]


LEVEL_ORDER = ("amphoe", "tambon", "village")
LEVEL_NAMES = {"amphoe": "อำเภอ", "tambon": "ตำบล", "village": "หมู่บ้าน"}
TAMBON_LEVELS = ("tambon", "village")  # a village file gives tambon figures by summing its villages


def survey_levels():
    """{survey id: [levels it has rows at, amphoe → village]} in one query."""
    found = {}
    for survey_id, level in AreaResult.objects.values_list("survey_id", "level").distinct():
        found.setdefault(survey_id, set()).add(level)
    return {pk: [level for level in LEVEL_ORDER if level in levels] for pk, levels in found.items()}


def surveys():
    """The surveys, newest first, each with ``levels`` (the levels it has rows at) and
    ``levels_label`` (e.g. "มีข้อมูลระดับอำเภอ ตำบล หมู่บ้าน") for the survey chooser."""
    found = list(Survey.objects.select_related("indicator_set", "province").order_by("-year", "province_code", "-pk"))
    levels = survey_levels()
    for survey in found:
        survey.levels = levels.get(survey.pk, [])
        survey.levels_label = ("มีข้อมูลระดับ" + " ".join(LEVEL_NAMES[level] for level in survey.levels)
                               if survey.levels else "ยังไม่มีข้อมูล")
        survey.has_tambon_data = any(level in TAMBON_LEVELS for level in survey.levels)
    return found


def pick_survey(value, choices=None):
    """The survey named by ?survey=<id>, else the latest survey that has tambon-level data (a tambon
    file, or a village file summed by tambon), else the latest; None when there is none.

    A later year imported with its amphoe file only must not hide the tambon figures of the year
    before: the amphoe file cannot be read by tambon."""
    found = surveys() if choices is None else choices
    if value and str(value).isdigit():
        for survey in found:
            if survey.pk == int(value):
                return survey
    return next((s for s in found if s.has_tambon_data), found[0] if found else None)


def source_level(survey):
    levels = set(AreaResult.objects.filter(survey=survey).values_list("level", flat=True).distinct())
    for level in (AreaResult.Level.TAMBON, AreaResult.Level.VILLAGE):
        if level in levels:
            return level
    return None


def no_tambon_notice(survey):
    """What to say instead of tambon figures when the survey has none (None when it has them)."""
    levels = getattr(survey, "levels", None)
    if levels is None:
        levels = [level for level in LEVEL_ORDER
                  if AreaResult.objects.filter(survey=survey, level=level).exists()]
    if any(level in TAMBON_LEVELS for level in levels):
        return None
    if levels:
        have = " ".join(f"ระดับ{LEVEL_NAMES[level]}" for level in levels)
        return f"จปฐ. ปี {survey.year} มีเฉพาะข้อมูล{have} ยังไม่มีข้อมูลรายตำบล"
    return f"จปฐ. ปี {survey.year} ยังไม่มีข้อมูลรายตำบล"


def district_choices(survey):
    """[(value, label)] for the amphoe filter: the office's amphoe (those with its schools), the whole
    province, then each amphoe of the province."""
    districts = list(District.objects.filter(province_id=survey.province_code).values_list("code", "name_th"))
    return [("", "อำเภอที่มีโรงเรียนในสังกัด"), (ALL, "ทั้งจังหวัด")] + [
        (code, f"อำเภอ{name}") for code, name in districts
    ]


def _district_codes(survey, choice):
    province = District.objects.filter(province_id=survey.province_code)
    if choice == ALL:
        codes = set(province.values_list("code", flat=True))
        codes |= set(AreaResult.objects.filter(survey=survey).values_list("district_code", flat=True).distinct())
        return sorted(codes)
    if choice and province.filter(code=choice).exists():
        return [choice]
    office = sorted(
        School.objects.filter(is_open=True, subdistrict__district__province_id=survey.province_code)
        .values_list("subdistrict__district_id", flat=True).distinct()
    )
    return office or _district_codes(survey, ALL)  # no schools in this province: the whole file


def analyse(survey, choice=""):
    """An Analysis: one TambonRow per tambon code in the chosen amphoe(s), ordered by code."""
    indicators = list(survey.indicator_set.indicators.filter(is_education=True).order_by("number"))
    codes = _district_codes(survey, choice)
    level = source_level(survey)
    district_names = dict(District.objects.filter(code__in=codes).values_list("code", "name_th"))
    rows = {}

    def row_for(code):
        if code not in rows:
            rows[code] = TambonRow(code, "", code[:4], district_names.get(code[:4], f"รหัส {code[:4]}"), "municipal")
            rows[code].cells = [IndicatorCell(i) for i in indicators]
        return rows[code]

    if level:
        areas = (AreaResult.objects.filter(survey=survey, level=level, district_code__in=codes)
                 .values("tambon_code").annotate(households=Sum("households"), persons=Sum("persons")))
        for area in areas:
            row = row_for(area["tambon_code"])
            row.in_survey = True
            row.households, row.persons = area["households"], area["persons"]
        position = {i.pk: n for n, i in enumerate(indicators)}
        sums = (IndicatorResult.objects.filter(area__survey=survey, area__level=level,
                                               area__district_code__in=codes, indicator__in=indicators)
                .values("area__tambon_code", "indicator_id")
                .annotate(applies=Sum("applies"), fails=Sum("fails")))
        for item in sums:
            cell = row_for(item["area__tambon_code"]).cells[position[item["indicator_id"]]]
            cell.applies, cell.fails = item["applies"], item["fails"]
    schools = (School.objects.filter(is_open=True, subdistrict__district_id__in=codes)
               .order_by("smis_code").values_list("subdistrict_id", "name", "smis_code", "student_count"))
    for tambon, name, smis, count in schools:
        row_for(tambon).schools.append((name, smis, count))
    for code, name, lat, lng in Subdistrict.objects.filter(code__in=list(rows)).values_list(
            "code", "name_th", "latitude", "longitude"):
        row = rows[code]
        row.name, row.kind, row.latitude, row.longitude = name, "tambon", lat, lng
    ordered = [rows[code] for code in sorted(rows)]
    analysis = Analysis(
        survey=survey, indicators=indicators, rows=ordered, district_choice=choice,
        districts=sorted(district_names.items()), source_level=level or "",
    )
    if level:
        analysis.missing = [r for r in ordered if not r.in_survey]
    else:
        # An amphoe file only: no tambon is "missing from the file", the survey has no tambon figures.
        analysis.notice = no_tambon_notice(survey)
    return analysis


def analysis_url(survey, code=""):
    url = reverse("bmn:index") + f"?survey={survey.pk}&district={ALL}"
    return url + (f"#t{code}" if code else "")


def layer(survey, choice=""):
    """GeoJSON points at tambon centroids; rows without a centroid (municipal codes) are listed in
    "unplaced" instead. A survey without tambon-level data gives no circles (and says so in
    ``has_tambon_data`` and ``notice``) rather than circles without figures."""
    analysis = analyse(survey, choice)
    features, unplaced = [], []
    for row in analysis.rows if analysis.has_tambon_data else []:
        if not row.in_survey and not row.schools:
            continue
        properties = {
            "code": row.code,
            "name": row.label,
            "district": row.district_name,
            # A tambon with schools but no survey row (640101 in 2561): no figures rather than zeros.
            "fails": row.total_fails if row.in_survey else None,
            "indicators": [{"no": c.indicator.number, "name": c.indicator.name_th, "fails": c.fails,
                            "all": c.applies} for c in row.cells] if row.in_survey else [],
            "schools": row.school_count,
            "students": row.students,
            "url": analysis_url(survey, row.code),
            "survey": f"จปฐ. ปี {survey.year}",
        }
        if row.latitude is None or row.longitude is None:
            unplaced.append({"code": row.code, "name": row.label, "district": row.district_name,
                             "fails": row.total_fails})
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(row.longitude), float(row.latitude)]},
            "properties": properties,
        })
    return {"type": "FeatureCollection", "survey": f"จปฐ. ปี {survey.year}",
            "has_tambon_data": analysis.has_tambon_data, "notice": analysis.notice or "",
            "districts": [code for code, _ in analysis.districts], "features": features, "unplaced": unplaced}


def reconciliation(survey):
    """Per amphoe: households, persons and failing persons per education indicator from the amphoe
    file beside the sums of the tambon and of the village files. [(code, name, [(metric, a, t, v)])]."""
    indicators = list(survey.indicator_set.indicators.filter(is_education=True).order_by("number"))
    data = {}
    for item in (AreaResult.objects.filter(survey=survey).values("level", "district_code")
                 .annotate(households=Sum("households"), persons=Sum("persons"), n=Count("id"))):
        slot = data.setdefault(item["district_code"], {})
        slot[("households", item["level"])] = item["households"]
        slot[("persons", item["level"])] = item["persons"]
        slot[("rows", item["level"])] = item["n"]
    for item in (IndicatorResult.objects.filter(area__survey=survey, indicator__in=indicators)
                 .values("area__level", "area__district_code", "indicator__number").annotate(fails=Sum("fails"))):
        data.setdefault(item["area__district_code"], {})[
            (f"i{item['indicator__number']}", item["area__level"])] = item["fails"]
    names = dict(District.objects.filter(code__in=list(data)).values_list("code", "name_th"))
    metrics = [("rows", "จำนวนแถวในไฟล์"), ("households", "ครัวเรือน"), ("persons", "คน")] + [
        (f"i{i.number}", f"ไม่ผ่านตัวชี้วัดที่ {i.number}") for i in indicators]
    out = []
    for code in sorted(data):
        slot = data[code]
        lines = []
        for key, label in metrics:
            values = [slot.get((key, level)) for level in ("amphoe", "tambon", "village")]
            present = [v for v in values if v is not None]
            differs = key != "rows" and len(set(present)) > 1
            lines.append((label, *values, differs))
        out.append((code, names.get(code, f"รหัส {code} (ไม่อยู่ในทะเบียนอำเภอ)"), lines))
    return out
