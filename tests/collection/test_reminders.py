"""Reminders: who is told (staff until they confirm, the director until certified), before the
deadline and when overdue, never twice in a day, and the cron command."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from collection.models import Reminder, Round, Submission
from collection.reminders import send_reminders
from schools.models import Membership
from tests.factories import UserFactory
from tests.students.factories import StudentRecordFactory

S = Submission.Status
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def round_(db):
    return Round.objects.create(
        academic_year=2569, kind=Round.Kind.NOVEMBER, census_day=datetime.date(2026, 11, 10),
        name="10 พฤศจิกายน 2569", state=Round.State.OPEN, opens_on=datetime.date(2026, 11, 1),
        closes_on=datetime.date(2026, 11, 25),
    )


@pytest.fixture
def people(school, staff, director):
    """Staff and director with e-mail addresses, and a second staff member without one."""
    staff.email = "kru@school.ac.th"
    staff.save()
    director.email = "director@school.ac.th"
    director.save()
    silent = UserFactory(username="no_email", email="")
    Membership.objects.create(user=silent, school=school, role=Membership.Role.STAFF)
    return staff, director


def addresses():
    return sorted(address for message in mail.outbox for address in message.to)


def test_before_the_deadline_staff_and_director_are_reminded(round_, school, people):
    sent = send_reminders(round=round_, today=TODAY)  # two days before the deadline
    assert [r.kind for r in sent] == [Reminder.Kind.BEFORE_DEADLINE]
    assert addresses() == ["director@school.ac.th", "kru@school.ac.th"]
    reminder = Reminder.objects.get()
    assert reminder.sent_on == TODAY
    assert reminder.submission.school == school
    assert "kru@school.ac.th" in reminder.recipients
    message = mail.outbox[0]
    assert school.full_name in message.subject
    assert "25 พฤศจิกายน 2569" in message.subject  # the deadline in the Buddhist era
    assert "10 พฤศจิกายน 2569" in message.body
    assert f"/collection/{round_.pk}/{school.smis_code}/" in message.body


def test_not_twice_in_a_day(round_, school, people):
    assert len(send_reminders(round=round_, today=TODAY)) == 1
    assert send_reminders(round=round_, today=TODAY) == []
    assert len(mail.outbox) == 2
    # The next day is another day.
    assert len(send_reminders(round=round_, today=TODAY + datetime.timedelta(days=1))) == 1
    assert Reminder.objects.count() == 2


def test_too_early_nobody_is_reminded(round_, school, people):
    assert send_reminders(round=round_, today=datetime.date(2026, 11, 20)) == []  # five days before
    assert send_reminders(round=round_, today=datetime.date(2026, 11, 20), days_before=5) != []


def test_overdue_is_its_own_kind(round_, school, people):
    send_reminders(round=round_, today=TODAY)
    sent = send_reminders(round=round_, today=datetime.date(2026, 11, 27))
    assert [r.kind for r in sent] == [Reminder.Kind.OVERDUE]
    assert mail.outbox[-1].subject != mail.outbox[0].subject
    assert send_reminders(round=round_, today=datetime.date(2026, 11, 27)) == []


def test_on_the_deadline_day_it_is_still_before(round_, school, people):
    (reminder,) = send_reminders(round=round_, today=datetime.date(2026, 11, 25))
    assert reminder.kind == Reminder.Kind.BEFORE_DEADLINE


@pytest.mark.parametrize("status,expected", [
    (S.DRAFT, ["director@school.ac.th", "kru@school.ac.th"]),
    (S.RETURNED, ["director@school.ac.th", "kru@school.ac.th"]),
    (S.CONFIRMED, ["director@school.ac.th"]),  # staff are done; the director has to certify
    (S.CERTIFIED, []),
    (S.ACKNOWLEDGED, []),
])
def test_who_is_reminded_depends_on_the_state(round_, school, people, status, expected):
    Submission.objects.create(round=round_, school=school, status=status)
    send_reminders(round=round_, today=TODAY)
    assert addresses() == expected
    assert Reminder.objects.count() == (1 if expected else 0)


def test_other_schools_people_are_not_told(round_, school, other_school, people, outsider):
    outsider.email = "other@school.ac.th"
    outsider.save()
    Submission.objects.create(round=round_, school=other_school, status=S.CERTIFIED)
    send_reminders(round=round_, today=TODAY)
    assert "other@school.ac.th" not in addresses()


def test_what_is_missing_is_in_the_message(round_, school, people):
    StudentRecordFactory(round=round_, school=school)
    Submission.objects.create(round=round_, school=school, error_count=4, record_count=1)
    send_reminders(round=round_, today=TODAY)
    staff_message = next(m for m in mail.outbox if m.to == ["kru@school.ac.th"])
    assert "4" in staff_message.body
    director_message = next(m for m in mail.outbox if m.to == ["director@school.ac.th"])
    assert director_message.body != staff_message.body


def test_a_closed_or_planned_round_sends_nothing_by_itself(round_, school, people):
    for state in (Round.State.PLANNED, Round.State.CLOSED):
        round_.state = state
        round_.save()
        assert send_reminders(round=round_, today=TODAY) == []
    assert mail.outbox == []


def test_the_board_reminds_chosen_schools_whenever_but_once_a_day(round_, school, other_school, people, officer):
    early = datetime.date(2026, 11, 5)
    submission = Submission.objects.create(round=round_, school=school)
    Submission.objects.create(round=round_, school=other_school)
    sent = send_reminders(round=round_, submissions=[submission], user=officer, today=early)
    assert [r.submission for r in sent] == [submission]
    assert sent[0].sent_by == officer
    assert sent[0].kind == Reminder.Kind.BEFORE_DEADLINE
    assert send_reminders(round=round_, submissions=[submission], user=officer, today=early) == []
    assert len(mail.outbox) == 2


def test_a_failed_send_leaves_no_trace_so_the_next_run_tries_again(round_, school, people, monkeypatch):
    from django.core.mail.backends import locmem

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    assert send_reminders(round=round_, today=TODAY) == []
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    assert len(send_reminders(round=round_, today=TODAY)) == 1


def test_a_school_that_has_not_started_is_reminded_too(round_, school, other_school, people):
    send_reminders(round=round_, today=TODAY)
    # The fixture school has people with addresses: it gets its draft and its reminder. Nobody at
    # the other school could be told, so it keeps "not started" (no submission) on the board.
    assert [s.school for s in Submission.objects.filter(round=round_)] == [school]


def test_command_reminds_every_open_round(round_, school, people, capsys, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    Round.objects.create(academic_year=2569, kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10),
                         name="10 มิถุนายน 2569", state=Round.State.CLOSED, closes_on=datetime.date(2026, 6, 30))
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "10 พฤศจิกายน 2569: ส่งการแจ้งเตือน 1 โรงเรียน" in out
    assert "มิถุนายน" not in out
    assert len(mail.outbox) == 2
    call_command("send_reminders", "--round", str(round_.pk), "--days-before", "3")
    assert "ส่งการแจ้งเตือน 0 โรงเรียน" in capsys.readouterr().out
    assert len(mail.outbox) == 2


def test_command_finds_a_round_by_code_and_refuses_unknown_ones(round_, school, people):
    from django.core.management.base import CommandError

    call_command("send_reminders", "--round", "2569-nov10")
    with pytest.raises(CommandError):
        call_command("send_reminders", "--round", "2500-nov10")
