"""The report catalogue and each report as a page, a PDF and an Excel file (one Report, three renderings).

Officers and executives read every report (they are aggregates: no report lists a student).
Only officers may ask for provisional figures (?provisional=1, uncertified data included);
an executive asking for them gets 403. School users get 403: their own figures are on their
school's pages, and a report of one school would otherwise be a way round the certification.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from collection.models import Round
from edinfo import access, downloads, thai
from schools.models import Cluster, District

from . import catalogue, charts, selectors
from .pdf import font_css

READERS = (access.OFFICER, access.EXECUTIVE, access.ADMIN)
FORMATS = ("html", "pdf", "xlsx")


def format_number(value, digits=""):
    """How every rendering writes a number: 1,234 and 12.5; '–' for none; Thai digits on request."""
    if value is None or value == "":
        text = "–" if value is None else ""
    elif isinstance(value, float):
        text = f"{value:,.1f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return thai.to_thai_digits(text) if digits == "th" else text


def _display(table, digits):
    def cells(row):
        return [(format_number(value, digits), index >= table.label_columns) for index, value in enumerate(row)]

    return {
        "caption": table.caption,
        "columns": [(format_number(column, digits), index >= table.label_columns)
                    for index, column in enumerate(table.columns)],
        "rows": [(index in table.subtotal_rows, cells(row)) for index, row in enumerate(table.rows)],
        "totals": cells(table.totals) if table.totals else None,
    }


def report_context(report, *, digits="", pdf=False, query=""):
    """What report.html needs, for the page and for the PDF alike."""
    return {
        "report": report,
        "office_name": settings.EDINFO_OFFICE_NAME,
        "tables": [_display(table, digits) for table in report.tables],
        # Thai digits everywhere on request: in the chart's labels and title and in the notes too.
        "chart": charts.bar_chart([(format_number(label, digits), value) for label, value in report.chart],
                                  title=format_number(report.chart_title, digits),
                                  number=lambda value: format_number(value, digits)),
        "notes": [format_number(note, digits) for note in report.notes],
        "warnings": [format_number(warning, digits) for warning in report.warnings],
        "digits": digits,
        "census_day": thai.format_date(report.census_day, full=True, thai_digits=digits == "th"),
        # Official documents in Thai digits have them in every line, not only in the tables.
        "round_name": format_number(report.round.name, digits),
        "coverage_line": format_number(report.coverage_line, digits),
        "filter_line": format_number(report.filter_line, digits),
        "pdf": pdf,
        "base_template": "reports/print_base.html" if pdf else "base.html",
        "font_css": font_css() if pdf else "",
        "query": query,
    }


def render_report_html(report, *, digits="", pdf=False, request=None, query=""):
    return render_to_string("reports/report.html", report_context(report, digits=digits, pdf=pdf, query=query),
                            request=request)


def parse_filters(params, user=None):
    """The selector's arguments from a query string; 403 for provisional figures asked by a non-officer."""
    filters = {}
    if params.get("district"):
        filters["district"] = params["district"]
    if params.get("cluster", "").isdigit():
        filters["cluster"] = int(params["cluster"])
    if params.get("school"):
        filters["school"] = params["school"]
    if params.get("provisional") in ("1", "true", "yes"):
        if user is not None and access.OFFICER not in access.roles_of(user):
            raise PermissionDenied
        filters["provisional"] = True
    return filters


@access.require_roles(*READERS)
def index(request):
    rounds = Round.objects.order_by("-census_day")
    return render(request, "reports/index.html", {
        "entries": catalogue.CATALOGUE.values(),
        "rounds": rounds,
        "current": Round.objects.current(),
        "districts": District.objects.filter(subdistricts__schools__isnull=False).distinct().order_by("code"),
        "clusters": Cluster.objects.order_by("code"),
        "is_officer": access.OFFICER in access.roles_of(request.user),
    })


@access.require_roles(*READERS)
def report(request, name):
    entry = catalogue.CATALOGUE.get(name)
    if entry is None:
        raise Http404
    try:
        round = selectors.resolve_round(request.GET["round"]) if request.GET.get("round") else Round.objects.current()
    except Round.DoesNotExist:
        raise Http404 from None
    if round is None:
        return render(request, "reports/no_round.html", {"entry": entry})
    filters = parse_filters(request.GET, request.user)
    filters.update(entry.param_values(request.GET))
    group_by = request.GET.get("group_by", "")
    if group_by and group_by not in selectors.GROUP_BY:
        group_by = ""
    result = catalogue.build(name, round, group_by=group_by or None, **filters)
    digits = "th" if request.GET.get("digits") == "th" else ""
    fmt = request.GET.get("format", "html")
    if fmt in ("pdf", "xlsx"):
        # <Thai title>[-<school code>]-2569-10พย.pdf: the catalogue's title, then the round.
        school = str(filters.get("school", ""))
        name = downloads.filename(entry.title, school, downloads.round_label(round), extension=fmt)
        fallback = downloads.filename("report", entry.name, school, round.code, extension=fmt)
    if fmt == "pdf":
        from .pdf import report_pdf

        response = HttpResponse(report_pdf(result, digits=digits), content_type="application/pdf")
        return downloads.attach(response, name, fallback=fallback)
    if fmt == "xlsx":
        from .xlsx import XLSX_TYPE, report_xlsx

        response = HttpResponse(report_xlsx(result), content_type=XLSX_TYPE)
        return downloads.attach(response, name, fallback=fallback)
    query = request.GET.copy()
    query.pop("format", None)
    query["round"] = round.pk
    context = report_context(result, digits=digits, query=query.urlencode())
    context.update(entry=entry, group_by=group_by, groupings=selectors.GROUP_BY,
                   params=[(param, param.shown(request.GET.get(param.name, "")),
                            param.choices() if param.kind == "select" and param.choices else [])
                           for param in entry.params],
                   param_keep=[(key, value) for key, value in query.items()
                               if key not in {param.name for param in entry.params}])
    return render(request, "reports/report.html", context)
