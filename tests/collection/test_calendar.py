"""The collection calendar: every logged-in user reads it, officers plan, open and close rounds,
and anyone's calendar app can subscribe to the deadlines (.ics)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collection.models import Round, Submission
from collection.views import fold_ics_line
from students.models import StudentRecord
from tests.students.factories import StudentRecordFactory

ROLES = ["staff", "director", "outsider", "officer", "executive", "admin_user"]
OFFICE = {"officer", "admin_user"}


@pytest.fixture
def rounds(db):
    june = Round.objects.create(
        academic_year=2569, kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10), name="10 มิถุนายน 2569",
        opens_on=datetime.date(2026, 6, 1), closes_on=datetime.date(2026, 6, 30), state=Round.State.CLOSED,
    )
    november = Round.objects.create(
        academic_year=2569, kind=Round.Kind.NOVEMBER, census_day=datetime.date(2026, 11, 10),
        name="10 พฤศจิกายน 2569", opens_on=datetime.date(2026, 11, 1), closes_on=datetime.date(2026, 11, 30),
        state=Round.State.OPEN, notes="ส่งพร้อมแบบ พฐ.4; ห้ามใช้ไฟล์เก่า", collects_school_info=False,
    )
    return june, november


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the calendar page ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_calendar_in_buddhist_era(request, as_user, rounds, role):
    response = as_user(request.getfixturevalue(role)).get(reverse("collection:calendar"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "10 พฤศจิกายน 2569" in page
    assert "10 พ.ย. 2569" in page  # census day
    assert "30 พ.ย. 2569" in page  # deadline
    assert "1 มิ.ย. 2569" in page  # opening day of June
    assert "ห้ามใช้ไฟล์เก่า" in page
    assert "2026" not in page.split("<main", 1)[1]  # no Christian-era year where people read dates
    assert (reverse("collection:round_new") in page) == (role in OFFICE)
    assert (reverse("collection:round_edit", args=[rounds[1].pk]) in page) == (role in OFFICE)


def test_anonymous_visitors_are_sent_to_log_in(client, rounds):
    response = client.get(reverse("collection:calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_school_users_get_a_link_to_their_own_submission(as_user, rounds, school, other_school, staff):
    page = as_user(staff).get(reverse("collection:calendar")).content.decode()
    november = rounds[1]
    assert reverse("collection:submission", kwargs={"round_id": november.pk, "smis_code": school.smis_code}) in page
    assert other_school.smis_code not in page


def test_calendar_and_home_show_a_calendar_link(as_user, staff, rounds):
    page = as_user(staff).get(reverse("home")).content.decode()
    assert f'href="{reverse("collection:calendar")}"' in page


def test_calendar_without_rounds(as_user, staff):
    page = as_user(staff).get(reverse("collection:calendar")).content.decode()
    assert 'data-testid="no-rounds"' in page


# --- creating and editing rounds ----------------------------------------------------------------


ROUND_DATA = {
    "academic_year": "2570", "kind": "jun10", "census_day": "10/06/2570", "name": "",
    "opens_on": "01/06/2570", "closes_on": "25/06/2570", "collects_school_info": "on",
    "collects_students": "on", "notes": "รอบต้นปี",
}


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_officers_create_a_round_with_buddhist_era_dates(request, as_user, role):
    client = as_user(request.getfixturevalue(role))
    assert client.get(reverse("collection:round_new")).status_code == 200
    response = client.post(reverse("collection:round_new"), ROUND_DATA)
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.census_day == datetime.date(2027, 6, 10)
    assert round_.opens_on == datetime.date(2027, 6, 1)
    assert round_.closes_on == datetime.date(2027, 6, 25)
    assert round_.name == "10 มิถุนายน 2570"  # made from the census day when left empty
    assert round_.state == Round.State.PLANNED


@pytest.mark.parametrize("role", ["staff", "director", "outsider", "executive"])
def test_others_cannot_create_or_edit_rounds(request, as_user, rounds, role):
    client = as_user(request.getfixturevalue(role))
    november = rounds[1]
    assert client.get(reverse("collection:round_new")).status_code == 403
    assert client.post(reverse("collection:round_new"), ROUND_DATA).status_code == 403
    assert client.get(reverse("collection:round_edit", args=[november.pk])).status_code == 403
    assert client.post(reverse("collection:round_edit", args=[november.pk]), ROUND_DATA).status_code == 403
    assert client.post(reverse("collection:round_open", args=[rounds[0].pk])).status_code == 403
    assert client.post(reverse("collection:round_close", args=[november.pk])).status_code == 403
    assert Round.objects.count() == 2
    november.refresh_from_db()
    assert november.state == Round.State.OPEN


def test_officer_edits_a_round(as_user, officer, rounds):
    november = rounds[1]
    data = {**ROUND_DATA, "academic_year": "2569", "kind": "nov10", "census_day": "10/11/2569",
            "name": "10 พฤศจิกายน 2569", "opens_on": "01/11/2569", "closes_on": "05/12/2569", "notes": ""}
    response = as_user(officer).post(reverse("collection:round_edit", args=[november.pk]), data)
    assert response.status_code == 302
    november.refresh_from_db()
    assert november.closes_on == datetime.date(2026, 12, 5)
    assert november.state == Round.State.OPEN  # the form never changes the state
    assert "carry_forward" not in as_user(officer).get(
        reverse("collection:round_edit", args=[november.pk])).context["form"].fields


@pytest.mark.parametrize("change,field", [
    ({"closes_on": "31/05/2570"}, "closes_on"),  # before the opening day
    ({"census_day": "10/06/2569"}, "census_day"),  # in academic year 2569, not 2570
    ({"census_day": "10-06-70"}, "census_day"),  # not a date we can read
    ({"academic_year": "2027"}, "academic_year"),  # a Christian-era year
])
def test_round_form_refuses_what_does_not_add_up(as_user, officer, change, field):
    response = as_user(officer).post(reverse("collection:round_new"), {**ROUND_DATA, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Round.objects.exists()


def test_the_same_census_day_twice_is_refused(as_user, officer, rounds):
    data = {**ROUND_DATA, "academic_year": "2569", "kind": "nov10", "census_day": "10/11/2569",
            "opens_on": "", "closes_on": ""}
    response = as_user(officer).post(reverse("collection:round_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Round.objects.count() == 2


# --- opening and closing --------------------------------------------------------------------------


def test_officer_opens_a_round(as_user, officer, school, other_school):
    round_ = Round.objects.create(academic_year=2570, kind="jun10", census_day=datetime.date(2027, 6, 10),
                                  name="10 มิถุนายน 2570")
    response = as_user(officer).post(reverse("collection:round_open", args=[round_.pk]))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == Round.State.OPEN
    assert round_.opens_on == timezone.localdate()  # it had no opening day: now it has
    # Schools have not started until they act: the board tells "not started" by the missing row.
    assert not Submission.objects.filter(round=round_).exists()


def test_opening_with_carry_forward_copies_last_rounds_students(as_user, officer, school, rounds):
    june, november = rounds
    StudentRecordFactory.create_batch(3, school=school, round=november, grade="P3")
    new = Round.objects.create(academic_year=2569, kind="mar31", census_day=datetime.date(2027, 3, 31),
                               name="31 มีนาคม 2569")
    response = as_user(officer).post(reverse("collection:round_open", args=[new.pk]), {"carry_forward": "on"})
    assert response.status_code == 302
    assert StudentRecord.objects.filter(round=new, school=school, grade="P3").count() == 3
    assert any("3" in m for m in _messages(response))


def test_creating_with_carry_forward(as_user, officer, school, rounds):
    november = rounds[1]
    StudentRecordFactory.create_batch(2, school=school, round=november, grade="P6")
    StudentRecordFactory(school=school, round=november, grade="P1")
    data = {**ROUND_DATA, "academic_year": "2570", "census_day": "10/06/2570", "carry_forward": "on"}
    response = as_user(officer).post(reverse("collection:round_new"), data)
    assert response.status_code == 302
    new = Round.objects.get(academic_year=2570)
    # A new academic year: P1 → P2; the P6 pupils leave a K1–P6 school as graduates.
    assert list(StudentRecord.objects.filter(round=new).values_list("grade", flat=True)) == ["P2"]


def test_officer_closes_a_round(as_user, officer, rounds):
    november = rounds[1]
    assert as_user(officer).post(reverse("collection:round_close", args=[november.pk])).status_code == 302
    november.refresh_from_db()
    assert november.state == Round.State.CLOSED


@pytest.mark.parametrize("name", ["round_open", "round_close"])
def test_open_and_close_are_post_only(as_user, officer, rounds, name):
    assert as_user(officer).get(reverse(f"collection:{name}", args=[rounds[1].pk])).status_code == 405
    assert Round.objects.get(pk=rounds[1].pk).state == Round.State.OPEN


def test_unknown_round_is_404(as_user, officer):
    assert as_user(officer).get(reverse("collection:round_edit", args=[999])).status_code == 404
    assert as_user(officer).post(reverse("collection:round_open", args=[999])).status_code == 404


# --- the iCalendar feed ---------------------------------------------------------------------------


def _unfold(body):
    return body.replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize("who", [None, "staff", "officer"])
def test_ics_feed_is_valid_rfc5545(request, client, as_user, rounds, who):
    if who:
        client = as_user(request.getfixturevalue(who))
    response = client.get(reverse("collection:calendar_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only, no bare line feeds
    physical = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    for line in physical:
        line.decode("utf-8")  # folding never cuts a Thai character in two
    assert any(line.startswith(b" ") for line in physical)  # the long Thai lines were folded

    lines = _unfold(raw.decode("utf-8"))[:-1]
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 4  # two rounds × census + deadline
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    starts = {line for line in lines if line.startswith("DTSTART")}
    assert starts == {"DTSTART;VALUE=DATE:20260610", "DTSTART;VALUE=DATE:20260630",
                      "DTSTART;VALUE=DATE:20261110", "DTSTART;VALUE=DATE:20261130"}
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 4
    assert all(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in lines if line.startswith("DTSTAMP"))
    summaries = [line for line in lines if line.startswith("SUMMARY:")]
    assert any("10 พฤศจิกายน 2569" in s for s in summaries)
    # TEXT values escape RFC 5545's separators: the notes' semicolon
    assert any("พฐ.4\\; ห้ามใช้ไฟล์เก่า" in line for line in lines)
    # Each event block opens and closes in order.
    depth = 0
    for line in lines:
        if line.startswith("BEGIN:"):
            depth += 1
        elif line.startswith("END:"):
            depth -= 1
        assert depth >= 0
    assert depth == 0


def test_fold_keeps_thai_characters_whole():
    line = "SUMMARY:" + "กำหนดส่งข้อมูลนักเรียนรายบุคคล " * 6
    folded = fold_ics_line(line)
    parts = folded.encode("utf-8").split(b"\r\n")
    assert len(parts) > 1
    assert all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert fold_ics_line("VERSION:2.0") == "VERSION:2.0"
    exactly = "X" * 75
    assert fold_ics_line(exactly) == exactly
    assert fold_ics_line(exactly + "Y") == exactly + "\r\n Y"


def test_calendar_rows_show_the_countdown_of_open_rounds(as_user, staff, db):
    today = timezone.localdate()
    Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                         name="10 พฤศจิกายน 2569", state=Round.State.OPEN, closes_on=today + datetime.timedelta(days=4))
    page = as_user(staff).get(reverse("collection:calendar")).content.decode()
    assert 'data-days="4"' in page


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_calendar_queries_do_not_grow_with_the_rounds(request, as_user, school, role, django_assert_max_num_queries):
    client = as_user(request.getfixturevalue(role))
    Round.objects.create(academic_year=2560, kind="jun10", census_day=datetime.date(2017, 6, 10), name="r0")
    client.get(reverse("collection:calendar"))  # sessions and the like settle on the first request
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("collection:calendar"))
    for year in range(2561, 2571):
        Round.objects.create(academic_year=year, kind="jun10", census_day=datetime.date(year - 543, 6, 10),
                             name=f"r{year}")
    with django_assert_max_num_queries(len(one)):
        client.get(reverse("collection:calendar"))


def test_the_carry_forward_message_writes_thousands_as_people_read_them(rf, rounds):
    """A district carries 15,363 students, not 15363."""
    from django.contrib.messages import get_messages as stored
    from django.contrib.messages.storage.fallback import FallbackStorage

    from collection.carry import CarryResult
    from collection.views import _carry_message

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    _carry_message(request, CarryResult(previous=rounds[1], students=15363, graduated=1204, schools=130))
    text = " ".join(str(m) for m in stored(request))
    assert "15,363" in text and "1,204" in text and "130" in text
