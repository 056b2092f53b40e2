"""The small pages around the portal: the load balancer's health check and logging out."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_answers_without_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_logout_is_post_only(as_user, staff):
    client = as_user(staff)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200  # still logged in


def test_logout_ends_the_session(as_user, staff):
    client = as_user(staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_logged_in_user_opening_login_goes_home(as_user, officer):
    response = as_user(officer).get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
