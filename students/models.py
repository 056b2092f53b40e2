from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schools.levels import Level

from . import codes


class StudentRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Personal records: school users see their schools', officers all; executives none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_officer:
            return self
        return self.filter(school__memberships__user=user)


class StudentRecord(models.Model):
    """One student in one collection round, as the school reports it (the DMC snapshot).

    A person appears once per school and round; the same person in two schools of one round is
    kept and flagged district-wide, because either school may be the one that is wrong.
    """

    round = models.ForeignKey(
        "collection.Round", models.PROTECT, related_name="student_records", verbose_name=_("round")
    )
    school = models.ForeignKey(
        "schools.School", models.PROTECT, related_name="student_records", verbose_name=_("school")
    )
    person_id = models.CharField(_("person ID"), max_length=13)
    id_kind = models.CharField(_("kind of ID"), max_length=8, choices=codes.IdKind.choices)
    student_number = models.CharField(_("student number"), max_length=20, blank=True)
    grade = models.CharField(_("grade"), max_length=2, choices=Level.choices)
    room = models.PositiveSmallIntegerField(_("room"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=codes.Gender.choices)
    prefix = models.CharField(_("prefix"), max_length=8, choices=codes.Prefix.choices, blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=5, decimal_places=1, null=True, blank=True)
    blood_group = models.CharField(_("blood group"), max_length=2, choices=codes.BloodGroup.choices, blank=True)
    religion = models.CharField(_("religion"), max_length=50, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    nationality = models.CharField(_("nationality"), max_length=50, blank=True)
    # Address as given, and the tambon it resolves to when the names match.
    house_number = models.CharField(_("house number"), max_length=50, blank=True)
    village_number = models.CharField(_("village number (moo)"), max_length=10, blank=True)
    road = models.CharField(_("road/soi"), max_length=150, blank=True)
    subdistrict_name = models.CharField(_("subdistrict (as given)"), max_length=100, blank=True)
    district_name = models.CharField(_("district (as given)"), max_length=100, blank=True)
    province_name = models.CharField(_("province (as given)"), max_length=100, blank=True)
    subdistrict = models.ForeignKey(
        "schools.Subdistrict", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("subdistrict (resolved)"),
    )
    guardian_first_name = models.CharField(_("guardian's first name"), max_length=100, blank=True)
    guardian_last_name = models.CharField(_("guardian's last name"), max_length=100, blank=True)
    guardian_occupation = models.CharField(_("guardian's occupation"), max_length=100, blank=True)
    guardian_relation = models.CharField(_("guardian's relation"), max_length=50, blank=True)
    father_first_name = models.CharField(_("father's first name"), max_length=100, blank=True)
    father_last_name = models.CharField(_("father's last name"), max_length=100, blank=True)
    father_occupation = models.CharField(_("father's occupation"), max_length=100, blank=True)
    mother_first_name = models.CharField(_("mother's first name"), max_length=100, blank=True)
    mother_last_name = models.CharField(_("mother's last name"), max_length=100, blank=True)
    mother_occupation = models.CharField(_("mother's occupation"), max_length=100, blank=True)
    disadvantage = models.CharField(
        _("disadvantage"), max_length=2, choices=codes.Disadvantage.choices, default=codes.Disadvantage.NONE
    )
    disability = models.CharField(
        _("disability"), max_length=2, choices=codes.Disability.choices, default=codes.Disability.NONE
    )
    distance_km = models.DecimalField(
        _("distance to school (km)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    travel_method = models.CharField(
        _("travel to school"), max_length=16, choices=codes.TravelMethod.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=codes.Status.choices, default=codes.Status.STUDYING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = StudentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("student record")
        verbose_name_plural = _("student records")
        ordering = ["grade", "room", "student_number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "school", "person_id"], name="student_once_per_school_round")
        ]
        indexes = [
            # District-wide duplicate search and round-to-round comparison go by person.
            models.Index(fields=["round", "person_id"], name="student_round_person"),
            # Covering index for the grade × gender counts of a whole round (see STACK.md).
            models.Index(fields=["round", "school", "grade", "gender"], name="student_round_school_grade"),
            # Official figures count students still studying: the same columns, only those rows, so
            # the national grade × gender report is an index-only scan (bench/README.md: 2.5 s → 1.5 s).
            models.Index(
                fields=["round", "school", "grade", "gender"], condition=models.Q(status="studying"),
                name="student_studying_grade",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def dashed_id(self):
        """The full ID as printed on the card, 1-1017-00207-03-0 (a G-code or odd length as it is)."""
        from stdnum.th import pin

        if self.id_kind == codes.IdKind.GCODE or len(self.person_id) != 13 or not self.person_id.isdigit():
            return self.person_id
        return pin.format(self.person_id)

    @property
    def masked_id(self):
        """1-1017-xxxxx-xx-9: enough to tell records apart, not enough to identify a person."""
        pid = self.person_id
        if self.id_kind == codes.IdKind.GCODE or len(pid) != 13:
            return pid[:4] + "x" * max(len(pid) - 5, 0) + pid[-1:]
        return f"{pid[0]}-{pid[1:5]}-xxxxx-xx-{pid[12]}"

    @property
    def full_name(self):
        return f"{self.get_prefix_display()}{self.first_name} {self.last_name}".strip()
