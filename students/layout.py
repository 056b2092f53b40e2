"""File layouts for student records: the DMC export as OBEC produces it, and our template.

One place, so the importer, the exporter and the template agree. Each column is
(header, field): field is a StudentRecord attribute, or a pseudo-field starting with "_"
that the importer reads but does not store as such (school code and name, age, DMC's flag).
"""

# The DMC "ข้อมูลนักเรียนรายบุคคล" export: row 1 is a timestamp, row 2 these 36 headers.
# Column C holds the 13-digit citizen ID although its header repeats column F's name;
# columns are therefore located by position, never by header text.
DMC_TIMESTAMP_PREFIX = "วันและเวลาที่สร้างรายงาน"
DMC_COLUMNS = [
    ("รหัสโรงเรียน", "_school_code"),
    ("ชื่อโรงเรียน", "_school_name"),
    ("เลขประจำตัวนักเรียน", "person_id"),
    ("ชั้น", "grade"),
    ("ห้อง", "room"),
    ("เลขประจำตัวนักเรียน", "student_number"),
    ("เพศ", "gender"),
    ("คำนำหน้าชื่อ", "prefix"),
    ("ชื่อ", "first_name"),
    ("นามสกุล", "last_name"),
    ("วันเกิด", "birth_date"),
    ("อายุ(ปี)", "_age"),
    ("น้ำหนัก", "weight_kg"),
    ("ส่วนสูง", "height_cm"),
    ("กลุ่มเลือด", "blood_group"),
    ("ศาสนา", "religion"),
    ("เชื้อชาติ", "ethnicity"),
    ("สัญชาติ", "nationality"),
    ("บ้านเลขที่", "house_number"),
    ("หมู่", "village_number"),
    ("ถนน/ซอย", "road"),
    ("ตำบล", "subdistrict_name"),
    ("อำเภอ", "district_name"),
    ("จังหวัด", "province_name"),
    ("ชื่อผู้ปกครอง", "guardian_first_name"),
    ("นามสกุลผู้ปกครอง", "guardian_last_name"),
    ("อาชีพของผู้ปกครอง", "guardian_occupation"),
    ("ความเกี่ยวข้องของผู้ปกครองกับนักเรียน", "guardian_relation"),
    ("ชื่อบิดา", "father_first_name"),
    ("นามสกุลบิดา", "father_last_name"),
    ("อาชีพของบิดา", "father_occupation"),
    ("ชื่อมารดา", "mother_first_name"),
    ("นามสกุลมารดา", "mother_last_name"),
    ("อาชีพของมารดา", "mother_occupation"),
    ("ความด้อยโอกาส", "disadvantage"),
    ("ยังไม่สามารถจำหน่ายได้ (3.1.8)", "_dmc_flag"),
]

# Our template: the DMC columns with column C named for what it holds, then what DMC lacks.
TEMPLATE_COLUMNS = (
    [("เลขประจำตัวประชาชน", "person_id") if field == "person_id" else (header, field)
     for header, field in DMC_COLUMNS if field not in ("_age", "_dmc_flag")]
    + [
        ("ความพิการ", "disability"),
        ("ระยะทางถึงโรงเรียน (กม.)", "distance_km"),
        ("การเดินทางมาโรงเรียน", "travel_method"),
        ("สถานะ", "status"),
    ]
)

# Columns whose values come from a code table (drop-down lists in the template).
CODED_FIELDS = {
    "grade": "grade",
    "gender": "gender",
    "prefix": "prefix",
    "blood_group": "blood_group",
    "disadvantage": "disadvantage",
    "disability": "disability",
    "travel_method": "travel_method",
    "status": "status",
}
