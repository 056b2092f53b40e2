"""The executive summary: certified figures only, for office roles, and never a person."""

import unicodedata

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from reports import summary, summary_views
from students.models import StudentRecord

from .fixtures import build_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def nov(school, other_school):
    return build_district(school, other_school)


def test_figures_count_only_certified_schools_and_studying_students(nov):
    s = summary.executive_summary(nov)
    assert s.students == 13  # 6 + 7; the draft school's 4 and the moved-out record are left out
    assert s.grades == [
        {"grade": "K1", "label": "อ.1", "M": 0, "F": 7, "total": 7},
        {"grade": "P1", "label": "ป.1", "M": 3, "F": 2, "total": 5},
        {"grade": "P2", "label": "ป.2", "M": 1, "F": 0, "total": 1},
    ]
    assert s.totals == {"M": 4, "F": 9, "total": 13}
    assert s.schools == 3
    assert s.small == 2  # both certified schools have ≤120 students this round
    assert s.coverage["line"] == "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง"
    assert s.coverage["provisional"]
    assert s.progress["done"] == 2 and s.progress["total"] == 3 and s.progress["done_pct"] == 66.7
    counts = {row["state"]: row["count"] for row in s.progress["states"]}
    assert counts["certified"] == 1 and counts["acknowledged"] == 1 and counts["draft"] == 1


def test_largest_changes_since_the_previous_round(nov, school, other_school):
    changes = summary.executive_summary(nov).changes
    assert changes["previous"].kind == "jun10"
    assert changes["gains"] == [{"school": school.name, "code": "64010001", "before": 2, "after": 6, "change": 4}]
    assert changes["losses"] == [
        {"school": other_school.name, "code": "64010002", "before": 9, "after": 7, "change": -2}]


@pytest.mark.parametrize("role", ["executive", "officer", "admin_user"])
def test_office_roles_read_the_summary(request, as_user, nov, role):
    response = as_user(request.getfixturevalue(role)).get(reverse("summary:page"), {"round": nov.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง" in body
    assert 'data-testid="stat-students">13<' in body
    assert "<svg" in body and "แผนที่โรงเรียน" in body
    assert "10 พฤศจิกายน 2569" in body


@pytest.mark.parametrize("role", ["staff", "director"])
def test_school_users_get_403(request, as_user, nov, role):
    assert as_user(request.getfixturevalue(role)).get(reverse("summary:page")).status_code == 403
    assert as_user(request.getfixturevalue(role)).get(reverse("summary:pdf")).status_code == 403


def test_anonymous_goes_to_login(client, nov):
    response = client.get(reverse("summary:page"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_unknown_round_is_404(as_user, executive, nov):
    assert as_user(executive).get(reverse("summary:page"), {"round": "999999"}).status_code == 404
    assert as_user(executive).get(reverse("summary:page"), {"round": "x"}).status_code == 404


def test_default_round_is_the_current_one(as_user, executive, nov):
    response = as_user(executive).get(reverse("summary:page"))
    assert response.context["round"] == nov


def _personal_strings():
    for record in StudentRecord.objects.all():
        yield record.person_id
        yield record.first_name
        yield record.last_name
        yield record.birth_date.strftime("%d/%m/") + str(record.birth_date.year + 543)
        yield record.birth_date.isoformat()


def test_no_personal_data_on_the_summary(as_user, executive, nov):
    body = as_user(executive).get(reverse("summary:page"), {"round": nov.pk}).content.decode()
    leaks = [value for value in _personal_strings() if value in body]
    assert not leaks


def test_pdf_of_the_summary_without_personal_data(as_user, executive, nov):
    response = as_user(executive).get(reverse("summary:pdf"), {"round": nov.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The PDF's text streams are compressed: check the HTML WeasyPrint was given instead.
    html = render_to_string("reports/summary_pdf.html", {**summary_views._summary_context(nov), "font_css": ""})
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง" in html
    assert not [value for value in _personal_strings() if value in html]


def test_executive_home_links_to_the_summary(as_user, executive):
    body = as_user(executive).get(reverse("home")).content.decode()
    assert reverse("summary:page") in body


def test_summary_queries_do_not_grow_with_schools(as_user, executive, nov, django_assert_max_num_queries):
    client = as_user(executive)
    client.get(reverse("summary:page"), {"round": nov.pk})  # warm the session and the user
    with django_assert_max_num_queries(30):
        assert client.get(reverse("summary:page"), {"round": nov.pk}).status_code == 200


def test_the_pdf_carries_the_office_header_page_numbers_and_school_codes(as_user, executive, nov, settings):
    from .test_renderings import pdf_text

    settings.EDINFO_OFFICE_NAME = "สพป.ทดสอบ เขต 9"
    response = as_user(executive).get(reverse("summary:pdf"), {"round": nov.pk})
    text = pdf_text(response.content)
    pages = [page for page in text.split("\f") if page.strip()]
    first = " ".join(pages[0].split())
    normal = unicodedata.normalize
    for expected in ("สพป.ทดสอบ เขต 9", "สรุปสำหรับผู้บริหาร · 10 พฤศจิกายน 2569", "ข้อมูล ณ วันที่ 10 พฤศจิกายน 2569",
                     "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง"):
        assert normal("NFKD", expected) in first, expected
    for number, page in enumerate(pages, start=1):
        assert f"หน้า {number}/{len(pages)}" in page
    flat = " ".join(text.split())
    assert normal("NFKD", "บ้านทดสอบ (64010001)") in flat
    assert normal("NFKD", "บ้านคนอื่น (64010002)") in flat
