"""Code tables for the student record: stable codes stored, Thai labels shown.

Sources number some lists differently (the DMC export carries label text; ONEC/OBEC systems use
numeric ids 1–10/99; another scheme uses 10–18/99). SOURCE_CODES maps each source's codes and
label variants to ours, so imports accept any of them and exports write the one asked for.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdKind(models.TextChoices):
    CITIZEN = "citizen", _("Thai citizen ID")
    TYPE0 = "type0", _("Type-0 ID (no registration status)")
    GCODE = "gcode", _("OBEC G-code")


class Gender(models.TextChoices):
    MALE = "M", "ชาย"
    FEMALE = "F", "หญิง"


class Prefix(models.TextChoices):
    BOY = "boy", "เด็กชาย"
    GIRL = "girl", "เด็กหญิง"
    MR = "mr", "นาย"
    MISS = "miss", "นางสาว"
    MRS = "mrs", "นาง"


# Which prefixes fit which gender (a check warns on เด็กหญิง with ช).
PREFIX_GENDER = {"boy": "M", "mr": "M", "girl": "F", "miss": "F", "mrs": "F"}


class Disadvantage(models.TextChoices):
    """Form พฐ.4 disadvantage types; codes follow the ONEC numeric ids."""

    NONE = "99", "ไม่ด้อยโอกาส"
    FORCED_LABOUR = "1", "เด็กถูกบังคับให้ขายแรงงาน"
    SEXUAL_EXPLOITATION = "2", "เด็กที่อยู่ในธุรกิจทางเพศ"
    ABANDONED = "3", "เด็กถูกทอดทิ้ง"
    JUVENILE_CENTRE = "4", "เด็กในสถานพินิจและคุ้มครองเด็กและเยาวชน"
    STREET = "5", "เด็กเร่ร่อน"
    AIDS = "6", "ผลกระทบจากเอดส์"
    MINORITY = "7", "ชนกลุ่มน้อย"
    ABUSED = "8", "เด็กที่ถูกทำร้ายทารุณ"
    POOR = "9", "เด็กยากจน"
    DRUGS = "10", "เด็กมีปัญหาเกี่ยวกับยาเสพติด"


class Disability(models.TextChoices):
    """The nine Ministry of Education disability types (2552); codes follow the ONEC ids."""

    NONE = "99", "ไม่มีความพิการ"
    VISUAL = "1", "ความพิการทางการมองเห็น"
    HEARING = "2", "ความพิการทางการได้ยิน"
    INTELLECTUAL = "3", "ความพิการทางสติปัญญา"
    PHYSICAL = "4", "ความพิการทางร่างกาย/สุขภาพ"
    LEARNING = "5", "ความพิการทางการเรียนรู้"
    SPEECH = "6", "ความพิการทางการพูด/ภาษา"
    BEHAVIOURAL = "7", "ความพิการทางพฤติกรรมและอารมณ์"
    AUTISM = "8", "ความพิการทางออทิสติก"
    MULTIPLE = "9", "ความพิการซ้อน"


class BloodGroup(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    O = "O", "O"  # noqa: E741 – the blood group's name
    AB = "AB", "AB"


class TravelMethod(models.TextChoices):
    WALK = "walk", "เดิน"
    BICYCLE = "bicycle", "จักรยาน"
    MOTORCYCLE = "motorcycle", "รถจักรยานยนต์"
    CAR = "car", "รถยนต์ส่วนตัว"
    SCHOOL_BUS = "school_bus", "รถรับส่งนักเรียน"
    PUBLIC = "public", "รถโดยสารประจำทาง"
    BOAT = "boat", "เรือ"
    OTHER = "other", "อื่น ๆ"


class Status(models.TextChoices):
    STUDYING = "studying", "กำลังศึกษา"
    MOVED_OUT = "moved_out", "ย้ายออก"
    GRADUATED = "graduated", "จบการศึกษา"
    DROPPED_OUT = "dropped_out", "ออกกลางคัน"


# Per source: value as that source writes it → our code. Labels are matched too (see lookup()).
SOURCE_CODES = {
    "gender": {"dmc": {"ช": "M", "ญ": "F", "ชาย": "M", "หญิง": "F"}},
    "disadvantage": {
        "onec": {str(n): str(n) for n in range(1, 11)} | {"99": "99"},
        # Another scheme in circulation numbers the same list 10..18 with 99 for none.
        "alt10": {"10": "1", "11": "2", "12": "3", "13": "4", "14": "5", "15": "6", "16": "7", "17": "8",
                  "18": "9", "99": "99"},
        "dmc": {
            "-": "99", "": "99",
            "เด็กถูกทอดทิ้ง/กำพร้า": "3", "เด็กที่ถูกทอดทิ้ง": "3", "เด็กชนกลุ่มน้อย": "7",
            "เด็กที่ได้รับผลกระทบจากเอดส์": "6", "เด็กที่มีปัญหาเกี่ยวกับยาเสพติด": "10",
        },
    },
    "disability": {
        "onec": {str(n): str(n) for n in range(1, 10)} | {"99": "99"},
        "alt10": {str(10 + n): str(n + 1) for n in range(9)} | {"99": "99"},
        "dmc": {"-": "99", "": "99"},
    },
}

LISTS = {
    "gender": Gender,
    "prefix": Prefix,
    "disadvantage": Disadvantage,
    "disability": Disability,
    "blood_group": BloodGroup,
    "travel_method": TravelMethod,
    "status": Status,
}


def lookup(list_name, value, source="dmc"):
    """Our code for a value as a source writes it (code, label or known variant); None if unknown."""
    choices = LISTS[list_name]
    text = (value or "").strip()
    mapped = SOURCE_CODES.get(list_name, {}).get(source, {})
    if text in mapped:
        return mapped[text]
    if text in choices.values:
        return text
    for code, label in choices.choices:
        if text == label:
            return code
    return None
