"""import_schools: OBEC's real list with its real flaws, refusals, and our own export coming back."""

import csv
import io
import re
import time
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from schools.importing import Reference, parse_school_file
from schools.models import AreaOffice, Province, School
from schools.resources import SchoolResource
from tests.factories import ClusterFactory, SchoolFactory, SubdistrictFactory

# Not redistributable (no licence), so read where the project keeps it, never copied into the repo.
REAL_LIST = (
    Path(settings.BASE_DIR).parent / "shared" / "reference-data" / "obec-schools-2022" / "obec_schools_2022-09.csv"
)
BAD_ROWS = Path(__file__).parent / "files" / "obec_bad_rows.csv"
needs_real_list = pytest.mark.skipif(not REAL_LIST.exists(), reason=f"reference data not found at {REAL_LIST}")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_schools", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_refused(*args: str) -> tuple[str, CommandError]:
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_schools", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue(), excinfo.value


def summary_counts(output: str) -> dict[str, int]:
    """The "  - label: n" lines of the summary."""
    return {label: int(n.replace(",", "")) for label, n in re.findall(r"^  - (.+): ([\d,]+)$", output, re.M)}


def problem_lines(output: str, column: str, value_prefix: str = "") -> list[str]:
    return [line for line in output.splitlines() if re.match(rf'แถว \d+ คอลัมน์ {column} "{value_prefix}', line)]


def schools_snapshot() -> list[tuple]:
    return list(School.objects.order_by("obec_code").values_list("obec_code", "smis_code", "name", "updated_at"))


# --- OBEC's published list -------------------------------------------------------------------------------------


@needs_real_list
def test_real_list_dry_run_lists_each_known_anomaly_and_saves_nothing(db):
    output = run(REAL_LIST)

    assert "อ่านแล้ว: 29,579 แถว" in output
    assert "โรงเรียนใหม่: 29,579" in output
    assert "ถูกปฏิเสธ: 0 แถว" in output
    assert "เขตพื้นที่การศึกษาใหม่: 226" in output
    assert summary_counts(output) == {
        "รหัสโรงเรียน 9 หลัก (รับไว้ตามที่ สพฐ. เผยแพร่)": 2,
        # 1018090223 (Chai Nat's code on the Sa Kaeo page) and 1010470302 (a Bangkok "10" on a Sakon Nakhon row)
        "รหัสโรงเรียนระบุจังหวัดไม่ตรงกับจังหวัดที่แถวนั้นอยู่": 2,
        "รหัส SMIS ขึ้นต้นไม่ตรงกับรหัสจังหวัด": 238,  # 237 in Bueng Kan + the special-education school
        "ไม่มีเขตพื้นที่ (คงเขตพื้นที่เดิม)": 1,
        "ไม่ระบุประเภทโรงเรียน (คงระดับชั้นเดิม)": 2,
        'ชื่อมีคำว่า "โรงเรียน" นำหน้า (ตัดออก)': 55,
        "ชื่อโรงเรียนซ้ำกันในจังหวัดเดียวกัน (รับไว้ทุกแถว)": 779,
    }
    # Every problem is listed, one line each, with row, column and value.
    assert len([line for line in output.splitlines() if line.startswith("แถว ")]) == 1079
    assert 'แถว 991 คอลัมน์ school_id_10 "101431089": รหัสโรงเรียนมี 9 หลักตามที่ สพฐ. เผยแพร่' in output
    assert len(problem_lines(output, "school_id_10", "157120742")) == 1
    [misfiled] = problem_lines(output, "school_id_10", "1018090223")
    assert "ชัยนาท" in misfiled and "สระแก้ว" in misfiled
    bueng_kan = [line for line in problem_lines(output, "smis_code", "43") if "บึงกาฬ" in line]
    assert len(bueng_kan) == 237
    assert len(problem_lines(output, "smis_code", "18013001")) == 1
    assert len(problem_lines(output, "area_code", '"')) == 1
    assert len(problem_lines(output, "school_type", '"')) == 2
    assert len([line for line in problem_lines(output, "school_name_th", "บ้านหนองบัว\"") if "สุโขทัย" in line]) == 2
    assert "ทดลองนำเข้าเท่านั้น" in output

    assert School.objects.count() == 0
    assert AreaOffice.objects.count() == 0
    assert Province.objects.count() == 0


@needs_real_list
def test_real_list_commit_saves_every_school_and_reimport_changes_nothing(db):
    started = time.monotonic()
    output = run(REAL_LIST, "--commit")
    assert time.monotonic() - started < 60
    assert "บันทึกแล้ว" in output

    assert School.objects.count() == 29_579
    assert School.history.count() == 29_579
    assert School.objects.filter(area__code="6401").count() == 134
    assert School.objects.filter(area__code="6402").count() == 162
    assert School.objects.filter(province__name_th="สุโขทัย").count() == 323
    assert School.objects.filter(province_id="64", area__code="101738").count() == 27
    assert AreaOffice.objects.get(code="6401").kind == AreaOffice.Kind.PRIMARY
    assert AreaOffice.objects.get(code="101738").kind == AreaOffice.Kind.SECONDARY
    assert AreaOffice.objects.get(code="100700").kind == AreaOffice.Kind.SPECIAL

    nine_digits = School.objects.get(obec_code="101431089")  # stored as published, validator bypassed
    assert (nine_digits.smis_code, nine_digits.province.name_th) == ("14020181", "พระนครศรีอยุธยา")
    assert School.objects.get(obec_code="157120742").province.name_th == "เชียงราย"
    special = School.objects.get(obec_code="1018090223")
    assert (special.province.name_th, special.area.code, special.lowest_level) == ("ชัยนาท", "100700", "")
    assert School.objects.get(obec_code="1010470302").province.name_th == "สกลนคร"
    assert School.objects.filter(smis_code__startswith="43", province__name_th="บึงกาฬ").count() == 237
    assert School.objects.get(name="โนนกุงวิทยาคม").area is None
    assert School.objects.get(obec_code="1010720153").name == "ทีปังกรวิทยาพัฒน์(ทวีวัฒนา)ในพระราชูปถัมภ์ฯ"
    opportunity = School.objects.get(obec_code="1010720023")  # อนุบาล-มัธยมศึกษาตอนต้น
    assert (opportunity.lowest_level, opportunity.highest_level) == ("K1", "M3")

    # Data the OBEC list does not carry (cluster, coordinates) must survive a re-import.
    one = School.objects.get(smis_code="64010001")
    cluster = ClusterFactory(area=one.area)
    School.objects.filter(pk=one.pk).update(cluster=cluster, latitude="17.006000", longitude="99.823000")
    before = schools_snapshot()

    again = run(REAL_LIST, "--commit")

    assert "โรงเรียนใหม่: 0" in again
    assert "ปรับปรุง: 0" in again
    assert "ไม่เปลี่ยนแปลง: 29,579" in again
    assert "เขตพื้นที่การศึกษาใหม่: 0" in again
    assert "เขตพื้นที่การศึกษาที่ปรับปรุง: 0" in again
    assert schools_snapshot() == before
    assert School.history.count() == 29_579
    one.refresh_from_db()
    assert (one.cluster, str(one.latitude), str(one.longitude)) == (cluster, "17.006000", "99.823000")


def test_bad_rows_refuse_the_whole_file_even_with_commit(school):
    before = schools_snapshot()

    output, error = run_refused(BAD_ROWS, "--commit")

    assert error.returncode == 1
    assert "ไม่ได้บันทึกข้อมูลใด ๆ" in str(error)
    assert (
        'แถว 3 คอลัมน์ school_id_10 "10646200A1": รหัสโรงเรียนต้องเป็นตัวเลข 10 หลักที่ขึ้นต้นด้วย 10 เช่น 1064620015'
        in output
    )
    assert 'แถว 5 คอลัมน์ smis_code "64010003": แถว 4 และแถว 5 ใช้รหัสเดียวกัน: รหัสโรงเรียนต้องไม่ซ้ำกัน' in output
    assert 'แถว 6 คอลัมน์ school_name_th "": ไม่มีชื่อโรงเรียน' in output
    assert 'แถว 7 คอลัมน์ smis_code "6401007": รหัส SMIS ต้องเป็นตัวเลข 8 หลัก เช่น 64010001' in output
    assert "ถูกปฏิเสธ: 4 แถว" in output
    # The good rows are counted but, with a refusal in the file, neither created nor updated.
    assert "โรงเรียนใหม่: 2" in output
    assert "ปรับปรุง: 1" in output
    assert schools_snapshot() == before
    assert not School.objects.filter(smis_code="64010099").exists()


def test_checking_needs_no_database():
    """No db fixture: any query here would fail the test."""
    parsed = parse_school_file(path=BAD_ROWS, reference=Reference(provinces={"64": "สุโขทัย"}))

    assert parsed.rows_read == 7
    assert [row.row for row in parsed.rows] == [2, 4, 8]
    assert [(p.row, p.column, p.refused) for p in parsed.problems] == [
        (3, "school_id_10", True),
        (5, "smis_code", True),
        (6, "school_name_th", True),
        (7, "smis_code", True),
    ]
    assert parsed.rows[2].values == {
        "name": "บ้านทดสอบเปลี่ยนชื่อ",
        "school_type": "อนุบาล-มัธยมศึกษาตอนต้น",
        "lowest_level": "K1",
        "highest_level": "M3",
        "province_id": "64",
    }


def test_school_found_by_smis_code_takes_the_corrected_obec_code(db, tmp_path):
    published = SchoolFactory(obec_code="157120742", smis_code="57040161", name="สมถวิลจินตมัยบ้านห้วยแล้ง")
    file = tmp_path / "fixed.csv"
    file.write_text(
        "province_page,province_th,seq,area_code,area_name,smis_code,school_id_10,school_name_th,school_type\n"
        "45,เชียงราย,568,5704,สพป.เชียงราย เขต 4,57040161,1057120742,สมถวิลจินตมัยบ้านห้วยแล้ง,อนุบาล-ประถมศึกษา\n",
        encoding="utf-8",
    )

    output = run(file, "--commit")

    assert "ปรับปรุง: 1" in output
    assert "โรงเรียนใหม่: 0" in output
    published.refresh_from_db()
    assert (published.obec_code, published.area.code, published.area.name) == (
        "1057120742", "5704", "สพป.เชียงราย เขต 4",
    )


def test_a_school_moved_to_another_area_leaves_its_old_cluster(school, tmp_path):
    file = tmp_path / "moved.csv"
    file.write_text(
        "province_page,province_th,seq,area_code,area_name,smis_code,school_id_10,school_name_th,school_type\n"
        f"51,สุโขทัย,1,6402,สพป.สุโขทัย เขต 2,{school.smis_code},{school.obec_code},{school.name},อนุบาล-ประถมศึกษา\n",
        encoding="utf-8",
    )
    assert school.cluster is not None

    output = run(file, "--commit")

    assert "ปรับปรุง: 1" in output
    assert "เขตพื้นที่การศึกษาใหม่: 1" in output
    school.refresh_from_db()
    assert (school.area.code, school.area.name, school.cluster) == ("6402", "สพป.สุโขทัย เขต 2", None)


def test_a_code_belonging_to_another_school_is_refused(school, other_school, tmp_path):
    file = tmp_path / "swap.csv"
    file.write_text(
        "province_page,province_th,seq,area_code,area_name,smis_code,school_id_10,school_name_th,school_type\n"
        f"51,สุโขทัย,1,6401,สพป.สุโขทัย เขต 1,{other_school.smis_code},{school.obec_code},บ้านทดสอบ,ประถมศึกษา\n",
        encoding="utf-8",
    )

    output, _ = run_refused(file, "--commit")

    assert f'แถว 2 คอลัมน์ smis_code "{other_school.smis_code}": รหัส SMIS นี้เป็นของโรงเรียน{other_school.name}' in output
    school.refresh_from_db()
    assert school.smis_code == "64010001"


def test_unknown_layout_names_the_headers_expected(db, tmp_path):
    file = tmp_path / "other.csv"
    file.write_text("รหัส,ชื่อ\n1064010001,บ้านทดสอบ\n", encoding="utf-8")

    _, error = run_refused(file)

    message = str(error)
    assert "ไม่รู้จักรูปแบบไฟล์นี้" in message
    assert "school_id_10" in message and "รหัสโรงเรียน 10 หลัก" in message
    assert "หัวตารางในไฟล์: รหัส,ชื่อ" in message


def test_a_csv_that_is_not_utf8_is_explained(db, tmp_path):
    file = tmp_path / "tis620.csv"
    file.write_bytes("รหัสโรงเรียน 10 หลัก,ชื่อ\n".encode("tis-620"))

    _, error = run_refused(file)

    assert "UTF-8" in str(error)


# --- Our own export (SchoolResource) coming back ----------------------------------------------------------------


@pytest.fixture
def two_schools(db):
    first = SchoolFactory(
        obec_code="1064620015", smis_code="64010001", name="อนุบาลสุโขทัย", latitude="17.006000",
        longitude="99.823000", phone="055-611111", student_count=120,
    )
    second = SchoolFactory(obec_code="1064620016", smis_code="64010002", name="บ้านสวน", student_count=45)
    return first, second


def test_own_xlsx_round_trip_updates_the_changed_school_only(two_schools, tmp_path):
    first, second = two_schools
    file = tmp_path / "schools.xlsx"
    file.write_bytes(SchoolResource().export().export("xlsx"))

    unchanged = run(file)
    assert "ไม่เปลี่ยนแปลง: 2" in unchanged and "ปรับปรุง: 0" in unchanged

    workbook = openpyxl.load_workbook(file)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("รหัส SMIS 8 หลัก")].value == "64010001")
    # What Excel does when someone retypes cells: numbers, not text.
    row[headers.index("รหัส SMIS 8 หลัก")].value = 64010001.0
    row[headers.index("รหัสกลุ่มเครือข่าย")].value = 11  # was "011"
    row[headers.index("จำนวนนักเรียน")].value = 250
    row[headers.index("โทรศัพท์")].value = "055-999999"
    workbook.save(file)
    first_updated_at = first.updated_at

    output = run(file, "--commit")

    assert "ปรับปรุง: 1" in output and "ไม่เปลี่ยนแปลง: 1" in output and "โรงเรียนใหม่: 0" in output
    first.refresh_from_db()
    assert (first.smis_code, first.cluster.code) == ("64010001", "011")
    assert (first.student_count, first.phone) == (250, "055-999999")
    assert (str(first.latitude), str(first.longitude)) == ("17.006000", "99.823000")
    assert first.updated_at > first_updated_at
    assert first.history.first().history_change_reason == "นำเข้าจากไฟล์ schools.xlsx"
    second_before = second.updated_at
    second.refresh_from_db()
    assert (second.student_count, second.updated_at) == (45, second_before)


def test_own_csv_with_bom_round_trip(two_schools, tmp_path):
    _, second = two_schools
    rows = list(csv.reader(io.StringIO(SchoolResource().export().export("csv"))))
    name_column = rows[0].index("ชื่อโรงเรียน")
    for row in rows[1:]:
        if row[0] == second.obec_code:
            row[name_column] = "บ้านสวนใหม่"
    file = tmp_path / "schools.csv"
    with open(file, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)

    output = run(file, "--commit")

    assert "ปรับปรุง: 1" in output
    second.refresh_from_db()
    assert second.name == "บ้านสวนใหม่"
    assert "ไม่เปลี่ยนแปลง: 2" in run(file, "--commit")


def test_own_list_refuses_unknown_codes_and_bad_values(two_schools, tmp_path):
    SubdistrictFactory()
    header = ["รหัสโรงเรียน 10 หลัก", "รหัส SMIS 8 หลัก", "ชื่อโรงเรียน", "รหัสเขตพื้นที่", "รหัสกลุ่มเครือข่าย",
              "รหัสตำบล", "ละติจูด", "ลองจิจูด", "อีเมล", "ชั้นต่ำสุด", "ชั้นสูงสุด"]
    rows = [
        ["1064620015", "64010001", "อนุบาลสุโขทัย", "9999", "", "640101", "", "", "", "K1", "P6"],
        ["1064620016", "64010002", "บ้านสวน", "6401", "999", "999999", "", "", "", "อ.1", "ป.6"],
        ["1064620017", "64010003", "บ้านใหม่", "6401", "011", "640101", "200", "99.8", "", "P9", "P6"],
        ["1064620018", "64010004", "บ้านใหม่สอง", "6401", "", "", "17.1", "99.8", "ไม่ใช่อีเมล", "P6", "P1"],
    ]
    file = tmp_path / "own.csv"
    with open(file, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    before = schools_snapshot()

    output, _ = run_refused(file, "--commit")

    for expected in (
        'แถว 2 คอลัมน์ รหัสเขตพื้นที่ "9999": ไม่พบเขตพื้นที่รหัสนี้ในระบบ',
        'แถว 3 คอลัมน์ รหัสกลุ่มเครือข่าย "999": ไม่พบกลุ่มเครือข่ายรหัสนี้ในเขตพื้นที่ 6401',
        'แถว 3 คอลัมน์ รหัสตำบล "999999": ไม่พบรหัสตำบลนี้',
        'แถว 4 คอลัมน์ ละติจูด "200": ละติจูดต้องเป็นองศาแบบทศนิยม ระหว่าง 5 ถึง 21',
        'แถว 4 คอลัมน์ ชั้นต่ำสุด "P9": ไม่รู้จักชั้นนี้',
        'แถว 5 คอลัมน์ อีเมล "ไม่ใช่อีเมล": อีเมลไม่ถูกต้อง',
        'แถว 5 คอลัมน์ ชั้นสูงสุด "P1": ชั้นต่ำสุดสูงกว่าชั้นสูงสุด',
    ):
        assert expected in output
    assert "ถูกปฏิเสธ: 4 แถว" in output
    assert schools_snapshot() == before
