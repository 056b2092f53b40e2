"""Publishing: officers only, certified data only, a snapshot the public sees unchanged."""

import pytest
from django.urls import reverse

from collection.models import Round
from reports.models import Publication
from students.models import StudentRecord
from tests.students.factories import RoundFactory

from .fixtures import build_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def nov(school, other_school):
    return build_district(school, other_school)


def publish_url(round_):
    return reverse("summary:publish") + f"?round={round_.pk}"


def test_nothing_is_public_before_publishing_and_it_is_after(client, as_user, officer, nov):
    public = reverse("public:round", args=[nov.pk])
    assert client.get(public).status_code == 404
    assert client.get(reverse("public:csv", args=[nov.pk])).status_code == 404
    assert client.get(reverse("public:json", args=[nov.pk])).status_code == 404
    assert nov.name not in client.get(reverse("public:index")).content.decode()

    response = as_user(officer).post(reverse("summary:publish"), {"round": nov.pk, "note": "รอบแรก"}, follow=True)
    assert "เผยแพร่ตัวเลขของรอบนี้แล้ว" in response.content.decode()
    publication = Publication.objects.get()
    assert publication.published_by == officer and publication.note == "รอบแรก" and publication.is_live

    client.logout()
    assert client.get(public).status_code == 200
    assert nov.name in client.get(reverse("public:index")).content.decode()


@pytest.mark.parametrize("role", ["executive", "staff", "director"])
def test_only_officers_publish(request, as_user, nov, role):
    user = request.getfixturevalue(role)
    assert as_user(user).post(reverse("summary:publish"), {"round": nov.pk}).status_code == 403
    assert as_user(user).get(publish_url(nov)).status_code == 403
    assert not Publication.objects.exists()


def test_a_round_without_certified_data_is_refused_with_a_message(as_user, officer, nov):
    empty = RoundFactory(kind=Round.Kind.MARCH, census_day="2027-03-31", name="31 มีนาคม 2569")
    page = as_user(officer).get(publish_url(empty)).content.decode()
    assert "ยังไม่มีข้อมูลที่โรงเรียนรับรองแล้ว" in page and 'data-testid="publish"' not in page
    response = as_user(officer).post(reverse("summary:publish"), {"round": empty.pk}, follow=True)
    assert "ยังไม่มีข้อมูลที่โรงเรียนรับรองแล้ว จึงยังเผยแพร่ไม่ได้" in response.content.decode()
    assert not Publication.objects.exists()


def test_published_figures_do_not_follow_later_edits(client, as_user, officer, nov, school):
    as_user(officer).post(reverse("summary:publish"), {"round": nov.pk})
    before = client.get(reverse("public:json", args=[nov.pk])).json()
    assert before["totals"]["total"] == 13
    # A correction after publishing (e.g. after a reopen): the live figures change, the public ones do not.
    record = StudentRecord.objects.filter(round=nov, school=school, grade="P1").first()
    record.grade = "P3"
    record.save()
    StudentRecord.objects.filter(round=nov, school=school, grade="P2").update(status="moved_out")
    client.logout()
    after = client.get(reverse("public:json", args=[nov.pk])).json()
    assert after == before
    page = client.get(reverse("public:round", args=[nov.pk])).content.decode()
    assert "ตัวเลขเผยแพร่เมื่อ" in page and ">13<" in page


def test_republishing_keeps_the_history_and_withdrawing_hides_the_round(client, as_user, officer, nov):
    officer_client = as_user(officer)
    officer_client.post(reverse("summary:publish"), {"round": nov.pk})
    officer_client.post(reverse("summary:publish"), {"round": nov.pk})
    assert Publication.objects.count() == 2 and Publication.objects.live().count() == 1
    officer_client.post(reverse("summary:publish"), {"round": nov.pk, "action": "withdraw"})
    assert Publication.objects.count() == 2 and not Publication.objects.live().exists()
    history = officer_client.get(publish_url(nov)).content.decode()
    assert 'value="withdraw"' not in history and "ยังไม่เคยเผยแพร่" not in history
    client.logout()
    assert client.get(reverse("public:round", args=[nov.pk])).status_code == 404


def test_the_summary_says_when_figures_were_published(as_user, officer, executive, nov):
    as_user(officer).post(reverse("summary:publish"), {"round": nov.pk})
    body = as_user(executive).get(reverse("summary:page"), {"round": nov.pk}).content.decode()
    assert "ตัวเลขเผยแพร่เมื่อ" in body


def test_provincial_workbook_reads_back(as_user, officer, executive, nov):
    from io import BytesIO

    from openpyxl import load_workbook

    url = reverse("summary:provincial") + f"?round={nov.pk}"
    assert as_user(executive).get(url).status_code == 403
    response = as_user(officer).get(url)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["อำเภอ", "ตำบล"]
    amphoe = [list(row) for row in book["อำเภอ"].iter_rows(values_only=True)]
    assert amphoe[0][0].startswith("ฐานข้อมูลกลางจังหวัด") and "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง" in amphoe[1][0]
    assert amphoe[2][3:13:3] == ["อนุบาล", "ประถมศึกษา", "มัธยมศึกษาตอนต้น", "รวมทั้งสิ้น"]
    assert amphoe[3][:6] == ["รหัสอำเภอ", "อำเภอ", "จำนวนโรงเรียน", "ชาย", "หญิง", "รวม"]
    # Both certified schools are in 6401 เมืองสุโขทัย: K 0+7, P 4+2, no M; total 4 boys, 9 girls.
    assert amphoe[4] == ["6401", "เมืองสุโขทัย", 2, 0, 7, 7, 4, 2, 6, 0, 0, 0, 4, 9, 13]
    assert len(amphoe) == 5
    tambon = [list(row) for row in book["ตำบล"].iter_rows(values_only=True)]
    assert tambon[4] == ["เมืองสุโขทัย", "640101", "ธานี", 2, 0, 7, 7, 4, 2, 6, 0, 0, 0, 4, 9, 13]


def test_publish_page_asks_for_confirmation(as_user, officer, nov):
    page = as_user(officer).get(publish_url(nov)).content.decode()
    assert "onsubmit=\"return confirm(" in page and 'data-testid="publish"' in page
    assert as_user(officer).get(reverse("summary:page"), {"round": nov.pk}).content.decode().count("publish-link") == 1
