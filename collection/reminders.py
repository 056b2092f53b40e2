"""What a school still has to do before the deadline: told on its pages and, when late, by e-mail.

The countdown and the to-do list are computed here once, so the school's page, its home card and
the reminder e-mail say the same thing. send_reminders() is called by the cron command
(`manage.py send_reminders`) and by the officer's board ("remind these schools").
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from edinfo import access, thai
from schools.models import Membership, School
from students.models import StudentRecord

from .models import Reminder, Submission, SubmissionEvent
from .workflow import Action

log = logging.getLogger(__name__)

S = Submission.Status
# Who still owes a step, by state: staff until they confirm, the director until certified.
WAITING_ON = {
    access.STAFF: {S.DRAFT, S.RETURNED},
    access.DIRECTOR: {S.DRAFT, S.RETURNED, S.CONFIRMED},
}
DONE = {S.CERTIFIED, S.ACKNOWLEDGED}


# --- the countdown ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """Days to a round's deadline as a person reads it: "5 days left", "due today", "2 days late"."""

    days: int | None
    closed: bool = False

    @property
    def state(self):
        if self.closed:
            return "closed"
        if self.days is None:
            return "none"
        if self.days > 0:
            return "left"
        return "today" if self.days == 0 else "overdue"

    @property
    def text(self):
        state = self.state
        if state == "closed":
            return _("The round has closed")
        if state == "none":
            return _("No deadline set")
        if state == "left":
            return ngettext("%(days)d day left", "%(days)d days left", self.days) % {"days": self.days}
        if state == "today":
            return _("Due today")
        late = -self.days
        return ngettext("%(days)d day overdue", "%(days)d days overdue", late) % {"days": late}

    @property
    def css(self):
        """Red when late, amber in the last three days or on the day."""
        state = self.state
        if state == "overdue":
            return "text-danger fw-bold"
        if state == "today" or (state == "left" and self.days <= 3):
            return "text-warning-emphasis fw-bold"
        return "text-body"

    def __str__(self):
        return self.text


def countdown(round, today=None):
    return Countdown(days=round.days_left(today), closed=round.is_closed)


# --- what is still to do ------------------------------------------------------------------------


def last_return(submission):
    """The office's latest return or reopening of the submission (its reason), or None."""
    if submission.pk is None:
        return None
    return (
        SubmissionEvent.objects.filter(submission=submission, action__in=[Action.RETURN, Action.REOPEN])
        .select_related("user").order_by("-at", "-pk").first()
    )


def last_send_back(submission):
    """The director's latest send-back, when it is the submission's latest step (so still current)."""
    if submission.pk is None:
        return None
    latest = (
        SubmissionEvent.objects.filter(submission=submission).exclude(action="comment")
        .select_related("user").order_by("-at", "-pk").first()
    )
    return latest if latest is not None and latest.action == Action.SEND_BACK else None


def todo(submission, role, *, records=None, returned=None):
    """The steps still owed by one role (staff or director) of the school, most urgent first.

    `records` is the number of student records now (the cached count when not given), `returned`
    the latest return event (looked up when not given and the submission was returned).
    """
    status = submission.status
    if status in DONE:
        return []
    items = []
    round = submission.round
    records = submission.record_count if records is None else records
    if status == S.RETURNED:
        returned = returned if returned is not None else last_return(submission)
        if returned is not None and returned.comment:
            items.append(_("The office returned the data with this reason: %(reason)s") % {"reason": returned.comment})
    if status == S.DRAFT:
        sent_back = last_send_back(submission)
        if sent_back is not None and sent_back.comment:
            items.append(_("The director sent the data back with this note: %(reason)s") % {"reason": sent_back.comment})
    if role == access.STAFF and status in WAITING_ON[access.STAFF]:
        if round.collects_students and not records:
            items.append(_("Enter or import the students of this round."))
        if submission.error_count:
            items.append(ngettext(
                "Fix %(count)d blocking error in the student records.",
                "Fix %(count)d blocking errors in the student records.", submission.error_count,
            ) % {"count": submission.error_count})
        items.append(_("Confirm the data, so the director can certify it."))
    elif role == access.DIRECTOR:
        if status == S.CONFIRMED:
            items.append(_("Review the data your staff confirmed, then certify it (or send it back to them)."))
        else:
            items.append(_("Your staff have not confirmed the data yet; certify it once they have."))
    return items


def next_step(submission, roles):
    """One sentence for the top of a page: what happens next, said to the person reading."""
    status = submission.status
    roles = set(roles)
    if status == S.ACKNOWLEDGED:
        return _("Done: the office has acknowledged the data. Nothing more to do in this round.")
    if status == S.CERTIFIED:
        if roles & set(access.OFFICE_ROLES):
            return _("The director certified the data: acknowledge it, or return it with a reason.")
        return _("Certified and locked. The office will now check and acknowledge the data.")
    if status == S.CONFIRMED:
        if access.DIRECTOR in roles:
            return _("Staff confirmed the data: review it, then certify it or send it back.")
        return _("Confirmed. Waiting for the director to certify.")
    # draft or returned: the staff's turn
    if access.STAFF in roles:
        if status == S.RETURNED:
            return _("The office returned the data: read the reason below, fix it, then confirm again.")
        return _("Enter or import the students, fix the blocking errors, then confirm.")
    if status == S.RETURNED:
        return _("Returned to the school for correction. Waiting for staff to fix and confirm again.")
    return _("Waiting for the school's data staff to enter the data and confirm it.")


def checklist_heading(submission, today=None):
    """The heading over a school's checklist, true on the day it is read: before the deadline,
    on the day, so many days after it, done, the round not open yet, or closed for data."""
    round = submission.round
    if submission.status == S.ACKNOWLEDGED:
        return _("Done: the office has acknowledged the data")
    if submission.status == S.CERTIFIED:
        return _("Done: the director has certified the data")
    if round.state == round.State.PLANNED:
        if round.opens_on:
            return _("The round is not open for data yet (it opens on %(day)s): to do once it opens") % {
                "day": thai.format_date(round.opens_on)}
        return _("The round is not open for data yet: to do once it opens")
    if round.is_closed and submission.reopened_at is None:
        return _("The round is closed for data: nothing more can be sent unless the office reopens it")
    days = round.days_left(today)
    if days is None:
        return _("Still to do")
    if days > 0:
        return _("Still to do before the deadline")  # the countdown beside it says how many days
    if days == 0:
        return _("Still to do: the deadline is today")
    return ngettext("Still to do: %(days)d day past the deadline",
                    "Still to do: %(days)d days past the deadline", -days) % {"days": -days}


# --- reminders ----------------------------------------------------------------------------------


def send_reminders(*, round, submissions=None, user=None, today=None, days_before=3):
    """E-mail the people of schools that are behind, at most once per submission, kind and day.

    Staff are reminded until they confirm, the director until the data is certified; only
    users with an e-mail address. Without `submissions` (the cron job): every school of an open
    round, "before" in the last `days_before` days up to the deadline and "overdue" every day
    after it. With `submissions` (the board's "remind these schools"): those schools now, whatever
    the date, but still not twice in a day. Returns the reminders sent.
    """
    today = today or timezone.localdate()
    days = round.days_left(today)
    if submissions is None:
        if not round.is_open or days is None or days > days_before:
            return []
        from .carry import submissions_for_all

        # A school that has not started is behind too: it gets its draft when there is someone to tell.
        reachable = Membership.objects.filter(school=OuterRef("pk"), user__is_active=True).exclude(user__email="")
        submissions_for_all(round, School.objects.filter(is_open=True).filter(Exists(reachable)))
        submissions = list(Submission.objects.filter(round=round).exclude(status__in=DONE).select_related("school"))
    else:
        submissions = [s for s in submissions if s.status not in DONE]
    if not submissions:
        return []
    kind = Reminder.Kind.OVERDUE if days is not None and days < 0 else Reminder.Kind.BEFORE_DEADLINE

    # Checked first in one query; the unique constraint below settles a race with another run.
    done_today = set(
        Reminder.objects.filter(submission__in=submissions, kind=kind, sent_on=today).values_list(
            "submission_id", flat=True
        )
    )
    submissions = [s for s in submissions if s.pk not in done_today]
    school_ids = [s.school_id for s in submissions]
    people = {}
    for membership in (
        Membership.objects.filter(school_id__in=school_ids, user__is_active=True)
        .exclude(user__email="").select_related("user").order_by("user__pk")
    ):
        people.setdefault(membership.school_id, []).append((membership.role, membership.user))
    records = dict(
        StudentRecord.objects.filter(round=round, school_id__in=school_ids)
        .values_list("school_id").annotate(n=Count("pk")).order_by()
    )

    sent = []
    connection = get_connection()
    with translation.override(settings.LANGUAGE_CODE):  # schools read Thai, whoever pressed the button
        for submission in submissions:
            submission.round = round
            messages = []
            returned = last_return(submission) if submission.status == S.RETURNED else None
            for role, person in people.get(submission.school_id, []):
                if submission.status not in WAITING_ON.get(role, ()):
                    continue
                items = todo(submission, role, records=records.get(submission.school_id, 0), returned=returned)
                messages.append(_message(submission, person, kind, items, today, connection))
            if not messages:
                continue
            reminder = _send_once(submission, kind, today, user, messages, connection)
            if reminder is not None:
                sent.append(reminder)
    return sent


def _send_once(submission, kind, today, user, messages, connection):
    """Record the reminder and send it in one transaction: if the mail server fails, no row is
    left behind, so the next run tries again; if another run got there first, nothing is sent."""
    recipients = ", ".join(address for message in messages for address in message.to)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                submission=submission, kind=kind, sent_on=today, recipients=recipients, sent_by=user
            )
            connection.send_messages(messages)
    except IntegrityError:
        return None
    except OSError:  # smtplib's errors are OSErrors: the server refused or could not be reached
        log.exception("reminder for %s not sent", submission)
        return None
    return reminder


def _message(submission, person, kind, items, today, connection):
    round = submission.round
    school = submission.school
    deadline = thai.format_date(round.closes_on, full=True) if round.closes_on else _("not set")
    words = {"school": school.full_name, "round": round.name, "deadline": deadline}
    if kind == Reminder.Kind.OVERDUE:
        subject = _("[edinfo] Overdue: %(school)s, round %(round)s (deadline was %(deadline)s)") % words
    else:
        subject = _("[edinfo] Reminder: %(school)s, round %(round)s (deadline %(deadline)s)") % words
    path = reverse("collection:submission", kwargs={"round_id": round.pk, "smis_code": school.smis_code})
    body = "\n".join([
        _("Dear %(name)s,") % {"name": person.get_full_name() or person.get_username()},
        "",
        _("%(school)s (SMIS %(code)s) has not finished the data collection round %(round)s. "
          "The deadline is %(deadline)s: %(countdown)s.") % {
            **words, "code": school.smis_code, "countdown": countdown(round, today).text,
        },
        "",
        _("Still to do:"),
        *[f"- {item}" for item in items],
        "",
        _("Open the school's page: %(url)s") % {"url": getattr(settings, "EDINFO_SITE_URL", "").rstrip("/") + path},
        "",
        settings.EDINFO_OFFICE_NAME,
    ])
    return EmailMessage(subject, body, to=[person.email], connection=connection)
