"""The report catalogue: every report's name in URLs and on the command line, and its selector."""

from dataclasses import dataclass

from . import mapping, selectors


@dataclass(frozen=True)
class Param:
    """A report's own setting beyond the place filters, e.g. a distance; passed to its selector
    as a string (the selector checks it and says in a note what it used)."""

    name: str
    label: str
    kind: str = "number"  # "number" or "select"
    choices: object = None  # for "select": a callable returning [(value, label)]
    step: str = "any"
    # The value the report will use for what was typed (its default when nothing or nonsense was),
    # so the box on the page always shows the setting in force.
    clean: object = None

    def shown(self, typed):
        return self.clean(typed) if self.clean else typed


@dataclass(frozen=True)
class Entry:
    name: str
    title: str
    description: str
    selector: object
    grouped: bool = False  # takes group_by (school, cluster, amphoe, area)
    params: tuple = ()  # Param: the report's own settings, read from the query string

    def param_values(self, query):
        """The entry's own settings found in a query string (a QueryDict or a dict)."""
        return {param.name: str(query[param.name]).strip() for param in self.params
                if query.get(param.name) not in (None, "")}


CATALOGUE = {
    entry.name: entry
    for entry in [
        Entry("students", "จำนวนนักเรียนจำแนกตามชั้นและเพศ",
              "นักเรียนแต่ละชั้น ชาย หญิง พร้อมยอดรวมอนุบาล ประถมศึกษา มัธยมศึกษาตอนต้น",
              selectors.students_by_grade_gender, grouped=True),
        Entry("schools", "จำนวนโรงเรียนจำแนกตามขนาดและระดับที่เปิดสอน",
              "ขนาดโรงเรียนตามเกณฑ์ สพฐ. ระดับที่เปิดสอน และรายชื่อโรงเรียนขนาดเล็ก", selectors.schools_by_size),
        Entry("classrooms", "ห้องเรียนและขนาดชั้นเรียน", "จำนวนห้องเรียนและนักเรียนเฉลี่ยต่อห้องแต่ละชั้น",
              selectors.classrooms),
        Entry("disadvantage", "นักเรียนด้อยโอกาสและนักเรียนพิการ", "จำแนกตามประเภท (พฐ.4) และประเภทความพิการ",
              selectors.disadvantage),
        Entry("change", "การเปลี่ยนแปลงจำนวนนักเรียนระหว่างรอบ",
              "นักเรียนแต่ละโรงเรียนเทียบกับรอบก่อนและรอบเดียวกันของปีก่อน โรงเรียนที่นักเรียนลดลง",
              selectors.change),
        Entry("status", "สถานะการจัดเก็บข้อมูล", "จำนวนโรงเรียนในแต่ละสถานะของรอบการจัดเก็บ",
              selectors.collection_status),
        Entry("nutrition", "ภาวะโภชนาการของนักเรียน (ดัชนีมวลกายตามอายุ)",
              "ผอม สมส่วน น้ำหนักเกิน อ้วน ตามเกณฑ์ WHO (BMI-for-age) จำแนกตามชั้น เพศ และโรงเรียน",
              selectors.nutrition),
        Entry("small-schools", "โรงเรียนขนาดเล็กและโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุด",
              "โรงเรียนขนาดเล็กแต่ละแห่ง โรงเรียนที่ใกล้ที่สุด และโรงเรียนที่ใหญ่กว่าที่ใกล้ที่สุดในระยะที่กำหนด "
              "พร้อมระยะทางและขนาด", mapping.small_schools,
              params=(Param("distance", "ระยะทางไม่เกิน (กม.)",
                            clean=lambda typed: mapping.km_text(mapping.parse_distance(typed)[0])),)),
        Entry("nearest-schools", "ระยะทางถึงโรงเรียนที่ใกล้ที่สุด",
              "โรงเรียนที่ใกล้ที่สุดของแต่ละโรงเรียน ระยะทาง และจำนวนโรงเรียนในระยะ 3, 5 และ 10 กม.",
              mapping.nearest_schools),
        Entry("enrolment-projection", "แนวโน้มจำนวนนักเรียนและการคาดการณ์ 5 ปี",
              "จำนวนนักเรียนจริง 5 ปีล่าสุดของแต่ละโรงเรียนและค่าคาดการณ์อีก 5 ปีด้วยเส้นแนวโน้มเชิงเส้น",
              mapping.enrolment_projection),
    ]
}


def build(name, round, *, group_by=None, **filters):
    """The Report of a catalogue entry (KeyError for an unknown name)."""
    entry = CATALOGUE[name]
    if entry.grouped and group_by:
        filters["group_by"] = group_by
    return entry.selector(round, **filters)
