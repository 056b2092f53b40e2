"""`manage.py loaddemo`: the demo district and its logins, the same every time for a seed."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from collection.models import Round, Submission, SubmissionEvent
from edinfo import demo, demo_rounds
from edinfo.models import User
from edinfo.thai import format_date
from schools.models import Membership, School

PASSWORD = "sukhothai-demo-2569"


def loaddemo(seed=1, password=PASSWORD):
    out = StringIO()
    call_command("loaddemo", password=password, seed=seed, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "schools": School.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "names": dict(School.objects.values_list("smis_code", "name")),
    }


@pytest.mark.django_db
def test_loaddemo_builds_the_district_the_same_each_time():
    output = loaddemo()
    first = snapshot()
    assert first["schools"] == 130
    assert first["users"] == 3 + 2 * 130
    assert first["memberships"] == 2 * 130
    assert School.objects.filter(is_open=False).count() == 1
    assert PASSWORD in output
    assert "staff64010001" in output

    admin, officer, executive = (User.objects.get(username=n) for n in ("admin", "officer", "executive"))
    assert admin.is_admin and admin.is_superuser and admin.is_staff
    assert officer.is_officer and not officer.is_admin and not officer.is_staff
    assert executive.is_executive and not executive.is_officer
    assert admin.check_password(PASSWORD) and officer.check_password(PASSWORD)

    for school in School.objects.prefetch_related("memberships__user"):
        roles = sorted((m.role, m.user.username) for m in school.memberships.all())
        assert roles == [("director", f"director{school.smis_code}"), ("staff", f"staff{school.smis_code}")]
    staff = User.objects.get(username="staff64010001")
    assert staff.check_password(PASSWORD)
    assert not staff.office_role and not staff.is_staff

    # The open round is due a few days from today, the closed round lies in the past, and no step
    # of any school's thread happened in the future: the board shows a countdown, not 86 overdue schools.
    today = timezone.localdate()
    nov = Round.objects.get(kind=Round.Kind.NOVEMBER)
    june = Round.objects.get(kind=Round.Kind.JUNE)
    assert nov.state == Round.State.OPEN and nov.closes_on == today + datetime.timedelta(days=5)
    assert nov.opens_on < today and format_date(nov.closes_on) in nov.notes
    assert june.state == Round.State.CLOSED and june.closes_on < today
    assert not SubmissionEvent.objects.filter(at__gt=timezone.now()).exists()
    assert set(Submission.objects.filter(round=nov).values_list("status", flat=True)) >= {
        "draft", "confirmed", "certified", "acknowledged", "returned"}

    # Run again with the same seed: nothing is added, and every school keeps its name.
    loaddemo()
    assert snapshot() == first

    # The seed is what decides the names: another seed gives another district.
    demo.build_district(seed=2)
    assert snapshot()["names"] != first["names"]


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["123", "password123", "12345678901"])
def test_weak_password_is_refused_and_nothing_is_made(weak):
    with pytest.raises(CommandError):
        loaddemo(password=weak)
    assert not School.objects.exists()
    assert not User.objects.exists()


@pytest.mark.parametrize(("today", "opens", "closes"), [
    # The day this demo was written: open since its usual day, 26 Oct, due 8 Dec.
    (datetime.date(2026, 12, 3), datetime.date(2026, 10, 26), datetime.date(2026, 12, 8)),
    # Built early: it opened 26 days before, so the schools' threads (3–18 days after the opening)
    # all lie in the past, and it is due in five days.
    (datetime.date(2026, 11, 10), datetime.date(2026, 10, 15), datetime.date(2026, 11, 15)),
    # Built months later: still open and due in five days, never overdue from the start.
    (datetime.date(2027, 4, 1), datetime.date(2026, 10, 26), datetime.date(2027, 4, 6)),
])
def test_the_open_demo_round_is_due_a_few_days_after_the_day_it_is_built(today, opens, closes):
    assert demo_rounds.november_dates(today) == (opens, closes)
