"""The demo district: a synthetic office shaped like สพป.สุโขทัย เขต 1.

Real geography (amphoe and tambon of Sukhothai's area 1, DOPA codes and tambon centroids),
synthetic everything else: school names, codes, coordinates near their tambon, counts and people.
Deterministic for a given seed, and safe to run again (it updates what it made before).
"""

import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from edinfo.models import User
from schools.geography import load_geography
from schools.models import AreaOffice, Cluster, Membership, School, Subdistrict

AREA_CODE = "6401"
AREA_NAME = "สพป.สุโขทัย เขต 1"
# The amphoe served by สพป.สุโขทัย เขต 1.
AREA_DISTRICTS = ["6401", "6402", "6403", "6404", "6406"]
SCHOOL_COUNT = 130
# For the location check list: two schools never located, and one point typed wrong.
UNLOCATED = (23, 92)
MISPLACED = 46
MISPLACED_OFFSET = Decimal("0.135")  # degrees of latitude: about 15 km

NAME_HEADS = ["บ้าน", "บ้าน", "บ้าน", "วัด", "ชุมชนบ้าน", "อนุบาล"]
NAME_WORDS = [
    "หนองบัว", "ท่าช้าง", "ป่าแดง", "โคกสูง", "วังทอง", "นาเชิงคีรี", "หนองกระดี่", "ดงเดือย",
    "ทุ่งหลวง", "ไร่อ้อย", "คลองกระจง", "บ่อแก้ว", "หนองจิก", "สระบัว", "ตะเคียนด้วน", "ลานหอย",
    "เขาแก้ว", "โป่งแดง", "วังตะคร้อ", "หนองตูม", "บึงบอน", "ใหม่ไทยเจริญ", "ศรีคีรีมาศ", "เกาะตาเลี้ยง",
    "ป่ากุมเกาะ", "น้ำขุม", "ท่าทอง", "กกแรต", "สามพวง", "ห้วยไคร้", "หนองหญ้าปล้อง", "ดอนแหลม",
    "คลองยาง", "ยางซ้าย", "ตาลเตี้ย", "ปากพระ", "โตนด", "ทับผึ้ง", "วังไม้ขอน", "เมืองบางขลัง",
]
FIRST_NAMES = ["สมชาย", "สมศรี", "วิไล", "ประเสริฐ", "อรุณี", "สุนทร", "มาลี", "ชัยวัฒน์", "พรทิพย์", "บุญมี"]
LAST_NAMES = ["ใจดี", "ศรีสุข", "ทองคำ", "แก้วมณี", "บุญเรือง", "สายทอง", "พึ่งบุญ", "มั่นคง", "อินทร์แก้ว", "ปัญญาดี"]

# Level ranges and their share: most schools teach อ.1–ป.6, opportunity-expansion schools to ม.3.
LEVEL_MIX = [(("K1", "P6"), 0.72, "อนุบาล-ประถมศึกษา"), (("K1", "M3"), 0.22, "อนุบาล-มัธยมศึกษาตอนต้น"),
             (("P1", "P6"), 0.06, "ประถมศึกษา")]


def _pick(rng, weighted):
    roll = rng.random()
    for item in weighted:
        roll -= item[1]
        if roll <= 0:
            return item
    return weighted[-1]


def _student_count(rng, levels):
    # Small schools dominate rural areas (about 60% here, as in the real district).

    # The district totals about 17,000 students, so per-student demo data stays quick to build.
    roll = rng.random()
    if roll < 0.64:
        count = rng.randint(18, 120)
    elif roll < 0.975:
        count = rng.randint(121, 320)
    elif roll < 0.99:
        count = rng.randint(601, 900)
    else:
        count = rng.randint(1501, 1650)
    if levels == ("K1", "M3"):
        count = max(count, 90)
    return count


def demo_usernames(school):
    return f"staff{school.smis_code}", f"director{school.smis_code}"


@transaction.atomic
def build_district(seed=2569):
    """The area office, clusters and about 130 schools. Returns the schools."""
    rng = random.Random(seed)
    if not Subdistrict.objects.filter(district_id__in=AREA_DISTRICTS).exists():
        load_geography()
    area, _ = AreaOffice.objects.update_or_create(
        code=AREA_CODE, defaults={"name": AREA_NAME, "kind": AreaOffice.Kind.PRIMARY}
    )
    tambons = list(
        Subdistrict.objects.filter(district_id__in=AREA_DISTRICTS).select_related("district").order_by("code")
    )
    # Two or three clusters per amphoe, as offices group neighbouring schools.
    clusters = {}
    for number, code in enumerate(AREA_DISTRICTS, start=1):
        district_tambons = [t for t in tambons if t.district_id == code]
        per = 3 if len(district_tambons) > 8 else 2
        name = district_tambons[0].district.name_th
        for part in range(per):
            cluster_code = f"{number:02d}{part + 1}"
            cluster, _ = Cluster.objects.update_or_create(
                area=area, code=cluster_code, defaults={"name": f"กลุ่มเครือข่าย{name} {part + 1}"}
            )
            clusters[(code, part)] = (cluster, per)

    schools = []
    for seq in range(1, SCHOOL_COUNT + 1):
        tambon = tambons[(seq * 7) % len(tambons)] if seq > len(tambons) else tambons[seq - 1]
        (first, last), _, school_type = _pick(rng, LEVEL_MIX)
        district_tambons = [t for t in tambons if t.district_id == tambon.district_id]
        per = clusters[(tambon.district_id, 0)][1]
        cluster = clusters[(tambon.district_id, district_tambons.index(tambon) * per // len(district_tambons))][0]
        head = rng.choice(NAME_HEADS)
        name = f"{head}{rng.choice(NAME_WORDS)}"
        lat = tambon.latitude + Decimal(rng.uniform(-0.018, 0.018)).quantize(Decimal("0.000001"))
        lng = tambon.longitude + Decimal(rng.uniform(-0.018, 0.018)).quantize(Decimal("0.000001"))
        if seq in UNLOCATED:
            lat = lng = None
        elif seq == MISPLACED:
            lat += MISPLACED_OFFSET  # typed with a wrong digit: about 15 km north of its tambon
        complete = rng.random() > 0.15  # a few entries still lack contact details, as in real life
        school, _ = School.objects.update_or_create(
            smis_code=f"{AREA_CODE}{seq:04d}",
            defaults={
                "obec_code": f"1064{tambon.district_id[2:]}{seq:04d}",
                "name": name,
                "school_type": school_type,
                "area": area,
                "cluster": cluster,
                "province_id": "64",
                "subdistrict": tambon,
                "address": f"หมู่ {rng.randint(1, 14)}",
                "latitude": lat,
                "longitude": lng,
                "phone": f"055-{rng.randint(600000, 699999)}" if complete else "",
                "email": f"school{AREA_CODE}{seq:04d}@example.ac.th" if complete else "",
                "director_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "lowest_level": first,
                "highest_level": last,
                "student_count": _student_count(rng, (first, last)),
                "is_open": seq != SCHOOL_COUNT,  # one school closed (merged), kept for history
            },
        )
        schools.append(school)
    return schools


@transaction.atomic
def build_users(schools, password, seed=2569):
    """admin, officer, executive, and a staff and a director login per school, all with one password."""
    rng = random.Random(seed + 1)
    # Hash once: hashing 260 passwords one by one takes minutes with PBKDF2's default work factor.
    hashed = make_password(password)
    logins = []

    def upsert(username, **fields):
        user, _ = User.objects.update_or_create(username=username, defaults={**fields, "password": hashed})
        logins.append(user)
        return user

    upsert("admin", first_name="ผู้ดูแล", last_name="ระบบ", office_role=User.OfficeRole.ADMIN,
           is_staff=True, is_superuser=True)
    upsert("officer", first_name="นักวิเคราะห์", last_name="นโยบายและแผน", office_role=User.OfficeRole.OFFICER)
    upsert("executive", first_name="ผู้อำนวยการ", last_name="เขตพื้นที่", office_role=User.OfficeRole.EXECUTIVE)
    for school in schools:
        staff_name, director_name = demo_usernames(school)
        staff = upsert(staff_name, first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES))
        first, _, last = school.director_name.partition(" ")
        director = upsert(director_name, first_name=first, last_name=last)
        Membership.objects.update_or_create(user=staff, school=school, defaults={"role": Membership.Role.STAFF})
        Membership.objects.update_or_create(
            user=director, school=school, defaults={"role": Membership.Role.DIRECTOR}
        )
    return logins
