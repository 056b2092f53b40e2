"""Personal data (PDPA): who may reach a student's row, where the full ID appears, what is logged."""

import datetime
import re

import pytest
from django.urls import reverse

from collection.models import Round
from edinfo.models import AccessLog
from students import ids
from students.models import StudentRecord
from students.urls import urlpatterns

PERSON_ID = ids.with_check_digit("110170020345")
TYPE0_ID = ids.with_check_digit("006400000501")


@pytest.fixture
def round_(db):
    return Round.objects.create(academic_year=2569, kind="nov10", census_day=datetime.date(2026, 11, 10),
                                name="10 พฤศจิกายน 2569")


@pytest.fixture
def record(school, round_):
    return StudentRecord.objects.create(
        school=school, round=round_, person_id=PERSON_ID, id_kind="citizen", grade="P1", room=1,
        student_number="00001", gender="F", prefix="girl", first_name="ณัฐธิดา", last_name="ศรีสุข",
        birth_date=datetime.date(2019, 8, 1),
    )


def student_urls(school, record):
    """Every student page, filled in with the fixture school and record."""
    for pattern in urlpatterns:
        route = str(pattern.pattern)
        path = "/students/" + route.replace("<str:smis_code>", school.smis_code)
        assert "<" not in path, f"fill in the URL keyword of /students/{route}"
        yield pattern.name, f"{path}?id={record.pk}"


def test_the_walk_sees_every_student_page(school, record):
    names = {name for name, _path in student_urls(school, record)}
    assert {"list", "detail", "edit", "add", "problems", "export_xlsx", "import_upload", "district"} <= names


def test_executives_never_reach_a_students_row(as_user, executive, school, record):
    client = as_user(executive)
    for name, path in student_urls(school, record):
        assert client.get(path).status_code == 403, f"GET {name} {path}"
        assert client.post(path).status_code == 403, f"POST {name} {path}"
    assert not AccessLog.objects.exists()


def test_outsiders_do_not_learn_that_a_schools_pages_exist(as_user, outsider, school, record):
    client = as_user(outsider)
    for name, path in student_urls(school, record):
        if "/64010001/" in path:
            assert client.get(path).status_code == 404, f"GET {name} {path}"
            assert client.post(path).status_code == 404, f"POST {name} {path}"
    assert not AccessLog.objects.exists()


def test_no_nav_link_to_student_pages_for_executives(as_user, executive, staff, officer):
    link = f'href="{reverse("students:index")}"'
    assert link not in as_user(executive).get(reverse("home")).content.decode()
    assert link in as_user(staff).get(reverse("home")).content.decode()
    assert link in as_user(officer).get(reverse("home")).content.decode()


# A full ID, plain or dashed as on the card (1-1017-00203-45-x).
FULL_ID = re.compile(r"\b\d{13}\b|\b\d-\d{4}-\d{5}-\d{2}-\d\b")


@pytest.mark.parametrize("page", ["list", "problems", "district"])
def test_lists_show_only_masked_ids(as_user, officer, school, other_school, record, round_, page):
    StudentRecord.objects.create(school=other_school, round=round_, person_id=PERSON_ID, id_kind="citizen",
                                 grade="P1", gender="F", first_name="ณัฐธิดา", last_name="ศรีสุข")
    StudentRecord.objects.create(school=school, round=round_, person_id=TYPE0_ID, id_kind="type0", grade="P2",
                                 gender="M", first_name="ภาคิน", last_name="ทองมา")
    path = reverse(f"students:{page}", args=[] if page == "district" else [school.smis_code])
    html = as_user(officer).get(f"{path}?round={round_.pk}").content.decode()
    assert record.masked_id in html
    assert not FULL_ID.findall(html), f"a full ID on the {page} page"


def test_masked_id_keeps_enough_to_tell_records_apart(record):
    assert record.masked_id == "1-1017-xxxxx-xx-" + PERSON_ID[-1]


@pytest.mark.parametrize("role,sees_full_id", [("staff", True), ("director", True), ("officer", True),
                                               ("admin_user", True)])
def test_full_id_only_on_the_record_page_of_the_roles_that_need_it(request, as_user, school, record, role,
                                                                     sees_full_id):
    user = request.getfixturevalue(role)
    html = as_user(user).get(reverse("students:detail", args=[school.smis_code]) + f"?id={record.pk}").content.decode()
    dashed = f"{PERSON_ID[0]}-{PERSON_ID[1:5]}-{PERSON_ID[5:10]}-{PERSON_ID[10:12]}-{PERSON_ID[12]}"
    assert (dashed in html) is sees_full_id  # written as on the ID card
    assert AccessLog.objects.filter(user=user, action=AccessLog.Action.VIEW).count() == 1


def test_every_opening_is_logged_with_who_and_from_where(as_user, staff, school, record):
    client = as_user(staff)
    for _ in range(2):
        client.get(reverse("students:detail", args=[school.smis_code]) + f"?id={record.pk}", REMOTE_ADDR="10.0.0.7")
    logs = AccessLog.objects.filter(action=AccessLog.Action.VIEW)
    assert logs.count() == 2
    assert {(log.username, log.ip_address) for log in logs} == {("staff1", "10.0.0.7")}


def test_exports_are_logged(as_user, staff, officer, school, record, round_):
    as_user(staff).get(reverse("students:export_csv", args=[school.smis_code]) + f"?round={round_.pk}")
    as_user(officer).get(reverse("students:district_export_xlsx") + f"?round={round_.pk}")
    logs = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).order_by("at")
    assert [log.username for log in logs] == ["staff1", "officer1"]
    assert all(log.at and "student" in log.what for log in logs)


def test_admins_read_the_access_log_and_cannot_edit_it(client, admin_user, as_user, staff, school, record):
    as_user(staff).get(reverse("students:detail", args=[school.smis_code]) + f"?id={record.pk}")
    log = AccessLog.objects.get()
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get(reverse("admin:edinfo_accesslog_changelist"))
    assert listing.status_code == 200 and "staff1" in listing.content.decode()
    response = client.post(reverse("admin:edinfo_accesslog_change", args=[log.pk]), {"what": "แก้ไข"})
    assert response.status_code == 403
    log.refresh_from_db()
    assert log.what != "แก้ไข"
