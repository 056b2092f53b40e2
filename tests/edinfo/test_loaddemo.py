"""`manage.py loaddemo`: the demo district and its logins, the same every time for a seed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from edinfo import demo
from edinfo.models import User
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
