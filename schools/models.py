from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import levels

obec_code_validator = RegexValidator(
    r"^10\d{8}$",
    _("The OBEC school code must be 10 digits and begin with 10, e.g. 1064620015."),
)
smis_code_validator = RegexValidator(
    r"^\d{8}$", _("The SMIS school code must be exactly 8 digits, e.g. 64010001.")
)
area_code_validator = RegexValidator(
    r"^\d{4}(\d{2})?$",
    _("The education area code must be 4 digits (primary, e.g. 6401) or 6 digits (secondary)."),
)
phone_validator = RegexValidator(
    r"^[0-9+\-() ,]{6,40}$", _("Enter a telephone number using digits, spaces and dashes only.")
)


class Province(models.Model):
    """A province, keyed by its DOPA code (Sukhothai is 64)."""

    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["code"]

    def __str__(self):
        return self.name_th


class District(models.Model):
    """An amphoe (อำเภอ), keyed by its 4-digit DOPA code."""

    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    province = models.ForeignKey(Province, models.PROTECT, related_name="districts", verbose_name=_("province"))
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("district (amphoe)")
        verbose_name_plural = _("districts (amphoe)")
        ordering = ["code"]

    def __str__(self):
        return self.name_th


class Subdistrict(models.Model):
    """A tambon (ตำบล), keyed by its 6-digit DOPA code, with its centroid when known."""

    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True)
    district = models.ForeignKey(District, models.PROTECT, related_name="subdistricts", verbose_name=_("district"))
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    zip_code = models.CharField(_("postcode"), max_length=5, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("subdistrict (tambon)")
        verbose_name_plural = _("subdistricts (tambon)")
        ordering = ["code"]

    def __str__(self):
        return self.name_th


class AreaOffice(models.Model):
    """An educational service area office (สพท.), e.g. 6401 สพป.สุโขทัย เขต 1."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary education area")
        SECONDARY = "secondary", _("Secondary education area")
        SPECIAL = "special", _("Special education bureau")

    code = models.CharField(_("area code"), max_length=6, unique=True, validators=[area_code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRIMARY)

    class Meta:
        verbose_name = _("education area office")
        verbose_name_plural = _("education area offices")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Cluster(models.Model):
    """A network cluster of schools (กลุ่มเครือข่ายสถานศึกษา) within one area office."""

    area = models.ForeignKey(AreaOffice, models.PROTECT, related_name="clusters", verbose_name=_("area office"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("network cluster")
        verbose_name_plural = _("network clusters")
        ordering = ["area", "code"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="cluster_code_unique_in_area")]

    def __str__(self):
        return self.name


class SizeCategory(models.Model):
    """OBEC's school-size bands by number of students; thresholds are data, not code."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    min_students = models.PositiveIntegerField(_("from (students)"))
    max_students = models.PositiveIntegerField(_("to (students)"), null=True, blank=True)

    class Meta:
        verbose_name = _("school size category")
        verbose_name_plural = _("school size categories")
        ordering = ["min_students"]

    def __str__(self):
        return self.name

    def contains(self, count):
        return count >= self.min_students and (self.max_students is None or count <= self.max_students)

    @classmethod
    def for_count(cls, count, categories=None):
        if count is None:
            return None
        for category in categories if categories is not None else cls.objects.all():
            if category.contains(count):
                return category
        return None




class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Schools a user may see: every school for office roles, own schools for school users."""
        if not user.is_authenticated:
            return self.none()
        if user.is_officer or user.is_executive:
            return self
        return self.filter(memberships__user=user).distinct()

    def with_related(self):
        return self.select_related("area", "cluster", "subdistrict__district", "province")


def validate_levels(first, last):
    if bool(first) != bool(last):
        raise ValidationError(_("Give both the lowest and the highest level offered, or neither."))
    if first and levels.ORDER[first] > levels.ORDER[last]:
        raise ValidationError(_("The lowest level offered cannot be above the highest."))


class School(models.Model):
    """A school in the registry. Codes are keys; names repeat in real lists and never are."""

    obec_code = models.CharField(
        _("OBEC school code (10 digits)"), max_length=10, unique=True, validators=[obec_code_validator]
    )
    smis_code = models.CharField(
        _("SMIS code (8 digits)"), max_length=8, unique=True, validators=[smis_code_validator]
    )
    name = models.CharField(_("school name"), max_length=200, help_text=_("Without the word โรงเรียน."))
    school_type = models.CharField(
        _("school type as published"), max_length=100, blank=True,
        help_text=_("As OBEC prints it, e.g. อนุบาล-ประถมศึกษา."),
    )
    area = models.ForeignKey(
        AreaOffice, models.PROTECT, null=True, blank=True, related_name="schools", verbose_name=_("area office")
    )
    cluster = models.ForeignKey(
        Cluster, models.SET_NULL, null=True, blank=True, related_name="schools", verbose_name=_("network cluster")
    )
    province = models.ForeignKey(
        Province, models.PROTECT, null=True, blank=True, related_name="schools", verbose_name=_("province")
    )
    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, null=True, blank=True, related_name="schools", verbose_name=_("subdistrict")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(21)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(97), MaxValueValidator(106)],
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)
    director_name = models.CharField(_("director's name"), max_length=200, blank=True)
    lowest_level = models.CharField(
        _("lowest level offered"), max_length=2, choices=levels.Level.choices, blank=True
    )
    highest_level = models.CharField(
        _("highest level offered"), max_length=2, choices=levels.Level.choices, blank=True
    )
    student_count = models.PositiveIntegerField(
        _("students (latest count)"), null=True, blank=True,
        help_text=_("The latest certified count; it decides the size category."),
    )
    is_open = models.BooleanField(_("open"), default=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["smis_code"]

    def __str__(self):
        return f"{self.name} ({self.smis_code})"

    def clean(self):
        validate_levels(self.lowest_level, self.highest_level)
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.cluster_id and self.area_id and self.cluster.area_id != self.area_id:
            raise ValidationError({"cluster": _("This cluster belongs to another area office.")})

    @property
    def district(self):
        return self.subdistrict.district if self.subdistrict_id else None

    @property
    def levels(self):
        return levels.level_range(self.lowest_level, self.highest_level)

    @property
    def levels_label(self):
        return levels.range_label(self.lowest_level, self.highest_level)

    @property
    def full_name(self):
        return f"โรงเรียน{self.name}"

    def size_category(self, categories=None):
        return SizeCategory.for_count(self.student_count, categories)


class Membership(models.Model):
    """A user's role at one school."""

    class Role(models.TextChoices):
        STAFF = "staff", _("School data staff")
        DIRECTOR = "director", _("School director")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    school = models.ForeignKey(School, models.CASCADE, related_name="memberships", verbose_name=_("school"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("school membership")
        verbose_name_plural = _("school memberships")
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="membership_user_school_unique")]

    def __str__(self):
        return f"{self.user} – {self.school} ({self.get_role_display()})"


class EnrolmentYear(models.Model):
    """A school's student total for one academic year from before the portal (or copied from a
    round), for the enrolment trend. A certified 10 June round of the same year overrides it."""

    class Source(models.TextChoices):
        IMPORTED = "imported", _("Imported (past records)")
        ROUND = "round", _("From a data collection round")

    school = models.ForeignKey(School, models.CASCADE, related_name="enrolment_years", verbose_name=_("school"))
    academic_year = models.PositiveIntegerField(
        _("academic year (BE)"), validators=[MinValueValidator(2400), MaxValueValidator(2700)]
    )
    students = models.PositiveIntegerField(_("students"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.IMPORTED)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("enrolment of a past year")
        verbose_name_plural = _("enrolment of past years")
        ordering = ["school", "academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year"], name="enrolment_year_unique_per_school")
        ]

    def __str__(self):
        return f"{self.school} {self.academic_year}: {self.students}"
