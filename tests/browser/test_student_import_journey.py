"""School staff import their students in a real browser: template → file with mistakes → the
problems by row and column in Thai → corrected file → confirm → the students in the list."""

import datetime
import re

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from collection.models import Round
from students import ids
from students.models import StudentRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the standing users' password (tests/factories.py)
GOOD_IDS = [ids.with_check_digit(f"16401000{n:04d}") for n in range(1, 4)]
BAD_ID = GOOD_IDS[1][:12] + str((int(GOOD_IDS[1][12]) + 1) % 10)


def thai(text, **values):
    with translation.override("th"):
        return gettext(text) % values if values else gettext(text)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def log_in(page, live_server, username):
    page.goto(live_server.url + "/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/")


def fill_template(path, students):
    book = openpyxl.load_workbook(path)
    sheet = book["นักเรียน"]
    headers = [cell.value for cell in sheet[1]]
    for student in students:
        sheet.append([student.get(header, "") for header in headers])
    book.save(path)
    return headers


def student(person_id, number, first_name, **more):
    return {
        "รหัสโรงเรียน": "64010001", "ชื่อโรงเรียน": "บ้านทดสอบ", "เลขประจำตัวประชาชน": person_id, "ชั้น": "ป.1",
        "ห้อง": 1, "เลขประจำตัวนักเรียน": number, "เพศ": "หญิง", "คำนำหน้าชื่อ": "เด็กหญิง", "ชื่อ": first_name,
        "นามสกุล": "ศรีสุข", "วันเกิด": "12/03/2562", "น้ำหนัก": 21, "ส่วนสูง": 117, **more,
    }


def test_staff_imports_students_from_the_template(page, live_server, staff, school, tmp_path):
    # Open: a planned round accepts nothing from schools until the office opens it.
    round_ = Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                                  name="10 พฤศจิกายน 2569", state=Round.State.OPEN)
    log_in(page, live_server, staff.username)

    page.get_by_role("link", name=thai("Students"), exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/students/{school.smis_code}/"))
    with page.expect_download() as download:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # First attempt: a check digit typed wrong and a grade that does not exist.
    fill_template(template, [
        student(GOOD_IDS[0], "00001", "ณัฐธิดา"),
        student(BAD_ID, "00002", "พิมพ์ชนก"),
        student(GOOD_IDS[2], "00003", "กมลชนก", **{"ชั้น": "ป.9"}),
    ])
    page.get_by_role("link", name=thai("Import a file")).first.click()
    page.locator("input[type=file]").set_input_files(template)
    page.get_by_role("button", name=thai("Check the file")).click()

    expect(page.get_by_test_id("preview-blocked")).to_be_visible()
    problems = page.get_by_test_id("preview-problems")
    id_row = problems.locator("tr", has_text=BAD_ID)
    expect(id_row).to_contain_text(thai("row %(row)s", row=3))
    expect(id_row).to_contain_text(re.compile(r"แถว\S* 3"))  # the row, said in Thai
    expect(id_row).to_contain_text("เลขประจำตัวประชาชน")
    expect(id_row).to_contain_text("เลขตรวจสอบหลักที่ 13 ไม่ถูกต้อง")
    grade_row = problems.locator("tr", has_text="ป.9")
    expect(grade_row).to_contain_text(thai("row %(row)s", row=4))
    expect(grade_row).to_contain_text("ชั้น")
    expect(page.get_by_test_id("confirm-import")).to_have_count(0)
    assert not StudentRecord.objects.exists()

    # Corrected: a fresh template, filled in properly.
    page.get_by_role("link", name=thai("Upload the corrected file")).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=thai("Download the blank template (.xlsx)")).click()
    fixed = tmp_path / "fixed.xlsx"
    download.value.save_as(fixed)
    fill_template(fixed, [
        student(GOOD_IDS[0], "00001", "ณัฐธิดา"),
        student(GOOD_IDS[1], "00002", "พิมพ์ชนก"),
        student(GOOD_IDS[2], "00003", "กมลชนก", **{"ชั้น": "ป.2", "วันเกิด": "02/01/2561"}),
    ])
    page.locator("input[type=file]").set_input_files(fixed)
    page.get_by_role("button", name=thai("Check the file")).click()
    expect(page.get_by_test_id("preview-counts")).to_contain_text("3")
    page.get_by_test_id("confirm-import").click()

    expect(page).to_have_url(re.compile(rf"/students/{school.smis_code}/\?round={round_.pk}$"))
    table = page.get_by_test_id("student-table")
    for name in ("ณัฐธิดา", "พิมพ์ชนก", "กมลชนก"):
        expect(table).to_contain_text(name)
    expect(table).not_to_contain_text(GOOD_IDS[0])  # masked in the list
    assert StudentRecord.objects.filter(school=school, round=round_).count() == 3
