"""Grade levels: stable codes in storage, Thai labels on screen.

The order of LEVELS is the order of schooling; a school offers a contiguous range of it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    K1 = "K1", _("Kindergarten 1")
    K2 = "K2", _("Kindergarten 2")
    K3 = "K3", _("Kindergarten 3")
    P1 = "P1", _("Primary 1")
    P2 = "P2", _("Primary 2")
    P3 = "P3", _("Primary 3")
    P4 = "P4", _("Primary 4")
    P5 = "P5", _("Primary 5")
    P6 = "P6", _("Primary 6")
    M1 = "M1", _("Secondary 1")
    M2 = "M2", _("Secondary 2")
    M3 = "M3", _("Secondary 3")
    M4 = "M4", _("Secondary 4")
    M5 = "M5", _("Secondary 5")
    M6 = "M6", _("Secondary 6")


LEVELS = [choice.value for choice in Level]
ORDER = {code: index for index, code in enumerate(LEVELS)}

# Short labels as schools and DMC write them (อ.1, ป.1, ม.1).
SHORT_TH = {
    "K1": "อ.1", "K2": "อ.2", "K3": "อ.3",
    "P1": "ป.1", "P2": "ป.2", "P3": "ป.3", "P4": "ป.4", "P5": "ป.5", "P6": "ป.6",
    "M1": "ม.1", "M2": "ม.2", "M3": "ม.3", "M4": "ม.4", "M5": "ม.5", "M6": "ม.6",
}


class Stage(models.TextChoices):
    """The OBEC stages used for subtotals and for a school's type."""

    KINDERGARTEN = "K", _("Pre-primary")
    PRIMARY = "P", _("Primary")
    LOWER_SECONDARY = "LS", _("Lower secondary")
    UPPER_SECONDARY = "US", _("Upper secondary")


STAGE_LEVELS = {
    "K": ("K1", "K3"),
    "P": ("P1", "P6"),
    "LS": ("M1", "M3"),
    "US": ("M4", "M6"),
}

# OBEC school-type words ("อนุบาล-ประถมศึกษา") → stage.
STAGE_WORDS = {
    "อนุบาล": "K",
    "ประถมศึกษา": "P",
    "มัธยมศึกษาตอนต้น": "LS",
    "มัธยมศึกษาตอนปลาย": "US",
}


def level_range(first, last):
    """Codes from first to last inclusive, in schooling order."""
    if not first or not last:
        return []
    return LEVELS[ORDER[first] : ORDER[last] + 1]


def range_label(first, last):
    if not first or not last:
        return ""
    if first == last:
        return SHORT_TH[first]
    return f"{SHORT_TH[first]}–{SHORT_TH[last]}"


def range_from_school_type(text):
    """("K1", "P6") from OBEC's "อนุบาล-ประถมศึกษา"; (None, None) when not understood."""
    words = [w.strip() for w in (text or "").split("-") if w.strip()]
    stages = [STAGE_WORDS.get(w) for w in words]
    if not stages or None in stages:
        return None, None
    return STAGE_LEVELS[stages[0]][0], STAGE_LEVELS[stages[-1]][1]
