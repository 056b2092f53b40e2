"""Writing a จปฐ. survey: every file checked first, then all written in one transaction or none.

Re-importing a level of the same survey (year, indicator set, province) replaces that level's rows,
but only when asked to (``replace=True``, the page's "แทนที่ข้อมูลเดิม" tick): otherwise nothing is
written and the result says, per level, how many rows are there now, how many the new file has and
which codes the new file lacks. Replaced rows are first kept as a ReplacedImport (CSV text in the
TPMAP layout, downloadable and re-importable): no data that was entered is lost.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from schools.models import District, Province, Subdistrict
from students.checks import ERROR, WARNING, Problem

from . import importing
from .importing import AMPHOE, COUNT_COLUMNS, HAPPINESS, ID_COLUMNS, LEVEL_TH, PROVINCE, TAMBON, VILLAGE
from .models import AreaResult, IndicatorResult, ReplacedImport, Survey

MSG_UNRESOLVED_TAMBON = "รหัสนี้ไม่อยู่ในทะเบียนตำบล (อาจเป็นรหัสเขตเทศบาล) นำเข้าได้ และจะแสดงแยกไว้ภายใต้อำเภอ{district}"
MSG_UNRESOLVED_VILLAGE = ("รหัสตำบล {tambon} ของหมู่บ้าน {n:,} แถวไม่อยู่ในทะเบียนตำบล (อาจเป็นรหัสเขตเทศบาล) "
                          "นำเข้าได้ และรวมไว้ภายใต้อำเภอ{district}: {codes}")
VILLAGE_CODES_SHOWN = 3
MSG_UNRESOLVED_AMPHOE = "รหัสนี้ไม่อยู่ในทะเบียนอำเภอ"
MSG_MISSING_TAMBON = "ตำบล {code} {name} (อำเภอ{district}) ไม่มีในไฟล์"
MSG_MISSING_AMPHOE = "อำเภอ {code} {name} ไม่มีในไฟล์"
MSG_TWO_FILES = "ส่งไฟล์ระดับ{level}มาแล้วในไฟล์ {other}: เลือกไฟล์ละระดับ"
MSG_PROVINCES = "ไฟล์ที่ส่งมาเป็นข้อมูลต่างจังหวัดกัน (รหัส {codes}): นำเข้าครั้งละหนึ่งจังหวัด"
MSG_BLOCKED = "ยังนำเข้าไม่ได้: พบข้อผิดพลาด {n:,} รายการ แก้ไขแล้วนำเข้าใหม่ (ยังไม่มีการบันทึกข้อมูลใด ๆ)"
MSG_CONCURRENT = "มีการนำเข้าข้อมูลชุดเดียวกันพร้อมกัน กรุณาลองใหม่"
MSG_CONFIRM = ("ยังไม่ได้บันทึก: {survey} มีข้อมูล{levels}อยู่แล้ว ถ้าต้องการแทนที่ ให้ติ๊ก “แทนที่ข้อมูลเดิม” "
               "แล้วเลือกไฟล์และกดนำเข้าอีกครั้ง ข้อมูลเดิมจะถูกเก็บสำเนาไว้ที่หน้าข้อมูลสำรวจ (ดาวน์โหลดและนำเข้าคืนได้)")
ID_COLUMN = {level: column for column, (level, _) in ID_COLUMNS.items()}


@dataclass
class Replacement:
    """What importing one level would replace in a survey that already has rows at that level."""

    level: str
    before: int  # rows now
    new: int  # rows in the new file
    missing: list  # codes now present that the new file lacks

    @property
    def level_th(self):
        return LEVEL_TH[self.level]


class _NeedsConfirmation(Exception):
    pass


@dataclass
class ImportResult:
    year: int
    indicator_set: object
    files: list = field(default_factory=list)  # importing.ParsedFile
    problems: list = field(default_factory=list)  # across files
    survey: object = None
    committed: bool = False
    written: dict = field(default_factory=dict)  # level → rows written
    replaced: dict = field(default_factory=dict)  # level → rows of an earlier import replaced
    replacing: list = field(default_factory=list)  # Replacement: what this import replaces (or would)
    needs_confirmation: bool = False  # existing rows and no replace=True: nothing written
    archives: list = field(default_factory=list)  # ReplacedImport kept by this import
    existing_survey: object = None

    @property
    def error_count(self):
        return sum(len(f.errors) for f in self.files) + sum(1 for p in self.problems if p.level == ERROR) + sum(
            1 for f in self.files if f.refused)

    @property
    def blocked_message(self):
        return MSG_BLOCKED.format(n=self.error_count)

    @property
    def confirm_message(self):
        survey = self.existing_survey.label if self.existing_survey else f"จปฐ. ปี {self.year}"
        levels = "".join(f"ระดับ{r.level_th}" if n == 0 else f" และระดับ{r.level_th}"
                         for n, r in enumerate(self.replacing))
        return MSG_CONFIRM.format(survey=survey, levels=levels)

    @property
    def summary_lines(self):
        lines = []
        for level in (AMPHOE, TAMBON, VILLAGE):
            if level in self.written:
                line = f"ระดับ{LEVEL_TH[level]}: นำเข้า {self.written[level]:,} แถว"
                if self.replaced.get(level):
                    line += f" (แทนที่ข้อมูลเดิม {self.replaced[level]:,} แถว เก็บสำเนาข้อมูลเดิมไว้แล้ว)"
                lines.append(line)
        return lines


def import_files(*, year, indicator_set, files, user=None, notes="", replace=False):
    """files: [(filename, bytes)]. Returns an ImportResult; writes only when nothing blocks, and
    replaces rows already imported for a level only with replace=True (keeping them as a
    ReplacedImport first)."""
    indicators = list(indicator_set.indicators.all())
    result = ImportResult(year=year, indicator_set=indicator_set)
    levels = {}
    for filename, data in files:
        parsed = importing.parse(data, filename, indicators)
        result.files.append(parsed)
        if parsed.level and not parsed.refused:
            if parsed.level in levels:
                result.problems.append(Problem("file", ERROR, MSG_TWO_FILES.format(
                    level=LEVEL_TH[parsed.level], other=levels[parsed.level].filename)))
            levels.setdefault(parsed.level, parsed)
    provinces = sorted({f.province_code for f in result.files if f.province_code})
    if len(provinces) > 1:
        result.problems.append(Problem("file", ERROR, MSG_PROVINCES.format(codes=", ".join(provinces))))
    if result.error_count or not levels:
        return result
    province_code = provinces[0]
    for parsed in levels.values():
        _resolve(parsed, province_code)
    try:
        with transaction.atomic():
            survey, _ = Survey.objects.get_or_create(
                year=year, indicator_set=indicator_set, province_code=province_code,
                defaults={"province": Province.objects.filter(code=province_code).first(), "imported_by": user,
                          "notes": notes},
            )
            # One import of a survey at a time: a second waits here, then sees the first one's rows.
            # (NO KEY UPDATE: rows that reference the survey, checked at commit, are not blocked.)
            survey = Survey.objects.select_for_update(no_key=True).get(pk=survey.pk)
            result.replacing = _replacements(survey, levels)
            if result.replacing and not replace:
                result.existing_survey = survey
                result.needs_confirmation = True
                raise _NeedsConfirmation  # rolls back a survey row created just now
            survey.imported_by = user or survey.imported_by
            if notes:
                survey.notes = notes
            survey.save()
            by_number = {i.number: i for i in indicators}
            replacing = {r.level: r for r in result.replacing}
            for level, parsed in levels.items():
                if level in replacing:
                    result.archives.append(_archive(survey, level, replacing[level], parsed.filename, user))
                result.replaced[level] = _replace(survey, level)
                result.written[level] = _write(survey, parsed, by_number)
    except _NeedsConfirmation:
        return result
    except IntegrityError:
        result.replaced, result.written, result.archives = {}, {}, []
        result.problems.append(Problem("file", ERROR, MSG_CONCURRENT))
        return result
    result.survey = survey
    result.committed = True
    return result


def _replacements(survey, levels):
    """Replacement per level of ``levels`` (level → ParsedFile) that already has rows in the survey."""
    present = {}
    for level, code in AreaResult.objects.filter(survey=survey, level__in=list(levels)).values_list("level", "code"):
        present.setdefault(level, set()).add(code)
    return [
        Replacement(level=level, before=len(present[level]), new=len(parsed.rows),
                    missing=sorted(present[level] - {row["code"] for row in parsed.rows}))
        for level, parsed in levels.items() if level in present
    ]


def archive_csv(survey, level):
    """The survey's rows of one level as CSV text in the TPMAP "common" layout (re-importable)."""
    numbers = list(survey.indicator_set.indicators.order_by("number").values_list("number", flat=True))
    values = {}
    for area_id, number, applies, fails in IndicatorResult.objects.filter(
            area__survey=survey, area__level=level).values_list("area_id", "indicator__number", "applies", "fails"):
        values[(area_id, number)] = (applies, fails)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([ID_COLUMN[level], *COUNT_COLUMNS, HAPPINESS, *[f"indicator{n}.ALL" for n in numbers],
                     *[f"indicator{n}.CNT" for n in numbers], PROVINCE])
    areas = AreaResult.objects.filter(survey=survey, level=level).order_by("row_number", "code")
    for area in areas:
        cells = [values.get((area.pk, n), (None, None)) for n in numbers]
        writer.writerow([area.code, *[getattr(area, name) for name in COUNT_COLUMNS.values()],
                         "" if area.happiness is None else area.happiness,
                         *[applies for applies, _ in cells], *[fails for _, fails in cells], survey.province_code])
    return out.getvalue()


def _archive(survey, level, replacement, new_filename, user):
    filenames = sorted(set(AreaResult.objects.filter(survey=survey, level=level).values_list("filename", flat=True)))
    return ReplacedImport.objects.create(
        survey=survey, level=level, replaced_by=user, row_count=replacement.before,
        filename=", ".join(filenames)[:200], new_filename=new_filename[:200],
        missing_codes=" ".join(replacement.missing), csv_text=archive_csv(survey, level),
    )


def _resolve(parsed, province_code):
    """Set district/subdistrict ids on the rows and add warnings for what does not resolve."""
    districts = dict(District.objects.filter(province_id=province_code).values_list("code", "name_th"))
    tambons = {
        code: (name, district, district_name)
        for code, name, district, district_name in Subdistrict.objects.filter(
            district__province_id=province_code).values_list("code", "name_th", "district_id", "district__name_th")
    }
    column = ID_COLUMN[parsed.level]

    def warn(message, row=None, value=""):
        parsed.problems.append(Problem("resolve", WARNING, message, row=row, column=column, value=value))

    codes = set()
    unresolved_villages = {}  # tambon code → [(row number, village code)]: one warning per tambon
    for row in parsed.rows:
        code = row["code"]
        codes.add(code)
        row["district_code"] = code[:4]
        row["district_id"] = code[:4] if code[:4] in districts else None
        row["tambon_code"] = code[:6] if parsed.level != AMPHOE else ""
        row["village_code"] = code[:8] if parsed.level == VILLAGE else ""
        row["subunit"] = code[8:10] if parsed.level == VILLAGE else ""
        row["subdistrict_id"] = row["tambon_code"] if row["tambon_code"] in tambons else None
        if parsed.level == AMPHOE and not row["district_id"]:
            warn(MSG_UNRESOLVED_AMPHOE, row["row_number"], code)
        elif parsed.level == TAMBON and not row["subdistrict_id"]:
            district = districts.get(code[:4], f"รหัส {code[:4]} (ไม่อยู่ในทะเบียน)")
            warn(MSG_UNRESOLVED_TAMBON.format(district=district), row["row_number"], code)
        elif parsed.level == VILLAGE and not row["subdistrict_id"]:
            unresolved_villages.setdefault(code[:6], []).append((row["row_number"], code))
    for tambon, found in sorted(unresolved_villages.items()):
        shown = ", ".join(code for _, code in found[:VILLAGE_CODES_SHOWN])
        if len(found) > VILLAGE_CODES_SHOWN:
            shown += f" และอีก {len(found) - VILLAGE_CODES_SHOWN:,} แถว"
        district = districts.get(tambon[:4], f"รหัส {tambon[:4]} (ไม่อยู่ในทะเบียน)")
        warn(MSG_UNRESOLVED_VILLAGE.format(tambon=tambon, n=len(found), district=district, codes=shown),
             found[0][0], tambon)
    if parsed.level == AMPHOE:
        for code, name in sorted(districts.items()):
            if code not in codes:
                warn(MSG_MISSING_AMPHOE.format(code=code, name=name))
    elif parsed.level == TAMBON:
        for code, (name, _, district_name) in sorted(tambons.items()):
            if code not in codes:
                warn(MSG_MISSING_TAMBON.format(code=code, name=name, district=district_name))
    elif parsed.level == VILLAGE:
        present = {code[:6] for code in codes}
        for code, (name, _, district_name) in sorted(tambons.items()):
            if code not in present:
                warn("ไม่มีหมู่บ้านของ" + MSG_MISSING_TAMBON.format(code=code, name=name, district=district_name)
                     .replace(" ไม่มีในไฟล์", "") + " ในไฟล์")


def _replace(survey, level):
    areas = AreaResult.objects.filter(survey=survey, level=level)
    count = areas.count()
    if count:
        IndicatorResult.objects.filter(area__survey=survey, area__level=level).delete()
        areas.delete()
    return count


def _write(survey, parsed, by_number):
    fields = ("households", "persons", "mof_registered", "mof_verified", "elderly", "disabled",
              "chronic_patients", "happiness", "row_number", "code", "district_code", "tambon_code",
              "village_code", "subunit", "district_id", "subdistrict_id")
    areas = AreaResult.objects.bulk_create(
        [AreaResult(survey=survey, level=parsed.level, filename=parsed.filename[:200],
                    **{name: row[name] for name in fields}) for row in parsed.rows],
        batch_size=500,
    )
    results = [
        IndicatorResult(area=area, indicator=by_number[number], applies=applies, fails=fails)
        for area, row in zip(areas, parsed.rows, strict=True)
        for number, (applies, fails) in row["results"].items()
    ]
    IndicatorResult.objects.bulk_create(results, batch_size=2000)
    return len(areas)
