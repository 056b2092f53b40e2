"""Importing the real Sukhothai จปฐ. 2561 files: counts, totals, reconciliation, quirks, bad rows."""

import io
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from openpyxl import Workbook

from bmn import analysis, services
from bmn.models import AreaResult, IndicatorResult, Survey

from .conftest import AMPHOE_FILE, POOR_FILE, TAMBON_FILE, VILLAGE_FILE, edited, import_real, real_bytes, real_rows

EDUCATION = range(15, 20)


def upload(client, year=2561, indicator_set=None, files=()):
    data = {"year": year, "files": [SimpleUploadedFile(name, content, content_type="text/csv") for name, content in files]}
    if indicator_set is not None:
        data["indicator_set"] = indicator_set.pk
    return client.post(reverse("bmn:import"), data)


def counts():
    return AreaResult.objects.count(), IndicatorResult.objects.count(), Survey.objects.count()


def test_officer_imports_the_three_real_files_and_the_totals_reconcile(sukhothai, default_set, officer, as_user):
    files = [(name, real_bytes(name)) for name in (AMPHOE_FILE, TAMBON_FILE, VILLAGE_FILE)]
    response = upload(as_user(officer), indicator_set=default_set, files=files)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.committed
    assert result.written == {"amphoe": 9, "tambon": 87, "village": 921}
    page = response.content.decode()
    assert "ระดับหมู่บ้าน: นำเข้า 921 แถว" in page

    survey = Survey.objects.get()
    assert (survey.year, survey.province_code, survey.imported_by) == (2561, "64", officer)
    for level, rows in (("amphoe", 9), ("tambon", 87), ("village", 921)):
        areas = AreaResult.objects.filter(survey=survey, level=level)
        assert areas.count() == rows
        # SOURCE.txt: Sukhothai 135,978 households and 377,680 persons surveyed, at every level.
        assert areas.aggregate(h=Sum("households"), p=Sum("persons")) == {"h": 135_978, "p": 377_680}
    assert IndicatorResult.objects.count() == (9 + 87 + 921) * 31

    # Education failing persons per level equal the file's own columns.
    for level, name in (("amphoe", AMPHOE_FILE), ("tambon", TAMBON_FILE), ("village", VILLAGE_FILE)):
        rows = real_rows(name)
        for number in EDUCATION:
            expected = sum(int(r[f"indicator{number}.CNT"]) for r in rows)
            applies = sum(int(r[f"indicator{number}.ALL"]) for r in rows)
            got = IndicatorResult.objects.filter(area__survey=survey, area__level=level,
                                                 indicator__number=number).aggregate(f=Sum("fails"), a=Sum("applies"))
            assert (got["f"], got["a"]) == (expected, applies), (level, number)

    # Per amphoe, the sums of tambons and of villages equal the amphoe file (these files agree exactly).
    table = analysis.reconciliation(survey)
    assert [code for code, _, _ in table] == [f"640{n}" for n in range(1, 10)]
    for code, _, lines in table:
        for label, amphoe, tambon, village, differs in lines:
            assert not differs, (code, label, amphoe, tambon, village)
    mueang = dict((line[0], line[1:4]) for line in table[0][2])
    assert mueang["ครัวเรือน"] == (21_183, 21_183, 21_183)

    survey_page = as_user(officer).get(reverse("bmn:survey")).content.decode()
    assert "ผลรวมตำบล" in survey_page or "Sum of tambons" in survey_page
    assert "เป็นการตีความของเรา" in survey_page
    assert response_mismatch(survey_page)


def test_the_real_quirks_are_accepted_and_flagged(sukhothai, default_set):
    result = import_real(default_set, TAMBON_FILE, VILLAGE_FILE)
    tambon_file = result.files[0]
    warnings = {p.value: p for p in tambon_file.warnings if p.value}
    for code, row in (("640151", 11), ("640154", 12)):
        assert "รหัสนี้ไม่อยู่ในทะเบียนตำบล (อาจเป็นรหัสเขตเทศบาล)" in warnings[code].message
        assert (warnings[code].row, warnings[code].column) == (row, "tumbol_ID")
        area = AreaResult.objects.get(level="tambon", code=code)
        assert (area.subdistrict_id, area.district_id, area.tambon_code) == (None, "6401", code)
    missing = [p.message for p in tambon_file.warnings if not p.value]
    assert missing == ["ตำบล 640101 ธานี (อำเภอเมืองสุโขทัย) ไม่มีในไฟล์"]

    # Village → tambon: the first 6 digits; the 8-digit DOPA code and the sub-unit counter are kept.
    village = AreaResult.objects.get(level="village", code="6401020101")
    assert (village.subdistrict_id, village.tambon_code, village.village_code, village.subunit) == (
        "640102", "640102", "64010201", "01")
    file_villages = Counter(r["village_ID"][:6] for r in real_rows(VILLAGE_FILE))
    stored = Counter(AreaResult.objects.filter(level="village").values_list("tambon_code", flat=True))
    assert stored == file_villages
    assert AreaResult.objects.filter(level="village", subdistrict__isnull=True).count() == (
        file_villages["640151"] + file_villages["640154"])
    assert Counter(AreaResult.objects.filter(level="village").values_list("subunit", flat=True))["01"] == 864


def test_importing_a_level_again_replaces_it_and_says_how_many(sukhothai, default_set):
    import_real(default_set, TAMBON_FILE)
    again = import_real(default_set, TAMBON_FILE, replace=True)
    assert again.replaced == {"tambon": 87}
    assert "ระดับตำบล: นำเข้า 87 แถว (แทนที่ข้อมูลเดิม 87 แถว เก็บสำเนาข้อมูลเดิมไว้แล้ว)" in again.summary_lines
    assert AreaResult.objects.filter(level="tambon").count() == 87
    assert Survey.objects.count() == 1


def _break(rows):
    header = rows[0]
    col = header.index
    rows[1][col("household.CNT")] = "-5"
    rows[2][col("HOUSEMEMBER_CNT")] = "หนึ่งพัน"
    rows[3][col("indicator16.CNT")] = str(int(rows[3][col("indicator16.ALL")]) + 1)
    rows[4][col("tumbol_ID")] = "64012"
    rows[5][col("happiness")] = "11.5"


def test_bad_rows_name_their_row_and_column_and_nothing_is_written(sukhothai, default_set, officer, as_user):
    import_real(default_set, AMPHOE_FILE)
    before = counts()
    files = [(TAMBON_FILE, edited(TAMBON_FILE, _break)), (VILLAGE_FILE, real_bytes(VILLAGE_FILE))]
    response = upload(as_user(officer), indicator_set=default_set, files=files)
    result = response.context["result"]
    assert not result.committed
    assert counts() == before
    errors = {(p.row, p.column): p for p in result.files[0].errors}
    assert set(errors) == {(2, "household.CNT"), (3, "HOUSEMEMBER_CNT"), (4, "indicator16.CNT"), (5, "tumbol_ID"),
                           (6, "happiness")}
    assert errors[(2, "household.CNT")].message == "ต้องไม่ติดลบ"
    assert errors[(3, "HOUSEMEMBER_CNT")].value == "หนึ่งพัน"
    assert "มากกว่าจำนวนคนที่ตัวชี้วัดนี้ใช้วัด" in errors[(4, "indicator16.CNT")].message
    assert "ตัวเลข 6 หลัก" in errors[(5, "tumbol_ID")].message
    page = response.content.decode()
    assert "ยังนำเข้าไม่ได้: พบข้อผิดพลาด 5 รายการ" in page
    assert "indicator16.CNT" in page and "ต้องไม่ติดลบ" in page


def test_header_must_match_the_chosen_set(sukhothai, default_set):
    def drop_column(rows):
        index = rows[0].index("indicator17.ALL")
        for row in rows:
            del row[index]

    before = counts()
    result = services.import_files(year=2561, indicator_set=default_set,
                                   files=[(AMPHOE_FILE, edited(AMPHOE_FILE, drop_column))])
    assert not result.committed and counts() == before
    [problem] = result.files[0].errors
    assert (problem.row, problem.column) == (1, "indicator17.ALL")

    def add_column(rows):
        rows[0].insert(-1, "indicator32.CNT")
        for row in rows[1:]:
            row.insert(-1, "0")

    result = services.import_files(year=2561, indicator_set=default_set,
                                   files=[(AMPHOE_FILE, edited(AMPHOE_FILE, add_column))])
    assert [(p.row, p.column) for p in result.files[0].errors] == [(1, "indicator32.CNT")]
    assert "ชุดตัวชี้วัดที่เลือกไม่มีตัวชี้วัดข้อนี้" in result.files[0].errors[0].message


def _xlsx():
    book = Workbook()
    book.active.append(["รหัสโรงเรียน", "ชื่อ"])
    book.active.append(["64010001", "บ้านทดสอบ"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name,content,expected", [
    ("61_64_tambol_00100.csv", None, "คนจนเป้าหมาย"),
    ("schools.xlsx", _xlsx(), "ไม่รู้จักไฟล์นี้"),
    ("empty.csv", b"", "ไฟล์ว่างเปล่า"),
    ("header-only.csv", b'"tumbol_ID","household.CNT"\n', "ไม่มีคอลัมน์นี้ในไฟล์"),
])
def test_wrong_files_get_a_clear_message(sukhothai, default_set, officer, as_user, name, content, expected):
    if content is None:
        content = real_bytes(POOR_FILE)
    before = counts()
    response = upload(as_user(officer), indicator_set=default_set, files=[(name, content)])
    result = response.context["result"]
    assert not result.committed and counts() == before
    texts = [result.files[0].refused] + [p.message for p in result.files[0].problems]
    assert any(expected in text for text in texts), texts
    assert expected in response.content.decode()


def test_two_files_of_one_level_are_refused(sukhothai, default_set):
    result = services.import_files(year=2561, indicator_set=default_set,
                                   files=[("a.csv", real_bytes(TAMBON_FILE)), ("b.csv", real_bytes(TAMBON_FILE))])
    assert not result.committed
    assert "ส่งไฟล์ระดับตำบลมาแล้วในไฟล์ a.csv" in result.problems[0].message


def test_the_command_loads_the_real_files(sukhothai, tmp_path):
    paths = []
    for name in (AMPHOE_FILE, TAMBON_FILE, VILLAGE_FILE):
        path = tmp_path / name
        path.write_bytes(real_bytes(name))
        paths.append(str(path))
    out = io.StringIO()
    call_command("import_bmn", "--year", "2561", *paths, stdout=out)
    assert "ระดับหมู่บ้าน: นำเข้า 921 แถว" in out.getvalue()
    assert "640151" in out.getvalue()
    assert AreaResult.objects.filter(survey__year=2561).count() == 9 + 87 + 921


@pytest.mark.parametrize("role,status", [("staff", 403), ("director", 403), ("executive", 403),
                                         ("officer", 200), ("admin_user", 200)])
def test_only_officers_and_admins_import(request, sukhothai, default_set, as_user, role, status):
    client = as_user(request.getfixturevalue(role))
    assert client.get(reverse("bmn:import")).status_code == status
    response = upload(client, indicator_set=default_set, files=[(TAMBON_FILE, real_bytes(TAMBON_FILE))])
    assert response.status_code == status
    assert AreaResult.objects.exists() == (status == 200)


def response_mismatch(page):
    """The survey page says every figure matches (these files agree at every level)."""
    return 'data-testid="bmn-mismatches" class="text-success"' in page


def test_a_row_of_another_province_is_an_error(sukhothai, default_set):
    def other_province(rows):
        rows[3][-1] = "65"

    result = services.import_files(year=2561, indicator_set=default_set,
                                   files=[(TAMBON_FILE, edited(TAMBON_FILE, other_province))])
    assert not result.committed and not AreaResult.objects.exists()
    [problem] = result.files[0].errors
    assert (problem.row, problem.column, problem.value) == (4, "province_ID", "65")


def test_an_excel_copy_is_read_and_rows_are_numbered_as_excel_shows_them(sukhothai, default_set):
    rows = [r.split(",") for r in real_bytes(AMPHOE_FILE).decode("utf-8-sig").replace('"', "").splitlines()]
    book = Workbook()
    sheet = book.active
    sheet.append([])  # a blank first row: the header is on row 2
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([int(v) if v.isdigit() and i not in (0, len(row) - 1) else (float(v) if "." in v else v)
                      for i, v in enumerate(row)])
    sheet.cell(5, 2).value = -1  # household.CNT of the 3rd amphoe, on spreadsheet row 5
    out = io.BytesIO()
    book.save(out)
    result = services.import_files(year=2561, indicator_set=default_set, files=[("amphoe.xlsx", out.getvalue())])
    assert [(p.row, p.column) for p in result.files[0].errors] == [(5, "household.CNT")]
    sheet.cell(5, 2).value = int(rows[3][1])
    out = io.BytesIO()
    book.save(out)
    result = services.import_files(year=2561, indicator_set=default_set, files=[("amphoe.xlsx", out.getvalue())])
    assert result.committed and result.written == {"amphoe": 9}
    assert AreaResult.objects.filter(level="amphoe").aggregate(p=Sum("persons"))["p"] == 377_680


def test_a_small_file_for_the_same_year_does_not_wipe_the_real_one(sukhothai, default_set, officer, as_user):
    import_real(default_set, TAMBON_FILE)
    small = edited(TAMBON_FILE, lambda rows: rows.__delitem__(slice(4, None)))
    response = upload(as_user(officer), indicator_set=default_set, files=[("small.csv", small)])
    result = response.context["result"]
    assert result.needs_confirmation and not result.committed
    [replacement] = result.replacing
    assert (replacement.before, replacement.new, len(replacement.missing)) == (87, 3, 84)
    assert AreaResult.objects.filter(level="tambon").count() == 87
