"""One home address, a page per role: school users see their school, the office the district."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertTemplateUsed

from schools.models import Membership
from tests.factories import SchoolFactory, UserFactory


@pytest.fixture
def named_staff(school):
    """Staff with a name no other fixture user has, to look for it on pages."""
    user = UserFactory(username="kru_somying", first_name="สมหญิง", last_name="ขยันดี")
    Membership.objects.create(user=user, school=school, role=Membership.Role.STAFF)
    return user


@pytest.mark.parametrize("role", ["staff", "director"])
def test_school_users_see_only_their_school(request, as_user, school, other_school, role):
    user = request.getfixturevalue(role)
    response = as_user(user).get(reverse("home"))
    assertTemplateUsed(response, "edinfo/home_school.html")
    page = response.content.decode()
    assert [card["school"] for card in response.context["cards"]] == [school]
    assert "โรงเรียนบ้านทดสอบ" in page
    assert other_school.name not in page
    assert other_school.smis_code not in page
    assert reverse("schools:detail", args=[school.smis_code]) in page


def test_card_shows_the_users_role_at_the_school(as_user, school, staff, director):
    assert as_user(staff).get(reverse("home")).context["cards"][0]["role"] == "staff"
    assert as_user(director).get(reverse("home")).context["cards"][0]["role"] == "director"


def test_school_todo_lists_what_is_missing(as_user, school, staff):
    school.phone = ""
    school.email = "info@school.ac.th"
    school.latitude = school.longitude = None
    school.save()
    response = as_user(staff).get(reverse("home"))
    todo = response.context["cards"][0]["todo"]
    assert len(todo) == 3  # location, telephone, director's name; email and levels are there
    # The location item leads straight to the map picker.
    assert f'href="{reverse("schools:location", kwargs={"smis_code": school.smis_code})}"' in response.content.decode()
    school.phone = "055-611111"
    school.latitude, school.longitude = "17.01", "99.82"
    school.director_name = "ประเสริฐ ใจดี"
    school.save()
    assert as_user(staff).get(reverse("home")).context["cards"][0]["todo"] == []


def test_staff_of_two_schools_sees_both_cards(as_user, school, other_school, staff):
    Membership.objects.create(user=staff, school=other_school, role=Membership.Role.DIRECTOR)
    page = as_user(staff).get(reverse("home")).content.decode()
    assert "โรงเรียนบ้านทดสอบ" in page
    assert "โรงเรียนบ้านคนอื่น" in page


def test_user_without_a_school_sees_no_school(as_user, school, db):
    loner = UserFactory(username="loner")
    response = as_user(loner).get(reverse("home"))
    assertTemplateUsed(response, "edinfo/home_school.html")
    assert response.context["cards"] == []
    assert school.name not in response.content.decode()


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_office_sees_the_district_overview(request, as_user, school, other_school, role):
    SchoolFactory(name="บ้านปิดแล้ว", is_open=False, latitude=None, longitude=None)
    response = as_user(request.getfixturevalue(role)).get(reverse("home"))
    assertTemplateUsed(response, "edinfo/home_officer.html")
    overview = response.context["overview"]
    assert overview["total"] == 2
    assert overview["closed"] == 1
    assert overview["students"] == 200
    page = response.content.decode()
    assert 'data-testid="stat-schools">2<' in page
    assert 'data-testid="stat-students">200<' in page
    assert reverse("schools:list") in page


def test_executive_sees_aggregates_without_people(as_user, school, other_school, named_staff, executive):
    school.director_name = "ประเสริฐ ใจดี"
    school.save()
    response = as_user(executive).get(reverse("home"))
    assertTemplateUsed(response, "edinfo/home_executive.html")
    page = response.content.decode()
    assert 'data-testid="stat-schools">2<' in page
    for personal in ("สมหญิง", "ขยันดี", "kru_somying", "ประเสริฐ ใจดี"):
        assert personal not in page


def test_a_school_returned_in_a_closed_round_is_told_on_its_home(as_user, staff, school):
    # The office reopened the school's June data after June closed; November is the current round.
    import datetime

    from collection.models import Round, Submission

    june = Round.objects.create(academic_year=2569, kind="jun10", census_day=datetime.date(2026, 6, 10),
                                name="10 มิถุนายน 2569", state=Round.State.CLOSED)
    Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                         name="10 พฤศจิกายน 2569", state=Round.State.OPEN, closes_on=datetime.date(2026, 11, 30))
    Submission.objects.create(round=june, school=school, status=Submission.Status.RETURNED)
    html = as_user(staff).get("/").content.decode()
    assert 'data-testid="returned-elsewhere"' in html
    assert "10 มิถุนายน 2569" in html and f"/collection/{june.pk}/{school.smis_code}/" in html


def test_only_staff_get_a_link_to_set_the_location(as_user, school, staff, director):
    """The director's picker is read-only: the director's to-do names the item without a link."""
    school.latitude = school.longitude = None
    school.save()
    link = f'href="{reverse("schools:location", kwargs={"smis_code": school.smis_code})}"'
    response = as_user(staff).get(reverse("home"))
    assert link in response.content.decode()
    item = str(response.context["cards"][0]["todo"][0])
    response = as_user(director).get(reverse("home"))
    page = response.content.decode()
    assert link not in page
    assert item in page  # still said, as something the school's staff have to do
    assert response.context["cards"][0]["todo"][0].url == ""
