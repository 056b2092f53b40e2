import csv
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _

from collection.models import Round
from edinfo import access
from edinfo.db import thai_order
from reports.mapping import school_profile
from students.exporting import neutralise

from . import maps
from .filters import SchoolFilter
from .forms import LocationForm, SchoolForm
from .models import School, SizeCategory

PAGE_SIZE = 50


@access.any_role
def school_list(request):
    schools = School.objects.visible_to(request.user).with_related()
    schools = schools.order_by(thai_order("name"), "smis_code")
    school_filter = SchoolFilter(request.GET, queryset=schools)
    page = Paginator(school_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    categories = list(SizeCategory.objects.all())
    rows = [(school, school.size_category(categories)) for school in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "schools/school_list.html",
        {"filter": school_filter, "page": page, "rows": rows, "query": query.urlencode()},
    )


@access.school_view
def school_detail(request, smis_code):
    school = access.get_school_for(request.user, School.objects.with_related(), smis_code=smis_code)
    can_edit = access.OFFICER in access.roles_of(request.user)
    members = school.memberships.select_related("user") if can_edit else None
    can_locate = bool(access.school_roles_of(request.user, school) & set(LOCATION_EDITORS))
    context = {
        "school": school, "size": school.size_category(), "can_edit": can_edit, "members": members,
        "can_locate": can_locate, "distance": maps.distance_from_tambon(school),
        "threshold": maps.location_check_km(),
        "map_config": {"tileUrl": settings.EDINFO_MAP_TILE_URL,
                       "tileAttribution": settings.EDINFO_MAP_TILE_ATTRIBUTION},
    }
    # The nearest schools and the enrolment trend (reports/mapping.py, the mapping analysis).
    context.update(school_profile(school, request.user))
    return render(request, "schools/school_detail.html", context)


@access.school_view
def school_edit(request, smis_code):
    school = access.get_school_for(
        request.user, School.objects.with_related(), roles=access.OFFICE_ROLES, smis_code=smis_code
    )
    form = SchoolForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        school = form.save()
        messages.success(request, _("The school's information was saved."))
        return redirect("schools:detail", smis_code=school.smis_code)
    return render(request, "schools/school_form.html", {"school": school, "form": form})


MAP_STATE_ROLES = (access.OFFICER, access.EXECUTIVE, access.ADMIN)
LOCATION_EDITORS = (access.STAFF, access.OFFICER, access.ADMIN)
LOCATION_CHECKERS = (access.OFFICER, access.EXECUTIVE, access.ADMIN)


@access.any_role
def school_map(request):
    """The schools the user may see, as markers sized by students and coloured by size category
    or (office roles) by the state of their submission in a round."""
    roles = access.roles_of(request.user)
    office = bool(roles & set(MAP_STATE_ROLES))
    categories = list(SizeCategory.objects.all())
    filters = maps.parse_filters(request.GET, categories=categories, may_see_states=office)
    data = maps.map_data(request.user, filters, categories)
    districts, clusters = maps.filter_choices(request.user)
    # A school user with one school: no filters or grouping to offer, and a way to place the school
    # when it has no point yet (its staff may set it).
    own_school = None
    if not office:
        mine = list(School.objects.visible_to(request.user).filter(is_open=True)[:2])
        own_school = mine[0] if len(mine) == 1 else None
    locate_url = (reverse("schools:location", args=[own_school.smis_code])
                  if own_school is not None and own_school.latitude is None
                  and access.school_roles_of(request.user, own_school) & set(LOCATION_EDITORS) else "")
    survey = request.GET.get("survey", "")
    bmn_query = {"survey": survey} if survey.isascii() and survey.isdigit() and len(survey) <= 9 else {}
    if filters.district:
        bmn_query["district"] = filters.district  # the circles of the amphoe whose schools are shown
    return render(request, "schools/map.html", {
        "data": data,
        "data_script": json_script(data, "map-data", encoder=maps.CompactJSONEncoder),
        "filters": filters,
        "categories": categories,
        "districts": districts,
        "clusters": clusters,
        "rounds": Round.objects.order_by("-census_day") if office else [],
        "office": office,
        "single": own_school is not None,
        "locate_url": locate_url,
        "may_check": bool(roles & set(LOCATION_CHECKERS)),
        "bmn_query": urlencode(bmn_query),
        "bmn_on": office and request.GET.get("bmn") == "1",
        "map_config": {
            "tileUrl": settings.EDINFO_MAP_TILE_URL,
            "tileAttribution": settings.EDINFO_MAP_TILE_ATTRIBUTION,
            "schoolUrl": reverse("schools:detail", args=["00000000"]),
            "labels": {
                "students": _("Students"), "size": _("Size"), "state": _("State in the round"),
                "open": _("Open the school's page"), "codes": _("SMIS %(smis)s · OBEC %(obec)s"),
                "tambon": _("Tambon"), "amphoe": _("Amphoe"), "unknown": _("not known"),
                "bmnFails": _("Persons failing an education indicator"),
                "bmnSchools": _("Schools"), "bmnStudents": _("Students"),
                "bmnOpen": _("Open the tambon's figures"), "bmnEmpty": "ยังไม่มีข้อมูล จปฐ.",
                # The จปฐ. pages and reports are Thai only; so is their layer.
                "bmnLegend": "ขนาดวงกลมตามจำนวนผู้ไม่ผ่านเกณฑ์ตัวชี้วัดด้านการศึกษา",
                "bmnNoData": "ไม่มีข้อมูล จปฐ.", "bmnItem": "ข้อ", "bmnFailed": "ไม่ผ่าน", "bmnOf": "จาก",
                "bmnPersons": "คน",
                "bmnError": _("The BMN layer could not be loaded."),
            },
        },
    })


def _location_context(school, form):
    tambon = school.subdistrict
    return {
        "school": school,
        "form": form,
        "tambon": tambon,
        "centroid": (
            {"lat": float(tambon.latitude), "lng": float(tambon.longitude), "name": tambon.name_th}
            if tambon is not None and tambon.latitude is not None and tambon.longitude is not None else None
        ),
        "map_config": {
            "tileUrl": settings.EDINFO_MAP_TILE_URL,
            "tileAttribution": settings.EDINFO_MAP_TILE_ATTRIBUTION,
        },
        "threshold": f"{maps.location_check_km():g}",
        "hard_limit": f"{maps.location_hard_km():g}",
    }


@access.school_view
def school_location(request, smis_code):
    """Set or correct a school's location on a map. Anyone who may see the school may look;
    its staff and the office may save (the director certifies data, the staff keep it)."""
    school = access.get_school_for(request.user, School.objects.with_related(), smis_code=smis_code)
    may_save = bool(access.school_roles_of(request.user, school) & set(LOCATION_EDITORS))
    if request.method == "POST":
        if not may_save:
            raise PermissionDenied
        form = LocationForm(request.POST, instance=school)
        if form.is_valid():
            school = form.save()
            distance = maps.distance_from_tambon(school)
            threshold = maps.location_check_km()
            if school.latitude is None:
                messages.success(request, _("The school's location was cleared."))
            elif distance is not None and distance > threshold:
                messages.warning(request, _(
                    "The location was saved, but it is %(distance)s km from the centre of tambon "
                    "%(tambon)s (more than %(threshold)s km). Please check it."
                ) % {"distance": f"{distance:.1f}", "tambon": school.subdistrict.name_th,
                     "threshold": f"{threshold:g}"})
            else:
                messages.success(request, _("The school's location was saved."))
            return redirect("schools:detail", smis_code=school.smis_code)
    else:
        form = LocationForm(instance=school)
    context = _location_context(school, form)
    context["may_save"] = may_save
    return render(request, "schools/location_form.html", context)


@access.require_roles(*LOCATION_CHECKERS)
def location_check(request):
    """Schools whose location needs checking: none, far from their tambon, or no tambon centre."""
    threshold = maps.location_check_km()
    asked = request.GET.get("km", "").strip()
    threshold_note = False
    if asked:
        try:
            value = float(asked)
        except ValueError:
            value = None
        if value is not None and 0 < value <= 500:
            threshold = value
        else:
            threshold_note = True
    district = request.GET.get("district", "")
    district = district if district.isascii() and district.isdigit() and len(district) == 4 else ""
    problems = maps.location_problems(request.user, threshold, district)
    if request.GET.get("format") == "csv":
        return _location_csv(problems, threshold)
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = {kind: sum(1 for p in problems if p.problem == kind)
              for kind in (maps.FAR, maps.NO_COORDINATES, maps.NO_CENTROID)}
    districts, _clusters = maps.filter_choices(request.user)
    return render(request, "schools/location_check.html", {
        "page": page,
        "query": query.urlencode(),
        "threshold": f"{threshold:g}",
        "threshold_note": threshold_note,
        "counts": counts,
        "district": district,
        "districts": districts,
        "may_edit": bool(access.roles_of(request.user) & set(access.OFFICE_ROLES)),
        "csv_query": urlencode({"km": f"{threshold:g}", "district": district, "format": "csv"}),
    })


def _location_csv(problems, threshold):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="school-locations.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 Thai only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow(["รหัส SMIS", "รหัส OBEC", "โรงเรียน", "ตำบล", "อำเภอ", "ละติจูด", "ลองจิจูด",
                     f"ระยะจากกลางตำบล (กม.; เกณฑ์ {threshold:g} กม.)", "ประเด็น"])
    for p in problems:
        school = p.school
        tambon = school.subdistrict
        # Every text cell through neutralise: a name typed in the admin ("=HYPERLINK(...)", "@SUM(...)")
        # must reach the spreadsheet as text, not as a formula that runs when the file is opened.
        writer.writerow([neutralise(value) for value in (
            school.smis_code, school.obec_code, school.full_name,
            tambon.name_th if tambon else "", tambon.district.name_th if tambon else "",
            school.latitude if school.latitude is not None else "",
            school.longitude if school.longitude is not None else "",
            f"{p.distance:.1f}" if p.distance is not None else "", str(p.label),
        )])
    return response
