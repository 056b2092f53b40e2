"""The officer's home counts the registry's gaps; each count links to the school list showing exactly
those schools (open ones, as the count is)."""

import re

import pytest
from django.urls import reverse

from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(db):
    SchoolFactory(name="บ้านครบ", latitude=17.0, longitude=99.8, phone="055", email="a@b.th")
    SchoolFactory.create_batch(3, name="บ้านไม่มีพิกัด", latitude=None, phone="055")
    SchoolFactory.create_batch(2, name="บ้านไม่มีกลุ่ม", cluster=None, latitude=17.0, longitude=99.8, email="c@d.th")
    SchoolFactory(name="บ้านไม่มีตำบล", subdistrict=None, latitude=17.0, longitude=99.8, phone="055")
    SchoolFactory(name="บ้านไม่ระบุชั้น", lowest_level="", highest_level="", latitude=17.0, longitude=99.8, phone="0")
    # A closed school lacks everything but is no gap to fill: neither counted nor listed.
    SchoolFactory(name="บ้านเลิกแล้ว", is_open=False, latitude=None, cluster=None, subdistrict=None, lowest_level="")


def listed(client, href):
    body = client.get(href).content.decode()
    line = re.search(r'data-testid="school-count">([^<]*)<', body).group(1)
    count = int(re.search(r"[\d,]+", line).group(0).replace(",", ""))
    return count, body


@pytest.mark.parametrize("gap, expected, name", [
    ("location", 3, "บ้านไม่มีพิกัด"),
    ("cluster", 2, "บ้านไม่มีกลุ่ม"),
    ("subdistrict", 1, "บ้านไม่มีตำบล"),
    ("levels", 1, "บ้านไม่ระบุชั้น"),
    ("contact", 0, None),
])
def test_each_gap_links_to_exactly_the_schools_it_counts(as_user, officer, district, gap, expected, name):
    client = as_user(officer)
    home = client.get("/").content.decode()
    count = int(re.search(rf'data-testid="gap-count-{gap}">([\d,]+)<', home).group(1))
    href = re.search(rf'<a href="([^"]+)" data-testid="gap-{gap}">', home).group(1).replace("&amp;", "&")
    shown, body = listed(client, href)
    assert count == shown == expected
    assert "บ้านเลิกแล้ว" not in body and "บ้านครบ" not in body
    if name:
        assert body.count(f">{name}</a>") == expected


def test_the_filter_is_offered_on_the_school_list(as_user, officer, district):
    body = as_user(officer).get(reverse("schools:list")).content.decode()
    assert "ข้อมูลทะเบียนที่ยังขาด" in body
    assert '<option value="location">โรงเรียนที่ยังไม่ระบุที่ตั้งบนแผนที่</option>' in body
