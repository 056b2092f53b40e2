"""The nearest schools on a school's page are other schools' data: the office sees them, the
school's own staff and director see only their own school."""

import pytest
from django.urls import reverse

from tests.factories import SchoolFactory


@pytest.fixture
def neighbour(school):
    school.latitude, school.longitude = "17.000000", "99.800000"
    school.save()
    return SchoolFactory(smis_code="64019901", obec_code="1064019901", name="บ้านเพื่อนบ้าน",
                         latitude="17.010000", longitude="99.800000")


def page_of(client, school):
    return client.get(reverse("schools:detail", args=[school.smis_code])).content.decode()


@pytest.mark.parametrize("role", ["staff", "director"])
def test_school_users_see_no_other_school_on_their_page(request, as_user, school, neighbour, role):
    page = page_of(as_user(request.getfixturevalue(role)), school)
    assert "บ้านทดสอบ" in page  # their own school is there
    assert "บ้านเพื่อนบ้าน" not in page and "64019901" not in page
    assert 'data-testid="nearby-schools"' not in page
    assert 'data-testid="enrolment-trend"' in page


@pytest.mark.parametrize("role", ["officer", "executive", "admin_user"])
def test_the_office_sees_the_nearest_schools(request, as_user, school, neighbour, role):
    page = page_of(as_user(request.getfixturevalue(role)), school)
    assert 'data-testid="nearby-schools"' in page
    assert "บ้านเพื่อนบ้าน" in page and "64019901" in page and "1.1" in page
    assert f'href="/schools/{neighbour.smis_code}/"' in page
