from django import forms
from django.utils.translation import gettext_lazy as _

from edinfo.thai import academic_year as academic_year_of
from edinfo.thai import format_date
from students.forms import BuddhistDateField

from .models import Round
from .workflow import Action

DATE_ERRORS = {"invalid": _("Write the date as day/month/Buddhist-era year, e.g. 10/11/2569.")}
CARRY_LABEL = _("Carry the previous round's students forward")
CARRY_HELP = _(
    "Each school starts from its students of the previous round (moved up one grade at a new "
    "academic year; the top grade leaves as graduated) and checks them, instead of starting empty. "
    "Schools that already have records in this round are left alone."
)


class RoundForm(forms.ModelForm):
    """A round of the calendar. The state changes only with the open and close buttons."""

    census_day = BuddhistDateField(label=_("census day"), error_messages=DATE_ERRORS)
    opens_on = BuddhistDateField(label=_("opens on"), required=False, error_messages=DATE_ERRORS)
    closes_on = BuddhistDateField(label=_("deadline"), required=False, error_messages=DATE_ERRORS)
    name = forms.CharField(
        label=_("name"), max_length=200, required=False,
        help_text=_("Left empty, it is made from the census day, e.g. 10 พฤศจิกายน 2569."),
    )
    carry_forward = forms.BooleanField(label=CARRY_LABEL, required=False, help_text=CARRY_HELP)

    class Meta:
        model = Round
        fields = ["academic_year", "kind", "census_day", "name", "opens_on", "closes_on",
                  "collects_school_info", "collects_students", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"academic_year": _("Buddhist era, e.g. 2569.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("census_day", "opens_on", "closes_on"):
            self.fields[name].widget.attrs["placeholder"] = "วว/ดด/ปปปป (พ.ศ.)"
        if self.instance.pk:
            # Carrying is for a round about to be filled; on an existing round the open button offers it.
            del self.fields["carry_forward"]

    def clean_academic_year(self):
        year = self.cleaned_data["academic_year"]
        if not 2500 <= year <= 2700:
            raise forms.ValidationError(_("Give the academic year in the Buddhist era, e.g. 2569."))
        return year

    def clean(self):
        data = super().clean()
        census, opens, closes = data.get("census_day"), data.get("opens_on"), data.get("closes_on")
        year = data.get("academic_year")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The deadline cannot be before the opening day."))
        if census and year and data.get("kind") != Round.Kind.OTHER:
            # 31 March belongs to the academic year that ends then, which academic_year() gives too.
            if academic_year_of(census) != year:
                self.add_error("census_day", _("This census day falls in academic year %(year)d, not %(given)d.")
                               % {"year": academic_year_of(census), "given": year})
        if census and not data.get("name"):
            data["name"] = format_date(census, full=True)
        return data


class OpenRoundForm(forms.Form):
    carry_forward = forms.BooleanField(label=CARRY_LABEL, required=False)


class ActionForm(forms.Form):
    """One workflow step from a button; the service decides whether it is allowed."""

    action = forms.ChoiceField(choices=Action.choices)
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
