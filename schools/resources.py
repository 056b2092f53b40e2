"""Our own school-list file layout, used by the admin's import/export and by import_schools."""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from .models import AreaOffice, Cluster, EnrolmentYear, School, Subdistrict

# (attribute, Thai header) in file order.
COLUMNS = [
    ("obec_code", "รหัสโรงเรียน 10 หลัก"),
    ("smis_code", "รหัส SMIS 8 หลัก"),
    ("name", "ชื่อโรงเรียน"),
    ("school_type", "ประเภท"),
    ("area", "รหัสเขตพื้นที่"),
    ("cluster", "รหัสกลุ่มเครือข่าย"),
    ("subdistrict", "รหัสตำบล"),
    ("address", "ที่อยู่"),
    ("latitude", "ละติจูด"),
    ("longitude", "ลองจิจูด"),
    ("phone", "โทรศัพท์"),
    ("email", "อีเมล"),
    ("director_name", "ชื่อผู้อำนวยการ"),
    ("lowest_level", "ชั้นต่ำสุด"),
    ("highest_level", "ชั้นสูงสุด"),
    ("student_count", "จำนวนนักเรียน"),
    ("is_open", "เปิดสอน"),
]
HEADER_TO_ATTRIBUTE = {header: attribute for attribute, header in COLUMNS}


class SchoolResource(resources.ModelResource):
    area = fields.Field(
        attribute="area", column_name="รหัสเขตพื้นที่", widget=widgets.ForeignKeyWidget(AreaOffice, "code")
    )
    cluster = fields.Field(
        attribute="cluster", column_name="รหัสกลุ่มเครือข่าย", widget=widgets.ForeignKeyWidget(Cluster, "code")
    )
    subdistrict = fields.Field(
        attribute="subdistrict", column_name="รหัสตำบล", widget=widgets.ForeignKeyWidget(Subdistrict, "code")
    )

    class Meta:
        model = School
        import_id_fields = ["obec_code"]
        fields = [attribute for attribute, _ in COLUMNS]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for attribute, header in COLUMNS:
            self.fields[attribute].column_name = header

    def get_export_queryset(self, request=None):
        return School.objects.with_related().order_by("smis_code")


# --- past enrolment (EnrolmentYear) -----------------------------------------------------------

ENROLMENT_COLUMNS = [
    ("school", "รหัส SMIS"),
    ("academic_year", "ปีการศึกษา"),
    ("students", "จำนวนนักเรียน"),
    ("note", "หมายเหตุ"),
]
ENROLMENT_REQUIRED = ("school", "academic_year", "students")
YEAR_RANGE = (2400, 2700)


def _whole_number(value):
    """An int from a cell (1234, "1,234", 1234.0), or None when it is not a whole number."""
    text = str(value).strip().replace(",", "")
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


class EnrolmentYearResource(resources.ModelResource):
    """A school's student total of past academic years, one row per school and year:
    columns รหัส SMIS, ปีการศึกษา (พ.ศ.), จำนวนนักเรียน, หมายเหตุ (optional).

    Every row is checked before anything is written; a bad row gives Thai messages naming the row
    (the line of the file, the header being line 1) and the column, and the import writes nothing.
    A row for a school and year already imported replaces that figure."""

    school = fields.Field(attribute="school", column_name="รหัส SMIS",
                          widget=widgets.ForeignKeyWidget(School, "smis_code"))

    class Meta:
        model = EnrolmentYear
        import_id_fields = ["school", "academic_year"]
        fields = [attribute for attribute, _ in ENROLMENT_COLUMNS]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for attribute, header in ENROLMENT_COLUMNS:
            self.fields[attribute].column_name = header
        self._smis_codes = None
        self._seen = {}

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        # One bad row and nothing is written, also outside the admin (which asks for this itself).
        return super().import_data(dataset, *args, rollback_on_validation_errors=rollback_on_validation_errors,
                                   **kwargs)

    def get_export_queryset(self, request=None):
        return EnrolmentYear.objects.select_related("school").order_by("school__smis_code", "academic_year")

    def before_import(self, dataset, **kwargs):
        headers = {str(h).strip() for h in dataset.headers or []}
        missing = [header for attribute, header in ENROLMENT_COLUMNS
                   if attribute in ENROLMENT_REQUIRED and header not in headers]
        if missing:
            raise ValidationError(
                "ไฟล์ไม่มีคอลัมน์ " + ", ".join(f"“{h}”" for h in missing)
                + " (หัวตารางต้องมี " + ", ".join(f"“{h}”" for _a, h in ENROLMENT_COLUMNS) + ")")
        self._smis_codes = None
        self._seen = {}

    def known_codes(self):
        if self._smis_codes is None:
            self._smis_codes = set(School.objects.values_list("smis_code", flat=True))
        return self._smis_codes

    def row_problems(self, row, line):
        """Thai messages for one row: 'แถว n คอลัมน์ ...'."""
        problems = []

        def problem(attribute, value, message):
            header = dict(ENROLMENT_COLUMNS)[attribute]
            problems.append(f'แถว {line} คอลัมน์ {header} "{"" if value is None else value}": {message}')

        values = {attribute: row.get(header) for attribute, header in ENROLMENT_COLUMNS}
        code = "" if values["school"] is None else str(values["school"]).strip()
        if code.endswith(".0"):
            code = code[:-2]
        if not code:
            problem("school", code, "ต้องมีรหัส SMIS ของโรงเรียน")
        elif not (code.isdigit() and len(code) == 8):
            problem("school", code, "รหัส SMIS ต้องเป็นตัวเลข 8 หลัก เช่น 64010001")
        elif code not in self.known_codes():
            problem("school", code, "ไม่มีโรงเรียนรหัสนี้ในทะเบียนโรงเรียน")
        else:
            row[dict(ENROLMENT_COLUMNS)["school"]] = code
        year = _whole_number(values["academic_year"]) if values["academic_year"] not in (None, "") else None
        if values["academic_year"] in (None, ""):
            problem("academic_year", "", "ต้องมีปีการศึกษา (พ.ศ.) เช่น 2565")
        elif year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            problem("academic_year", values["academic_year"], "ปีการศึกษาต้องเป็นปี พ.ศ. 4 หลัก เช่น 2565")
        else:
            row[dict(ENROLMENT_COLUMNS)["academic_year"]] = year
        students = _whole_number(values["students"]) if values["students"] not in (None, "") else None
        if values["students"] in (None, ""):
            problem("students", "", "ต้องมีจำนวนนักเรียน")
        elif students is None:
            problem("students", values["students"], "จำนวนนักเรียนต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป")
        else:
            row[dict(ENROLMENT_COLUMNS)["students"]] = students
        if not problems:
            first = self._seen.setdefault((code, year), line)
            if first != line:
                problem("academic_year", year, f"ซ้ำกับแถว {first} (โรงเรียนและปีการศึกษาเดียวกัน)")
        return problems

    def before_import_row(self, row, row_number=None, **kwargs):
        problems = self.row_problems(row, (row_number or 0) + 1)
        if problems:
            raise ValidationError(problems)

    def before_save_instance(self, instance, row, **kwargs):
        instance.source = EnrolmentYear.Source.IMPORTED
