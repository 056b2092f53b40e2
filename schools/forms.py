import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import maps
from .geo import distance_km
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


def _coordinate(value):
    """A decimal number from what a person typed: Thai digits and a comma as decimal point allowed.
    Only plain decimals ("17.0123", "-0.5"): "1e400", "Infinity", "NaN" raise InvalidOperation
    as any other text does."""
    value = value.strip().translate(THAI_DIGITS).replace(" ", "")
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    if not PLAIN_DECIMAL.match(value):
        raise InvalidOperation(value)
    return Decimal(value)


THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
PLAIN_DECIMAL = re.compile(r"^[-+]?[0-9]{1,20}(?:\.[0-9]{1,20})?$", re.ASCII)
PAIR = re.compile(r"^\s*(-?[\d๐-๙]+(?:\.[\d๐-๙]+)?)\s*[,;\s]\s*(-?[\d๐-๙]+(?:\.[\d๐-๙]+)?)\s*$")


class LocationForm(forms.ModelForm):
    """A school's point: typed, pasted ("16.99, 99.82" in the latitude box), or picked on the map.
    Saved through the model, so its history keeps the old point."""

    latitude = forms.CharField(label=_("Latitude"), required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    longitude = forms.CharField(label=_("Longitude"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))

    confirm = forms.BooleanField(label=_("I confirm that this point is correct"), required=False)

    class Meta:
        model = School
        fields = ["latitude", "longitude"]

    # Set by clean(): km from the tambon's centre, and whether the point waits for the tick.
    distance = None
    needs_confirmation = False

    def _number(self, name, text):
        try:
            number = _coordinate(text)
            # Out-of-range numbers are caught later with their own message; rounding them
            # here must not fail either.
            return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            self.add_error(name, NOT_A_NUMBER[name])
            return None

    def clean(self):
        data = super().clean()
        lat_text = (self.data.get("latitude") or "").strip()
        lng_text = (self.data.get("longitude") or "").strip()
        pair = PAIR.match(lat_text) if lat_text and not lng_text else None
        if pair:  # both pasted into the first box, as map apps copy them
            lat_text, lng_text = pair.groups()
        if not lat_text and not lng_text:
            data["latitude"] = data["longitude"] = None
            return data
        if not lat_text or not lng_text:
            raise ValidationError(_("Give both latitude and longitude, or leave both empty to clear the location."))
        lat = self._number("latitude", lat_text)
        lng = self._number("longitude", lng_text)
        if lat is None or lng is None:
            return data
        if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]):
            if LNG_RANGE[0] <= lat <= LNG_RANGE[1] and LAT_RANGE[0] <= lng <= LNG_RANGE[1]:
                raise ValidationError(_("The latitude and longitude seem to be swapped: latitude comes first "
                                        "(about 5–21 in Thailand), then longitude (about 97–106)."))
            raise ValidationError(_("The point is outside Thailand: latitude must be between 5 and 21 "
                                    "and longitude between 97 and 106."))
        data["latitude"], data["longitude"] = lat, lng
        self._check_far(lat, lng, data.get("confirm"))
        return data

    def _check_far(self, lat, lng, confirmed):
        """A point far from the school's tambon (beyond the hard limit) or in another province is
        not saved until the person ticks that it is correct; the soft limit only warns (the view)."""
        tambon = self.instance.subdistrict
        if tambon is None or tambon.latitude is None or tambon.longitude is None:
            return
        self.distance = distance_km(lat, lng, tambon.latitude, tambon.longitude)
        if self.distance <= maps.location_check_km():
            return
        if (self.initial.get("latitude"), self.initial.get("longitude")) == (lat, lng):
            return  # the point it already has: nothing new to confirm
        hard = maps.location_hard_km()
        province = maps.province_of_point(lat, lng)
        elsewhere = province is not None and province.pk != tambon.district.province_id
        if (self.distance <= hard and not elsewhere) or confirmed:
            return
        self.needs_confirmation = True
        values = {"distance": f"{self.distance:,.1f}", "tambon": tambon.name_th,
                  "province": tambon.district.province.name_th, "limit": f"{hard:g}"}
        if elsewhere:
            values["other"] = province.name_th
            message = _("The point seems to be in province %(other)s, not %(province)s: it is "
                        "%(distance)s km from the centre of tambon %(tambon)s. If it is correct, tick "
                        "“I confirm that this point is correct” and save again.")
        else:
            message = _("The point is %(distance)s km from the centre of tambon %(tambon)s "
                        "(more than %(limit)s km). If it is correct, tick “I confirm that this point is "
                        "correct” and save again.")
        raise ValidationError(message % values)

    def _post_clean(self):
        # The cleaned values are Decimals (or None); put them on the instance ourselves, and let
        # the model check the rest as it always does.
        if not self.errors:
            self.instance.latitude = self.cleaned_data.get("latitude")
            self.instance.longitude = self.cleaned_data.get("longitude")
            try:
                self.instance.full_clean(exclude=[f.name for f in School._meta.fields
                                                  if f.name not in ("latitude", "longitude")],
                                         validate_unique=False)
            except ValidationError as error:
                self._update_errors(error)


NOT_A_NUMBER = {
    # Each box with an example of its own kind: a longitude example for the longitude.
    "latitude": _("Not a valid number: type the latitude in decimal degrees, e.g. 17.0123."),
    "longitude": _("Not a valid number: type the longitude in decimal degrees, e.g. 99.8234."),
}
LAT_RANGE = (Decimal(5), Decimal(21))
LNG_RANGE = (Decimal(97), Decimal(106))
