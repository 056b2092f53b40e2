from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from edinfo import access
from edinfo.db import thai_order

from .filters import SchoolFilter
from .forms import SchoolForm
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
    return render(
        request,
        "schools/school_detail.html",
        {"school": school, "size": school.size_category(), "can_edit": can_edit, "members": members},
    )


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


@access.any_role
def school_map(request):
    """The school map (skeleton: filled in by the map work)."""
    return render(request, "schools/map.html", {})
