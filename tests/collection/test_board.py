"""The officer's completeness board: its numbers on a hand-built round, filters, who may open it,
the bulk actions, the Excel export, and a query count that does not grow with the schools."""

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collection import selectors
from collection.models import Reminder, Round, Submission, SubmissionEvent
from schools.models import Membership, School
from tests.factories import (
    ClusterFactory,
    DistrictFactory,
    SchoolFactory,
    SubdistrictFactory,
    UserFactory,
)

S = Submission.Status


@pytest.fixture
def previous(db):
    return Round.objects.create(
        academic_year=2569, kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10), name="10 มิถุนายน 2569",
        state=Round.State.CLOSED,
    )


@pytest.fixture
def round_(previous):
    today = timezone.localdate()
    return Round.objects.create(
        academic_year=2569, kind=Round.Kind.NOVEMBER, census_day=datetime.date(2026, 11, 10),
        name="10 พฤศจิกายน 2569", state=Round.State.OPEN, opens_on=today - datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=5),
    )


def overdue(round_):
    round_.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    round_.save()


def submit(school, round_, status=S.DRAFT, records=0, errors=0, warnings=0, **fields):
    return Submission.objects.create(
        school=school, round=round_, status=status, record_count=records, error_count=errors,
        warning_count=warnings, checked_at=timezone.now() if records else None, **fields,
    )


@pytest.fixture
def district(school, other_school, round_, previous):
    """Seven schools of the round in two amphoe, one closed school left out, one closed school in.

    | school  | state        | now | before | errors | completeness            |
    | certif  | certified    | 100 | 90     | 0      | 100 (more than before)  |
    | draft   | draft        | 50  | 100    | 5      | 50/100 × 45/50 = 45     |
    | idle    | (none)       | 0   | –      | 0      | 0                       |
    | returned| returned     | 80  | – (registry 100) | 0 | 80                 |
    | acked   | acknowledged | 120 | 120    | 0      | 100                     |
    | confirm | confirmed    | 60  | 60     | 0      | 100 (warnings 7)        |
    | shut    | draft (closed school) | 10 | – (registry –) | 0 | 100        |
    """
    other_amphoe = SubdistrictFactory(
        code="640201", name_th="บ้านด่าน", district=DistrictFactory(code="6402", name_th="บ้านด่านลานหอย")
    )
    cluster_2 = ClusterFactory(code="012", name="กลุ่มเครือข่ายบ้านด่าน")
    school.name, other_school.name = "บ้านรับรอง", "บ้านร่าง"
    school.save()
    other_school.save()
    schools = {
        "certif": school,
        "draft": other_school,
        "idle": SchoolFactory(name="บ้านกอไผ่", smis_code="64020003", subdistrict=other_amphoe, cluster=cluster_2),
        "returned": SchoolFactory(name="บ้านส่งกลับ", smis_code="64020004", subdistrict=other_amphoe,
                                  cluster=cluster_2, student_count=100),
        "acked": SchoolFactory(name="บ้านรับทราบ", smis_code="64010005"),
        "confirm": SchoolFactory(name="บ้านยืนยัน", smis_code="64010006"),
        "shut": SchoolFactory(name="บ้านปิดแล้ว", smis_code="64010007", is_open=False, student_count=None),
    }
    SchoolFactory(name="บ้านปิดไม่ส่ง", smis_code="64010008", is_open=False)
    submit(school, previous, S.ACKNOWLEDGED, 90)
    submit(school, round_, S.CERTIFIED, 100, warnings=2)
    submit(other_school, previous, S.ACKNOWLEDGED, 100)
    submit(other_school, round_, S.DRAFT, 50, errors=5, warnings=3)
    submit(schools["returned"], round_, S.RETURNED, 80)
    submit(schools["acked"], previous, S.ACKNOWLEDGED, 120)
    submit(schools["acked"], round_, S.ACKNOWLEDGED, 120)
    submit(schools["confirm"], previous, S.ACKNOWLEDGED, 60)
    submit(schools["confirm"], round_, S.CONFIRMED, 60, warnings=7)
    submit(schools["shut"], round_, S.DRAFT, 10)
    return schools


def board_url(round_, **params):
    url = reverse("collection:board", args=[round_.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def rows_by_code(response):
    return {row.smis_code: row for row in response.context["rows"]}


# --- who may open it ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "director", "executive", "outsider"])
def test_board_is_for_the_office_only(request, as_user, round_, role):
    user = request.getfixturevalue(role)
    client = as_user(user)
    assert client.get(board_url(round_)).status_code == 403
    assert client.get(reverse("collection:board_export", args=[round_.pk])).status_code == 403
    assert client.get(reverse("collection:district_checks", args=[round_.pk])).status_code == 403
    assert client.post(reverse("collection:board_bulk", args=[round_.pk]), {"action": "remind"}).status_code == 403


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_officers_and_admins_see_the_board(request, as_user, district, round_, role):
    response = as_user(request.getfixturevalue(role)).get(board_url(round_))
    assert response.status_code == 200
    assert "collection/board.html" in [t.name for t in response.templates]


def test_anonymous_goes_to_login(client, round_):
    response = client.get(board_url(round_))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_unknown_round_is_404(as_user, officer, db):
    assert as_user(officer).get(reverse("collection:board", args=[999])).status_code == 404


def test_bulk_is_post_only(as_user, officer, round_):
    assert as_user(officer).get(reverse("collection:board_bulk", args=[round_.pk])).status_code == 405


# --- the numbers ---------------------------------------------------------------------------------


def test_counts_per_state_cover_every_school_of_the_round(as_user, officer, district, round_):
    response = as_user(officer).get(board_url(round_))
    counts = {state: count for state, _label, count in response.context["board"].state_counts}
    assert counts == {
        "not_started": 1, "draft": 2, "returned": 1, "confirmed": 1, "certified": 1, "acknowledged": 1,
    }
    rows = rows_by_code(response)
    assert "64010007" in rows  # closed since, but it has a submission in this round
    assert "64010008" not in rows  # closed, never took part
    total = response.context["board"].total
    assert total["schools"] == 7 and total["all_schools"] == 7
    assert total["records"] == 100 + 50 + 80 + 120 + 60 + 10
    assert total["errors"] == 5 and total["warnings"] == 12 and total["with_errors"] == 1
    assert total["previous_records"] == 90 + 100 + 120 + 60
    assert total["change"] == 420 - 370


def test_records_against_the_previous_round(as_user, officer, district, round_):
    rows = rows_by_code(as_user(officer).get(board_url(round_)))
    certif, draft, returned = rows["64010001"], rows["64010002"], rows["64020004"]
    assert (certif.records, certif.previous_records, certif.change) == (100, 90, 10)
    assert certif.change_pct == pytest.approx(11.11, abs=0.01)
    assert (draft.change, draft.change_pct) == (-50, pytest.approx(-50.0))
    assert returned.previous_records is None and returned.change is None and returned.change_pct is None


def test_records_change_is_shown_with_its_sign(as_user, officer, district, round_):
    html = as_user(officer).get(board_url(round_)).content.decode()
    assert "+10" in html and "(+11.1%)" in html
    assert "-50" in html and "(-50.0%)" in html


def test_completeness_is_measured_from_the_data(as_user, officer, district, round_):
    rows = rows_by_code(as_user(officer).get(board_url(round_)))
    completeness = {code: round(row.completeness, 1) for code, row in rows.items()}
    assert completeness == {
        "64010001": 100.0,  # more records than last round, no errors
        "64010002": 45.0,  # half of last round's records, 5 of 50 with a blocking error
        "64020003": 0.0,  # nothing yet
        "64020004": 80.0,  # 80 of the registry's 100 (no previous round for it)
        "64010005": 100.0,
        "64010006": 100.0,  # warnings do not lower it
        "64010007": 100.0,  # nothing to compare with: records present and clean
    }


def test_completeness_is_explained_on_the_page(as_user, officer, district, round_):
    response = as_user(officer).get(board_url(round_))
    assert 'data-testid="completeness-definition"' in response.content.decode()


def test_overdue_after_the_deadline_until_certified(as_user, officer, district, round_):
    client = as_user(officer)
    rows = rows_by_code(client.get(board_url(round_)))
    assert not any(row.overdue for row in rows.values())  # the deadline is still ahead
    overdue(round_)
    response = client.get(board_url(round_))
    late = {code for code, row in rows_by_code(response).items() if row.overdue}
    assert late == {"64010002", "64020003", "64020004", "64010006", "64010007"}
    assert response.context["board"].total["overdue"] == 5
    assert response.content.decode().count('data-testid="overdue"') == 5


def test_last_activity_is_the_latest_of_update_and_thread(as_user, officer, district, round_):
    submission = Submission.objects.get(school=district["draft"], round=round_)
    later = timezone.now() + datetime.timedelta(hours=3)
    SubmissionEvent.objects.create(submission=submission, at=later, user=officer, action="comment", comment="โปรดแก้")
    rows = rows_by_code(as_user(officer).get(board_url(round_)))
    assert rows["64010002"].last_activity == later
    assert rows["64010001"].last_activity == Submission.objects.get(school=district["certif"], round=round_).updated_at
    assert rows["64020003"].last_activity is None


def test_row_links_to_the_school_submission_page(as_user, officer, district, round_):
    response = as_user(officer).get(board_url(round_))
    expected = reverse("collection:submission", kwargs={"round_id": round_.pk, "smis_code": "64010002"})
    assert f'href="{expected}"' in response.content.decode()


def test_without_a_previous_round_nothing_is_compared(as_user, officer, school):
    only = Round.objects.create(academic_year=2569, kind=Round.Kind.OTHER, census_day=datetime.date(2025, 1, 1),
                                name="แรก", state=Round.State.OPEN)
    submit(school, only, S.DRAFT, 40)
    response = as_user(officer).get(board_url(only))
    row = rows_by_code(response)["64010001"]
    assert row.previous_records is None and row.completeness == pytest.approx(40.0)  # 40 of the registry's 100
    assert response.context["board"].total["change"] is None


# --- filters, sorting, paging ----------------------------------------------------------------------


def test_filter_by_state_keeps_the_counts_of_every_state(as_user, officer, district, round_):
    response = as_user(officer).get(board_url(round_, state="draft"))
    assert set(rows_by_code(response)) == {"64010002", "64010007"}
    counts = {state: count for state, _label, count in response.context["board"].state_counts}
    assert counts["certified"] == 1  # the buttons still say how many are in each state
    assert response.context["board"].total["schools"] == 2
    assert response.context["board"].total["records"] == 60


def test_filter_not_started(as_user, officer, district, round_):
    response = as_user(officer).get(board_url(round_, state="not_started"))
    assert set(rows_by_code(response)) == {"64020003"}


def test_filter_by_amphoe_and_cluster(as_user, officer, district, round_):
    client = as_user(officer)
    by_amphoe = client.get(board_url(round_, district="6402"))
    assert set(rows_by_code(by_amphoe)) == {"64020003", "64020004"}
    counts = {state: count for state, _label, count in by_amphoe.context["board"].state_counts}
    assert counts == {"not_started": 1, "draft": 0, "returned": 1, "confirmed": 0, "certified": 0,
                      "acknowledged": 0}
    cluster = district["idle"].cluster
    by_cluster = client.get(board_url(round_, cluster=cluster.pk))
    assert set(rows_by_code(by_cluster)) == {"64020003", "64020004"}


def test_filter_overdue(as_user, officer, district, round_):
    client = as_user(officer)
    assert rows_by_code(client.get(board_url(round_, overdue="on"))) == {}
    overdue(round_)
    response = client.get(board_url(round_, overdue="on"))
    assert set(rows_by_code(response)) == {"64010002", "64020003", "64020004", "64010006", "64010007"}


def test_search_by_name_or_code(as_user, officer, district, round_):
    client = as_user(officer)
    assert set(rows_by_code(client.get(board_url(round_, q="6402")))) == {"64020003", "64020004"}
    response = client.get(reverse("collection:board", args=[round_.pk]), {"q": "ส่งกลับ"})
    assert set(rows_by_code(response)) == {"64020004"}


def test_filters_not_understood_are_ignored(as_user, officer, district, round_):
    response = as_user(officer).get(board_url(round_, state="nonsense", district="9999", sort="bogus"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 7


@pytest.mark.parametrize("sort,first", [
    ("errors", "64010001"), ("-errors", "64010002"), ("-records", "64010005"), ("records", "64020003"),
    ("completeness", "64020003"), ("-change", "64010001"), ("change", "64010002"), ("change_pct", "64010002"),
    ("state", "64020003"), ("-state", "64010005"), ("code", "64010001"), ("-code", "64020004"),
])
def test_sortable_columns(as_user, officer, district, round_, sort, first):
    rows = as_user(officer).get(board_url(round_, sort=sort)).context["rows"]
    assert rows[0].smis_code == first


def test_sort_by_name_and_activity(as_user, officer, district, round_):
    client = as_user(officer)
    names = [row.name for row in client.get(board_url(round_, sort="name")).context["rows"]]
    assert names[0] == "บ้านกอไผ่" and len(names) == 7
    rows = client.get(board_url(round_, sort="-activity")).context["rows"]
    assert rows[-1].smis_code == "64020003"  # never active: last whichever way


def test_pages_of_a_hundred_with_counts_over_everything(as_user, officer, round_):
    for n in range(130):
        SchoolFactory(smis_code=f"6403{n:04d}", obec_code=f"106403{n:04d}")
    response = as_user(officer).get(board_url(round_, sort="code"))
    assert len(response.context["rows"]) == 100
    assert response.context["board"].total["schools"] == 130
    assert response.context["page"].paginator.num_pages == 2
    second = as_user(officer).get(board_url(round_, sort="code", page=2))
    assert len(second.context["rows"]) == 30
    assert "sort=code" in second.content.decode()


# --- bulk actions --------------------------------------------------------------------------------


def bulk(client, round_, action, schools, query=""):
    return client.post(reverse("collection:board_bulk", args=[round_.pk]), {
        "action": action, "school": [s.pk for s in schools], "query": query,
    })


def test_bulk_acknowledge_changes_only_certified_ones(as_user, officer, district, round_):
    client = as_user(officer)
    chosen = [district["certif"], district["draft"], district["idle"], district["acked"]]
    response = bulk(client, round_, "acknowledge", chosen, query="state=certified")
    assert response.status_code == 302
    assert response["Location"] == board_url(round_) + "?state=certified"
    statuses = dict(Submission.objects.filter(round=round_).values_list("school__smis_code", "status"))
    assert statuses["64010001"] == S.ACKNOWLEDGED
    assert statuses["64010002"] == S.DRAFT
    assert statuses["64010005"] == S.ACKNOWLEDGED
    assert "64020003" not in statuses  # not started: nothing was created
    event = SubmissionEvent.objects.get(submission__school=district["certif"], action="acknowledge")
    assert event.user == officer and event.from_status == S.CERTIFIED
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    # "1 submissions acknowledged." / "รับทราบข้อมูลแล้ว 1 โรงเรียน": the count, in either language.
    assert re.search(r"(^|\D)1(\D|$)", texts[0])
    refused = "\n".join(texts[1:])
    assert re.search(r"(^|\D)3(\D|$)", texts[1])
    for name in ("บ้านร่าง", "บ้านกอไผ่", "บ้านรับทราบ"):
        assert name in refused


def test_bulk_acknowledge_reports_a_round_not_yet_open(as_user, officer, district, round_):
    round_.state = Round.State.PLANNED
    round_.save()
    response = bulk(as_user(officer), round_, "acknowledge", [district["certif"]])
    assert response.status_code == 302
    assert Submission.objects.get(school=district["certif"], round=round_).status == S.CERTIFIED
    assert any("บ้านรับรอง" in str(m) for m in get_messages(response.wsgi_request))


def test_bulk_without_a_school_or_with_an_unknown_action(as_user, officer, district, round_):
    client = as_user(officer)
    response = bulk(client, round_, "acknowledge", [])
    assert response.status_code == 302
    response = bulk(client, round_, "delete", [district["certif"]])
    assert response.status_code == 302
    assert Submission.objects.get(school=district["certif"], round=round_).status == S.CERTIFIED


def test_bulk_redirect_stays_on_the_board(as_user, officer, district, round_):
    response = bulk(as_user(officer), round_, "acknowledge", [district["certif"]], query="//evil.example/")
    assert response["Location"].startswith(board_url(round_) + "?")


def test_bulk_reminder_mails_the_schools_once_a_day(as_user, officer, district, round_):
    for key, name in (("draft", "staff_draft"), ("idle", "staff_idle"), ("certif", "staff_certif")):
        user = UserFactory(username=name, email=f"{name}@school.example")
        Membership.objects.create(user=user, school=district[key], role=Membership.Role.STAFF)
    client = as_user(officer)
    chosen = [district["draft"], district["idle"]]
    response = bulk(client, round_, "remind", chosen)
    assert response.status_code == 302
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["staff_draft@school.example", "staff_idle@school.example"]
    assert Reminder.objects.filter(submission__round=round_).count() == 2
    # The school that had not started now has a draft to hang the reminder on.
    assert Submission.objects.filter(school=district["idle"], round=round_, status=S.DRAFT).exists()
    sent = len(mail.outbox)
    again = bulk(client, round_, "remind", chosen)
    assert len(mail.outbox) == sent  # not twice a day
    assert Reminder.objects.filter(submission__round=round_).count() == 2
    texts = "\n".join(str(m) for m in get_messages(again.wsgi_request))
    assert "บ้านร่าง" in texts and "บ้านกอไผ่" in texts
    assert texts.count("เตือนไปแล้ววันนี้") == 2  # the one reason that applies, for each


def test_bulk_reminder_says_a_certified_school_needs_none(as_user, officer, district, round_):
    user = UserFactory(username="staff_certif", email="staff_certif@school.example")
    Membership.objects.create(user=user, school=district["certif"], role=Membership.Role.STAFF)
    response = bulk(as_user(officer), round_, "remind", [district["certif"]])
    assert mail.outbox == []
    texts = "\n".join(str(m) for m in get_messages(response.wsgi_request))
    assert "รับรองข้อมูลแล้ว ไม่ต้องเตือน" in texts and "เตือนไปแล้ววันนี้" not in texts


def test_bulk_reminder_to_a_school_nobody_can_be_told(as_user, officer, district, round_):
    response = bulk(as_user(officer), round_, "remind", [district["idle"]])
    assert mail.outbox == []
    # It stays "not started": no draft is made for a reminder that cannot be sent.
    assert not Submission.objects.filter(school=district["idle"], round=round_).exists()
    assert any("บ้านกอไผ่" in str(m) and "ไม่มีผู้รับผิดชอบขั้นตอนนี้ที่มีอีเมลในระบบ" in str(m)
               for m in get_messages(response.wsgi_request))


def test_bulk_reminder_leaves_out_schools_not_in_the_round(as_user, officer, district, round_):
    closed = School.objects.get(smis_code="64010008")
    user = UserFactory(username="staff_closed", email="closed@school.example")
    Membership.objects.create(user=user, school=closed, role=Membership.Role.STAFF)
    bulk(as_user(officer), round_, "remind", [closed])
    assert mail.outbox == []
    assert not Submission.objects.filter(school=closed).exists()


# --- Excel export --------------------------------------------------------------------------------


def test_export_is_the_filtered_board_with_thai_headers(as_user, officer, district, round_):
    overdue(round_)
    response = as_user(officer).get(reverse("collection:board_export", args=[round_.pk]), {"district": "6401"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert "รอบ 10 พฤศจิกายน 2569" in rows[0][0]
    headers = rows[1]
    assert headers[:3] == ("รหัส SMIS", "รหัสโรงเรียน (10 หลัก)", "ชื่อโรงเรียน")
    assert "ความครบถ้วน (%)" in headers and "เกินกำหนด" in headers
    data = {row[0]: dict(zip(headers, row, strict=False)) for row in rows[2:]}
    assert set(data) == {"64010001", "64010002", "64010005", "64010006", "64010007"}
    draft = data["64010002"]
    assert draft["สถานะ"] == "ฉบับร่าง"  # the state as the board page names it
    assert data["64010001"]["สถานะ"] == "ผู้อำนวยการโรงเรียนรับรองแล้ว"
    page = as_user(officer).get(board_url(round_), {"district": "6401"}).content.decode()
    assert all(row["สถานะ"] in page for row in data.values())
    assert (draft["จำนวนนักเรียนรอบนี้"], draft["จำนวนนักเรียนรอบก่อน"], draft["เพิ่ม/ลด"]) == (50, 100, -50)
    assert draft["ข้อผิดพลาดที่ต้องแก้"] == 5 and draft["ความครบถ้วน (%)"] == 45
    assert draft["เกินกำหนด"] == "เกินกำหนด"
    assert data["64010001"]["เกินกำหนด"] is None


# --- the officer's home ------------------------------------------------------------------------


def test_home_links_to_the_board_of_the_current_round(as_user, officer, district, round_):
    html = as_user(officer).get("/").content.decode()
    assert board_url(round_) in html
    assert 'data-testid="home-count-draft"' in html
    assert "will appear here" not in html


def test_home_without_a_round_says_so(as_user, officer, db):
    response = as_user(officer).get("/")
    assert response.status_code == 200
    assert 'data-testid="home-board"' not in response.content.decode()


# --- scale ----------------------------------------------------------------------------------------


def _schools_with_submissions(round_, previous, count, start):
    states = [S.DRAFT, S.CONFIRMED, S.CERTIFIED, S.RETURNED, S.ACKNOWLEDGED, None]
    for n in range(count):
        school = SchoolFactory(smis_code=f"6405{start + n:04d}", obec_code=f"106405{start + n:04d}")
        state = states[n % len(states)]
        if state is None:
            continue
        submission = submit(school, round_, state, 10 + n, errors=n % 3)
        submit(school, previous, S.ACKNOWLEDGED, 12 + n)
        SubmissionEvent.objects.create(submission=submission, user=None, action="comment", comment="x")


def test_board_queries_do_not_grow_with_the_schools(as_user, officer, round_, previous,
                                                    django_assert_max_num_queries):
    client = as_user(officer)
    _schools_with_submissions(round_, previous, 5, 0)
    client.get(board_url(round_))  # warm the session
    with CaptureQueriesContext(connection) as few:
        response = client.get(board_url(round_))
    assert len(response.context["rows"]) == 5
    _schools_with_submissions(round_, previous, 55, 5)
    with django_assert_max_num_queries(len(few)):
        response = client.get(board_url(round_))
    assert len(response.context["rows"]) == 60
    with CaptureQueriesContext(connection) as filtered:
        client.get(board_url(round_, sort="-completeness", district="6401"))
    assert len(filtered) == len(few) + 1  # one more: the chosen amphoe is looked up
    with django_assert_max_num_queries(len(few)):
        response = client.get(board_url(round_, sort="-activity"))  # last activity is in the main query
    assert response.context["rows"][0].last_activity is not None


def test_state_counts_selector(district, round_):
    counts = {state: count for state, _label, count in selectors.state_counts(round_)}
    assert sum(counts.values()) == 7 and counts["not_started"] == 1
