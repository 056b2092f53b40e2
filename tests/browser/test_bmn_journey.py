"""An officer imports the real Sukhothai จปฐ. 2561 files in the browser, then reads the education
indicators by tambon beside the demo schools, and opens the report."""

import re

import pytest
from playwright.sync_api import expect

from edinfo import demo
from schools.geography import load_geography
from tests.bmn.conftest import AMPHOE_FILE, REFERENCE, TAMBON_FILE, VILLAGE_FILE, real_bytes
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the standing users' password (tests/factories.py)


def test_officer_imports_and_reads_by_tambon(page, live_server):
    for name in (AMPHOE_FILE, TAMBON_FILE, VILLAGE_FILE):
        real_bytes(name)  # skips when the reference files are absent
    load_geography(["64"])
    demo.build_district()
    officer = UserFactory(username="bmnofficer", office_role="officer")

    page.goto(live_server.url + "/bmn/import/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bmn/import/"))

    page.locator("#id_year").fill("2561")
    page.locator("#id_files").set_input_files([str(REFERENCE / n) for n in (AMPHOE_FILE, TAMBON_FILE, VILLAGE_FILE)])
    page.get_by_test_id("bmn-upload-form").locator("button[type=submit]").click()
    done = page.get_by_test_id("bmn-import-done")
    expect(done).to_contain_text("921")
    expect(page.locator("body")).to_contain_text("640151")

    done.get_by_role("link").first.click()
    expect(page.get_by_test_id("bmn-uncertainty")).to_contain_text("เป็นการตีความของเรา")
    expect(page.locator("#t640101")).to_be_visible()  # schools in ธานี, no row in the file
    expect(page.get_by_test_id("bmn-priority").locator("li")).to_have_count(10)
    page.get_by_test_id("bmn-report-tab").click()
    expect(page.get_by_test_id("bmn-report-title")).to_have_text("ตัวชี้วัด จปฐ. ด้านการศึกษา รายตำบล")
    with page.expect_download() as download:
        page.get_by_test_id("xlsx-link").click()
    assert download.value.suggested_filename == "bmn-education-2561.xlsx"
