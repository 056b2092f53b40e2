"""The admin's JavaScript speaks Thai too: the selection counter of a list is written by script."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from collection.models import Round

from .test_login_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_selection_counter_and_dates_read_in_thai(page, live_server, admin_user):
    for day, name in ((datetime.date(2026, 11, 10), "10 พฤศจิกายน 2569"), (datetime.date(2026, 6, 10), "10 มิถุนายน 2569")):
        Round.objects.create(academic_year=2569, kind="other", census_day=day, name=name, state=Round.State.CLOSED)
    log_in(page, live_server, admin_user.username)
    page.goto(live_server.url + "/admin/collection/round/")
    counter = page.locator(".action-counter")
    expect(counter).to_have_text("เลือกแล้ว 0 จาก 2 รายการ")
    page.locator("input.action-select").first.check()
    expect(counter).to_have_text("เลือกแล้ว 1 จาก 2 รายการ")
    body = page.locator("#content").inner_text()
    assert "10 พ.ย. 2569" in body and not re.search(r"\b2026\b", body) and "selected" not in body
