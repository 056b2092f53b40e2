"""Collection rounds and per-school submissions.

Minimal for now (the student-record issue needs a round and a lock); the calendar and the
confirm/certify workflow grow here next, with the transition table in collection/workflow.py.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    """A collection round: one census day of one academic year (e.g. 10 November 2569)."""

    class Kind(models.TextChoices):
        JUNE = "jun10", _("10 June")
        NOVEMBER = "nov10", _("10 November")
        MARCH = "mar31", _("31 March (end of year)")
        OTHER = "other", _("Other")

    academic_year = models.PositiveIntegerField(_("academic year (BE)"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    census_day = models.DateField(_("census day"))
    name = models.CharField(_("name"), max_length=200)

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


class Submission(models.Model):
    """One school's data for one round. Only collection/workflow.py may change `status`."""

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
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="submission_unique_school_round")]

    def __str__(self):
        return f"{self.school} – {self.round}"

    @property
    def is_locked(self):
        """Certified or acknowledged data cannot change by any path until reopened."""
        return self.status in self.LOCKED
