from django import forms

from .models import School


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "obec_code", "smis_code", "name", "school_type", "area", "cluster", "subdistrict",
            "address", "latitude", "longitude", "phone", "email", "director_name",
            "lowest_level", "highest_level", "is_open", "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        subdistricts = self.fields["subdistrict"]
        subdistricts.queryset = subdistricts.queryset.select_related("district")
        subdistricts.label_from_instance = lambda s: f"{s.name_th} – {s.district.name_th} ({s.code})"

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        # OBEC itself published two 9-digit school codes; such a code stays valid as long as
        # nobody edits it, while a changed code must be a proper 10-digit one.
        if self.instance.pk and "obec_code" not in self.changed_data:
            exclusions.add("obec_code")
        return exclusions
