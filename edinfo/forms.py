"""Form pieces every app shares: the Buddhist-era date field (the admin uses it too, edinfo/admin_thai.py)."""

import datetime
import re

from django import forms

from .thai import BE_OFFSET, to_arabic_digits

BE_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


class BuddhistDateField(forms.DateField):
    """A date typed as people here write it: day/month/Buddhist-era year (25/06/2562).

    A Christian-era year (2019) is accepted too, so a date copied from another system still works.
    """

    widget = forms.TextInput(attrs={"placeholder": "วว/ดด/ปปปป (พ.ศ.)", "inputmode": "numeric"})
    default_error_messages = {
        "invalid": "กรอกวันเกิดเป็น วัน/เดือน/ปี พ.ศ. เช่น 25/06/2562",
        "no_such_day": "ไม่มีวันที่ %(day)s/%(month)s/%(year)s ในปฏิทิน (ตรวจวันและเดือนอีกครั้ง)",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        match = BE_DATE.match(to_arabic_digits(value))
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = (int(part) for part in match.groups())
        typed = {"day": f"{day:02d}", "month": f"{month:02d}", "year": year}
        if year > 2400:
            year -= BE_OFFSET
        try:
            return datetime.date(year, month, day)
        except ValueError:
            # The form was right (31/02/2562): say that the day does not exist, not how to type a date.
            raise forms.ValidationError(self.error_messages["no_such_day"], code="no_such_day", params=typed) from None

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year + BE_OFFSET}"
        return value
