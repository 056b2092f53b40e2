"""Reads about schools: the numbers pages show, computed in SQL."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from .models import School, SizeCategory


def size_filter(category):
    q = Q(student_count__gte=category.min_students)
    if category.max_students is not None:
        q &= Q(student_count__lte=category.max_students)
    return q


def district_overview(schools=None):
    """Counts for the office's overview: schools, students, per amphoe and per size band."""
    schools = School.objects.all() if schools is None else schools
    open_schools = schools.filter(is_open=True)
    categories = list(SizeCategory.objects.all())
    size_counts = open_schools.aggregate(
        **{f"size_{c.code}": Count("pk", filter=size_filter(c)) for c in categories},
        unknown=Count("pk", filter=Q(student_count__isnull=True)),
        students=Sum("student_count"),
        total=Count("pk"),
    )
    by_size = [
        {"category": c, "count": size_counts[f"size_{c.code}"]} for c in categories
    ]
    by_district = list(
        open_schools.values("subdistrict__district__code", "subdistrict__district__name_th")
        .annotate(
            schools=Count("pk"),
            students=Sum("student_count"),
            small=Count("pk", filter=size_filter(categories[0])) if categories else Count("pk", filter=Q(pk=None)),
        )
        .order_by("subdistrict__district__code")
    )
    total = size_counts["total"]
    small = by_size[0]["count"] if by_size else 0
    return {
        "total": total,
        "closed": schools.filter(is_open=False).count(),
        "students": size_counts["students"] or 0,
        "by_size": by_size,
        "unknown_size": size_counts["unknown"],
        "small": small,
        "small_share": round(100 * small / total, 1) if total else 0,
        "by_district": by_district,
    }


# What an open school's registry entry may lack: one definition for the officer's home page (the
# counts) and the school list's "missing" filter (the schools), so a count and its list agree.
REGISTRY_GAPS = {
    "location": (_("Schools without a map location"), Q(latitude__isnull=True)),
    "cluster": (_("Schools without a network cluster"), Q(cluster__isnull=True)),
    "subdistrict": (_("Schools without a subdistrict"), Q(subdistrict__isnull=True)),
    "levels": (_("Schools without levels offered"), Q(lowest_level="")),
    "contact": (_("Schools without a telephone or email"), Q(phone="") & Q(email="")),
}


def missing_filter(gap):
    """The schools lacking `gap` (a REGISTRY_GAPS key): open schools only, as the counts are."""
    return Q(is_open=True) & REGISTRY_GAPS[gap][1]


def registry_gaps(schools=None):
    """Open schools whose registry entry lacks something the office needs: {"no_<gap>": count}."""
    schools = (School.objects.all() if schools is None else schools).filter(is_open=True)
    return schools.aggregate(**{f"no_{gap}": Count("pk", filter=q) for gap, (_label, q) in REGISTRY_GAPS.items()})


def registry_gap_rows(schools=None):
    """[{gap, label, count}] in REGISTRY_GAPS order, for a list that links each to its schools."""
    counts = registry_gaps(schools)
    return [{"gap": gap, "label": label, "count": counts[f"no_{gap}"]} for gap, (label, _q) in REGISTRY_GAPS.items()]
