"""Standing fixtures: one user per role, a school of theirs and an outsider's school."""

import pytest
from django.conf import settings

from edinfo.models import User
from schools.models import Membership

from .factories import SchoolFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school(db):
    return SchoolFactory(smis_code="64010001", obec_code="1064010001", name="บ้านทดสอบ")


@pytest.fixture
def other_school(db):
    return SchoolFactory(smis_code="64010002", obec_code="1064010002", name="บ้านคนอื่น")


def _member(school, role, username):
    user = UserFactory(username=username)
    Membership.objects.create(user=user, school=school, role=role)
    return user


@pytest.fixture
def staff(school):
    return _member(school, Membership.Role.STAFF, "staff1")


@pytest.fixture
def director(school):
    return _member(school, Membership.Role.DIRECTOR, "director1")


@pytest.fixture
def outsider(other_school):
    """Staff of another school: must never see the fixture school."""
    return _member(other_school, Membership.Role.STAFF, "outsider1")


@pytest.fixture
def officer(db):
    return UserFactory(username="officer1", office_role=User.OfficeRole.OFFICER)


@pytest.fixture
def executive(db):
    return UserFactory(username="executive1", office_role=User.OfficeRole.EXECUTIVE)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin1", office_role=User.OfficeRole.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def as_user(client):
    """Log the test client in as a user: as_user(staff).get(url)."""

    def login(user):
        client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])
        return client

    return login
