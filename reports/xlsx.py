"""The Excel rendering of a Report: the same numbers as the page, with Thai headers, one sheet."""

from io import BytesIO

from django.conf import settings

from edinfo import downloads, thai
from students.exporting import neutralise

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_workbook(report):
    """An openpyxl Workbook: title, census day and coverage lines, then each table with its caption.

    Numbers stay numbers (a reader sums them in Excel); rounding is the selector's, as on the page."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = downloads.sheet_title(report.title)
    bold = Font(bold=True)
    sheet.append([settings.EDINFO_OFFICE_NAME])
    sheet.append([report.title])
    sheet["A2"].font = Font(bold=True, size=14)
    sheet.append([f"{report.round.name} · ข้อมูล ณ วันที่ {thai.format_date(report.census_day, full=True)}"])
    if report.filter_line:
        sheet.append([report.filter_line])
    sheet.append([report.coverage_line])
    if report.provisional:
        sheet.append(["ข้อมูลเบื้องต้น ยังไม่เป็นทางการ: รวมข้อมูลของโรงเรียนที่ยังไม่รับรอง ห้ามเผยแพร่"])
    for note in [*report.warnings, *report.notes]:
        sheet.append([note])
    widths = {}
    for table in report.tables:
        sheet.append([])
        sheet.append([table.caption])
        sheet.cell(sheet.max_row, 1).font = bold
        sheet.append(list(table.columns))
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for index, row in enumerate(table.rows):
            # Names come from people (a school renamed "=HYPERLINK(…)" in the admin): never a formula.
            sheet.append([neutralise(value) for value in row])
            if index in table.subtotal_rows:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if table.totals:
            sheet.append(list(table.totals))
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        for row in [table.columns, *table.rows]:
            for index, value in enumerate(row, start=1):
                widths[index] = max(widths.get(index, 8), min(len(str(value)) + 2, 50))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
    return book


def report_xlsx(report):
    """The .xlsx file's bytes."""
    out = BytesIO()
    report_workbook(report).save(out)
    return out.getvalue()
