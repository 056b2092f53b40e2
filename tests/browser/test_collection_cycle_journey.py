"""One collection cycle in a real browser, as an office runs it, in Thai: the school's staff import
their students and confirm, the director certifies, the officer acknowledges and then returns the
data with a reason, the staff read the reason, fix a weight and confirm again; the officer's board
follows every step. A refusal (a return without a reason) is a message on the page, never a 500.

Each person logs in through the real form in a browser context of their own. Labels are matched in
Thai or in English: the Thai catalogue may still lack a string while it is being completed.
"""

import datetime
import os
import re

import openpyxl
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from collection.models import Round, Submission, SubmissionEvent
from edinfo.models import User
from schools.models import Membership
from students import exporting, ids
from students.models import StudentRecord
from tests.factories import UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # UserFactory's password (tests/factories.py)
IDS = [ids.with_check_digit(f"16401000{n:04d}") for n in range(11, 15)]
REASON = "น้ำหนักนักเรียนคนที่ 2 ไม่ถูกต้อง"


def shown(english, thai_text=None, *, whole=False):
    """What the page shows for an English msgid: the Thai we expect, the catalogue's current
    translation, or the English itself while the catalogue still lacks it."""
    with translation.override("th"):
        compiled = gettext(english)
    choices = sorted({english, compiled, thai_text} - {None}, key=len, reverse=True)
    # A placeholder (%(name)s) stands for whatever the page put there.
    pattern = "|".join(re.sub(r"%\\\(\w+\\\)s", ".+?", re.escape(choice)) for choice in choices)
    return re.compile(rf"^\s*(?:{pattern})\s*$" if whole else pattern)


CONFIRM = shown("Confirm", "ยืนยัน", whole=True)
CERTIFY = shown("Certify", "รับรอง", whole=True)
ACKNOWLEDGE = shown("Acknowledge", "รับทราบ", whole=True)
RETURN = shown("Return with a reason", "ส่งคืนพร้อมเหตุผล", whole=True)
STATUS = {
    "not_started": shown("Not started", "ยังไม่เริ่ม", whole=True),
    "draft": shown("Draft", "ฉบับร่าง", whole=True),
    "confirmed": shown("Confirmed by school staff", "ครูผู้รับผิดชอบข้อมูลยืนยันแล้ว", whole=True),
    "certified": shown("Certified by the director", "ผู้อำนวยการโรงเรียนรับรองแล้ว", whole=True),
    "acknowledged": shown("Acknowledged by the office", "สำนักงานเขตพื้นที่การศึกษารับทราบแล้ว", whole=True),
    "returned": shown("Returned for correction", "ส่งกลับแก้ไข", whole=True),
}
DONE = shown("Done: %(action)s. The data is now “%(status)s”.",
             "ดำเนินการแล้ว: %(action)s ขณะนี้ข้อมูลอยู่ในสถานะ “%(status)s”")
NEED_REASON = shown("Please give a reason: the school reads it to know what to fix.",
                    "กรุณาระบุเหตุผล โรงเรียนจะอ่านเพื่อให้รู้ว่าต้องแก้ไขอะไร")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def person(username, email, **more):
    return UserFactory(username=username, email=email, **more)


def open_as(new_context, live_server, user, server_errors):
    """A browser of the user's own, logged in through the form and on their home page."""
    page = new_context().new_page()
    page.set_default_timeout(10_000)
    page.on("response", lambda response: server_errors.append(f"{response.status} {response.url}")
            if response.status >= 500 else None)
    page.goto(live_server.url + "/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "th")
    return page


def student_file(path, students):
    """The system's blank template filled in, as a school does (see test_student_import_journey)."""
    path.write_bytes(exporting.template_xlsx())
    book = openpyxl.load_workbook(path)
    sheet = book["นักเรียน"]
    headers = [cell.value for cell in sheet[1]]
    for row in students:
        sheet.append([row.get(header, "") for header in headers])
    book.save(path)
    return path


def student(person_id, number, first_name, **more):
    return {
        "รหัสโรงเรียน": "64010001", "ชื่อโรงเรียน": "บ้านทดสอบ", "เลขประจำตัวประชาชน": person_id, "ชั้น": "ป.1",
        "ห้อง": 1, "เลขประจำตัวนักเรียน": number, "เพศ": "หญิง", "คำนำหน้าชื่อ": "เด็กหญิง", "ชื่อ": first_name,
        "นามสกุล": "ศรีสุข", "วันเกิด": "12/03/2562", "น้ำหนัก": 21, "ส่วนสูง": 117, **more,
    }


def press(page, label, reason=None):
    """Press one of the workflow buttons of the submission page, with a reason when given."""
    actions = page.get_by_test_id("actions")
    button = actions.get_by_role("button", name=label)
    if reason is not None:
        button.locator("xpath=ancestor::form").locator("textarea[name=comment]").fill(reason)
    button.click()


def expect_status(page, status):
    badge = page.get_by_test_id("status-badge")
    expect(badge).to_have_attribute("data-status", status)
    expect(badge).to_have_text(STATUS[status])


def expect_board(page, school, status, **counts):
    """The school's row shows the state, and the state counts above the table say so."""
    row = page.get_by_test_id("board-table").locator(f"tr[data-school='{school.smis_code}']")
    expect(row.get_by_test_id("state")).to_have_text(STATUS[status])
    # The import and the record form recheck the school, so the board counts the four students.
    expect(row.get_by_test_id("records")).to_have_text("4")
    for state, count in {"not_started": 0, "draft": 0, "returned": 0, "confirmed": 0, "certified": 0,
                         "acknowledged": 0, **counts}.items():
        expect(page.get_by_test_id(f"count-{state}").locator(".badge")).to_have_text(str(count))
    expect(page.get_by_test_id("count-all")).to_have_text("1")


def test_a_round_from_import_to_return_and_confirmed_again(new_context, live_server, school, tmp_path, mailoutbox):
    today = timezone.localdate()
    round_ = Round.objects.create(
        academic_year=2569, kind=Round.Kind.NOVEMBER, census_day=datetime.date(2026, 11, 10),
        name="10 พฤศจิกายน 2569", state=Round.State.OPEN, opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=5), collects_students=True,
    )
    staff = person("staff1", "staff@school.example")
    director = person("director1", "director@school.example")
    officer = person("officer1", "officer@office.example", office_role=User.OfficeRole.OFFICER)
    Membership.objects.create(user=staff, school=school, role=Membership.Role.STAFF)
    Membership.objects.create(user=director, school=school, role=Membership.Role.DIRECTOR)
    assert not StudentRecord.objects.exists() and not Submission.objects.exists()
    server_errors = []
    submission_url = f"/collection/{round_.pk}/{school.smis_code}/"

    # --- 1. Staff import four students (the second weight typed 12 kg for 21: a warning, not an error) ---
    staff_page = open_as(new_context, live_server, staff, server_errors)
    card = staff_page.get_by_test_id("collection-card")
    expect(card).to_contain_text(round_.name)
    expect(card.get_by_test_id("status-badge")).to_have_text(STATUS["not_started"])
    expect(card.get_by_test_id("countdown")).to_have_attribute("data-days", "5")

    staff_page.get_by_role("link", name=shown("Students", "นักเรียน", whole=True)).first.click()
    staff_page.get_by_role("link", name=shown("Import a file", "นำเข้าไฟล์", whole=True)).first.click()
    expect(staff_page).to_have_url(re.compile(rf"/students/{school.smis_code}/import/\?round={round_.pk}$"))
    upload = student_file(tmp_path / "students.xlsx", [
        student(IDS[0], "00011", "ณัฐธิดา"),
        student(IDS[1], "00012", "พิมพ์ชนก", **{"น้ำหนัก": 12}),
        student(IDS[2], "00013", "กมลชนก"),
        student(IDS[3], "00014", "ธนกฤต", **{"เพศ": "ชาย", "คำนำหน้าชื่อ": "เด็กชาย"}),
    ])
    staff_page.locator("input[type=file]").set_input_files(upload)
    staff_page.get_by_role("button", name=shown("Check the file", "ตรวจสอบไฟล์", whole=True)).click()
    expect(staff_page.get_by_test_id("preview-counts").locator(".stat").first).to_have_text("4")
    expect(staff_page.get_by_test_id("preview-problems")).to_contain_text("12")  # the weight is flagged
    staff_page.get_by_test_id("confirm-import").click()
    expect(staff_page.get_by_test_id("student-table").locator("tbody tr")).to_have_count(4)
    assert StudentRecord.objects.filter(school=school, round=round_).count() == 4

    # ... then confirm on the school's submission page, reached from the home page.
    staff_page.goto(live_server.url + "/")
    staff_page.get_by_test_id("collection-link").click()
    expect(staff_page).to_have_url(live_server.url + submission_url)
    expect_status(staff_page, "draft")  # the import started the school's submission
    expect(staff_page.get_by_test_id("check-records")).to_contain_text("4")
    expect(staff_page.get_by_test_id("grade-total")).to_have_text("4")
    press(staff_page, CONFIRM)
    expect_status(staff_page, "confirmed")
    expect(staff_page.get_by_role("alert").filter(has_text=DONE)).to_be_visible()
    expect(staff_page.get_by_test_id("actions")).to_have_count(0)  # nothing more for staff now
    assert [m.to for m in mailoutbox] == [[director.email]]  # the director is told

    # --- 2. The director certifies ---
    director_page = open_as(new_context, live_server, director, server_errors)
    expect(director_page.get_by_test_id("collection-card").get_by_test_id("status-badge")).to_have_text(
        STATUS["confirmed"])
    director_page.get_by_test_id("collection-link").click()
    expect_status(director_page, "confirmed")
    expect(director_page.get_by_test_id("grade-total")).to_have_text("4")
    press(director_page, CERTIFY)
    expect_status(director_page, "certified")
    expect(director_page.get_by_test_id("countdown")).to_have_attribute("data-state", "done")
    assert mailoutbox[-1].to == [officer.email]  # the office is told

    # --- 3. The officer finds it certified on the board, acknowledges it ... ---
    officer_page = open_as(new_context, live_server, officer, server_errors)
    expect(officer_page.get_by_test_id("home-count-certified").locator(".badge")).to_have_text("1")
    officer_page.get_by_test_id("home-board-link").click()
    expect(officer_page).to_have_url(re.compile(rf"/collection/{round_.pk}/board/$"))
    expect_board(officer_page, school, "certified", certified=1)
    officer_page.get_by_test_id("board-table").get_by_role("link", name=school.name, exact=True).click()
    expect(officer_page).to_have_url(live_server.url + submission_url)
    expect_status(officer_page, "certified")
    press(officer_page, ACKNOWLEDGE)
    expect_status(officer_page, "acknowledged")

    # ... tries to return it without a reason: the browser asks for one, and a blank reason
    # (spaces) that gets past the browser comes back as a message, the state unchanged ...
    press(officer_page, RETURN)
    assert officer_page.locator("#comment-return").evaluate("box => box.validity.valueMissing")
    expect(officer_page).to_have_url(live_server.url + submission_url)
    press(officer_page, RETURN, reason="   ")
    expect(officer_page.get_by_role("alert").filter(has_text=NEED_REASON)).to_be_visible()
    expect_status(officer_page, "acknowledged")
    assert Submission.objects.get(school=school, round=round_).status == Submission.Status.ACKNOWLEDGED
    assert not SubmissionEvent.objects.filter(action="return").exists()

    # ... then returns it with the reason, and the board says so.
    press(officer_page, RETURN, reason=REASON)
    expect_status(officer_page, "returned")
    expect(officer_page.get_by_test_id("return-reason")).to_contain_text(REASON)
    officer_page.get_by_test_id("board-link").click()
    expect_board(officer_page, school, "returned", returned=1)
    told = {address for message in mailoutbox[-2:] for address in message.to}
    assert told == {staff.email, director.email} and all(REASON in m.body for m in mailoutbox[-2:])

    # --- 4. Staff read the reason on their page and on the home page ---
    staff_page.reload()
    expect_status(staff_page, "returned")
    expect(staff_page.get_by_test_id("return-reason")).to_contain_text(REASON)
    expect(staff_page.get_by_test_id("event-comment").filter(has_text=REASON)).to_have_count(1)
    staff_page.goto(live_server.url + "/")
    card = staff_page.get_by_test_id("collection-card")
    expect(card.get_by_test_id("status-badge")).to_have_text(STATUS["returned"])
    expect(card.get_by_test_id("collection-steps")).to_contain_text(REASON)

    # ... fix the second student's weight in the record form ...
    staff_page.get_by_role("link", name=shown("Students", "นักเรียน", whole=True)).first.click()
    staff_page.get_by_test_id("student-table").get_by_role("link", name=re.compile("พิมพ์ชนก")).click()
    staff_page.get_by_role("link", name=shown("Edit", "แก้ไข", whole=True)).click()
    expect(staff_page.locator("#id_weight_kg")).to_have_value(re.compile(r"^12(\.0+)?$"))
    staff_page.locator("#id_weight_kg").fill("21")
    staff_page.get_by_role("button", name=shown("Save", "บันทึก", whole=True)).click()
    expect(staff_page.get_by_role("alert").filter(
        has_text=shown("The student's record was saved.", "บันทึกข้อมูลนักเรียนเรียบร้อยแล้ว"))).to_be_visible()
    expect(staff_page.locator("dd").filter(has_text=re.compile(r"^\s*21(\.0+)?\s.*/\s*117\b"))).to_have_count(1)
    assert float(StudentRecord.objects.get(person_id=IDS[1]).weight_kg) == 21

    # ... and confirm again.
    staff_page.goto(live_server.url + submission_url)
    expect_status(staff_page, "returned")
    press(staff_page, CONFIRM)
    expect_status(staff_page, "confirmed")
    expect(staff_page.get_by_test_id("return-reason")).to_have_count(0)
    thread = staff_page.get_by_test_id("event")
    expect(thread).to_have_count(5)
    assert [e.get_attribute("data-action") for e in thread.all()] == [
        "confirm", "certify", "acknowledge", "return", "confirm"]

    # --- 5. The officer's board (reloaded) shows it confirmed again ---
    officer_page.reload()
    expect_board(officer_page, school, "confirmed", confirmed=1)

    assert server_errors == []
