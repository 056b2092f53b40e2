"""The report catalogue: every report's name in URLs and on the command line, and its selector."""

from dataclasses import dataclass

from . import selectors


@dataclass(frozen=True)
class Entry:
    name: str
    title: str
    description: str
    selector: object
    grouped: bool = False  # takes group_by (school, cluster, amphoe, area)


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
    ]
}


def build(name, round, *, group_by=None, **filters):
    """The Report of a catalogue entry (KeyError for an unknown name)."""
    entry = CATALOGUE[name]
    if entry.grouped and group_by:
        filters["group_by"] = group_by
    return entry.selector(round, **filters)
