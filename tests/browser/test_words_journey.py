"""An officer in the browser: follows a registry gap from the home page to exactly those schools, reads the
round's state in a round's words, and saves the board and the summary under their Thai names."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import SchoolFactory
from tests.reports.fixtures import build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the standing users' password (tests/factories.py)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "accept_downloads": True}


def test_officer_follows_a_gap_and_saves_files_under_thai_names(page, live_server, officer, school, other_school):
    nov = build_district(school, other_school)
    SchoolFactory.create_batch(2, name="บ้านไม่มีพิกัด", latitude=None)
    page.goto(live_server.url + "/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    expect(page.get_by_test_id("home-board").get_by_test_id("round-state")).to_have_text("เปิดรับข้อมูล")
    count = page.get_by_test_id("gap-count-location").inner_text()
    page.get_by_test_id("gap-location").click()
    expect(page).to_have_url(re.compile(r"/schools/\?missing=location$"))
    expect(page.get_by_test_id("school-count")).to_contain_text(count)
    assert page.locator("tbody tr").count() == int(count)

    page.goto(f"{live_server.url}/collection/{nov.pk}/board/")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    assert download.value.suggested_filename == "สถานะการส่งข้อมูล-2569-10พย.xlsx"

    page.goto(f"{live_server.url}/summary/?round={nov.pk}")
    with page.expect_download() as download:
        page.get_by_test_id("pdf-link").click()
    assert download.value.suggested_filename == "สรุปสำหรับผู้บริหาร-2569-10พย.pdf"
