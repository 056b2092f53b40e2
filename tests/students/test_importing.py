"""The parser: DMC exports as downloaded, our template in any column order, CSV in any Thai encoding,
and whole-file refusals in Thai. Pure – no database – except the address resolver at the end."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from students import importing, layout
from tests.factories import SubdistrictFactory

from .dmcfiles import (
    csv_bytes,
    dmc_csv,
    dmc_headers,
    dmc_table,
    dmc_xlsx,
    reference_columns,
    student,
    template_table,
    xlsx,
)
from .factories import citizen_id, gcode, type0_id


def parse(data, filename="2569-2-student.xlsx"):
    return importing.parse(data, filename)


def refused(data, filename="2569-2-student.xlsx"):
    with pytest.raises(importing.FileRefused) as error:
        importing.parse(data, filename)
    return error.value.message


def test_the_reference_layout_is_ours():
    """The 36 headers of the compiled DMC reference, in order, are layout.DMC_COLUMNS'."""
    reference = sorted(reference_columns())
    assert [i for i, _c, _h in reference] == list(range(len(layout.DMC_COLUMNS)))
    for (_i, _col, header), (ours, _field) in zip(reference, layout.DMC_COLUMNS, strict=True):
        assert header.replace(" ", "") == ours.replace(" ", "")


def test_a_dmc_export_as_downloaded():
    result = parse(dmc_xlsx([student(1), student(2, person_id=float(citizen_id(2)), student_number=1234.0)]))
    assert result.layout == "dmc" and result.header_row == 2 and result.problems == []
    first, second = result.rows
    assert first["row_number"] == 3 and second["row_number"] == 4
    assert first["person_id"] == citizen_id(1) and first["id_kind"] == "citizen"  # apostrophe gone
    assert second["person_id"] == citizen_id(2) and second["student_number"] == "1234"
    assert first["grade"] == "P1" and first["gender"] == "M" and first["prefix"] == "boy"
    assert first["birth_date"] == datetime.date(2019, 6, 25)
    assert first["weight_kg"] == Decimal("22.5") and first["height_cm"] == Decimal("120.0") and first["room"] == 1
    assert first["road"] == "" and first["disadvantage"] == "99" and first["blood_group"] == "A"
    assert first["_school_code"] == "64010001"
    assert result.columns["person_id"] == "C (เลขประจำตัวประชาชน)"
    assert result.columns["student_number"] == "F (เลขประจำตัวนักเรียน)"
    assert "status" not in result.fields and "disability" not in result.fields and "person_id" in result.fields


def test_dmc_values_in_every_form_seen():
    rows = [
        student(1, student_number="1234.0", weight_kg=22.5, height_cm=120, room=2.0),
        student(2, birth_date="2019-06-25"),  # Christian era, ISO
        student(3, birth_date=datetime.datetime(2019, 6, 25)),  # a real date cell
        student(4, birth_date=datetime.datetime(2562, 6, 25)),  # 25/06/2562 typed into a Gregorian Excel
        student(5, birth_date="25/6/2019"),  # Christian era, day first
        student(6, birth_date="๒๕/๐๖/๒๕๖๒", weight_kg="๒๒,๕"),  # Thai digits, decimal comma
        student(7, birth_date="25 มิ.ย. 2562", disadvantage="เด็กยากจน", blood_group="ไม่ทราบ"),
        student(8, person_id=type0_id(8), prefix="ด.ช.", grade="ป1", gender="ชาย"),
        student(9, person_id=gcode(9).lower(), grade="อ.2", disadvantage="เด็กถูกทอดทิ้ง/กำพร้า"),
    ]
    result = parse(dmc_xlsx(rows))
    assert result.problems == []
    by_row = {r["row_number"] - 2: r for r in result.rows}
    assert by_row[1]["student_number"] == "1234" and by_row[1]["room"] == 2
    assert {by_row[n]["birth_date"] for n in range(1, 8)} == {datetime.date(2019, 6, 25)}
    assert by_row[6]["weight_kg"] == Decimal("22.5")
    assert by_row[7]["disadvantage"] == "9" and by_row[7]["blood_group"] == ""
    assert (by_row[8]["id_kind"], by_row[8]["prefix"], by_row[8]["grade"], by_row[8]["gender"]) == (
        "type0", "boy", "P1", "M")
    assert (by_row[9]["person_id"], by_row[9]["id_kind"], by_row[9]["grade"], by_row[9]["disadvantage"]) == (
        gcode(9), "gcode", "K2", "3")


def test_cell_problems_name_row_column_and_value():
    rows = [student(1, birth_date="31/02/2562", weight_kg="หนัก", grade="ป.7", gender="x", room="1/2"),
            student(2, person_id="'1234", first_name="ก" * 101)]
    result = parse(dmc_xlsx(rows))
    found = {(p.code, p.row, p.column, p.value) for p in result.problems}
    assert found == {
        ("date_invalid", 3, "K (วันเกิด)", "31/02/2562"),
        ("number_invalid", 3, "M (น้ำหนัก)", "หนัก"),
        ("code_unknown", 3, "D (ชั้น)", "ป.7"),
        ("code_unknown", 3, "G (เพศ)", "x"),
        ("number_invalid", 3, "E (ห้อง)", "1/2"),
        ("id_invalid", 4, "C (เลขประจำตัวประชาชน)", "'1234"),
        ("too_long", 4, "I (ชื่อ)", "ก" * 57 + "..."),
    }
    assert all(p.level == "error" for p in result.problems)
    assert str(next(p for p in result.problems if p.code == "id_invalid")) == (
        "แถว 4 คอลัมน์ C (เลขประจำตัวประชาชน) \"'1234\": เลขประจำตัวประชาชนต้องมี 13 หลัก (พบ 4 หลัก)")


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet():
    table = dmc_table([student(1)])
    table += [[""] * 36, ["-"] * 36, [None]]
    table += dmc_table([student(2)], timestamp=False)[1:]
    result = parse(xlsx(table))
    assert [r["row_number"] for r in result.rows] == [3, 7]


def test_a_dmc_file_without_its_timestamp_row_or_with_our_column_c_name():
    headers = dmc_headers()
    headers[2] = "เลขประจำตัวประชาชน"  # what our exporter writes
    result = parse(dmc_xlsx([student(1)], headers=headers))
    assert result.layout == "dmc" and result.rows[0]["person_id"] == citizen_id(1)
    result = parse(dmc_xlsx([student(1)], timestamp=False))
    assert result.layout == "dmc" and result.header_row == 1 and result.rows[0]["row_number"] == 2


def test_our_template_in_any_column_order_with_codes_or_labels():
    columns = list(reversed(layout.TEMPLATE_COLUMNS)) + [("หมายเหตุ", "note")]
    rows = [student(1, person_id=citizen_id(1), disability="ความพิการทางการมองเห็น", status="ย้ายออก",
                    travel_method="เดิน", distance_km="1.5", note="ไม่นำเข้า"),
            student(2, person_id=citizen_id(2), grade="P3", gender="F", prefix="girl", disability="",
                    status="", travel_method="")]
    result = parse(xlsx(template_table(rows, columns), sheet_title="นักเรียน"))
    assert result.layout == "template" and result.header_row == 1
    first, second = result.rows
    assert (first["disability"], first["status"], first["travel_method"], first["distance_km"]) == (
        "1", "moved_out", "walk", Decimal("1.5"))
    assert (second["grade"], second["gender"], second["prefix"], second["disability"], second["status"]) == (
        "P3", "F", "girl", "99", "studying")
    assert [(p.code, p.row) for p in result.problems] == [("column_ignored", 1)]
    assert result.ignored_columns == ["หมายเหตุ"]
    assert "status" in result.fields


def test_a_template_missing_a_required_column_is_refused_naming_it():
    columns = [c for c in layout.TEMPLATE_COLUMNS if c[1] != "gender"]
    message = refused(xlsx(template_table([student(1)], columns)))
    assert "ไม่มีคอลัมน์ เพศ" in message and "เลขประจำตัวประชาชน" in message


def test_unknown_headers_are_refused_with_the_expected_ones():
    message = refused(xlsx([["ลำดับ", "ชื่อ-สกุล", "คะแนน"], ["1", "ก ข", "10"]]))
    assert "ไม่รู้จักหัวตาราง" in message and layout.DMC_TIMESTAMP_PREFIX in message and "รหัสโรงเรียน" in message
    broken = dmc_headers()[:10] + ["x"] * 26
    message = refused(dmc_xlsx([student(1)], headers=broken))
    assert message.startswith("แถวที่ 2 ของไฟล์ DMC ไม่ใช่หัวตารางที่รู้จัก")


def test_only_headers_means_no_rows():
    result = parse(dmc_xlsx([]))
    assert result.rows == [] and [p.code for p in result.problems] == ["no_rows"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp874", "tis-620"])
def test_csv_in_any_thai_encoding_in_either_layout(encoding):
    result = parse(dmc_csv([student(1), student(2, person_id=citizen_id(2) + ".0")], encoding), "students.csv")
    assert result.layout == "dmc" and result.problems == []
    assert [r["person_id"] for r in result.rows] == [citizen_id(1), citizen_id(2)]
    assert result.rows[0]["first_name"] == "สมชาย1" and result.rows[0]["row_number"] == 3
    assert result.encoding == ("utf-8-sig" if encoding.startswith("utf") else "cp874")
    template = csv_bytes(template_table([student(3, person_id=citizen_id(3))]), encoding)
    assert parse(template, "template.csv").rows[0]["district_name"] == "เมืองสุโขทัย"


def test_excel_unicode_text_is_utf16_with_tabs():
    data = csv_bytes(template_table([student(1, person_id=citizen_id(1))]), "utf-16", delimiter="\t")
    assert parse(data, "students.txt").rows[0]["person_id"] == citizen_id(1)


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 1000)
    assert "เกินขนาดสูงสุด" in refused(dmc_xlsx([student(1)]))


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    assert "มากกว่า 3 แถว" in refused(dmc_xlsx([student(n) for n in range(20)]))
    assert "มากกว่า 3 แถว" in refused(dmc_csv([student(n) for n in range(20)]), "big.csv")


@pytest.mark.parametrize(("data", "filename"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "students.pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "students.png"),
    (b"\x00\x01\x02\x03binary\x00junk" * 20, "students.csv"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "students.xlsx"),
    (bytes(range(128, 256)) * 4, "students.csv"),  # not UTF-8 and not TIS-620
    (b"just some text", "notes.docx"),
])
def test_what_is_not_a_spreadsheet_is_refused(data, filename):
    assert refused(data, filename)


def test_old_and_other_workbook_formats_are_refused_with_advice():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    assert "บันทึกเป็น .xlsx" in refused(ole, "students.xls")
    assert "บันทึกเป็น .xlsx" in refused(b"anything", "students.ods")
    encrypted = ole + "EncryptedPackage".encode("utf-16-le")
    assert "รหัสผ่าน" in refused(encrypted, "students.xlsx")


def _sheet_with(*cells):
    workbook = Workbook()
    for ref in cells:
        workbook.active[ref] = "x"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_cell_far_away_is_refused_before_the_sheet_is_laid_out():
    """calamine would allocate width × height cells: XFD1048576 alone aborts the process."""
    assert "ไม่รู้จักหัวตาราง" in refused(_sheet_with("A1", "CV2", "A5000"))  # read, then judged by its headers
    for far in ("CW1", "A50011", "AAA1"):
        assert "ไกลเกินแถวที่" in refused(_sheet_with("A1", far))


@pytest.mark.parametrize(("ref", "too_far"), [
    ("A1", False), ("CV50010", False), ("CW1", True), ("ZZ1", True), ("AAA1", True), ("XFD1", True),
    ("A50011", True), ("A99999", True), ("A100000", True), ("B1048576", True),
])
def test_the_limits_of_the_worksheet_scan(ref, too_far):
    xml = f'<sheetData><row r="1"><c r="{ref}" t="s"><v>0</v></c></row></sheetData>'.encode()
    if too_far:
        with pytest.raises(importing.FileRefused):
            importing._scan_worksheet(b"", xml, final=True)
    else:
        importing._scan_worksheet(b"", xml, final=True)


@pytest.mark.parametrize("xml", [
    b'<sheetData><row r="1"><c r="XFD1048576" t="s"><v>0</v></c></row></sheetData>',
    b'<sheetData><row r="1"><c t="s" r="A1"><v>0</v></c></row></sheetData>',  # position not declared first
    b'<sheetData><row><c><v>1</v></c></row></sheetData>',
    b'<x:sheetData><x:row r="1"><x:c r="XFD1"/></x:row></x:sheetData>',
])
def test_the_worksheet_scan_refuses_what_it_cannot_bound(xml):
    with pytest.raises(importing.FileRefused):
        importing._scan_worksheet(b"", xml, final=True)


def test_the_worksheet_scan_is_not_fooled_by_chunk_edges():
    xml = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="AJ20002" s="1"><v>1</v></c></row>' * 3
    for cut in range(1, len(xml)):
        tail = importing._scan_worksheet(b"", xml[:cut])
        importing._scan_worksheet(tail, xml[cut:], final=True)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "ไม่ใช่ตารางข้อมูล" in refused(out.getvalue(), "students.xlsx")


def test_a_corrupt_workbook_is_refused():
    data = dmc_xlsx([student(n) for n in range(30)])
    assert "เสีย" in refused(data[: len(data) // 2])
    assert "เสีย" in refused(b"PK\x03\x04" + b"\x00" * 200)
    # A member whose bytes do not match its CRC.
    broken = bytearray(data)
    start = broken.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 10
    broken[start:start + 20] = b"\xff" * 20
    assert refused(bytes(broken))


def _bomb(size):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * size)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    data = _bomb(20 * 1024 * 1024)  # 20 MB of zeros in about 20 kB
    assert len(data) < 100_000
    assert "ใหญ่ผิดปกติ" in refused(data)


def test_the_unpacked_size_is_counted_not_trusted():
    data = bytearray(_bomb(5 * 1024 * 1024))
    # Lie in the central directory: claim the 5 MB sheet unpacks to 1 kB (ratio checks then see nothing).
    directory = data.rfind(b"PK\x01\x02")
    assert data[directory + 46:directory + 46 + 24] == b"xl/worksheets/sheet1.xml"
    data[directory + 24:directory + 28] = (1024).to_bytes(4, "little")
    assert "ใหญ่ผิดปกติ" in refused(bytes(data))


def test_a_workbook_with_stored_members_is_read():
    original = dmc_xlsx([student(1)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as stored:
        for member in source.infolist():
            stored.writestr(member.filename, source.read(member))
    assert parse(out.getvalue()).rows[0]["person_id"] == citizen_id(1)


# --- address → Subdistrict -------------------------------------------------------------------------


@pytest.mark.django_db
def test_addresses_resolve_with_or_without_prefixes():
    SubdistrictFactory()  # ธานี / เมืองสุโขทัย / สุโขทัย
    resolver = importing.AddressResolver()
    assert resolver.resolve("ธานี", "เมืองสุโขทัย", "สุโขทัย") == "640101"
    assert resolver.resolve("ต.ธานี", "อ.เมืองสุโขทัย", "จ.สุโขทัย") == "640101"
    assert resolver.resolve("ตำบล ธานี", "อำเภอเมือง", "จังหวัดสุโขทัย") == "640101"
    assert resolver.resolve("ธานี", "คีรีมาศ", "สุโขทัย") is None
    assert resolver.resolve("ธานี", "เมืองสุโขทัย", "") is None
    assert resolver.resolve("ธานี", "เมืองสุโขทัย", "ตาก") is None
    rows = [{"subdistrict_name": "ต.ธานี", "district_name": "อ.เมือง", "province_name": "สุโขทัย"}, {"x": 1}]
    assert resolver.apply(rows)[0]["subdistrict_id"] == "640101" and "subdistrict_id" not in rows[1]


def test_place_names_lose_their_prefixes():
    assert importing.place_name(" ต. ธานี ", "subdistrict") == "ธานี"
    assert importing.place_name("แขวงวังบูรพาภิรมย์", "subdistrict") == "วังบูรพาภิรมย์"
    assert importing.place_name("กรุงเทพฯ", "province") == importing.BANGKOK
    assert importing.place_name("ต.", "subdistrict") == "ต."


def test_our_blank_template_is_recognised_and_a_filled_one_reads_back():
    import openpyxl

    from students import exporting

    blank = exporting.template_xlsx()
    result = parse(blank, "template.xlsx")
    assert result.layout == "template" and [p.code for p in result.problems] == ["no_rows"]
    book = openpyxl.load_workbook(io.BytesIO(blank))
    sheet = book["นักเรียน"]
    values = student(1, person_id=citizen_id(1), disability="ไม่มีความพิการ", status="กำลังศึกษา")
    sheet.append([values.get(fname, "") for _h, fname in layout.TEMPLATE_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    result = parse(out.getvalue(), "template.xlsx")
    assert result.problems == [] and result.rows[0]["person_id"] == citizen_id(1)
    assert result.rows[0]["status"] == "studying" and result.rows[0]["row_number"] == 2
