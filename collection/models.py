"""Collection rounds (the calendar), per-school submissions, and their logs.

The submission states and who may move them live in collection/workflow.py; only the services
in collection/services.py write Submission.status.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundQuerySet(models.QuerySet):
    def current(self):
        """The open round with the nearest deadline, else the latest round."""
        return self.filter(state=Round.State.OPEN).order_by("closes_on").first() or self.order_by(
            "-census_day"
        ).first()


class Round(models.Model):
    """A collection round: one census day of one academic year (e.g. 10 November 2569)."""

    class Kind(models.TextChoices):
        JUNE = "jun10", _("10 June")
        NOVEMBER = "nov10", _("10 November")
        MARCH = "mar31", _("31 March (end of year)")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        # A round's own words (open for data / closed for data): "open"/"closed" alone are a
        # school's state (เปิดทำการ/ปิดทำการ), and the two must never read alike.
        PLANNED = "planned", pgettext_lazy("round state", "Planned")
        OPEN = "open", pgettext_lazy("round state", "Open")
        CLOSED = "closed", pgettext_lazy("round state", "Closed")

    academic_year = models.PositiveIntegerField(_("academic year (BE)"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    census_day = models.DateField(_("census day"))
    name = models.CharField(_("name"), max_length=200)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("deadline"), null=True, blank=True)
    collects_school_info = models.BooleanField(_("collects school information"), default=True)
    collects_students = models.BooleanField(_("collects student records"), default=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PLANNED)
    notes = models.TextField(_("notes"), blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")
        ordering = ["-census_day"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "kind", "census_day"], name="round_unique_day")
        ]

    def __str__(self):
        return self.name

    @property
    def code(self):
        """How a person names a round on the command line: 2569-nov10."""
        return f"{self.academic_year}-{self.kind}"

    def previous(self):
        return Round.objects.filter(census_day__lt=self.census_day).order_by("-census_day").first()

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    @property
    def is_closed(self):
        return self.state == self.State.CLOSED

    def days_left(self, today=None):
        """Days until the deadline (0 on the day, negative when overdue); None without a deadline."""
        if not self.closes_on:
            return None
        today = today or timezone.localdate()
        return (self.closes_on - today).days

    @property
    def deadline_at(self):
        """The end of the deadline day, Bangkok time: a school may work until midnight."""
        if not self.closes_on:
            return None
        end = datetime.datetime.combine(self.closes_on, datetime.time(23, 59, 59))
        return timezone.make_aware(end)


class Submission(models.Model):
    """One school's data for one round. Only collection/services.py may change `status`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed by school staff")
        CERTIFIED = "certified", _("Certified by the director")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the office")
        RETURNED = "returned", _("Returned for correction")

    LOCKED = {Status.CERTIFIED, Status.ACKNOWLEDGED}

    round = models.ForeignKey(Round, models.PROTECT, related_name="submissions", verbose_name=_("round"))
    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="submissions", verbose_name=_("school")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    # What the checks found the last time the school's data changed (or an officer rechecked):
    # the board reads these instead of re-running every check for every school on each view.
    record_count = models.PositiveIntegerField(_("records"), default=0)
    error_count = models.PositiveIntegerField(_("blocking errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="submission_unique_school_round")]
        indexes = [models.Index(fields=["round", "status"], name="submission_round_status")]

    def __str__(self):
        return f"{self.school} – {self.round}"

    @property
    def lock_reason(self):
        """Why the school's data cannot change now, or "" when it can: "certified" (certified or
        acknowledged, until the office returns it), "planned" (the office has not opened the round
        yet: nothing from schools, by any path), "closed" (the round has closed and the office has
        not reopened it for this school). The office's own preparation (collection/carry.py) writes
        directly and is not asked."""
        if self.status in self.LOCKED:
            return "certified"
        if self.round.state == Round.State.PLANNED:
            return "planned"
        if self.round.is_closed and self.reopened_at is None:
            return "closed"
        return ""

    @property
    def is_locked(self):
        """Whether every path (form, import, admin) must refuse changes: see lock_reason."""
        return bool(self.lock_reason)

    @classmethod
    def lock_reason_of(cls, school, round):
        """lock_reason for a school's round, also when the school has no submission yet (asked
        through an unsaved draft: a planned or closed round is locked before anyone starts)."""
        submission = cls.objects.filter(school=school, round=round).first()
        return (submission or cls(school=school, round=round)).lock_reason


class SubmissionEvent(models.Model):
    """The thread of a submission: every transition (who, when, from, to, why) and comments."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="events", verbose_name=_("submission"))
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=16)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_status}→{self.to_status}"


class Reminder(models.Model):
    """A reminder sent to a school, kept so the same one is not sent twice in a day."""

    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before", _("Before the deadline")
        OVERDUE = "overdue", _("Overdue")

    submission = models.ForeignKey(
        Submission, models.CASCADE, related_name="reminders", verbose_name=_("submission")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.TextField(_("recipients"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self):
        return f"{self.submission} – {self.get_kind_display()} {self.sent_on}"
