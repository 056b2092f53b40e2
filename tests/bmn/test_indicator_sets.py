"""The indicator set is data: ours for 2560–2564, and a later set loaded from a CSV without code."""

import io
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from bmn import analysis, services
from bmn.models import AreaResult, IndicatorSet

MADE_UP_SET = """indicator_no,name_th,category_no,category_name,is_education
1,ครัวเรือนมีน้ำสะอาดดื่มตลอดปี,1,สภาพแวดล้อม,0
2,เด็กอายุ 3-5 ปี ได้รับบริการเตรียมความพร้อมก่อนวัยเรียน,2,การศึกษา,1
3,เด็กอายุ 6-14 ปี ได้รับการศึกษาภาคบังคับ,2,การศึกษา,1
""".encode()

COLUMNS = ["tumbol_ID", "household.CNT", "HOUSEMEMBER_CNT", "MOF_REG_CNT", "MOF_VAL_CNT", "ELDERLY_CNT",
           "DISABLED_CNT", "CHRONICPATIENT_CNT", "happiness", "indicator1.ALL", "indicator2.ALL", "indicator3.ALL",
           "indicator1.CNT", "indicator2.CNT", "indicator3.CNT", "province_ID"]
MADE_UP_FILE = ("\n".join([
    ",".join(COLUMNS),
    "640102,100,300,10,5,40,2,8,8.5,300,20,40,3,4,6,64",
    "640103,200,500,10,5,40,2,8,7.25,500,30,60,0,1,2,64",
]) + "\n").encode()


def test_our_2560_2564_set(default_set):
    indicator_set = default_set
    assert indicator_set.code == "2560-2564"
    indicators = list(indicator_set.indicators.all())
    assert [i.number for i in indicators] == list(range(1, 32))
    assert Counter(i.category_no for i in indicators) == {1: 7, 2: 7, 3: 5, 4: 4, 5: 8}
    assert [i.number for i in indicators if i.is_education] == [15, 16, 17, 18, 19]
    assert indicators[15].name_th == "เด็กอายุ 6-14 ปี ได้รับการศึกษาภาคบังคับ 9 ปี"
    assert indicators[14].category == "หมวด 3 การศึกษา"


def test_officer_loads_a_later_set_and_imports_a_file_against_it(sukhothai, officer, as_user):
    client = as_user(officer)
    response = client.post(reverse("bmn:indicator_upload"), {
        "code": "2566-2570", "name": "ชุดทดลอง 2566–2570", "first_year": 2566, "last_year": 2570,
        "file": SimpleUploadedFile("set.csv", MADE_UP_SET, content_type="text/csv"),
    })
    assert response.status_code == 302
    later = IndicatorSet.objects.get(code="2566-2570")
    assert [(i.number, i.is_education) for i in later.indicators.all()] == [(1, False), (2, True), (3, True)]
    assert "ชุดทดลอง 2566–2570" in client.get(reverse("bmn:indicators")).content.decode()

    # The 31-indicator file does not fit this set; the made-up file does.
    response = client.post(reverse("bmn:import"), {
        "year": 2567, "indicator_set": later.pk,
        "files": [SimpleUploadedFile("tambon.csv", MADE_UP_FILE, content_type="text/csv")]})
    result = response.context["result"]
    assert result.committed, [str(p) for p in result.files[0].problems] + [result.files[0].refused]
    assert AreaResult.objects.filter(survey__year=2567, level="tambon").count() == 2
    data = analysis.analyse(result.survey, analysis.ALL)
    assert [i.number for i in data.indicators] == [2, 3]
    row = next(r for r in data.rows if r.code == "640102")
    assert [c.fails for c in row.cells] == [4, 6] and row.total_fails == 10


def test_a_bad_indicator_file_is_refused_by_row_and_column(sukhothai, officer, as_user):
    bad = MADE_UP_SET.replace(b"\n3,", b"\nx,").replace(b",1\n", b",maybe\n", 1)
    response = as_user(officer).post(reverse("bmn:indicator_upload"), {
        "code": "bad", "name": "ผิด", "file": SimpleUploadedFile("set.csv", bad, content_type="text/csv")})
    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert (4, "indicator_no") in problems and (3, "is_education") in problems
    assert not IndicatorSet.objects.filter(code="bad").exists()


def test_executive_cannot_load_a_set(executive, as_user):
    response = as_user(executive).post(reverse("bmn:indicator_upload"), {"code": "x", "name": "x"})
    assert response.status_code == 403


def test_command_loads_a_set_then_a_file(sukhothai, tmp_path):
    path = tmp_path / "set.csv"
    path.write_bytes(MADE_UP_SET)
    call_command("load_bmn_indicators", str(path), "--code", "t-1", "--name", "ชุดทดสอบ", stdout=io.StringIO())
    indicator_set = IndicatorSet.objects.get(code="t-1")
    assert indicator_set.indicators.count() == 3
    result = services.import_files(year=2567, indicator_set=indicator_set, files=[("t.csv", MADE_UP_FILE)])
    assert result.committed and result.written == {"tambon": 2}


CHANGED_SET = MADE_UP_SET.replace("ครัวเรือนมีน้ำสะอาดดื่มตลอดปี".encode(), "ข้อความใหม่".encode())


def test_a_set_that_a_survey_uses_is_never_changed(sukhothai, officer, as_user, tmp_path):
    client = as_user(officer)

    def post(content):
        return client.post(reverse("bmn:indicator_upload"), {
            "code": "t-1", "name": "ชุดแก้ไข", "file": SimpleUploadedFile("set.csv", content, content_type="text/csv")})

    assert post(MADE_UP_SET).status_code == 302
    assert post(CHANGED_SET).status_code == 302  # no survey uses it yet: it may be replaced
    indicator_set = IndicatorSet.objects.get(code="t-1")
    assert indicator_set.indicators.get(number=1).name_th == "ข้อความใหม่"
    result = services.import_files(year=2567, indicator_set=indicator_set, files=[("t.csv", MADE_UP_FILE)])
    assert result.committed

    response = post(MADE_UP_SET.replace(b"\n3,", b"\n4,"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "ชุดตัวชี้วัดรหัส t-1 ใช้อ่านข้อมูลสำรวจแล้ว (จปฐ. ปี 2567 · จังหวัดสุโขทัย)" in page
    indicator_set.refresh_from_db()
    assert indicator_set.name == "ชุดแก้ไข"
    assert [(i.number, i.name_th) for i in indicator_set.indicators.all()][:1] == [(1, "ข้อความใหม่")]
    assert [i.number for i in indicator_set.indicators.all()] == [1, 2, 3]

    path = tmp_path / "set.csv"
    path.write_bytes(MADE_UP_SET)
    with pytest.raises(CommandError, match="ใช้อ่านข้อมูลสำรวจแล้ว"):
        call_command("load_bmn_indicators", str(path), "--code", "t-1", "--name", "อื่น", stdout=io.StringIO())
    assert IndicatorSet.objects.get(code="t-1").name == "ชุดแก้ไข"
    assert IndicatorSet.objects.get(code="t-1").indicators.get(number=1).name_th == "ข้อความใหม่"
