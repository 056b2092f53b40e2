"""Our own school-list file layout, used by the admin's import/export and by import_schools."""

from import_export import fields, resources, widgets

from .models import AreaOffice, Cluster, School, Subdistrict

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
