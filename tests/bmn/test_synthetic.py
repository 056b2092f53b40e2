"""The import and analysis behaviour on small synthetic TPMAP-shaped files (tests/bmn/synthetic.py):
these run in a checkout without ../shared/reference-data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from bmn import analysis, services
from bmn.models import AreaResult, IndicatorResult, Survey

from .synthetic import TAMBON_CODES, amphoe_file, row, tambon_file, tpmap_csv, village_file


def upload(client, files, year=2561, indicator_set=None, **extra):
    data = {"year": year, **extra,
            "files": [SimpleUploadedFile(name, content, content_type="text/csv") for name, content in files]}
    if indicator_set is not None:
        data["indicator_set"] = indicator_set.pk
    return client.post(reverse("bmn:import"), data)


def counts():
    return AreaResult.objects.count(), IndicatorResult.objects.count(), Survey.objects.count()


def test_a_clean_import_of_three_levels(sukhothai, default_set, officer, as_user):
    files = [("a.csv", amphoe_file()), ("t.csv", tambon_file()), ("v.csv", village_file())]
    response = upload(as_user(officer), files, indicator_set=default_set)
    result = response.context["result"]
    assert result.committed
    assert result.written == {"amphoe": 3, "tambon": 5, "village": 5}
    assert "ระดับตำบล: นำเข้า 5 แถว" in response.content.decode()
    survey = Survey.objects.get()
    assert (survey.year, survey.province_code, survey.imported_by) == (2561, "64", officer)
    assert IndicatorResult.objects.count() == 13 * 31
    tambons = AreaResult.objects.filter(level="tambon")
    assert tambons.aggregate(h=Sum("households"), p=Sum("persons")) == {"h": 500, "p": 1500}
    area = tambons.get(code="640102")
    assert (area.subdistrict_id, area.district_id, area.happiness) == ("640102", "6401", pytest.approx(8.5))
    assert area.indicators.get(indicator__number=16).fails == 0  # 16 % 4
    assert area.indicators.get(indicator__number=17).fails == 1
    village = AreaResult.objects.get(level="village", code="6401020201")
    assert (village.tambon_code, village.village_code, village.subunit) == ("640102", "64010202", "01")


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(sukhothai, default_set, officer, as_user):
    bad = tpmap_csv("tambon", [
        row("640102", households=-5),
        row("640103", persons="หนึ่งพัน"),
        row("640104", fails={16: 301}),
        row("64012"),
        row("640105", happiness="11.5"),
    ])
    before = counts()
    response = upload(as_user(officer), [("t.csv", bad), ("a.csv", amphoe_file())], indicator_set=default_set)
    result = response.context["result"]
    assert not result.committed and counts() == before
    errors = {(p.row, p.column): p for p in result.files[0].errors}
    assert set(errors) == {(2, "household.CNT"), (3, "HOUSEMEMBER_CNT"), (4, "indicator16.CNT"), (5, "tumbol_ID"),
                           (6, "happiness")}
    assert errors[(2, "household.CNT")].message == "ต้องไม่ติดลบ"
    assert "มากกว่าจำนวนคนที่ตัวชี้วัดนี้ใช้วัด" in errors[(4, "indicator16.CNT")].message
    page = response.content.decode()
    assert "ยังนำเข้าไม่ได้: พบข้อผิดพลาด 5 รายการ" in page and "indicator16.CNT" in page


def test_the_municipal_code_640151_is_accepted_and_flagged(sukhothai, default_set):
    result = services.import_files(year=2561, indicator_set=default_set,
                                   files=[("t.csv", tambon_file()), ("v.csv", village_file())])
    assert result.committed
    warnings = {p.value: p for p in result.files[0].warnings if p.value}
    assert "รหัสนี้ไม่อยู่ในทะเบียนตำบล (อาจเป็นรหัสเขตเทศบาล)" in warnings["640151"].message
    assert (warnings["640151"].row, warnings["640151"].column) == (TAMBON_CODES.index("640151") + 2, "tumbol_ID")
    area = AreaResult.objects.get(level="tambon", code="640151")
    assert (area.subdistrict_id, area.district_id) == (None, "6401")
    assert AreaResult.objects.get(level="village", code="6401510101").subdistrict_id is None
    data = analysis.analyse(result.survey, analysis.ALL)
    municipal = next(r for r in data.rows if r.code == "640151")
    assert municipal.kind == "municipal" and municipal.in_survey


def test_the_analysis_row_of_one_tambon(sukhothai, default_set):
    fails = {15: 3, 16: 7, 17: 0, 18: 2, 19: 5}
    result = services.import_files(year=2561, indicator_set=default_set, files=[("t.csv", tpmap_csv("tambon", [
        row("640102", households=120, persons=400, fails=fails), "640103"]))])
    assert result.committed
    data = analysis.analyse(result.survey, analysis.ALL)
    assert [i.number for i in data.indicators] == [15, 16, 17, 18, 19]
    tambon = next(r for r in data.rows if r.code == "640102")
    assert (tambon.name, tambon.in_survey, tambon.households, tambon.persons) == ("บ้านสวน", True, 120, 400)
    assert [c.fails for c in tambon.cells] == [3, 7, 0, 2, 5]
    assert tambon.total_fails == 17
    assert tambon.cells[1].rate == round(100 * 7 / 400, 1)
    assert tambon.rate_per_1000 == pytest.approx(17 / 400 * 1000, abs=0.1)


def test_counts_written_with_thousands_separators_are_read(sukhothai, default_set):
    result = services.import_files(year=2561, indicator_set=default_set, files=[("t.csv", tpmap_csv("tambon", [
        row("640102", households="8,536", persons=" 21,183 ", applies="1,021,183"), "640103"]))])
    assert result.committed, [str(p) for p in result.files[0].errors]
    area = AreaResult.objects.get(level="tambon", code="640102")
    assert (area.households, area.persons) == (8536, 21183)
    assert area.indicators.get(indicator__number=16).applies == 1_021_183


@pytest.mark.parametrize("value,message", [
    ("8.5", "ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป"),
    ("abc", "ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป"),
    ("85,36", "ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป"),
    ("-8,536", "ต้องไม่ติดลบ"),
    ("-5", "ต้องไม่ติดลบ"),
])
def test_counts_that_are_not_whole_numbers_are_still_refused(sukhothai, default_set, value, message):
    result = services.import_files(year=2561, indicator_set=default_set,
                                   files=[("t.csv", tpmap_csv("tambon", [row("640102", households=value)]))])
    assert not result.committed and not AreaResult.objects.exists()
    [problem] = result.files[0].errors
    assert (problem.row, problem.column, problem.message, problem.value) == (2, "household.CNT", message, value)
