"""จปฐ. (Basic Minimum Needs) survey results per amphoe, tambon and village.

The indicator set is data: a set (e.g. 2560–2564) holds its numbered indicators with their
หมวด and an education flag; a survey year is read against one set. Results keep the area code
exactly as the file gives it, and the District/Subdistrict it resolves to when it does (the
real files hold municipal-area codes such as 640151 that are in no tambon register).

Our reading of the TPMAP columns (not documented by the source): ``indicatorN.ALL`` is the number
of persons the indicator applies to, ``indicatorN.CNT`` the number of persons failing it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schools.models import District, Province, Subdistrict


class IndicatorSet(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("e.g. 2560-2564"))
    name = models.CharField(_("name"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year (B.E.)"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year (B.E.)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("BMN indicator set")
        verbose_name_plural = _("BMN indicator sets")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        """The name, followed by the code only when the name does not already say it
        ("…ปี 2560–2564 (5 หมวด 31 ตัวชี้วัด)" is not followed by "(2560-2564)")."""
        dashless = self.name.replace("–", "-").replace("—", "-")
        return self.name if self.code in dashless else f"{self.name} ({self.code})"


class Indicator(models.Model):
    indicator_set = models.ForeignKey(
        IndicatorSet, models.CASCADE, related_name="indicators", verbose_name=_("indicator set")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name_th = models.CharField(_("indicator (Thai)"), max_length=300)
    category_no = models.PositiveSmallIntegerField(_("category number"))
    category_name = models.CharField(_("category"), max_length=100)
    is_education = models.BooleanField(_("education indicator"), default=False)

    class Meta:
        verbose_name = _("BMN indicator")
        verbose_name_plural = _("BMN indicators")
        ordering = ["indicator_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "number"], name="bmn_indicator_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.name_th}"

    @property
    def category(self):
        return f"หมวด {self.category_no} {self.category_name}"


class Survey(models.Model):
    """One survey year of one province, read against one indicator set."""

    year = models.PositiveSmallIntegerField(_("survey year (B.E.)"))
    indicator_set = models.ForeignKey(
        IndicatorSet, models.PROTECT, related_name="surveys", verbose_name=_("indicator set")
    )
    province_code = models.CharField(_("province code"), max_length=2)
    province = models.ForeignKey(
        Province, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("province")
    )
    notes = models.TextField(_("notes"), blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("BMN survey")
        verbose_name_plural = _("BMN surveys")
        ordering = ["-year", "province_code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "indicator_set", "province_code"], name="bmn_survey_unique")
        ]

    def __str__(self):
        return f"จปฐ. ปี {self.year}"

    @property
    def label(self):
        province = self.province.name_th if self.province_id else self.province_code
        return f"จปฐ. ปี {self.year} · จังหวัด{province}"


class AreaResult(models.Model):
    """One row of a TPMAP "common" file: an amphoe, a tambon or a village."""

    class Level(models.TextChoices):
        AMPHOE = "amphoe", _("amphoe")
        TAMBON = "tambon", _("tambon")
        VILLAGE = "village", _("village")

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="areas", verbose_name=_("survey"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    code = models.CharField(_("code as in the file"), max_length=12)
    district_code = models.CharField(_("amphoe code"), max_length=4)
    tambon_code = models.CharField(_("tambon code"), max_length=6, blank=True)
    # A village's 10-digit id: the 8-digit DOPA village code, then a 2-digit sub-unit counter
    # whose meaning we could not confirm (mostly "01"). Both kept as given.
    village_code = models.CharField(_("DOPA village code"), max_length=8, blank=True)
    subunit = models.CharField(_("sub-unit counter"), max_length=2, blank=True)
    district = models.ForeignKey(
        District, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("amphoe")
    )
    subdistrict = models.ForeignKey(
        Subdistrict, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("tambon")
    )
    households = models.PositiveIntegerField(_("households"))
    persons = models.PositiveIntegerField(_("persons"))
    mof_registered = models.PositiveIntegerField(_("registered for the state welfare card"))
    mof_verified = models.PositiveIntegerField(_("welfare card verified"))
    elderly = models.PositiveIntegerField(_("elderly"))
    disabled = models.PositiveIntegerField(_("disabled"))
    chronic_patients = models.PositiveIntegerField(_("chronic patients"))
    happiness = models.DecimalField(_("happiness (of 10)"), max_digits=6, decimal_places=3, null=True, blank=True)
    row_number = models.PositiveIntegerField(_("row in the file"))
    filename = models.CharField(_("file"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("BMN area result")
        verbose_name_plural = _("BMN area results")
        ordering = ["survey", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "level", "code"], name="bmn_area_unique")
        ]
        indexes = [models.Index(fields=["survey", "level", "tambon_code"])]

    def __str__(self):
        return f"{self.get_level_display()} {self.code}"

    @property
    def resolved(self):
        if self.level == self.Level.AMPHOE:
            return self.district_id is not None
        return self.subdistrict_id is not None


class IndicatorResult(models.Model):
    area = models.ForeignKey(AreaResult, models.CASCADE, related_name="indicators", verbose_name=_("area"))
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+", verbose_name=_("indicator"))
    applies = models.PositiveIntegerField(_("persons it applies to (.ALL, our reading)"))
    fails = models.PositiveIntegerField(_("persons failing (.CNT, our reading)"))

    class Meta:
        verbose_name = _("BMN indicator result")
        verbose_name_plural = _("BMN indicator results")
        constraints = [
            models.UniqueConstraint(fields=["area", "indicator"], name="bmn_indicator_result_unique")
        ]

    def __str__(self):
        return f"{self.indicator.number}: {self.fails}/{self.applies}"


class ReplacedImport(models.Model):
    """The rows of one level of a survey as they were before an import replaced them, kept as CSV
    text in the TPMAP column layout so that an officer can download and re-import them."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="replaced_imports", verbose_name=_("survey"))
    level = models.CharField(_("level"), max_length=8, choices=AreaResult.Level.choices)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("replaced by"),
    )
    row_count = models.PositiveIntegerField(_("rows replaced"))
    filename = models.CharField(_("file the rows came from"), max_length=200, blank=True)
    new_filename = models.CharField(_("file that replaced them"), max_length=200, blank=True)
    missing_codes = models.TextField(_("codes not in the new file"), blank=True)
    csv_text = models.TextField(_("the replaced rows (CSV, TPMAP layout)"))

    class Meta:
        verbose_name = _("replaced BMN import")
        verbose_name_plural = _("replaced BMN imports")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.survey} · {self.get_level_display()} · {self.row_count}"

    @property
    def download_name(self):
        return f"bmn-{self.survey.year}-{self.survey.province_code}-{self.level}-replaced-{self.pk}.csv"
