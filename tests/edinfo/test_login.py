"""Logging in: the real form, throttling after repeated failures, password rules."""

import pytest
from django.urls import reverse

from edinfo.models import User


@pytest.fixture
def person(db):
    user = User.objects.create_user("somchai", password="a-Long-enough-pass-2569")
    return user


def test_login_with_the_form_lands_on_home(client, person):
    response = client.post(reverse("login"), {"username": "somchai", "password": "a-Long-enough-pass-2569"})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_is_refused_and_says_so(client, person):
    response = client.post(reverse("login"), {"username": "somchai", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_five_failures_lock_the_account_even_with_the_right_password(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        client.post(reverse("login"), {"username": "somchai", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "somchai", "password": "a-Long-enough-pass-2569"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_password_change_applies_the_password_validators(as_user, person):
    client = as_user(person)
    response = client.post(
        reverse("password_change"),
        {"old_password": "a-Long-enough-pass-2569", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["new_password2"]
    assert len(errors) >= 2  # too short, too common, entirely numeric
    person.refresh_from_db()
    assert person.check_password("a-Long-enough-pass-2569")


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(reverse("schools:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_health_check_is_public(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
