
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from edinfo.forms import BuddhistDateField

from . import importing
from .models import StudentRecord

# A DMC file for the largest school (about 1,650 students) is well under 1 MB; the importer
# refuses anything bigger than its own limit anyway, this says so before the file is stored.
MAX_UPLOAD_BYTES = importing.MAX_BYTES
UPLOAD_EXTENSIONS = importing.SPREADSHEET_EXTENSIONS

class StudentRecordForm(forms.ModelForm):
    """One student's record. The view runs the import's checks on the cleaned data."""

    # Wider than the stored 13 characters: people type dashes and spaces, which the checks remove.
    person_id = forms.CharField(
        label=_("person ID"), max_length=20,
        help_text=_("13 digits without dashes, or the OBEC G-code for a student without an ID."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_date = BuddhistDateField(label=_("birth date"), required=False)

    class Meta:
        model = StudentRecord
        fields = [
            "person_id", "student_number", "grade", "room", "gender", "prefix", "first_name", "last_name",
            "birth_date", "weight_kg", "height_cm", "blood_group", "religion", "ethnicity", "nationality",
            "house_number", "village_number", "road", "subdistrict_name", "district_name", "province_name",
            "guardian_first_name", "guardian_last_name", "guardian_occupation", "guardian_relation",
            "father_first_name", "father_last_name", "father_occupation",
            "mother_first_name", "mother_last_name", "mother_occupation",
            "disadvantage", "disability", "distance_km", "travel_method", "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*(
            Fieldset(legend, *(Row(*(Column(name, css_class=f"col-12 col-md-{12 // len(row)} col-lg-{width}")
                                    for name in row)) for row, width in rows))
            for legend, rows in self.SECTIONS
        ))

    # (legend, [(fields of one row, column width on large screens)]), in the order of the DMC file.
    SECTIONS = [
        (_("Student"), [
            (("person_id", "student_number", "grade", "room"), 3),
            (("gender", "prefix", "first_name", "last_name"), 3),
            (("birth_date", "weight_kg", "height_cm", "blood_group"), 3),
            (("religion", "ethnicity", "nationality", "status"), 3),
        ]),
        (_("Address"), [
            (("house_number", "village_number", "road"), 4),
            (("subdistrict_name", "district_name", "province_name"), 4),
        ]),
        (_("Family"), [
            (("guardian_first_name", "guardian_last_name", "guardian_occupation", "guardian_relation"), 3),
            (("father_first_name", "father_last_name", "father_occupation"), 4),
            (("mother_first_name", "mother_last_name", "mother_occupation"), 4),
        ]),
        (_("Support"), [
            (("disadvantage", "disability", "distance_km", "travel_method"), 3),
        ]),
    ]

    def _get_validation_exclusions(self):
        # Round and school are not on the form; the checks see them and report duplicates.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("person_id")
        return exclusions

    def validate_unique(self):
        """The duplicate-ID rule is one of the shared checks (the view adds its message)."""


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Student file"),
        help_text=_("The DMC export (.xlsx) as it is, or this system's template filled in (.xlsx or .csv)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(
                "รับเฉพาะไฟล์ตารางข้อมูล .xlsx .xls .ods หรือ .csv (ไฟล์ DMC หรือแบบฟอร์มของระบบ)"
            )
        if upload.size > MAX_UPLOAD_BYTES:
            size, limit = upload.size / 1024 / 1024, MAX_UPLOAD_BYTES // 1024 // 1024
            raise forms.ValidationError(f"ไฟล์ใหญ่เกินไป ({size:.1f} MB): รับได้ไม่เกิน {limit} MB")
        if upload.size == 0:
            raise forms.ValidationError("ไฟล์นี้ว่างเปล่า")
        return upload


class StudentFilterForm(forms.Form):
    """Filters of the school's student list; invalid values are ignored, not an error page."""

    grade = forms.ChoiceField(label=_("Grade"), required=False)
    room = forms.IntegerField(label=_("Room"), required=False, min_value=0)
    q = forms.CharField(label=_("Name, student number or ID"), required=False, max_length=100)

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", _("All grades"))] + list(grades)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ChoiceField)
                                          else "form-control")
