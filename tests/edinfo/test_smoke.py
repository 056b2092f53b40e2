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


def test_a_refused_page_explains_itself_in_thai_with_the_menu(as_user, executive, school):
    # An executive who follows an old link to a school's edit page gets a page in the portal's
    # own layout, in Thai, with a way home — not a bare "403 Forbidden".
    response = as_user(executive).get(reverse("schools:edit", args=[school.smis_code]))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-403"' in html and 'lang="th"' in html and reverse("home") in html


def test_a_missing_page_is_404_in_the_portal_layout(as_user, staff):
    response = as_user(staff).get("/schools/99999999/")
    assert response.status_code == 404
    assert 'data-testid="error-404"' in response.content.decode()


def test_pages_name_an_icon_that_exists(as_user, officer):
    """Browsers ask for an icon on every page; a missing one is a 404 in every office's logs."""
    from django.contrib.staticfiles import finders

    html = as_user(officer).get("/").content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    assert finders.find("img/favicon.svg")
