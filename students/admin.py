from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from collection.models import Submission
from collection.services import submission_recheck

from .models import StudentRecord


def submission_locked(record):
    """Whether the record's data is locked: certified or acknowledged, or the round closed and not reopened."""
    if record is None or not record.round_id or not record.school_id:
        return False
    return bool(Submission.lock_reason_of(record.school, record.round))


@admin.register(StudentRecord)
class StudentRecordAdmin(SimpleHistoryAdmin):
    """Admins can correct a record, but locked data stays locked here as on every other path."""

    list_display = ["masked_person_id", "id_kind", "first_name", "last_name", "grade", "room", "school", "round"]
    list_filter = ["round", "grade", "id_kind", "status", "school"]
    list_select_related = ["school", "round"]
    # Searching by full ID is allowed (an admin may need to find a person), the list shows it masked.
    search_fields = ["first_name", "last_name", "student_number", "=person_id"]
    raw_id_fields = ["school", "subdistrict"]
    list_per_page = 50

    @admin.display(description=_("person ID"), ordering="person_id")
    def masked_person_id(self, obj):
        return obj.masked_id

    def has_change_permission(self, request, obj=None):
        if obj is not None and submission_locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and submission_locked(obj):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The permission check above covers the form; this covers a record moved into a locked
        # school or round, and a race with the director certifying while the form was open.
        reason = obj.round_id and obj.school_id and Submission.lock_reason_of(obj.school, obj.round)
        if reason:
            from .services import locked_message

            messages.error(request, locked_message(reason))
            raise PermissionDenied(locked_message(reason))
        super().save_model(request, obj, form, change)
        # Keep the board's cached counts true, as the form and the import do.
        submission = Submission.objects.filter(round_id=obj.round_id, school_id=obj.school_id).first()
        if submission is not None:
            submission_recheck(submission=submission)
