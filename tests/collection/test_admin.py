"""Rounds and submissions in the admin: the status is never a form field, and the admin's actions
are the workflow's services (the log is written, refusals are shown, a reason is required)."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from collection.admin import SubmissionAdmin
from collection.models import Reminder, Round, Submission, SubmissionEvent
from collection.services import submission_act
from collection.workflow import Action
from tests.factories import SchoolFactory
from tests.students.factories import RoundFactory, StudentRecordFactory, SubmissionFactory

pytestmark = pytest.mark.ignore_template_errors  # Django's own admin templates use optional variables

S = Submission.Status
CHANGELIST = "admin:collection_submission_changelist"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def round_(db):
    return RoundFactory(state=Round.State.OPEN)


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def act(client, action, submissions, comment=""):
    return client.post(reverse(CHANGELIST), {
        "action": action, "_selected_action": [s.pk for s in submissions], "comment": comment,
    })


def change_form_data(client, submission, **changes):
    """What the change form would post back: its fields, the inline's management form, plus changes."""
    page = client.get(reverse("admin:collection_submission_change", args=[submission.pk]))
    assert page.status_code == 200
    data = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    data.update(changes, _save="Save")
    return data


def test_the_admin_lists_submissions_with_their_status_and_counts(admin_client, school, round_):
    SubmissionFactory(school=school, round=round_, status=S.CERTIFIED, record_count=412, error_count=3)
    response = admin_client.get(reverse(CHANGELIST))
    html = response.content.decode()
    assert response.status_code == 200
    assert school.name in html and str(S.CERTIFIED.label) in html and "412" in html
    assert 'name="comment"' in html  # the reason box beside the actions


def test_status_and_cached_counts_are_read_only_in_the_change_form(admin_client, school, round_):
    submission = SubmissionFactory(school=school, round=round_, status=S.DRAFT, record_count=5)
    data = change_form_data(admin_client, submission, status=S.CERTIFIED, record_count="999", error_count="0",
                            reopened_at="2026-12-01", status_changed_at="2026-12-01")
    assert "status" not in data or data["status"] == S.CERTIFIED  # not one of the form's own fields
    response = admin_client.post(reverse("admin:collection_submission_change", args=[submission.pk]), data)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.record_count, submission.reopened_at) == (S.DRAFT, 5, None)
    assert not SubmissionEvent.objects.exists()


def test_saving_the_form_does_not_write_back_a_status_that_changed_meanwhile(
    admin_user, staff, school, round_
):
    submission = SubmissionFactory(school=school, round=round_, status=S.DRAFT)
    StudentRecordFactory(school=school, round=round_)
    model_admin = SubmissionAdmin(Submission, admin_site)
    request = RequestFactory().post("/")
    request.user = admin_user
    stale = Submission.objects.get(pk=submission.pk)  # what the admin loaded
    form = model_admin.get_form(request, stale)({}, instance=stale)
    assert form.is_valid(), form.errors
    submission_act(submission=submission, action="confirm", user=staff)  # staff confirm meanwhile
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    submission.refresh_from_db()
    assert submission.status == S.CONFIRMED


def test_acknowledge_goes_through_the_service_and_names_each_refusal(admin_client, admin_user, round_):
    certified = SubmissionFactory(round=round_, status=S.CERTIFIED)
    draft = SubmissionFactory(round=round_, status=S.DRAFT)
    response = act(admin_client, "acknowledge", [certified, draft])
    assert response.status_code == 302
    certified.refresh_from_db()
    draft.refresh_from_db()
    assert certified.status == S.ACKNOWLEDGED and draft.status == S.DRAFT
    assert list(SubmissionEvent.objects.values_list("submission", "user", "action", "from_status", "to_status")) == [
        (certified.pk, admin_user.pk, "acknowledge", S.CERTIFIED, S.ACKNOWLEDGED)]
    messages = texts(response)
    refusal = [m for m in messages if draft.school.smis_code in m]
    assert len(refusal) == 1 and str(S.DRAFT.label) in refusal[0]  # "this submission is now Draft …"
    assert f"{Action.ACKNOWLEDGE.label}: 1" in " ".join(messages)


def test_return_without_a_reason_changes_nothing_and_says_why(admin_client, round_):
    submission = SubmissionFactory(round=round_, status=S.CERTIFIED)
    response = act(admin_client, "return_with_reason", [submission], comment="  ")
    submission.refresh_from_db()
    assert submission.status == S.CERTIFIED and not SubmissionEvent.objects.exists()
    assert any("reason" in m or "เหตุผล" in m for m in texts(response))


def test_return_with_a_reason_writes_it_in_the_log(admin_client, round_):
    submission = SubmissionFactory(round=round_, status=S.ACKNOWLEDGED)
    act(admin_client, "return_with_reason", [submission], comment="ป.1 ขาดไป 3 คน")
    submission.refresh_from_db()
    assert submission.status == S.RETURNED
    assert list(SubmissionEvent.objects.values_list("action", "comment")) == [("return", "ป.1 ขาดไป 3 คน")]


def test_reopen_is_for_closed_rounds_only(admin_client, round_):
    submission = SubmissionFactory(round=round_, status=S.DRAFT)
    response = act(admin_client, "reopen", [submission], comment="ขอส่งเพิ่ม")
    submission.refresh_from_db()
    assert submission.status == S.DRAFT and texts(response)
    round_.state = Round.State.CLOSED
    round_.save()
    act(admin_client, "reopen", [submission], comment="ขอส่งเพิ่ม")
    submission.refresh_from_db()
    assert submission.status == S.RETURNED and submission.reopened_at is not None
    assert SubmissionEvent.objects.get().comment == "ขอส่งเพิ่ม"


def test_admin_access_without_an_office_role_is_refused_by_the_service(client, director, school, round_):
    """The admin's permissions let a user into the page; the workflow still decides who may act."""
    director.is_staff = True
    director.save()
    director.user_permissions.set(Permission.objects.filter(
        content_type__app_label="collection", codename__in=["view_submission", "change_submission"]))
    client.force_login(director, backend="django.contrib.auth.backends.ModelBackend")
    submission = SubmissionFactory(school=school, round=round_, status=S.CERTIFIED)
    response = act(client, "acknowledge", [submission])
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == S.CERTIFIED and not SubmissionEvent.objects.exists()
    assert any(school.smis_code in m for m in texts(response))


def test_recheck_counts_the_stored_records_again(admin_client, school, round_):
    submission = SubmissionFactory(school=school, round=round_)
    StudentRecordFactory(school=school, round=round_)
    StudentRecordFactory(school=school, round=round_, first_name="")
    act(admin_client, "recheck", [submission])
    submission.refresh_from_db()
    assert (submission.record_count, submission.error_count) == (2, 1) and submission.checked_at is not None
    assert submission.status == S.DRAFT and not SubmissionEvent.objects.exists()


def test_submissions_cannot_be_deleted_and_their_log_is_read_only(admin_client, admin_user, school, round_):
    submission = SubmissionFactory(school=school, round=round_, status=S.CERTIFIED)
    submission_act(submission=submission, action="acknowledge", user=admin_user)
    assert admin_client.post(reverse("admin:collection_submission_delete", args=[submission.pk]),
                             {"post": "yes"}).status_code == 403
    assert Submission.objects.filter(pk=submission.pk).exists()
    page = admin_client.get(reverse("admin:collection_submission_change", args=[submission.pk]))
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission and not inline.has_delete_permission


def test_rounds_list_their_state_and_dates_and_the_state_is_not_a_form_field(admin_client, round_):
    response = admin_client.get(reverse("admin:collection_round_changelist"))
    assert response.status_code == 200 and round_.name in response.content.decode()
    page = admin_client.get(reverse("admin:collection_round_change", args=[round_.pk]))
    assert "state" not in page.context["adminform"].form.fields


def test_reminders_are_a_read_only_list(admin_client, round_):
    submission = SubmissionFactory(round=round_, school=SchoolFactory())
    Reminder.objects.create(submission=submission, kind=Reminder.Kind.OVERDUE, sent_on=timezone.localdate(),
                            recipients="staff@example.org")
    response = admin_client.get(reverse("admin:collection_reminder_changelist"))
    assert response.status_code == 200 and "staff@example.org" in response.content.decode()
    assert admin_client.get(reverse("admin:collection_reminder_add")).status_code == 403
