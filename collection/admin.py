"""Rounds and submissions in the Django admin.

A submission's status changes only through collection.services.submission_act(), here as on the
pages: the status, the cached check counts and the timestamps are read-only, and the actions
(acknowledge, return, reopen) call the service for each selected submission, reporting every
refusal. Steps that need a reason take it from the box beside the action list; without one they
change nothing. The event log and the reminders are read-only: a log that can be edited proves
nothing.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import Reminder, Round, Submission, SubmissionEvent
from .workflow import TRANSITIONS, Action


def _save_changed_fields(obj, form, change):
    """Save only what the form changed: a whole-row save would write back fields the form never
    showed (a status a service changed meanwhile, a round's state) as they were when it loaded."""
    if not change:
        obj.save()
        return
    fields = [name for name in form.changed_data if name in form.fields]
    if fields:
        obj.save(update_fields=fields)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "census_day", "opens_on", "closes_on", "state", "collects_students",
                    "collects_school_info"]
    list_filter = ["state", "kind", "academic_year"]
    search_fields = ["name"]
    date_hierarchy = "census_day"
    # Opening and closing are steps with consequences (drafts for every school, carried-forward
    # students, locking), taken on the calendar page; the admin shows the state but does not set it.
    readonly_fields = ["state"]
    actions = ["recheck"]

    def save_model(self, request, obj, form, change):
        _save_changed_fields(obj, form, change)

    @admin.display(description=gettext_lazy("code"))
    def code(self, obj):
        return obj.code

    @admin.action(description=gettext_lazy("Run the checks again over every submission of the round"),
                  permissions=["change"])
    def recheck(self, request, queryset):
        for round_ in queryset:
            count = services.round_recheck(round=round_)
            self.message_user(request, _("%(round)s: %(count)d submissions checked again.")
                              % {"round": round_.name, "count": count}, messages.SUCCESS)


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    fields = ["at", "user", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubmissionActionForm(ActionForm):
    comment = forms.CharField(
        label=gettext_lazy("Reason or comment:"), required=False, max_length=2000,
        widget=forms.TextInput(attrs={"size": 50}),
    )


# Read-only on every submission: only the services write these.
SERVICE_FIELDS = ["status", "status_changed_at", "reopened_at", "record_count", "error_count", "warning_count",
                  "checked_at", "updated_at"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["school", "round", "status", "record_count", "error_count", "warning_count", "checked_at",
                    "status_changed_at"]
    list_filter = ["round", "status"]
    list_select_related = ["school", "round"]
    search_fields = ["school__name", "school__smis_code", "school__obec_code"]
    autocomplete_fields = ["school"]
    inlines = [SubmissionEventInline]
    action_form = SubmissionActionForm
    actions = ["acknowledge", "return_with_reason", "reopen", "recheck"]

    def get_readonly_fields(self, request, obj=None):
        # A submission belongs to its school and round for good: the log and the records say so.
        return SERVICE_FIELDS + (["round", "school"] if obj is not None else [])

    def has_delete_permission(self, request, obj=None):
        return False  # deleting would take the submission's log with it

    def save_model(self, request, obj, form, change):
        _save_changed_fields(obj, form, change)

    @admin.action(description=gettext_lazy("Acknowledge (planning officer)"), permissions=["change"])
    def acknowledge(self, request, queryset):
        self._act(request, queryset, Action.ACKNOWLEDGE)

    @admin.action(description=gettext_lazy("Return to the school with the reason given"), permissions=["change"])
    def return_with_reason(self, request, queryset):
        self._act(request, queryset, Action.RETURN)

    @admin.action(description=gettext_lazy("Reopen after the close, with the reason given"),
                  permissions=["change"])
    def reopen(self, request, queryset):
        self._act(request, queryset, Action.REOPEN)

    @admin.action(description=gettext_lazy("Run the checks again"), permissions=["change"])
    def recheck(self, request, queryset):
        submissions = list(queryset.select_related("school", "round"))
        for submission in submissions:
            services.submission_recheck(submission=submission)
        self.message_user(request, _("%(count)d submissions checked again.") % {"count": len(submissions)},
                          messages.SUCCESS)

    def _act(self, request, queryset, action):
        comment = (request.POST.get("comment") or "").strip()
        if TRANSITIONS[action].needs_reason and not comment:
            # Refuse before touching anything, rather than once per school.
            self.message_user(request, _("Nothing was changed: write the reason in the box beside the action. "
                                         "The school reads it to know what to fix."), messages.ERROR)
            return
        done = 0
        for submission in queryset.select_related("school", "round"):
            try:
                services.submission_act(submission=submission, action=action, user=request.user, comment=comment)
            except services.WorkflowError as error:
                self.message_user(request, f"{submission.school} ({submission.school.smis_code}): {error}",
                                  messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(action)s: %(count)d submissions.")
                              % {"action": action.label, "count": done}, messages.SUCCESS)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["submission", "kind", "sent_on", "sent_at", "sent_by", "recipients"]
    list_filter = ["kind", "submission__round"]
    list_select_related = ["submission__school", "submission__round", "sent_by"]
    search_fields = ["submission__school__name", "submission__school__smis_code", "recipients"]
    date_hierarchy = "sent_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
