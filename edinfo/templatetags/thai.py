import re

from django import template
from django.utils.translation import get_language

from edinfo import thai

register = template.Library()


def _english():
    return (get_language() or "th").startswith("en")


@register.filter
def thdate(value, arg=""):
    """Buddhist-era date: {{ d|thdate }} → 10 พ.ย. 2569; {{ d|thdate:"full" }} → 10 พฤศจิกายน 2569;
    add "time" for the clock and "digits" for Thai digits, e.g. {{ d|thdate:"full,digits" }}."""
    options = {opt.strip() for opt in str(arg).split(",") if opt.strip()}
    if _english() and value:
        value = thai._as_date(value)
        text = f"{value.day} {value:%b} {value.year + thai.BE_OFFSET} BE"
        if "time" in options and hasattr(value, "hour"):
            text += f" {value:%H:%M}"
        return text
    return thai.format_date(
        value, full="full" in options, with_time="time" in options, thai_digits="digits" in options
    )


@register.filter
def thdigits(value):
    """Thai digits (๑๒๓) for official documents."""
    if value is None:
        return ""
    return thai.to_thai_digits(value)


@register.filter
def be_year(value):
    """The Buddhist-era year of a date."""
    if not value:
        return ""
    return value.year + thai.BE_OFFSET


_CE_YEAR = re.compile(r"\b(19|20|21)(\d\d)\b")


@register.filter
def be_years(text):
    """Christian-era years in a label made elsewhere ('พฤศจิกายน 2026', the admin's date hierarchy) as
    Buddhist-era years ('พฤศจิกายน 2569'); English keeps them."""
    if _english():
        return text
    return _CE_YEAR.sub(lambda match: str(int(match.group(0)) + thai.BE_OFFSET), str(text))
