"""Pages of the collection cycle for schools, and the calendar.

Who sees what (DESIGN.md §2):
- the calendar (/collection/) is for every logged-in user; officers create, edit, open and close
  rounds; the iCalendar feed of deadlines and census days is public (see calendar_ics);
- a school's submission page (/collection/<round>/<smis>/) is for the school's staff and
  director and for officers: outsiders get 404, executives 403 (they read aggregates only).
Each button posts one workflow step to collection.services.submission_act(); the buttons shown
are exactly collection.workflow.available_actions() for the reader's roles.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, register_converter, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edinfo import access
from schools.levels import ORDER, SHORT_TH, Level
from schools.models import School
from students.models import StudentRecord

from . import carry, reminders
from .forms import ActionForm, CommentForm, OpenRoundForm, RoundForm
from .models import Round, Submission
from .services import WorkflowError, blocking_problems, submission_act, submission_comment, submission_for
from .workflow import TRANSITIONS, Action, available_actions

OFFICE = (access.OFFICER, access.ADMIN)
# Who opens a school's submission page: its own people and the office; executives read aggregates.
PAGE_ROLES = (access.STAFF, access.DIRECTOR, access.OFFICER, access.ADMIN)

# The step forward first, the step back after it.
BUTTON_ORDER = [Action.CONFIRM, Action.CERTIFY, Action.ACKNOWLEDGE, Action.SEND_BACK, Action.RETURN, Action.REOPEN]
ACTION_CSS = {
    Action.CONFIRM: "btn-primary",
    Action.CERTIFY: "btn-primary",
    Action.ACKNOWLEDGE: "btn-success",
    Action.SEND_BACK: "btn-outline-secondary",
    Action.RETURN: "btn-outline-danger",
    Action.REOPEN: "btn-outline-danger",
}


class SmisCode:
    """Eight digits, so /collection/<round>/board/ (the officer's board) is never taken for a school."""

    regex = "[0-9]{8}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(SmisCode, "smis8")


# --- the calendar -------------------------------------------------------------------------------


@access.any_role
def calendar(request):
    """Every round, newest first; a school user's own status per round, officers' buttons."""
    rounds = list(Round.objects.all())
    roles = access.roles_of(request.user)
    is_office = bool(roles & set(OFFICE))
    mine = {}
    if roles & set(access.SCHOOL_ROLES):
        schools = list(School.objects.filter(memberships__user=request.user).distinct().order_by("smis_code"))
        submissions = {
            (s.round_id, s.school_id): s
            for s in Submission.objects.filter(school__in=schools, round__in=rounds)
        }
        for round_ in rounds:
            mine[round_.pk] = [
                (school, submissions.get((round_.pk, school.pk))) for school in schools
            ]
    today = timezone.localdate()
    rows = [
        {"round": r, "countdown": reminders.countdown(r, today), "mine": mine.get(r.pk, [])}
        for r in rounds
    ]
    return render(request, "collection/calendar.html", {
        "rows": rows, "is_office": is_office, "open_form": OpenRoundForm(),
    })


@access.require_roles(*OFFICE)
def round_new(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            round_ = form.save()
            result = carry.carry_forward(round=round_, user=request.user) if form.cleaned_data["carry_forward"] else None
        messages.success(request, _("Round “%(name)s” was added to the calendar.") % {"name": round_.name})
        _carry_message(request, result)
        return redirect("collection:calendar")
    return render(request, "collection/round_form.html", {"form": form, "round": None})


@access.require_roles(*OFFICE)
def round_edit(request, round_id):
    round_ = get_object_or_404(Round, pk=round_id)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Round “%(name)s” was saved.") % {"name": round_.name})
        return redirect("collection:calendar")
    return render(request, "collection/round_form.html", {"form": form, "round": round_})


@access.require_roles(*OFFICE)
@require_POST
def round_open(request, round_id):
    """Open a round for schools, optionally starting each from last round's students."""
    form = OpenRoundForm(request.POST)
    form.is_valid()
    with transaction.atomic():
        # Locked, so two officers pressing at once do not both carry the students forward.
        round_ = get_object_or_404(Round.objects.select_for_update(), pk=round_id)
        if round_.is_open:
            messages.info(request, _("Round “%(name)s” is already open.") % {"name": round_.name})
            return redirect("collection:calendar")
        round_.state = Round.State.OPEN
        round_.opens_on = round_.opens_on or timezone.localdate()  # the calendar says when it opened
        round_.save(update_fields=["state", "opens_on"])
        result = carry.carry_forward(round=round_, user=request.user) if form.cleaned_data.get("carry_forward") else None
    messages.success(request, _("Round “%(name)s” is open: schools can enter and confirm their data.")
                     % {"name": round_.name})
    _carry_message(request, result)
    return redirect("collection:calendar")


@access.require_roles(*OFFICE)
@require_POST
def round_close(request, round_id):
    """Close a round: schools can no longer change or confirm; officers may reopen one school."""
    round_ = get_object_or_404(Round, pk=round_id)
    if round_.state != Round.State.OPEN:
        messages.info(request, _("Round “%(name)s” is not open.") % {"name": round_.name})
    else:
        round_.state = Round.State.CLOSED
        round_.save(update_fields=["state"])
        messages.success(request, _("Round “%(name)s” is closed.") % {"name": round_.name})
    return redirect("collection:calendar")


def _carry_message(request, result):
    if result is None:
        return
    if result.previous is None:
        messages.warning(request, _("There is no earlier round to carry students forward from."))
        return
    messages.success(request, _(
        "%(students)s students of %(schools)s schools were carried forward from %(round)s as drafts; "
        "%(graduated)s left as graduated."
    ) % {"students": f"{result.students:,}", "schools": f"{result.schools:,}", "round": result.previous.name,
         "graduated": f"{result.graduated:,}"})
    if result.skipped:
        messages.info(request, _("Left alone: %(list)s.") % {
            "list": "; ".join(f"{school.full_name} ({reason})" for school, reason in result.skipped)
        })


# --- the iCalendar feed ---------------------------------------------------------------------------


# Public on purpose: the feed holds only the office's published calendar (dates and round names,
# no personal data, nothing a school entered), and calendar apps subscribing to it (Google, Outlook,
# phones) cannot log in. Anything per school stays behind the login.
@access.public
def calendar_ics(request):
    """The deadlines and census days as an RFC 5545 calendar, all-day events."""
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    domain = f"{settings.EDINFO_AREA_CODE}.edinfo"
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//edinfo//collection calendar//TH",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + _ics_text(_("Data collection calendar – %(office)s")
                                       % {"office": settings.EDINFO_OFFICE_NAME}),
            "X-WR-TIMEZONE:Asia/Bangkok",
        ]
        for round_ in Round.objects.order_by("census_day", "pk"):
            what = _collected(round_)
            events = [("census", round_.census_day, _("Census day: %(round)s") % {"round": round_.name})]
            if round_.closes_on:
                events.append(("deadline", round_.closes_on,
                               _("Data deadline: %(round)s") % {"round": round_.name}))
            for key, day, summary in events:
                description = _("Collected: %(what)s.") % {"what": what}
                if round_.notes:
                    description += "\n" + round_.notes
                lines += [
                    "BEGIN:VEVENT",
                    f"UID:round-{round_.pk}-{key}@{domain}",
                    f"DTSTAMP:{stamp}",
                    f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                    f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}",
                    "SUMMARY:" + _ics_text(summary),
                    "DESCRIPTION:" + _ics_text(description),
                    "TRANSP:TRANSPARENT",
                    "END:VEVENT",
                ]
        lines.append("END:VCALENDAR")
    body = "".join(fold_ics_line(line) + "\r\n" for line in lines)
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="edinfo-calendar.ics"'
    return response


def _ics_text(text):
    """RFC 5545 TEXT: backslash, semicolon and comma escaped, line breaks as \\n."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold_ics_line(line, limit=75):
    """Fold a content line at 75 octets (RFC 5545 §3.1) without cutting a UTF-8 character in two:
    a Thai character is three octets. Continuation lines begin with one space, which counts."""
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 1  # the next line's leading space counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _collected(round_):
    what = []
    if round_.collects_school_info:
        what.append(_("school information"))
    if round_.collects_students:
        what.append(_("student records"))
    return ", ".join(what) or "–"


# --- a school's submission ------------------------------------------------------------------------


def _school(request, smis_code):
    return access.get_school_for(request.user, School.objects.with_related(), roles=PAGE_ROLES, smis_code=smis_code)


def _page_url(round_, school):
    return reverse("collection:submission", kwargs={"round_id": round_.pk, "smis_code": school.smis_code})


@access.school_view
def submission_page(request, round_id, smis_code):
    """A school's submission for a round: status, countdown, checklist, buttons and the thread."""
    school = _school(request, smis_code)
    round_ = get_object_or_404(Round, pk=round_id)
    # Read without creating: the draft row appears when someone first acts on it.
    submission = Submission.objects.filter(school=school, round=round_).first() or Submission(
        school=school, round=round_
    )
    submission.round, submission.school = round_, school
    roles = access.school_roles_of(request.user, school)
    actions = available_actions(submission, roles)
    blocked = blocking_problems(submission) if Action.CONFIRM in actions else []

    by_grade = _records_by_grade(school, round_)
    records = sum(row["total"] for row in by_grade)
    previous = round_.previous()
    before = StudentRecord.objects.filter(school=school, round=previous).count() if previous else None
    change = change_pct = None
    if before is not None:
        change = records - before
        change_pct = 100.0 * change / before if before else None

    events = list(submission.events.select_related("user")) if submission.pk else []
    for event in events:
        event.label = _event_label(event.action)
        event.from_label = _status_label(event.from_status)
        event.to_label = _status_label(event.to_status)
    buttons = [
        {
            "action": action.value,
            "label": action.label,
            "css": ACTION_CSS[action],
            "needs_reason": TRANSITIONS[action].needs_reason,
            "reasons": blocked if action == Action.CONFIRM else [],
        }
        for action in sorted(actions, key=BUTTON_ORDER.index)
    ]
    return render(request, "collection/submission.html", {
        "school": school,
        "round": round_,
        "submission": submission,
        "countdown": reminders.countdown(round_),
        "next_step": reminders.next_step(submission, roles),
        "checklist_heading": reminders.checklist_heading(submission),
        "returned": reminders.last_return(submission) if submission.status == Submission.Status.RETURNED else None,
        "by_grade": by_grade,
        "records": records,
        "previous": previous,
        "before": before,
        "change": change,
        "change_pct": change_pct,
        "buttons": buttons,
        "events": events,
        "comment_form": CommentForm(),
        "can_see_students": bool(roles & {access.STAFF, access.DIRECTOR, access.OFFICER}),
        "is_director": access.DIRECTOR in roles,
        "is_office": bool(roles & set(OFFICE)),
    })


def _records_by_grade(school, round_):
    rows = (
        StudentRecord.objects.filter(school=school, round=round_).values("grade")
        .annotate(total=Count("pk"), boys=Count("pk", filter=Q(gender="M")), girls=Count("pk", filter=Q(gender="F")))
        .order_by()
    )
    rows = sorted(rows, key=lambda row: ORDER.get(row["grade"], 99))
    labels = dict(Level.choices)
    for row in rows:
        row["short"] = SHORT_TH.get(row["grade"], row["grade"])
        row["label"] = labels.get(row["grade"], row["grade"])
    return rows


def _event_label(action):
    if action in Action.values:
        return Action(action).label
    return {"comment": _("Comment"), "carry": _("Carried forward")}.get(action, action)


def _status_label(status):
    return Submission.Status(status).label if status in Submission.Status.values else status


@access.school_view
def submission_action(request, round_id, smis_code):
    """One workflow step from a button. Refusals come back as a message on the page, never a 500."""
    school = _school(request, smis_code)  # outsiders learn nothing, not even that this is POST-only
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    round_ = get_object_or_404(Round, pk=round_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That step is not known. Reload the page and try again."))
        return redirect(_page_url(round_, school))
    action = Action(form.cleaned_data["action"])
    submission = submission_for(school=school, round=round_)
    try:
        submission = submission_act(
            submission=submission, action=action, user=request.user, comment=form.cleaned_data["comment"]
        )
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done: %(action)s. The data is now “%(status)s”.") % {
            "action": action.label, "status": submission.get_status_display(),
        })
    return redirect(_page_url(round_, school))


@access.school_view
def submission_comment_view(request, round_id, smis_code):
    """A note in the thread, from anyone who can see the page."""
    school = _school(request, smis_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    round_ = get_object_or_404(Round, pk=round_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        submission_comment(submission=submission_for(school=school, round=round_), user=request.user, comment=comment)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your comment was added to the thread."))
    return redirect(_page_url(round_, school) + "#thread")


urlpatterns = [
    path("", calendar, name="calendar"),
    path("calendar.ics", calendar_ics, name="calendar_ics"),
    path("rounds/new/", round_new, name="round_new"),
    path("rounds/<int:round_id>/edit/", round_edit, name="round_edit"),
    path("rounds/<int:round_id>/open/", round_open, name="round_open"),
    path("rounds/<int:round_id>/close/", round_close, name="round_close"),
    path("<int:round_id>/<smis8:smis_code>/", submission_page, name="submission"),
    path("<int:round_id>/<smis8:smis_code>/act/", submission_action, name="submission_act"),
    path("<int:round_id>/<smis8:smis_code>/comment/", submission_comment_view, name="submission_comment"),
]
