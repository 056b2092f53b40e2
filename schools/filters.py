import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import levels
from .models import Cluster, District, School, SizeCategory
from .selectors import REGISTRY_GAPS, missing_filter, size_filter


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    district = django_filters.ModelChoiceFilter(
        label=_("District (amphoe)"),
        queryset=District.objects.filter(subdistricts__schools__isnull=False).distinct(),
        field_name="subdistrict__district",
        empty_label=_("All"),
    )
    cluster = django_filters.ModelChoiceFilter(label=_("Network cluster"), queryset=Cluster.objects.all(), empty_label=_("All"))
    size = django_filters.ChoiceFilter(label=_("Size"), method="filter_size", choices=[], empty_label=_("All"))
    level = django_filters.ChoiceFilter(
        label=_("Offers level"), method="filter_level", choices=levels.Level.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="filter_status",
        choices=[("open", _("Open")), ("closed", _("Closed"))],
        empty_label=_("All"),
    )

    missing = django_filters.ChoiceFilter(
        label=_("Missing from the registry"),
        method="filter_missing",
        choices=[(gap, label) for gap, (label, _q) in REGISTRY_GAPS.items()],
        empty_label=_("All"),
    )

    class Meta:
        model = School
        fields = ["q", "district", "cluster", "size", "level", "status", "missing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["size"].extra["choices"] = [(c.code, c.name) for c in SizeCategory.objects.all()]
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-control" if field is self.form.fields["q"] else "form-select"

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(obec_code__startswith=value) | Q(smis_code__startswith=value)
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(is_open=(value == "open"))

    def filter_missing(self, queryset, name, value):
        return queryset.filter(missing_filter(value))

    def filter_size(self, queryset, name, value):
        category = SizeCategory.objects.filter(code=value).first()
        return queryset.filter(size_filter(category)) if category else queryset.none()

    def filter_level(self, queryset, name, value):
        # Levels are a contiguous range, so "offers X" is lowest ≤ X ≤ highest in schooling order.
        below_or_at = levels.LEVELS[: levels.ORDER[value] + 1]
        at_or_above = levels.LEVELS[levels.ORDER[value] :]
        return queryset.filter(lowest_level__in=below_or_at, highest_level__in=at_or_above)
