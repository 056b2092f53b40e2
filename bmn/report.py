"""The report "ตัวชี้วัด จปฐ. ด้านการศึกษา รายตำบล": one definition, three renderings (page, PDF, Excel).

Tables are reports.selectors.Table; the page and the PDF share templates/bmn/report.html (with
templates/reports/print_base.html for the PDF), the workbook is written like reports/xlsx.py.
"""

from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from edinfo import thai
from reports.pdf import font_css, html_to_pdf
from reports.selectors import Table
from reports.views import format_number
from students.exporting import neutralise

from . import analysis as bmn_analysis

TITLE = "ตัวชี้วัด จปฐ. ด้านการศึกษา รายตำบล"


@dataclass
class BmnReport:
    title: str
    survey_line: str
    filter_line: str
    tables: list
    notes: list = field(default_factory=list)
    landscape: bool = True
    name: str = "bmn-education"
    notice: str = ""  # the survey has no tambon-level data


def build(survey, choice=""):
    data = bmn_analysis.analyse(survey, choice)
    indicators = data.indicators
    columns = ["อำเภอ", "รหัสตำบล", "ตำบล", "ครัวเรือน", "คน"]
    for indicator in indicators:
        columns += [f"ข้อ {indicator.number} ไม่ผ่าน (คน)", f"ข้อ {indicator.number} ไม่ผ่าน (%)"]
    columns += ["ไม่ผ่านรวม (คน)", "ต่อ 1,000 คน", "โรงเรียน (แห่ง)", "นักเรียน (คน)"]
    rows, subtotal_rows = [], set()

    def line(district, code, name, row):
        cells = [district, code, name, row.households if row.in_survey else None,
                 row.persons if row.in_survey else None]
        for cell in row.cells:
            cells += [cell.fails if row.in_survey else None, cell.rate]
        cells += [row.total_fails if row.in_survey else None, row.rate_per_1000, row.school_count, row.students]
        return cells

    for (_code, name), group in data.by_district():
        for row in group:
            label = row.label if row.in_survey else f"{row.label} (ไม่มีในข้อมูล จปฐ.)"
            rows.append(line(f"อำเภอ{name}", row.code, label, row))
        subtotal = bmn_analysis.Analysis(survey, indicators, group, choice, [], data.source_level).totals()
        subtotal_rows.add(len(rows))
        rows.append(line(f"รวมอำเภอ{name}", "", "", subtotal))
    totals = line("รวมทั้งหมด", "", "", data.totals()) if data.rows else None
    main = Table(caption="ผู้ไม่ผ่านเกณฑ์ตัวชี้วัดด้านการศึกษา และโรงเรียนในตำบล", columns=columns, rows=rows,
                 totals=totals, label_columns=3, subtotal_rows=subtotal_rows)
    priority = Table(
        caption="ตำบลที่ควรให้ความสำคัญก่อน (10 อันดับแรก) — " + bmn_analysis.PRIORITY_RULE,
        columns=["อันดับ", "อำเภอ", "ตำบล", "ไม่ผ่านรวม (คน)", "ต่อ 1,000 คน", "เหตุผล"],
        rows=[[n, f"อำเภอ{r.district_name}", r.label, r.total_fails, r.rate_per_1000, r.reason]
              for n, r in enumerate(data.priority, start=1)],
        label_columns=3,
    )
    schools = Table(
        caption="โรงเรียนในแต่ละตำบล",
        columns=["อำเภอ", "ตำบล", "โรงเรียน (แห่ง)", "นักเรียน (คน)", "รายชื่อโรงเรียน"],
        rows=[[f"อำเภอ{r.district_name}", r.label, r.school_count, r.students, r.school_names]
              for r in data.rows if r.schools],
        label_columns=2,
    )
    legend = Table(
        caption="ตัวชี้วัดด้านการศึกษาในรายงานนี้",
        columns=["ตัวชี้วัดที่", "ข้อความตัวชี้วัด", "หมวด"],
        rows=[[i.number, i.name_th, i.category] for i in indicators],
        label_columns=3,
    )
    notes = [bmn_analysis.NOTE_READING, bmn_analysis.NOTE_SUM, bmn_analysis.NOTE_MUNICIPAL,
             bmn_analysis.NOTE_ENROLMENT, bmn_analysis.NOTE_CATEGORIES]
    if data.missing:
        notes.append("ตำบลที่มีโรงเรียนแต่ไม่มีในข้อมูล จปฐ.: " + ", ".join(
            f"{r.code} {r.label}" for r in data.missing))
    if data.source_level == "village":
        notes.append("ข้อมูลรายตำบลได้จากการรวมข้อมูลรายหมู่บ้าน (ไม่ได้นำเข้าไฟล์ระดับตำบล)")
    labels = dict(bmn_analysis.district_choices(survey))
    if data.notice:
        # An amphoe file only: say so, rather than a table of tambons "not in the file" with no figures.
        return BmnReport(
            title=TITLE,
            survey_line=f"{survey.label} · ชุดตัวชี้วัด {survey.indicator_set.name}",
            filter_line=labels.get(choice, labels[""]) + ": " + ", ".join(
                f"{code} {name}" for code, name in data.districts),
            tables=[], notes=[data.notice], notice=data.notice,
        )
    return BmnReport(
        title=TITLE,
        survey_line=f"{survey.label} · ชุดตัวชี้วัด {survey.indicator_set.name}",
        filter_line=labels.get(choice, labels[""]) + ": " + ", ".join(f"{code} {name}" for code, name in data.districts),
        tables=[legend, main, priority, schools],
        notes=notes,
    )


def _display(table, digits=""):
    def cells(row):
        return [(format_number(v, digits), i >= table.label_columns) for i, v in enumerate(row)]

    return {
        "caption": table.caption,
        "columns": [(c, i >= table.label_columns) for i, c in enumerate(table.columns)],
        "rows": [(i in table.subtotal_rows, cells(row)) for i, row in enumerate(table.rows)],
        "totals": cells(table.totals) if table.totals else None,
    }


def context(report, *, pdf=False, digits=""):
    return {
        "report": report,
        "tables": [_display(t, digits) for t in report.tables],
        "office_name": settings.EDINFO_OFFICE_NAME,
        "printed": thai.format_date(timezone.localdate(), full=True),
        "pdf": pdf,
        "digits": digits,
        "font_css": font_css() if pdf else "",
        "base_template": "reports/print_base.html" if pdf else "base.html",
    }


def render_pdf(report, digits=""):
    return html_to_pdf(render_to_string("bmn/report.html", context(report, pdf=True, digits=digits)))


def render_xlsx(report):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "จปฐ. การศึกษา รายตำบล"
    bold = Font(bold=True)
    sheet.append([settings.EDINFO_OFFICE_NAME])
    sheet.append([report.title])
    sheet["A2"].font = Font(bold=True, size=14)
    sheet.append([neutralise(report.survey_line)])
    sheet.append([neutralise(report.filter_line)])
    for note in report.notes:
        sheet.append([neutralise(note)])

    def append(values):
        # School and indicator names come from officers' files: text that a spreadsheet would run
        # as a formula ('=HYPERLINK(...)') is written as text.
        sheet.append([neutralise(value) for value in values])

    widths = {}
    for table in report.tables:
        sheet.append([])
        append([table.caption])
        sheet.cell(sheet.max_row, 1).font = bold
        append(table.columns)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, row in enumerate(table.rows):
            append(row)
            if index in table.subtotal_rows:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if table.totals:
            append(table.totals)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for row in table.rows:
            for index, value in enumerate(row, start=1):
                widths[index] = max(widths.get(index, 10), min(len(str(value)) + 2, 40))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
