"""จปฐ. pages: the education indicators by tambon beside the schools, the report, the map layer,
the survey's reconciliation, the import and the indicator sets.

Officers, executives and admins read (aggregates only: the files hold no person or household);
only officers and admins import files or load indicator sets.
"""

import csv
import io

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from edinfo import access
from reports.xlsx import XLSX_TYPE
from students.checks import ERROR
from students.importing import FileRefused

from . import analysis as bmn_analysis
from . import indicators as indicator_data
from . import report as bmn_report
from . import services
from .forms import ImportForm, IndicatorSetForm
from .importing import LEVEL_TH
from .models import AreaResult, IndicatorResult, IndicatorSet, ReplacedImport

READERS = (access.OFFICER, access.EXECUTIVE, access.ADMIN)
IMPORTERS = access.OFFICE_ROLES
MAX_FILES = 6


def _pick(request):
    """(survey, all surveys): ?survey=<id>, else the latest survey with tambon-level data."""
    found = bmn_analysis.surveys()
    return bmn_analysis.pick_survey(request.GET.get("survey"), found), found


def _map_url(request, survey, choice):
    """The school map with the จปฐ. layer on, for the amphoe (and the survey) chosen here."""
    url = reverse("schools:map") + "?bmn=1"
    if choice and choice != bmn_analysis.ALL:
        url += f"&district={choice}"
    if survey and request.GET.get("survey"):
        url += f"&survey={survey.pk}"
    return url


def _common(request, survey, found):
    choice = request.GET.get("district", "")
    choices = bmn_analysis.district_choices(survey) if survey else []
    if choice not in dict(choices):
        choice = ""
    return {
        "survey": survey,
        "surveys": found,
        "choice": choice,
        "map_url": _map_url(request, survey, choice),
        # Offered beside the notice of a survey that has no tambon-level data.
        "latest_with_tambons": next((s for s in found if s.has_tambon_data), None),
        "choices": choices,
        "can_import": bool(access.roles_of(request.user) & set(IMPORTERS)),
        "notes": {
            "reading": bmn_analysis.NOTE_READING, "categories": bmn_analysis.NOTE_CATEGORIES,
            "subunit": bmn_analysis.NOTE_SUBUNIT, "municipal": bmn_analysis.NOTE_MUNICIPAL,
            "enrolment": bmn_analysis.NOTE_ENROLMENT, "sum": bmn_analysis.NOTE_SUM,
            "rule": bmn_analysis.PRIORITY_RULE,
        },
    }


@access.require_roles(*READERS)
def index(request):
    survey, found = _pick(request)
    context = _common(request, survey, found)
    if survey:
        data = bmn_analysis.analyse(survey, context["choice"])
        context.update(analysis=data, groups=data.by_district(), totals=data.totals(),
                       colspan=2 * len(data.indicators) + 7,
                       query=f"survey={survey.pk}&district={context['choice']}")
    return render(request, "bmn/index.html", context)


@access.require_roles(*READERS)
def tambon_layer(request):
    """GeoJSON points, one per tambon with a centroid, for the school map's จปฐ. layer.

    Like /bmn/: by default the amphoe where the office has open schools; ?district=all for the
    province, ?district=<code> for one amphoe; the survey is ?survey=<id>, else the latest one
    with tambon-level data."""
    survey, _ = _pick(request)
    if survey is None:
        return JsonResponse({"type": "FeatureCollection", "survey": "", "has_tambon_data": False, "notice": "",
                             "districts": [], "features": [], "unplaced": []})
    choice = request.GET.get("district", "")
    if choice not in dict(bmn_analysis.district_choices(survey)):
        choice = ""
    return JsonResponse(bmn_analysis.layer(survey, choice), json_dumps_params={"ensure_ascii": False})


@access.require_roles(*READERS)
def report(request):
    survey, found = _pick(request)
    context = _common(request, survey, found)
    if survey is None:
        return render(request, "bmn/report.html", {**context, "report": None, "pdf": False,
                                                   "base_template": "base.html"})
    built = bmn_report.build(survey, context["choice"])
    fmt = request.GET.get("format", "html")
    digits = "th" if request.GET.get("digits") == "th" else ""
    # A download like every other report PDF, named for what it holds: bmn-education-2561.pdf, and
    # bmn-education-2561-6401.pdf / -all.pdf for one amphoe / the whole province.
    filename = f"bmn-education-{survey.year}" + (f"-{context['choice']}" if context["choice"] else "")
    if fmt == "pdf":
        response = HttpResponse(bmn_report.render_pdf(built, digits=digits), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(bmn_report.render_xlsx(built), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    context.update(bmn_report.context(built, digits=digits))
    context["query"] = f"survey={survey.pk}&district={context['choice']}"
    return render(request, "bmn/report.html", context)


@access.require_roles(*READERS)
def survey_detail(request):
    survey, found = _pick(request)
    context = _common(request, survey, found)
    if survey:
        areas = AreaResult.objects.filter(survey=survey)
        education = list(survey.indicator_set.indicators.filter(is_education=True).order_by("number"))
        tambons = list(areas.filter(level=AreaResult.Level.TAMBON).select_related("subdistrict", "district")
                       .order_by("code"))
        fails = {}
        for area_id, indicator_id, value in IndicatorResult.objects.filter(
                area__in=[t.pk for t in tambons], indicator__in=education).values_list(
                "area_id", "indicator_id", "fails"):
            fails[(area_id, indicator_id)] = value
        for tambon in tambons:
            tambon.education_fails = [fails.get((tambon.pk, i.pk)) for i in education]
        villages = areas.filter(level=AreaResult.Level.VILLAGE)
        reconciliation = bmn_analysis.reconciliation(survey)
        context.update(
            reconciliation=reconciliation,
            mismatches=sum(1 for _, _, lines in reconciliation for line in lines if line[-1]),
            education=education,
            tambons=tambons,
            levels=[{**item, "level": LEVEL_TH[item["level"]]} for item in areas.values("level", "filename").annotate(
                n=Count("id"), households=Sum("households"), persons=Sum("persons")).order_by("level")],
            village_count=villages.count(),
            village_codes=villages.values("village_code").distinct().count(),
            subunits=list(villages.values("subunit").annotate(n=Count("id")).order_by("subunit")),
            unresolved_villages=list(villages.filter(subdistrict__isnull=True).values("tambon_code")
                                     .annotate(n=Count("id")).order_by("tambon_code")),
            all_indicators=survey.indicator_set.indicators.all(),
            replaced=(list(survey.replaced_imports.select_related("replaced_by").defer("csv_text"))
                      if context["can_import"] else []),
        )
    return render(request, "bmn/survey.html", context)


@access.require_roles(*IMPORTERS)
def replaced_download(request):
    """The rows an import replaced, as the CSV (TPMAP layout) they can be re-imported from."""
    archive = get_object_or_404(ReplacedImport.objects.select_related("survey"),
                                pk=request.GET.get("id") if str(request.GET.get("id", "")).isdigit() else None)
    response = HttpResponse(archive.csv_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{archive.download_name}"'
    return response


@access.require_roles(*IMPORTERS)
def import_upload(request):
    indicator_data.ensure_default_set()
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        uploads = request.FILES.getlist("files")
        if len(uploads) > MAX_FILES:
            form.add_error("files", f"ส่งได้ครั้งละไม่เกิน {MAX_FILES} ไฟล์")
        if form.is_valid():
            # The form has checked every file's size before anything is read.
            files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
            result = services.import_files(year=form.cleaned_data["year"],
                                           indicator_set=form.cleaned_data["indicator_set"],
                                           files=files, user=request.user, notes=form.cleaned_data["notes"],
                                           replace=form.cleaned_data["replace"])
            if result.committed:
                messages.success(request, "นำเข้าข้อมูล จปฐ. แล้ว: " + " · ".join(result.summary_lines))
    else:
        form = ImportForm()
    return render(request, "bmn/import.html", {"form": form, "result": result, "ERROR": ERROR,
                                                "surveys": bmn_analysis.surveys()})


@access.require_roles(*READERS)
def indicator_sets(request):
    indicator_data.ensure_default_set()
    sets = IndicatorSet.objects.prefetch_related("indicators").annotate(survey_count=Count("surveys"))
    return render(request, "bmn/indicators.html", {
        "sets": sets, "form": IndicatorSetForm(), "problems": [], "refused": "",
        "can_import": bool(access.roles_of(request.user) & set(IMPORTERS)),
        "note": bmn_analysis.NOTE_CATEGORIES,
    })


@access.require_roles(*IMPORTERS)
def indicator_upload(request):
    if request.method != "POST":
        return redirect("bmn:indicators")
    form = IndicatorSetForm(request.POST, request.FILES)
    problems, refused = [], ""
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            items, problems = indicator_data.read_indicator_file(upload.read(), upload.name)
        except FileRefused as error:
            refused = error.message
        if not refused and not problems:
            data = form.cleaned_data
            try:
                indicator_set = indicator_data.save_indicator_set(
                    code=data["code"], name=data["name"], first_year=data["first_year"],
                    last_year=data["last_year"], indicators=items)
            except indicator_data.SetInUse as error:
                refused = error.message
            else:
                messages.success(request, f"บันทึกชุดตัวชี้วัด {indicator_set.name} ({len(items)} ตัวชี้วัด) แล้ว")
                return redirect(reverse("bmn:indicators"))
    sets = IndicatorSet.objects.prefetch_related("indicators").annotate(survey_count=Count("surveys"))
    return render(request, "bmn/indicators.html", {
        "sets": sets, "form": form, "problems": problems, "refused": refused, "can_import": True,
        "note": bmn_analysis.NOTE_CATEGORIES,
    })


@access.require_roles(*READERS)
def indicator_template(request):
    """The 2560–2564 set as a CSV of the shape the upload reads: a starting point for a later set."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(indicator_data.COLUMNS)
    for item in indicator_data.default_indicators():
        writer.writerow([item["number"], item["name_th"], item["category_no"], item["category_name"],
                         "1" if item["is_education"] else "0"])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bmn-indicator-set.csv"'
    return response
