from django.contrib import admin

from .models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read-only: publishing goes through the summary's publish page (one service, one snapshot)."""

    list_display = ["round", "published_at", "published_by", "unpublished_at", "note"]
    list_filter = ["round"]
    readonly_fields = ["round", "published_at", "published_by", "note", "snapshot", "unpublished_at", "unpublished_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
