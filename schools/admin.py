from django.conf import settings
from django.contrib import admin
from django.utils import translation
from import_export.admin import ImportExportModelAdmin as BaseImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from edinfo import downloads

from .models import (
    AreaOffice,
    Cluster,
    District,
    EnrolmentYear,
    Membership,
    Province,
    School,
    SizeCategory,
    Subdistrict,
)
from .resources import EnrolmentYearResource, SchoolResource


class ImportExportModelAdmin(BaseImportExportModelAdmin):
    """django-import-export, with the exported workbook's sheet named in Thai after the table
    ("โรงเรียน"), not "Tablib Dataset": the file goes to people who read Thai, whatever the admin's language."""

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        with translation.override(settings.LANGUAGE_CODE):
            data.title = downloads.sheet_title(self.model._meta.verbose_name_plural)
        return data


@admin.register(School)
class SchoolAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [SchoolResource]
    list_display = ["smis_code", "obec_code", "name", "area", "cluster", "subdistrict", "student_count", "is_open"]
    list_filter = ["is_open", "area", "cluster", "lowest_level", "highest_level"]
    search_fields = ["name", "obec_code", "smis_code"]
    autocomplete_fields = ["subdistrict"]
    list_select_related = ["area", "cluster", "subdistrict"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "school__name", "school__smis_code"]
    autocomplete_fields = ["user", "school"]


@admin.register(AreaOffice)
class AreaOfficeAdmin(ImportExportModelAdmin):
    list_display = ["code", "name", "kind"]
    search_fields = ["code", "name"]


@admin.register(Cluster)
class ClusterAdmin(ImportExportModelAdmin):
    list_display = ["code", "name", "area"]
    list_filter = ["area"]
    search_fields = ["code", "name"]


@admin.register(SizeCategory)
class SizeCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "min_students", "max_students"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en", "district", "zip_code", "latitude", "longitude"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["district"]


@admin.register(EnrolmentYear)
class EnrolmentYearAdmin(ImportExportModelAdmin):
    """Past years' student totals, imported from a CSV or Excel file (รหัส SMIS, ปีการศึกษา,
    จำนวนนักเรียน, หมายเหตุ), for the enrolment trend and projection."""

    resource_classes = [EnrolmentYearResource]
    list_display = ["school", "academic_year", "students", "source", "note"]
    list_filter = ["source", "academic_year"]
    search_fields = ["school__name", "school__smis_code"]
    autocomplete_fields = ["school"]
    list_select_related = ["school"]
