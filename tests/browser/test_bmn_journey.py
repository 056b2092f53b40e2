"""An officer imports the real Sukhothai จปฐ. 2561 files in the browser, then reads the education
indicators by tambon beside the demo schools, and opens the report."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bmn.indicators import ensure_default_set
from bmn.models import AreaResult, ReplacedImport
from edinfo import demo
from schools.geography import load_geography
from tests.bmn.conftest import AMPHOE_FILE, REFERENCE, TAMBON_FILE, VILLAGE_FILE, real_bytes
from tests.bmn.synthetic import tambon_file, tpmap_csv
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


def test_officer_is_asked_before_a_reimport_replaces_data_and_can_download_the_old_rows(page, live_server, tmp_path):
    """Synthetic files (tests/bmn/synthetic.py): runs without ../shared."""
    load_geography(["64"])
    ensure_default_set()
    officer = UserFactory(username="bmnreplacer", office_role="officer")
    first, newer = tmp_path / "61_64_tambol_common.csv", tmp_path / "newer_tambol.csv"
    first.write_bytes(tambon_file())
    newer.write_bytes(tpmap_csv("tambon", ["640102", "640103", "640104"]))

    page.goto(live_server.url + "/bmn/import/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/bmn/import/"))
    expect(page.locator("#id_year")).to_have_value("")  # no default year: the officer types it

    form = page.get_by_test_id("bmn-upload-form")
    page.locator("#id_year").fill("2561")
    page.locator("#id_files").set_input_files([str(first)])
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("bmn-import-done")).to_contain_text("5")

    # The same year again with a smaller file: asked first, nothing written.
    page.locator("#id_files").set_input_files([str(newer)])
    page.get_by_test_id("bmn-upload-form").locator("button[type=submit]").click()
    confirm = page.get_by_test_id("bmn-confirm-replace")
    expect(confirm).to_contain_text("640151, 640201")
    expect(page.get_by_test_id("bmn-replace-tambon")).to_contain_text("5")
    assert AreaResult.objects.filter(level="tambon").count() == 5
    expect(page.locator("#id_year")).to_have_value("2561")  # the form keeps what was typed

    # Tick "แทนที่ข้อมูลเดิม", choose the file again, import: replaced, and the old rows kept.
    page.locator("#id_replace").check()
    page.locator("#id_files").set_input_files([str(newer)])
    page.get_by_test_id("bmn-upload-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("bmn-import-done")).to_contain_text("5")
    assert AreaResult.objects.filter(level="tambon").count() == 3
    assert ReplacedImport.objects.get().row_count == 5

    page.get_by_test_id("bmn-import-done").get_by_role("link").nth(1).click()
    expect(page.get_by_test_id("bmn-replaced")).to_contain_text("61_64_tambol_common.csv")
    with page.expect_download() as download:
        page.get_by_test_id("bmn-replaced-download").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert "640151" in Path(download.value.path()).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["/bmn/", "/bmn/report/", "/bmn/survey/", "/bmn/import/", "/bmn/indicators/"])
def test_the_bmn_pages_fit_a_phone(browser, live_server, tmp_path, path):
    """On a 390 px phone nothing makes the page scroll sideways: wide tables scroll inside their box.
    Synthetic files of all three levels with the municipal code and a replaced import (the survey
    page's widest tables)."""
    from bmn import services
    from tests.bmn.synthetic import amphoe_file, village_file

    load_geography(["64"])
    indicator_set = ensure_default_set()
    for replace in (False, True):
        result = services.import_files(year=2561, indicator_set=indicator_set, replace=replace, files=[
            ("61_64_amphur_common.csv", amphoe_file()), ("61_64_tambol_common_with_a_long_name.csv", tambon_file()),
            ("61_64_village_common.csv", village_file())])
        assert result.committed
    officer = UserFactory(username="bmnphone", office_role="officer")
    # Not is_mobile: a mobile viewport zooms out to fit wide content, and the overflow would go unseen.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + path)
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width} px wide on a 390 px phone"
    context.close()
