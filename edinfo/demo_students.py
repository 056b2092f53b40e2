"""Synthetic students for the demo district: one DMC snapshot for the 10 November 2569 round.

Nothing here is real: names are drawn from short lists, IDs are generated with valid check digits
in ranges that a registration office would not hand out to these names. A handful of records carry
the problems the district checks exist for (one person in two schools, an implausible height, a
birth date that does not fit the grade), so those pages have something to show.

Deterministic for a seed, and safe to run again: a school that already has students in the round
is left alone, so what a demo user edited survives a second `loaddemo`.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from collection.models import Round
from schools.levels import ORDER
from students import codes, ids
from students.models import StudentRecord

ROUND_NAME = "10 พฤศจิกายน 2569"
ACADEMIC_YEAR = 2569
CENSUS_DAY = datetime.date(2026, 11, 10)
# The academic year 2569 started on 16 May 2026 (CE); a child's grade follows age on that day.
YEAR_START = datetime.date(2026, 5, 16)

# Fewer children in K1 (many schools start at K2) and in the lower-secondary grades.
LEVEL_WEIGHT = {"K1": 0.5, "K2": 0.9, "K3": 0.95, "M1": 0.9, "M2": 0.85, "M3": 0.8}
# Typical age on the first day of the academic year, by grade: K1 is 3, P1 is 6, M1 is 12.
START_AGE = {"K1": 3}
# Median height (cm) and weight (kg) by age, roughly the Thai growth references.
GROWTH = {3: (95, 14), 4: (102, 16), 5: (109, 18), 6: (115, 20), 7: (121, 23), 8: (127, 26), 9: (132, 29),
          10: (138, 33), 11: (144, 37), 12: (150, 42), 13: (156, 46), 14: (160, 50), 15: (163, 53)}

BOYS = ["ธนกร", "ภูมิพัฒน์", "กิตติพัฒน์", "ณัฐวุฒิ", "ปัณณวัฒน์", "ธีรภัทร", "อภิวัฒน์", "พีรพัฒน์", "ศุภกร", "ชยพล",
        "วรเมธ", "ภาคิน", "ธนภัทร", "ณัฐพล", "กฤษดา", "สิรวิชญ์", "ปกรณ์", "ชนาธิป", "เตชินท์", "รัฐภูมิ"]
GIRLS = ["ณัฐธิดา", "กัญญาณัฐ", "พิมพ์ชนก", "ปุณยวีร์", "ชนัญชิดา", "ธัญชนก", "อรปรียา", "สุชานันท์", "กมลชนก",
         "ปริยากร", "ศิริประภา", "ภัทรธิดา", "วรรณวิสา", "ญาณิศา", "นภัสสร", "อัญชิสา", "พิชญาภา", "ลลิตา",
         "ณิชาภัทร", "เบญญาภา"]
MEN = ["สมชาย", "ประเสริฐ", "สุนทร", "ชัยวัฒน์", "บุญมี", "วีระ", "สมศักดิ์", "อำนาจ", "ธงชัย", "สุรพล"]
WOMEN = ["สมศรี", "วิไล", "อรุณี", "มาลี", "พรทิพย์", "จันทร์เพ็ญ", "บุญเรือน", "สุภาพร", "นงลักษณ์", "ละเอียด"]
SURNAMES = ["ใจดี", "ศรีสุข", "ทองคำ", "แก้วมณี", "บุญเรือง", "สายทอง", "พึ่งบุญ", "มั่นคง", "อินทร์แก้ว", "ปัญญาดี",
            "จันทร์หอม", "ทองมา", "สุขเกษม", "บุญประเสริฐ", "ศรีวงศ์", "คำแสน", "พรหมมา", "ชัยมงคล", "เรืองศรี",
            "นาคสวัสดิ์", "อ่อนละมัย", "เพชรรัตน์", "ดีเลิศ", "ขำวงษ์", "ประทุมทอง", "ยิ้มแย้ม", "สิงห์ทอง", "พูลผล"]
OCCUPATIONS = ["เกษตรกร", "เกษตรกร", "รับจ้างทั่วไป", "รับจ้างทั่วไป", "ค้าขาย", "พนักงานบริษัท", "รับราชการ", "ประมง"]
RELIGIONS = ["พุทธ"] * 97 + ["อิสลาม"] * 2 + ["คริสต์"]

# Type-0 IDs and G-codes are a few percent of a rural district's pupils.
TYPE0_SHARE = 0.015
GCODE_SHARE = 0.005


def _citizen_id(serial):
    # 1 = Thai national registered at birth; 64xx = a Sukhothai registration office.
    return ids.with_check_digit(f"16401{serial:07d}"), codes.IdKind.CITIZEN


def _type0_id(serial):
    return ids.with_check_digit(f"0064{serial:08d}"), codes.IdKind.TYPE0


def _gcode(serial):
    # 'G', the Buddhist-era year it was issued (two digits), the province, a running number.
    return f"G6864{serial:07d}", codes.IdKind.GCODE


def ensure_rounds():
    """The demo's collection round (10 November 2569), created once."""
    nov, _ = Round.objects.get_or_create(
        academic_year=ACADEMIC_YEAR, kind=Round.Kind.NOVEMBER, census_day=CENSUS_DAY,
        defaults={"name": ROUND_NAME},
    )
    return nov


def _spread(count, levels, rng):
    """count students spread over a school's levels by weight, summing exactly to count."""
    weights = [LEVEL_WEIGHT.get(level, 1.0) * rng.uniform(0.85, 1.15) for level in levels]
    total = sum(weights)
    shares = [int(count * w / total) for w in weights]
    for index in range(count - sum(shares)):
        shares[index % len(shares)] += 1
    return dict(zip(levels, shares, strict=True))


def _birth_date(level, rng):
    age = 3 + ORDER[level]  # K1 3, P1 6, M1 12
    if rng.random() < 0.04:  # held back a year
        age += 1
    latest = datetime.date(YEAR_START.year - age, YEAR_START.month, YEAR_START.day)
    return latest - datetime.timedelta(days=rng.randint(0, 364))


def _growth(birth_date, gender, rng):
    age = max(3, min(15, (CENSUS_DAY - birth_date).days // 365))
    height, weight = GROWTH[age]
    if gender == "F" and age >= 10:
        height += 2
    height = round(rng.gauss(height, height * 0.045), 1)
    # Keep the body-mass index within 12–30, so only the planted mistakes trip the growth checks.
    metres = height / 100
    weight = min(max(rng.gauss(weight, weight * 0.16), 12 * metres**2), 30 * metres**2)
    return Decimal(str(height)), Decimal(str(round(weight, 1)))


def _student(school, level, room, number, person, rng):
    person_id, id_kind = person
    gender = rng.choice("MF")
    birth_date = _birth_date(level, rng)
    # Children are เด็กชาย/เด็กหญิง until fifteen, then นาย/นางสาว.
    young = (CENSUS_DAY - birth_date).days < 15 * 365.25
    if gender == "M":
        first_name, prefix = rng.choice(BOYS), codes.Prefix.BOY if young else codes.Prefix.MR
    else:
        first_name, prefix = rng.choice(GIRLS), codes.Prefix.GIRL if young else codes.Prefix.MISS
    last_name = rng.choice(SURNAMES)
    height, weight = _growth(birth_date, gender, rng)
    guardian_is_mother = rng.random() < 0.55
    father, mother = rng.choice(MEN), rng.choice(WOMEN)
    father_job, mother_job = rng.choice(OCCUPATIONS), rng.choice(OCCUPATIONS)
    foreign = id_kind != codes.IdKind.CITIZEN
    tambon = school.subdistrict
    return StudentRecord(
        school=school,
        person_id=person_id,
        id_kind=id_kind,
        student_number=f"{number:05d}",
        grade=level,
        room=room,
        gender=gender,
        prefix=prefix,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        weight_kg=weight if rng.random() > 0.02 else None,
        height_cm=height if rng.random() > 0.02 else None,
        blood_group=rng.choice(["A", "B", "O", "O", "AB", ""]),
        religion=rng.choice(RELIGIONS),
        ethnicity="ไทย" if not foreign else rng.choice(["เมียนมา", "ลาว", "กัมพูชา"]),
        nationality="ไทย" if not foreign else rng.choice(["เมียนมา", "ลาว", "กัมพูชา", "ไม่มีสัญชาติ"]),
        house_number=f"{rng.randint(1, 250)}" + (f"/{rng.randint(1, 9)}" if rng.random() < 0.1 else ""),
        village_number=str(rng.randint(1, 14)),
        road="",
        subdistrict_name=tambon.name_th if tambon else "",
        district_name=tambon.district.name_th if tambon else "",
        province_name="สุโขทัย",
        subdistrict=tambon,
        guardian_first_name=mother if guardian_is_mother else father,
        guardian_last_name=last_name,
        guardian_occupation=mother_job if guardian_is_mother else father_job,
        guardian_relation="มารดา" if guardian_is_mother else "บิดา",
        father_first_name=father,
        father_last_name=last_name,
        father_occupation=father_job,
        mother_first_name=mother,
        mother_last_name=last_name,
        mother_occupation=mother_job,
        disadvantage=codes.Disadvantage.POOR if rng.random() < 0.3 else codes.Disadvantage.NONE,
        disability=rng.choice(codes.Disability.values[1:]) if rng.random() < 0.015 else codes.Disability.NONE,
        distance_km=Decimal(str(round(rng.uniform(0.2, 12), 1))),
        travel_method=rng.choice(["walk", "bicycle", "motorcycle", "motorcycle", "school_bus", "car"]),
        status=codes.Status.STUDYING,
    )


def _school_students(school, serials, rng):
    levels = list(school.levels)
    records = []
    number = 0
    for level, count in _spread(school.student_count or 0, levels, rng).items():
        rooms = max(1, -(-count // 35))
        for index in range(count):
            number += 1
            roll = rng.random()
            if roll < GCODE_SHARE:
                person = _gcode(next(serials["gcode"]))
            elif roll < GCODE_SHARE + TYPE0_SHARE:
                person = _type0_id(next(serials["type0"]))
            else:
                person = _citizen_id(next(serials["citizen"]))
            records.append(_student(school, level, index % rooms + 1, number, person, rng))
    return records


def _plant_problems(by_school):
    """The deliberate mistakes, in the first two schools so the demo logins meet them at once."""
    first, second = by_school[0], by_school[1]
    if len(first) < 3 or not second:
        return
    # Moved to the second school but not yet removed from the first: same person in both.
    moved = first[0]
    copy = second[-1]
    for name in ("person_id", "id_kind", "first_name", "last_name", "gender", "prefix", "birth_date", "grade",
                 "weight_kg", "height_cm"):
        setattr(copy, name, getattr(moved, name))
    # A height typed in metres-and-centimetres by mistake.
    first[1].height_cm = Decimal("14.5")
    # A primary pupil whose birth year was typed one decade early.
    pupil = next((r for r in first[2:] if r.grade.startswith("P")), first[2])
    pupil.birth_date = pupil.birth_date.replace(year=pupil.birth_date.year - 10)


def _serials(start):
    counter = start
    while True:
        counter += 1
        yield counter


@transaction.atomic
def build_students(schools, seed=2569):
    """About 15,000 students in the demo round across the open demo schools. Returns the count made."""
    round_ = ensure_rounds()
    done = set(StudentRecord.objects.filter(round=round_).values_list("school_id", flat=True).distinct())
    # One running number per kind of ID across the district, so no two synthetic people collide.
    serials = {"citizen": _serials(10_000), "type0": _serials(500), "gcode": _serials(100)}
    by_school = []
    for seq, school in enumerate(schools):
        # Each school draws from its own generator so skipping a finished school changes nothing else.
        rng = random.Random(seed * 1000 + seq)
        records = _school_students(school, serials, rng) if school.is_open else []
        by_school.append(records)
    _plant_problems(by_school)
    new = [record for school, records in zip(schools, by_school, strict=True) if school.pk not in done
           for record in records]
    for record in new:
        record.round = round_
    # Bulk inserts with one "created" history row each, also in bulk: the history starts at the
    # demo's own data, and 15,000 single saves would take minutes.
    bulk_create_with_history(new, StudentRecord, batch_size=2000, default_change_reason="demo data")
    return len(new)


def student_total(round_=None):
    round_ = round_ or Round.objects.filter(academic_year=ACADEMIC_YEAR, kind=Round.Kind.NOVEMBER).first()
    return StudentRecord.objects.filter(round=round_).count() if round_ else 0
