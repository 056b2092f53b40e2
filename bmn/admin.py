from django.contrib import admin

from .models import AreaResult, Indicator, IndicatorResult, IndicatorSet, ReplacedImport, Survey


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(IndicatorSet)
class IndicatorSetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "first_year", "last_year")
    inlines = [IndicatorInline]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("year", "province_code", "indicator_set", "imported_by", "imported_at")
    readonly_fields = ("imported_by", "imported_at")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    extra = 0
    can_delete = False
    readonly_fields = ("indicator", "applies", "fails")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AreaResult)
class AreaResultAdmin(ReadOnly):
    list_display = ("survey", "level", "code", "subdistrict", "district", "households", "persons")
    list_filter = ("survey", "level")
    search_fields = ("code",)
    inlines = [IndicatorResultInline]


@admin.register(ReplacedImport)
class ReplacedImportAdmin(ReadOnly):
    list_display = ("survey", "level", "row_count", "replaced_at", "replaced_by", "filename", "new_filename")
    list_filter = ("survey", "level")
