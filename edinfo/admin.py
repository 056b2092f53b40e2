from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from schools.models import Membership

from .models import AccessLog, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Portal role"), {"fields": ("office_role",)}),)
    list_display = ["username", "first_name", "last_name", "office_role", "is_active", "last_login"]
    list_filter = ["office_role", "is_active", "is_staff"]
    # Set by logging in and by creating the account: a record of what happened, not a setting.
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: a log that can be edited proves nothing."""

    list_display = ["at", "username", "action", "what", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "what"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
