"""First journey in a real browser: every role logs in through the form and lands on its own home."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the standing users' password (tests/factories.py)

# The heading each home page shows, in the Thai the page is served in (the Thai catalogue
# may still lack a translation; gettext then gives the same English the page shows).
HOME_TITLES = {
    "school": "What my school still has to do",
    "officer": "District overview",
    "executive": "Executive summary",
}


def thai(text):
    with translation.override("th"):
        return gettext(text)


def log_in(page, live_server, username, password=PASSWORD):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize(
    "role,home",
    [
        ("admin_user", "officer"),
        ("officer", "officer"),
        ("executive", "executive"),
        ("staff", "school"),
        ("director", "school"),
    ],
)
def test_each_role_logs_in_to_its_own_home_in_thai(request, page, live_server, school, other_school, role, home):
    user = request.getfixturevalue(role)
    log_in(page, live_server, user.username)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    title = page.get_by_test_id("home-title")
    expect(title).to_be_visible()
    expect(title).to_have_text(thai(HOME_TITLES[home]))
    expect(page.get_by_test_id("whoami")).to_contain_text("ทดสอบ ผู้ใช้")

    if home == "school":
        expect(page.locator(".card-header strong")).to_have_text(["โรงเรียนบ้านทดสอบ"])
        assert other_school.name not in page.content()
    else:
        expect(page.get_by_test_id("stat-schools")).to_have_text("2")

    page.locator("nav form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_wrong_password_stays_on_the_login_page(page, live_server, staff):
    log_in(page, live_server, staff.username, password="not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value(staff.username)
    expect(page.get_by_test_id("home-title")).to_have_count(0)


def test_static_files_are_served(page, live_server, db):
    statuses = {}
    page.on("response", lambda response: statuses.setdefault(response.url.rsplit("/", 1)[-1], response.status))
    page.goto(live_server.url + "/accounts/login/")

    assert statuses.get("bootstrap.min.css") == 200
    assert statuses.get("edinfo.css") == 200
    # With Bootstrap applied the navbar is the primary blue, not transparent.
    background = page.locator("nav.navbar").evaluate("nav => getComputedStyle(nav).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    font = page.locator("body").evaluate("body => getComputedStyle(body).fontFamily")
    assert font.startswith("Sarabun")
