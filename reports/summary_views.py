"""The executive summary, publishing and the provincial export (office roles only)."""

from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from collection.models import Round
from edinfo import access, downloads

from . import charts, pdf, publishing, summary
from .models import Publication

SUMMARY_ROLES = (access.EXECUTIVE, access.OFFICER, access.ADMIN)


def _round_from(request):
    value = request.GET.get("round") or request.POST.get("round")
    if value:
        if not str(value).isdigit():
            raise Http404
        return get_object_or_404(Round, pk=value)
    return Round.objects.current()


def _summary_context(round_):
    data = summary.executive_summary(round_)
    return {
        "round": round_, "s": data, "rounds": Round.objects.all(),
        "grade_chart": charts.bar_chart(((g["label"], g["total"]) for g in data.grades), width=420),
        "size_chart": charts.bar_chart(((b["label"], b["count"]) for b in data.bands), width=420),
        "publication": publishing.live_publication(round_.pk),
        "can_publish_data": summary.has_official_data(round_),
        "office_name": settings.EDINFO_OFFICE_NAME,
    }


@access.require_roles(*SUMMARY_ROLES)
def summary_page(request):
    """Key figures of a round for the office's executives, aggregates only."""
    round_ = _round_from(request)
    if round_ is None:
        return render(request, "reports/summary.html", {"round": None, "rounds": []})
    context = _summary_context(round_)
    context["is_officer"] = access.OFFICER in access.roles_of(request.user)
    return render(request, "reports/summary.html", context)


@access.require_roles(*SUMMARY_ROLES)
def summary_pdf(request):
    """The same summary as a PDF (WeasyPrint, Sarabun)."""
    round_ = _round_from(request)
    if round_ is None:
        raise Http404
    context = {**_summary_context(round_), "font_css": pdf.font_css()}
    document = pdf.html_to_pdf(render(request, "reports/summary_pdf.html", context).content.decode())
    response = HttpResponse(document, content_type="application/pdf")
    name = downloads.filename("สรุปสำหรับผู้บริหาร", downloads.round_label(round_), extension="pdf")
    return downloads.attach(response, name, fallback=f"summary-{round_.code}.pdf")


@access.require_roles(access.OFFICER)
def publish(request):
    """GET: what would be published and the history; POST: publish or withdraw."""
    round_ = _round_from(request)
    if round_ is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            if publishing.publication_withdraw(round=round_, user=request.user):
                messages.success(request, "ถอนการเผยแพร่ตัวเลขของรอบนี้แล้ว (ประวัติยังเก็บไว้)")
            return redirect(f"{request.path}?round={round_.pk}")
        try:
            publishing.publication_create(round=round_, user=request.user, note=request.POST.get("note", "")[:2000])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "เผยแพร่ตัวเลขของรอบนี้แล้ว")
        return redirect(f"{request.path}?round={round_.pk}")
    return render(request, "reports/summary_publish.html", {
        "round": round_, "rounds": Round.objects.all(),
        "coverage": summary.coverage(round_),
        "can_publish_data": summary.has_official_data(round_),
        "publication": publishing.live_publication(round_.pk),
        "history": Publication.objects.filter(round=round_).select_related("published_by", "unpublished_by"),
    })


PROVINCIAL_HEADERS = ["ชาย", "หญิง", "รวม"]


@access.require_roles(access.OFFICER)
def provincial_xlsx(request):
    """The provincial central database's tables: by amphoe and by tambon, one sheet each."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    round_ = _round_from(request)
    if round_ is None:
        raise Http404
    tables = summary.provincial_tables(round_)
    cov = summary.coverage(round_)
    book = Workbook()
    sheets = [
        ("อำเภอ", ["รหัสอำเภอ", "อำเภอ"], ["subdistrict__district__code", "subdistrict__district__name_th"],
         tables["amphoe"]),
        ("ตำบล", ["อำเภอ", "รหัสตำบล", "ตำบล"],
         ["subdistrict__district__name_th", "subdistrict__code", "subdistrict__name_th"], tables["tambon"]),
    ]
    bold = Font(bold=True)
    for index, (title, key_headers, keys, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append([f"ฐานข้อมูลกลางจังหวัด: จำนวนโรงเรียนและนักเรียนราย{title} – {round_.name}"])
        sheet.append([f"วันที่เก็บข้อมูล {round_.census_day:%d/%m}/{round_.census_day.year + 543} · {cov['line']}"])
        # Row 3: stage headings over their three columns; row 4: the column headers.
        stage_row = [""] * (len(key_headers) + 1)
        header_row = [*key_headers, "จำนวนโรงเรียน"]
        for _stage, label in summary.STAGES:
            stage_row += [label, "", ""]
            header_row += PROVINCIAL_HEADERS
        stage_row += ["รวมทั้งสิ้น", "", ""]
        header_row += PROVINCIAL_HEADERS
        sheet.append(stage_row)
        sheet.append(header_row)
        for col in range(len(key_headers) + 2, len(header_row) + 1, 3):
            sheet.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 2)
        for cell in (*sheet[3], *sheet[4]):
            cell.font = bold
            cell.alignment = Alignment(horizontal="center")
        for row in rows:
            line = [row[k] or "" for k in keys] + [row["schools"]]
            m_total = f_total = 0
            for stage, _label in summary.STAGES:
                m, f = row[f"{stage}_M"], row[f"{stage}_F"]
                m_total, f_total = m_total + m, f_total + f
                line += [m, f, m + f]
            sheet.append(line + [m_total, f_total, m_total + f_total])
        sheet.freeze_panes = sheet.cell(row=5, column=len(key_headers) + 1)
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = downloads.filename("ฐานข้อมูลกลางจังหวัด", downloads.round_label(round_), extension="xlsx")
    return downloads.attach(response, name, fallback=f"provincial-{round_.code}.xlsx")


