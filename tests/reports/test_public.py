"""Public pages: published aggregates only, small counts suppressed, open data with a dictionary."""

import csv
import io

import pytest
from django.urls import reverse

from reports import publishing
from reports.public_views import DICTIONARY
from students.models import StudentRecord

from .fixtures import build_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(school, other_school, officer):
    nov = build_district(school, other_school)
    publishing.publication_create(round=nov, user=officer)
    return nov


def test_public_pages_need_no_login(client, published):
    for name in ("round", "dictionary", "csv", "json"):
        assert client.get(reverse(f"public:{name}", args=[published.pk])).status_code == 200, name
    assert client.get(reverse("public:index")).status_code == 200


def test_round_page_shows_district_and_school_aggregates(client, published, school):
    body = client.get(reverse("public:round", args=[published.pk])).content.decode()
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว 2 แห่ง จากทั้งหมด 3 แห่ง" in body
    assert 'data-testid="stat-students">13<' in body
    assert school.name in body and "บ้านร่าง" not in body  # the draft school is not published
    assert "ขนาดเล็ก" in body
    assert "การปกปิดจำนวนน้อย" in body


def test_small_counts_are_suppressed_in_the_breakdowns(client, published):
    data = client.get(reverse("public:json", args=[published.pk])).json()
    poor = next(r for r in data["disadvantage"]["rows"] if r["code"] == "9")
    assert poor == {"code": "9", "label": "เด็กยากจน", "count": 9, "suppressed": False}
    assert data["disadvantage"]["total"] == 9 and not data["disadvantage"]["total_suppressed"]
    visual = next(r for r in data["disability"]["rows"] if r["code"] == "1")
    assert visual["suppressed"] and visual["count"] is None
    # One hidden cell: the total would give it away, so it is withheld too.
    assert data["disability"]["total"] is None and data["disability"]["total_suppressed"]
    body = client.get(reverse("public:round", args=[published.pk])).content.decode()
    disability = body.split('data-testid="disability"')[1].split("</table>")[0]
    assert "&lt;5" in disability and "ปกปิด" in disability and ">1<" not in disability


def test_csv_is_utf8_with_bom_one_row_per_school_and_grade(client, published, school, other_school):
    response = client.get(reverse("public:csv", args=[published.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [name for name, *_ in DICTIONARY]
    by_key = {(r[3], r[8]): r for r in rows[1:]}
    assert len(rows) == 1 + 3
    assert by_key[(school.smis_code, "P1")][9:] == ["ป.1", "3", "2", "5"]
    assert by_key[(school.smis_code, "P2")][10:] == ["1", "0", "1"]
    assert by_key[(other_school.smis_code, "K1")][4:8] == [other_school.name, "เมืองสุโขทัย", "ธานี", "ขนาดเล็ก"]
    assert by_key[(other_school.smis_code, "K1")][1] == "2026-11-10"


def test_json_holds_the_whole_snapshot(client, published):
    data = client.get(reverse("public:json", args=[published.pk])).json()
    assert data["round"]["census_day"] == "2026-11-10"
    assert data["totals"] == {"M": 4, "F": 9, "total": 13, "schools": 2}
    assert [s["total"] for s in data["schools"]] == [6, 7]
    assert "published_at" in data


def test_dictionary_explains_every_column(client, published):
    body = client.get(reverse("public:dictionary", args=[published.pk])).content.decode()
    for name, label, meaning, unit in DICTIONARY:
        assert f"<code>{name}</code>" in body and label in body and meaning in body and unit in body


def test_never_a_person_in_public_pages_or_files(client, published):
    bodies = [client.get(reverse(f"public:{name}", args=[published.pk])).content.decode("utf-8-sig")
              for name in ("round", "dictionary", "csv", "json")]
    for record in StudentRecord.objects.all():
        for value in (record.person_id, record.first_name, record.last_name, record.birth_date.isoformat()):
            assert not any(value in body for body in bodies), value


def test_unknown_round_is_404(client, published):
    assert client.get(reverse("public:round", args=[published.pk + 1000])).status_code == 404


@pytest.mark.parametrize("query", ["ทดสอบ", "โรงเรียนบ้านทดสอบ", "6401000", "๖๔๐๑๐๐๐๑", "1064010001", " บ้าน ทดสอบ "])
def test_the_public_finds_a_school_by_name_or_code(client, published, school, other_school, query):
    body = client.get(reverse("public:round", args=[published.pk]), {"q": query}).content.decode()
    table = body.split('data-testid="schools"')[1]
    assert school.name in table
    if query not in ("6401000",):
        assert other_school.name not in table
    assert "พบ" in body.split('data-testid="search-result"')[1][:200]


def test_a_search_without_a_match_says_so_and_shows_no_table(client, published):
    body = client.get(reverse("public:round", args=[published.pk]), {"q": "ไม่มีชื่อนี้"}).content.decode()
    result = body.split('data-testid="search-result"')[1].split("</p>")[0]
    assert "ไม่พบโรงเรียนที่ตรงกับ “ไม่มีชื่อนี้”" in result
    assert 'data-testid="schools"' not in body


def test_the_amphoe_filter_keeps_only_its_schools(client, published, school, other_school):
    page = client.get(reverse("public:round", args=[published.pk]), {"amphoe": "เมืองสุโขทัย"})
    table = page.content.decode().split('data-testid="schools"')[1]
    assert other_school.name in table
    unknown = client.get(reverse("public:round", args=[published.pk]), {"amphoe": "<script>"})
    assert unknown.status_code == 200 and "<script>" not in unknown.content.decode().split("<main")[1]


def test_the_login_page_opens_the_public_door(client, published):
    html = client.get(reverse("login")).content.decode()
    door = html.split('data-testid="public-door"')[1].split("</section>")[0]
    assert "ข้อมูลสำหรับประชาชน" in door and reverse("public:index") in door
    assert 'data-testid="nav-public"' in html
    index = client.get(reverse("public:index")).content.decode()
    assert reverse("public:round", args=[published.pk]) in index
