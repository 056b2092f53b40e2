"""A later year imported with its amphoe file only (the QA walk: 2563 amphoe file after 2561 tambon
file) must not hide the tambon figures nor claim that no tambon fails. Synthetic files."""

import pytest
from django.urls import reverse

from bmn import services
from bmn.models import Survey
from schools.models import Province, Subdistrict
from tests.factories import SchoolFactory

from .synthetic import amphoe_file, row, tpmap_csv

NOTICE = "จปฐ. ปี 2563 มีเฉพาะข้อมูลระดับอำเภอ ยังไม่มีข้อมูลรายตำบล"


def school_in(code, **kwargs):
    return SchoolFactory(subdistrict=Subdistrict.objects.get(code=code), province=Province.objects.get(code="64"),
                         **kwargs)


@pytest.fixture
def surveys(sukhothai, default_set):
    """2561 with a tambon file (6401 and 6402), then 2563 with the amphoe file only; a school in 640102."""
    school_in("640102", name="บ้านสวนวิทยา")
    old = services.import_files(year=2561, indicator_set=default_set, files=[("61_tambol.csv", tpmap_csv(
        "tambon", [row("640102", fails={15: 9}), "640103", "640201"]))])
    new = services.import_files(year=2563, indicator_set=default_set, files=[("63_amphur.csv", amphoe_file())])
    assert old.committed and new.committed
    return old.survey, new.survey


def test_the_default_is_the_latest_survey_with_tambon_data(surveys, officer, as_user):
    old, new = surveys
    client = as_user(officer)
    page = client.get(reverse("bmn:index"))
    assert page.context["survey"] == old
    text = page.content.decode()
    assert 'id="t640102"' in text and "บ้านสวนวิทยา" in text
    assert "ไม่มีตำบลใดมีผู้ไม่ผ่านเกณฑ์" not in text
    # The chooser says which levels each survey has.
    assert "จปฐ. ปี 2563 · จังหวัดสุโขทัย (2560-2564) · มีข้อมูลระดับอำเภอ<" in text
    assert "จปฐ. ปี 2561 · จังหวัดสุโขทัย (2560-2564) · มีข้อมูลระดับตำบล<" in text
    report = client.get(reverse("bmn:report"))
    assert report.context["survey"] == old and "640102" in report.content.decode()
    layer = client.get(reverse("bmn:tambon_layer")).json()
    assert layer["survey"] == "จปฐ. ปี 2561" and layer["has_tambon_data"] is True
    assert "640102" in {f["properties"]["code"] for f in layer["features"]}


def test_a_survey_chosen_without_tambon_data_says_so(surveys, officer, as_user):
    old, new = surveys
    client = as_user(officer)
    page = client.get(reverse("bmn:index"), {"survey": new.pk})
    text = page.content.decode()
    assert NOTICE in text
    assert "ไม่มีตำบลใดมีผู้ไม่ผ่านเกณฑ์" not in text
    assert "ไม่มีในไฟล์ จปฐ." not in text and 'id="t640102"' not in text  # no tambon flagged as missing
    assert f"?survey={old.pk}" in text  # a way to the year that has tambon figures
    report = client.get(reverse("bmn:report"), {"survey": new.pk}).content.decode()
    assert NOTICE in report and "ไม่มีในข้อมูล จปฐ." not in report
    layer = client.get(reverse("bmn:tambon_layer"), {"survey": new.pk}).json()
    assert layer["survey"] == "จปฐ. ปี 2563" and layer["has_tambon_data"] is False
    assert layer["features"] == [] and layer["unplaced"] == []
    assert layer["notice"] == NOTICE


def test_with_no_tambon_data_anywhere_the_latest_survey_shows_the_notice(sukhothai, default_set, officer, as_user):
    services.import_files(year=2563, indicator_set=default_set, files=[("63_amphur.csv", amphoe_file())])
    page = as_user(officer).get(reverse("bmn:index"))
    assert page.context["survey"] == Survey.objects.get() and NOTICE in page.content.decode()


def test_the_layer_covers_the_office_amphoe_unless_asked(surveys, officer, as_user):
    client = as_user(officer)
    url = reverse("bmn:tambon_layer")

    def codes(**query):
        return {f["properties"]["code"] for f in client.get(url, query).json()["features"]}

    assert codes() == {"640102", "640103"}  # the school is in 6401: not 6402's tambon 640201
    assert codes(district="all") == {"640102", "640103", "640201"}
    assert codes(district="6402") == {"640201"}
    assert codes(district="nonsense") == {"640102", "640103"}


def test_the_map_button_opens_the_map_with_the_layer_and_the_amphoe(surveys, officer, as_user):
    client = as_user(officer)
    page = client.get(reverse("bmn:index")).content.decode()
    assert 'href="/schools/map/?bmn=1" data-testid="bmn-map-link"' in page
    page = client.get(reverse("bmn:index"), {"district": "6402"}).content.decode()
    assert 'href="/schools/map/?bmn=1&amp;district=6402" data-testid="bmn-map-link"' in page
    page = client.get(reverse("bmn:index"), {"district": "all"}).content.decode()
    assert 'href="/schools/map/?bmn=1" data-testid="bmn-map-link"' in page


def test_an_upload_without_a_file_asks_for_one(sukhothai, default_set, officer, as_user):
    response = as_user(officer).post(reverse("bmn:import"), {"year": "2563", "indicator_set": default_set.pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert "กรุณาเลือกไฟล์ จปฐ. อย่างน้อยหนึ่งไฟล์" in text
    assert "พบข้อผิดพลาด" not in text and 'data-testid="bmn-import-blocked"' not in text
    assert response.context["form"].errors == {"files": ["กรุณาเลือกไฟล์ จปฐ. อย่างน้อยหนึ่งไฟล์"]}
    assert response.context["result"] is None and not Survey.objects.exists()


def test_the_report_files_of_a_survey_without_tambon_data_say_so(surveys, officer, as_user):
    import io
    import subprocess
    import unicodedata

    from openpyxl import load_workbook

    _, new = surveys
    client = as_user(officer)
    pdf = client.get(reverse("bmn:report"), {"survey": new.pk, "format": "pdf"}).content
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert unicodedata.normalize("NFKD", NOTICE) in unicodedata.normalize("NFKD", text)
    book = load_workbook(io.BytesIO(client.get(reverse("bmn:report"), {"survey": new.pk, "format": "xlsx"}).content))
    assert NOTICE in [c.value for r in book.active.iter_rows() for c in r]
