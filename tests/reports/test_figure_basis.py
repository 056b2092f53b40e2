"""Every headline figure says what it counts: the registry (every school, certified or not) or
certified schools only, so two pages that differ say why."""

import re

import pytest
from django.urls import reverse

from .fixtures import build_district

pytestmark = pytest.mark.django_db

REGISTRY = "นักเรียนทุกโรงเรียน ตามทะเบียนโรงเรียน (รวมข้อมูลที่ยังไม่รับรอง)"
COVERAGE = "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง"


@pytest.fixture
def nov(school, other_school):
    # Three open schools of 100 registered students each (300); 13 students certified in two of them.
    return build_district(school, other_school)


def text_of(body, testid):
    match = re.search(rf'data-testid="{testid}">(.*?)</(div|p|span)>', body, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_the_executive_home_shows_both_figures_each_with_its_basis(as_user, executive, nov):
    body = as_user(executive).get("/").content.decode()
    assert 'data-testid="stat-students">300<' in body
    assert REGISTRY in body
    assert text_of(body, "certified-students") == "13"
    assert "นักเรียนรอบ 10 พฤศจิกายน 2569 เฉพาะข้อมูลที่รับรองแล้ว:" in body
    assert text_of(body, "certified-basis") == COVERAGE
    assert "ทะเบียนโรงเรียนนับนักเรียนทุกโรงเรียน ทั้งที่รับรองแล้วและยังไม่รับรอง" in body


def test_the_officer_home_says_its_overview_is_the_registry(as_user, officer, nov):
    body = as_user(officer).get("/").content.decode()
    assert text_of(body, "overview-basis").startswith("ตามทะเบียนโรงเรียน: นับโรงเรียนที่เปิดทำการทุกแห่ง")
    assert REGISTRY in body


def test_the_summary_says_its_figures_are_certified_only_and_why_they_differ(as_user, executive, nov):
    body = as_user(executive).get(reverse("summary:page"), {"round": nov.pk}).content.decode()
    assert 'data-testid="stat-students">13<' in body
    assert text_of(body, "basis-students") == "นักเรียน (ชาย 4 หญิง 9) เฉพาะโรงเรียนที่รับรองแล้ว 2 แห่ง จาก 3 แห่ง"
    note = text_of(body, "basis-note")
    assert "นับเฉพาะโรงเรียนที่รับรองแล้ว" in note and "ตามทะเบียนโรงเรียน 300 คน" in note
    assert "โรงเรียนที่เปิดสอน ตามทะเบียนโรงเรียน" in body


def test_the_board_and_a_report_say_what_they_count(as_user, officer, nov):
    client = as_user(officer)
    board = client.get(reverse("collection:board", args=[nov.pk])).content.decode()
    assert "นักเรียนทุกโรงเรียนที่แสดง (รวมข้อมูลที่ยังไม่รับรอง)" in board
    report = client.get(reverse("reports:report", args=["students"]), {"round": nov.pk}).content.decode()
    assert text_of(report, "coverage") == COVERAGE


def test_a_provisional_report_says_it_counts_uncertified_data(as_user, officer, nov):
    body = as_user(officer).get(reverse("reports:report", args=["students"]),
                                {"round": nov.pk, "provisional": "1"}).content.decode()
    assert text_of(body, "coverage") == "ข้อมูลเบื้องต้น: นักเรียนทุกโรงเรียนที่มีข้อมูล 3 แห่ง จาก 3 แห่ง (รวมข้อมูลที่ยังไม่รับรอง)"
