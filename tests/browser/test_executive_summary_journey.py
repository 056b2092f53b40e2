"""An executive on a phone: logs in, opens the round's summary, reads the key figures, gets the PDF."""

import re

import pytest
from playwright.sync_api import expect

from tests.reports.fixtures import build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the standing users' password (tests/factories.py)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "accept_downloads": True}


def test_executive_reads_the_summary_on_a_phone_and_downloads_the_pdf(page, live_server, executive, school,
                                                                        other_school):
    nov = build_district(school, other_school)
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.locator("#id_username").fill(executive.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    page.get_by_test_id("summary-link").click()
    expect(page.get_by_test_id("summary-title")).to_contain_text(nov.name)
    expect(page.get_by_test_id("stat-students")).to_have_text("13")
    expect(page.get_by_test_id("coverage")).to_have_text("ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง")
    expect(page.get_by_test_id("as-of")).to_have_text("10 พฤศจิกายน 2569")
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    with page.expect_download() as download_info:
        page.get_by_test_id("pdf-link").click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
