from django import forms
from django.utils.translation import gettext_lazy as _

from students.importing import MAX_BYTES

from .models import IndicatorSet

MSG_NO_FILE = "กรุณาเลือกไฟล์ จปฐ. อย่างน้อยหนึ่งไฟล์"
MSG_TOO_BIG = "ไฟล์ {name} มีขนาด {size:.1f} MB เกินขนาดสูงสุด {limit} MB: ยังไม่ได้บันทึกข้อมูลใด ๆ"


def check_size(upload):
    """Refuse a file past the reader's limit from its size alone, before it is read into memory."""
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(MSG_TOO_BIG.format(name=upload.name, size=upload.size / 1024 / 1024,
                                                       limit=MAX_BYTES // 1024 // 1024))
    return upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.xlsx"}))
        kwargs.setdefault("allow_empty_file", True)  # the importer says "ไฟล์ว่างเปล่า" with the file's name
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [check_size(single(item, initial)) for item in data if item]
        else:
            files = [check_size(single(data, initial))] if data else []
        if not files:
            # A form sent with no file is the form's error, not an import with "0 problems".
            raise forms.ValidationError(MSG_NO_FILE, code="required")
        return files


class ImportForm(forms.Form):
    year = forms.IntegerField(
        # No default: a newer file imported under a default year would land on (and replace) that year.
        label=_("Survey year (B.E.)"), min_value=2540, max_value=2700,
        help_text=_("The year the households were surveyed, e.g. 2561."),
    )
    indicator_set = forms.ModelChoiceField(
        label=_("Indicator set"), queryset=IndicatorSet.objects.all(), empty_label=None,
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000,
                            help_text=_("Where the files came from, e.g. TPMAP, downloaded on …"))
    files = MultipleFileField(
        label=_("TPMAP files"),
        help_text=_("One or more of the amphoe, tambon and village \"common\" files (CSV or Excel)."),
    )
    replace = forms.BooleanField(
        label=_("Replace the existing data"), required=False,
        help_text=_("Only when this survey already has data at the level of a file: the existing rows are "
                    "kept as a copy you can download from the survey page, then replaced."),
    )


class IndicatorSetForm(forms.Form):
    code = forms.RegexField(label=_("Code"), regex=r"^[0-9A-Za-z\-_.]{1,20}$", max_length=20,
                            help_text=_("e.g. 2566-2570"))
    name = forms.CharField(label=_("Name"), max_length=200)
    first_year = forms.IntegerField(label=_("First year (B.E.)"), min_value=2500, max_value=2700, required=False)
    last_year = forms.IntegerField(label=_("Last year (B.E.)"), min_value=2500, max_value=2700, required=False)
    file = forms.FileField(
        label=_("Indicator file (CSV)"),
        help_text=_("Columns indicator_no, name_th, category_no, category_name, is_education (1 or 0)."),
    )

    def clean_file(self):
        return check_size(self.cleaned_data["file"])
