"""The access module: who holds which role, and the one helper that answers 404 or 403."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from edinfo import access
from schools.models import Membership, School
from tests.factories import UserFactory


def test_roles_of_each_standing_user(staff, director, outsider, officer, executive, admin_user):
    assert access.roles_of(AnonymousUser()) == set()
    assert access.roles_of(staff) == {access.STAFF}
    assert access.roles_of(director) == {access.DIRECTOR}
    assert access.roles_of(outsider) == {access.STAFF}
    assert access.roles_of(officer) == {access.OFFICER}
    assert access.roles_of(executive) == {access.EXECUTIVE}
    # An administrator can do everything a planning officer can.
    assert access.roles_of(admin_user) == {access.ADMIN, access.OFFICER}


def test_superuser_without_office_role_is_an_admin(db):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert access.roles_of(root) == {access.ADMIN, access.OFFICER}


def test_school_roles_apply_only_at_that_school(school, other_school, staff, outsider, officer):
    assert access.school_roles_of(staff, school) == {access.STAFF}
    assert access.school_roles_of(staff, other_school) == set()
    assert access.school_roles_of(outsider, school) == set()
    # Office roles hold at every school.
    assert access.school_roles_of(officer, school) == {access.OFFICER}


def test_a_user_can_be_staff_here_and_director_there(school, other_school, staff):
    Membership.objects.create(user=staff, school=other_school, role=Membership.Role.DIRECTOR)
    assert access.roles_of(staff) == {access.STAFF, access.DIRECTOR}
    assert access.school_roles_of(staff, school) == {access.STAFF}
    assert access.school_roles_of(staff, other_school) == {access.DIRECTOR}


def test_get_school_for_gives_own_school(school, staff):
    assert access.get_school_for(staff, School.objects, smis_code=school.smis_code) == school


def test_get_school_for_hides_other_schools_as_404(school, outsider):
    with pytest.raises(Http404):
        access.get_school_for(outsider, School.objects, smis_code=school.smis_code)


def test_get_school_for_unknown_code_is_404(school, officer):
    with pytest.raises(Http404):
        access.get_school_for(officer, School.objects, smis_code="99999999")


def test_get_school_for_anonymous_is_404(school):
    with pytest.raises(Http404):
        access.get_school_for(AnonymousUser(), School.objects, smis_code=school.smis_code)


@pytest.mark.parametrize("user", ["staff", "director", "executive"])
def test_get_school_for_role_too_low_is_403(request, school, user):
    user = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        access.get_school_for(user, School.objects, roles=access.OFFICE_ROLES, smis_code=school.smis_code)


@pytest.mark.parametrize("user", ["officer", "admin_user"])
def test_get_school_for_office_roles_pass_office_check(request, school, user):
    user = request.getfixturevalue(user)
    school_found = access.get_school_for(user, School.objects, roles=access.OFFICE_ROLES, smis_code=school.smis_code)
    assert school_found == school


def test_director_only_check_refuses_staff_of_same_school(school, staff, director):
    code = school.smis_code
    assert access.get_school_for(director, School.objects, roles=[access.DIRECTOR], smis_code=code) == school
    with pytest.raises(PermissionDenied):
        access.get_school_for(staff, School.objects, roles=[access.DIRECTOR], smis_code=code)


def _plain_view(request):
    return HttpResponse("ok")


def test_decorators_record_their_rule():
    assert access.public(_plain_view).access_rule == "public"
    assert access.any_role(lambda r: None).access_rule == "any"
    assert access.school_view(lambda r: None).access_rule == "school"
    assert access.require_roles(access.OFFICER)(_plain_view).access_rule == ("roles", (access.OFFICER,))


def test_public_opts_out_of_the_login_requirement():
    view = access.public(lambda r: None)
    assert view.login_required is False


def test_require_roles_refuses_others_and_lets_holders_through(staff, officer):
    view = access.require_roles(access.OFFICER, access.ADMIN)(_plain_view)
    request = RequestFactory().get("/")
    request.user = officer
    assert view(request).content == b"ok"
    request.user = staff
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        view(request)
