"""The education indicators by tambon beside the schools: demo district + the real 2561 tambon file."""

import io
import subprocess
import unicodedata

import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from openpyxl import load_workbook

from bmn import analysis
from bmn.models import Survey
from schools.models import School, Subdistrict

from .conftest import TAMBON_FILE, VILLAGE_FILE, import_real, real_rows

EDUCATION = [15, 16, 17, 18, 19]


@pytest.fixture
def survey(demo, default_set):
    import_real(default_set, TAMBON_FILE)
    return Survey.objects.get()


def file_row(code):
    return next(r for r in real_rows(TAMBON_FILE) if r["tumbol_ID"] == code)


def schools_in(code):
    return School.objects.filter(subdistrict_id=code, is_open=True).aggregate(n=Count("pk"), s=Sum("student_count"))


def pdf_text(data):
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)
    return unicodedata.normalize("NFKD", out.stdout.decode())


def test_a_tambon_row_shows_its_failing_persons_and_its_schools(survey, officer, as_user):
    response = as_user(officer).get(reverse("bmn:index"), {"survey": survey.pk})
    assert response.status_code == 200
    data = response.context["analysis"]
    assert [i.number for i in data.indicators] == EDUCATION  # from the set's education flag
    rows = {r.code: r for r in data.rows}
    expected = file_row("640102")
    row = rows["640102"]
    assert row.name == Subdistrict.objects.get(code="640102").name_th
    assert (row.households, row.persons) == (int(expected["household.CNT"]), int(expected["HOUSEMEMBER_CNT"]))
    assert [c.fails for c in row.cells] == [int(expected[f"indicator{n}.CNT"]) for n in EDUCATION]
    assert [c.applies for c in row.cells] == [int(expected[f"indicator{n}.ALL"]) for n in EDUCATION]
    assert row.total_fails == sum(int(expected[f"indicator{n}.CNT"]) for n in EDUCATION)
    registry = schools_in("640102")
    assert (row.school_count, row.students) == (registry["n"], registry["s"])
    assert registry["n"] > 0
    page = response.content.decode()
    assert 'id="t640102"' in page
    assert "เป็นการตีความของเรา" in page  # our reading of .ALL/.CNT, shown not hidden


def test_nothing_is_dropped_municipal_codes_missing_tambons_and_tambons_without_schools(survey, officer, as_user):
    data = analysis.analyse(survey, analysis.ALL)
    rows = {r.code: r for r in data.rows}
    # 640101 ธานี has demo schools but no row in the 2561 file.
    thani = rows["640101"]
    assert not thani.in_survey and thani.school_count == schools_in("640101")["n"] > 0
    assert thani in data.missing
    # Municipal-area codes attach to their amphoe 6401, labelled honestly.
    for code in ("640151", "640154"):
        assert rows[code].in_survey and rows[code].district_code == "6401" and rows[code].kind == "municipal"
        assert rows[code].label == f"เขตเทศบาล (รหัส {code})"
    # Amphoe 6405 is outside the demo office: its tambons are in the file, without schools.
    assert rows["640501"].in_survey and rows["640501"].school_count == 0
    assert len([r for r in data.rows if r.in_survey]) == 87
    page = as_user(officer).get(reverse("bmn:index"), {"survey": survey.pk, "district": "all"}).content.decode()
    assert "เขตเทศบาล (รหัส 640151)" in page
    assert 'id="t640101"' in page and 'id="t640501"' in page

    # By default: the amphoe where the office has schools (6401–6404, 6406).
    default = analysis.analyse(survey)
    assert {r.district_code for r in default.rows} == {"6401", "6402", "6403", "6404", "6406"}


def test_tambons_needing_attention_first_follow_the_stated_rule(survey, executive, as_user):
    response = as_user(executive).get(reverse("bmn:index"), {"survey": survey.pk, "district": "all"})
    assert response.status_code == 200
    data = response.context["analysis"]
    ranked = data.priority
    assert len(ranked) == 10
    file_totals = {r["tumbol_ID"]: sum(int(r[f"indicator{n}.CNT"]) for n in EDUCATION) for r in real_rows(TAMBON_FILE)}
    assert [r.total_fails for r in ranked] == sorted(file_totals.values(), reverse=True)[:10]
    assert ranked[0].code == max(file_totals, key=file_totals.get)
    assert "ไม่ผ่านเกณฑ์ด้านการศึกษารวม" in ranked[0].reason
    page = response.content.decode()
    assert analysis.PRIORITY_RULE in page


def test_report_as_pdf_and_excel(survey, officer, as_user):
    client = as_user(officer)
    url = reverse("bmn:report")
    page = client.get(url, {"survey": survey.pk})
    assert page.status_code == 200
    assert "ตัวชี้วัด จปฐ. ด้านการศึกษา รายตำบล" in page.content.decode()

    pdf = client.get(url, {"survey": survey.pk, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    name = Subdistrict.objects.get(code="640102").name_th
    for expected in ("ตัวชี้วัด จปฐ. ด้านการศึกษา รายตำบล", name, "เขตเทศบาล", "เป็นการตีความของเรา"):
        assert unicodedata.normalize("NFKD", expected) in text.replace("\n", " "), expected

    xlsx = client.get(url, {"survey": survey.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][0] == "ตัวชี้วัด จปฐ. ด้านการศึกษา รายตำบล"
    header = next(row for row in cells if row[:3] == ["อำเภอ", "รหัสตำบล", "ตำบล"])
    row = next(row for row in cells if row[1] == "640102")
    expected = file_row("640102")
    values = dict(zip(header, row, strict=True))
    assert values["ครัวเรือน"] == int(expected["household.CNT"])
    assert values["ข้อ 16 ไม่ผ่าน (คน)"] == int(expected["indicator16.CNT"])
    assert values["โรงเรียน (แห่ง)"] == schools_in("640102")["n"]
    assert values["นักเรียน (คน)"] == schools_in("640102")["s"]


def test_layer_feature_for_one_tambon(survey, executive, as_user):
    response = as_user(executive).get(reverse("bmn:tambon_layer"), {"survey": survey.pk})
    assert response.status_code == 200
    layer = response.json()
    assert layer["type"] == "FeatureCollection"
    feature = next(f for f in layer["features"] if f["properties"]["code"] == "640102")
    tambon = Subdistrict.objects.select_related("district").get(code="640102")
    assert feature["geometry"] == {"type": "Point", "coordinates": [float(tambon.longitude), float(tambon.latitude)]}
    props = feature["properties"]
    assert set(props) == {"code", "name", "district", "fails", "indicators", "schools", "students", "url", "survey"}
    expected = file_row("640102")
    assert props["name"] == tambon.name_th and props["district"] == tambon.district.name_th
    assert props["fails"] == sum(int(expected[f"indicator{n}.CNT"]) for n in EDUCATION)
    assert props["indicators"][1] == {"no": 16, "name": "เด็กอายุ 6-14 ปี ได้รับการศึกษาภาคบังคับ 9 ปี",
                                      "fails": int(expected["indicator16.CNT"]),
                                      "all": int(expected["indicator16.ALL"])}
    assert (props["schools"], props["students"]) == (schools_in("640102")["n"], schools_in("640102")["s"])
    assert props["url"].endswith("#t640102") and props["survey"] == "จปฐ. ปี 2561"
    assert {u["code"] for u in layer["unplaced"]} == {"640151", "640154"}
    # 640101 has schools but no survey row: placed, with no figures rather than zeros.
    thani = next(f for f in layer["features"] if f["properties"]["code"] == "640101")["properties"]
    assert thani["fails"] is None and thani["indicators"] == []


def test_pages_do_not_query_per_tambon(survey, officer, as_user, django_assert_max_num_queries):
    client = as_user(officer)
    with django_assert_max_num_queries(25):
        client.get(reverse("bmn:index"), {"survey": survey.pk, "district": "all"})
    with django_assert_max_num_queries(25):
        client.get(reverse("bmn:tambon_layer"), {"survey": survey.pk})


@pytest.mark.parametrize("role,status", [("staff", 403), ("director", 403), ("executive", 200), ("officer", 200),
                                         ("admin_user", 200)])
def test_who_reads(request, sukhothai, default_set, as_user, role, status):
    # Without the demo district: the standing school fixture would clash with its school codes.
    import_real(default_set, TAMBON_FILE)
    survey = Survey.objects.get()
    client = as_user(request.getfixturevalue(role))
    for name in ("bmn:index", "bmn:report", "bmn:survey", "bmn:tambon_layer", "bmn:indicators"):
        assert client.get(reverse(name), {"survey": survey.pk}).status_code == status, name
    xlsx = client.get(reverse("bmn:report"), {"survey": survey.pk, "format": "xlsx"})
    assert xlsx.status_code == status


def test_villages_alone_give_the_same_tambon_rows(demo, default_set):
    # Only the village file: the tambon figures are the villages summed by the first 6 digits.
    import_real(default_set, VILLAGE_FILE)
    data = analysis.analyse(Survey.objects.get(), analysis.ALL)
    assert data.source_level == "village"
    rows = {r.code: r for r in data.rows}
    for code in ("640102", "640151", "640905"):
        expected = file_row(code)
        assert rows[code].persons == int(expected["HOUSEMEMBER_CNT"])
        assert [c.fails for c in rows[code].cells] == [int(expected[f"indicator{n}.CNT"]) for n in EDUCATION]
