import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_is_thai(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "lang=\"th\"" in response.content.decode()


def test_home_routes_by_role(as_user, staff, officer, executive):
    assert as_user(staff).get(reverse("home")).templates[0].name == "edinfo/home_school.html"
    assert as_user(officer).get(reverse("home")).templates[0].name == "edinfo/home_officer.html"
    assert as_user(executive).get(reverse("home")).templates[0].name == "edinfo/home_executive.html"
