"""Words that agree with the facts: a round's state never reads like a school's (เปิดทำการ/ปิดทำการ),
and the heading over a school's checklist says where it stands against the deadline today."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collection.models import Round, Submission
from tests.factories import SchoolFactory
from tests.students.factories import RoundFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

SCHOOL_WORDS = ("เปิดทำการ", "ปิดทำการ")


@pytest.fixture
def rounds():
    today = timezone.localdate()
    return {
        "planned": RoundFactory(kind=Round.Kind.MARCH, census_day=datetime.date(2027, 3, 31), name="31 มีนาคม 2569",
                                state=Round.State.PLANNED),
        "open": RoundFactory(state=Round.State.OPEN, closes_on=today + datetime.timedelta(days=5)),
        "closed": RoundFactory(kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10), name="10 มิถุนายน 2569",
                               state=Round.State.CLOSED),
    }


def states_on_calendar(body):
    return [part.split("<", 1)[0] for part in body.split('data-testid="round-state">')[1:]]


def test_the_calendar_names_each_rounds_state_in_a_rounds_words(as_user, officer, rounds):
    body = as_user(officer).get(reverse("collection:calendar")).content.decode()
    # Newest census day first: 31 March 2570, 10 November, 10 June.
    assert states_on_calendar(body) == ["ยังไม่เปิดรับข้อมูล", "เปิดรับข้อมูล", "ปิดรับข้อมูลแล้ว"]
    assert not any(word in body for word in SCHOOL_WORDS)


def test_the_board_and_the_home_pages_say_the_round_is_open_for_data(as_user, officer, staff, school, rounds):
    client = as_user(officer)
    board = client.get(reverse("collection:board", args=[rounds["open"].pk])).content.decode()
    assert "เปิดรับข้อมูล" in board.split('data-testid="round-line">', 1)[1].split("</div>", 1)[0]
    home = client.get("/").content.decode()
    assert 'data-testid="round-state">เปิดรับข้อมูล<' in home
    # The home page also counts open and closed *schools*: those keep the school's words.
    assert "โรงเรียนที่เปิดทำการ" in home
    school_home = as_user(staff).get("/").content.decode()
    assert 'data-testid="round-state">(เปิดรับข้อมูล)<' in school_home


@pytest.mark.ignore_template_errors  # Django's own admin templates use optional variables
def test_the_admin_lists_rounds_in_a_rounds_words(client, admin_user, rounds):
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get(reverse("admin:collection_round_changelist")).content.decode()
    for word in ("ยังไม่เปิดรับข้อมูล", "เปิดรับข้อมูล", "ปิดรับข้อมูลแล้ว"):
        assert word in body
    assert not any(word in body for word in SCHOOL_WORDS)


def test_a_closed_school_keeps_the_schools_word(as_user, officer, school):
    SchoolFactory(smis_code="64010099", obec_code="1064010099", name="บ้านเลิก", is_open=False)
    body = as_user(officer).get(reverse("schools:list")).content.decode()
    assert "ปิดทำการ" in body


# --- the checklist heading ----------------------------------------------------------------------


def headings(client, round_, school):
    home = client.get("/").content.decode()
    page = client.get(reverse("collection:submission", args=[round_.pk, school.smis_code])).content.decode()
    on_home = home.split('data-testid="collection-next">', 1)[1].split("<", 1)[0]
    on_page = page.split('data-testid="checklist-heading">', 1)[1].split("<", 1)[0]
    return on_home, on_page


@pytest.mark.parametrize("days, expected", [
    (3, "สิ่งที่ยังต้องทำก่อนถึงกำหนดส่ง"),
    (0, "สิ่งที่ยังต้องทำ: วันนี้เป็นวันกำหนดส่ง"),
    (-4, "สิ่งที่ยังต้องทำ: เลยกำหนดส่งมาแล้ว 4 วัน"),
])
def test_the_heading_follows_the_deadline_on_both_pages(as_user, staff, school, days, expected):
    round_ = RoundFactory(state=Round.State.OPEN, closes_on=timezone.localdate() + datetime.timedelta(days=days))
    SubmissionFactory(round=round_, school=school)
    on_home, on_page = headings(as_user(staff), round_, school)
    assert on_home == expected
    assert on_page == expected
    if days < 0:
        assert "ก่อนถึงกำหนดส่ง" not in on_home + on_page


@pytest.mark.parametrize("status, expected", [
    (Submission.Status.CERTIFIED, "เสร็จแล้ว: ผู้อำนวยการโรงเรียนรับรองข้อมูลแล้ว"),
    (Submission.Status.ACKNOWLEDGED, "เสร็จแล้ว: สำนักงานเขตรับทราบข้อมูลแล้ว"),
])
def test_done_says_done_even_after_the_deadline(as_user, staff, school, status, expected):
    round_ = RoundFactory(state=Round.State.OPEN, closes_on=timezone.localdate() - datetime.timedelta(days=2))
    SubmissionFactory(round=round_, school=school, status=status)
    _on_home, on_page = headings(as_user(staff), round_, school)
    assert on_page == expected


def test_a_round_not_open_yet_and_a_closed_round(as_user, staff, school):
    client = as_user(staff)
    planned = RoundFactory(state=Round.State.PLANNED, opens_on=datetime.date(2026, 10, 26),
                           closes_on=datetime.date(2026, 11, 30))
    page = client.get(reverse("collection:submission", args=[planned.pk, school.smis_code])).content.decode()
    assert ('data-testid="checklist-heading">รอบนี้ยังไม่เปิดรับข้อมูล (เปิดวันที่ 26 ต.ค. 2569): '
            "สิ่งที่ต้องทำเมื่อเปิดรับข้อมูลแล้ว<") in page
    planned.state = Round.State.CLOSED
    planned.save()
    page = client.get(reverse("collection:submission", args=[planned.pk, school.smis_code])).content.decode()
    assert ('data-testid="checklist-heading">รอบนี้ปิดรับข้อมูลแล้ว: '
            "ส่งข้อมูลเพิ่มไม่ได้ เว้นแต่สำนักงานเขตเปิดให้โรงเรียนแก้ไข<") in page
