from typing import NamedTuple

from django.contrib.auth import views as auth_views
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from collection import reminders
from collection.models import Round, Submission
from edinfo import access
from reports import summary
from schools.models import School
from schools.selectors import district_overview, registry_gap_rows
from students.models import StudentRecord


@access.any_role
def home(request):
    """One home page, routed by role: office roles see the district, school users their school."""
    roles = access.roles_of(request.user)
    if access.OFFICER in roles:
        return render(request, "edinfo/home_officer.html", {"overview": district_overview(), "gaps": registry_gap_rows()})
    if access.EXECUTIVE in roles:
        return render(request, "edinfo/home_executive.html",
                      {"overview": district_overview(), "certified": _certified_figure(Round.objects.current())})
    schools = School.objects.visible_to(request.user).with_related().prefetch_related("memberships")
    round_ = Round.objects.current()
    submissions, records = {}, {}
    if round_ is not None:
        submissions = {s.school_id: s for s in Submission.objects.filter(round=round_, school__in=schools)}
        records = dict(
            StudentRecord.objects.filter(round=round_, school__in=schools)
            .values_list("school_id").annotate(n=Count("pk")).order_by()
        )
    # A school the office returned or reopened in another round (often one that has closed)
    # must hear about it here too, not only in the current round.
    elsewhere = {}
    other = Submission.objects.filter(school__in=schools, status=Submission.Status.RETURNED).select_related("round")
    for submission in other.exclude(round=round_) if round_ else other:
        elsewhere.setdefault(submission.school_id, []).append({
            "round": submission.round,
            "url": reverse(
                "collection:submission", kwargs={"round_id": submission.round_id, "smis_code": submission.school.smis_code}
            ),
        })
    cards = []
    for school in schools:
        role = next((m.role for m in school.memberships.all() if m.user_id == request.user.pk), None)
        cards.append({
            "school": school, "role": role, "todo": school_todo(school, role),
            "collection": _collection_card(round_, school, submissions.get(school.pk), role, records.get(school.pk, 0)),
            "returned_elsewhere": elsewhere.get(school.pk, []),
        })
    return render(request, "edinfo/home_school.html", {"cards": cards})


def _certified_figure(round_):
    """The current round's certified student count and the coverage line the summary prints, so the
    executive reads both figures, each with what it counts, on one page."""
    if round_ is None:
        return None
    return {"round": round_, "students": summary.official_records(round_).count(), "coverage": summary.coverage(round_)}


def _collection_card(round_, school, submission, role, records):
    """The school's place in the current round: status, countdown and the next thing to do."""
    if round_ is None:
        return None
    submission = submission or Submission(school=school, round=round_)
    submission.round = round_
    return {
        "round": round_,
        "submission": submission,
        "countdown": reminders.countdown(round_),
        "next_step": reminders.next_step(submission, {role} if role else set()),
        "heading": reminders.checklist_heading(submission),
        "steps": reminders.todo(submission, role, records=records) if role else [],
        "url": reverse("collection:submission", kwargs={"round_id": round_.pk, "smis_code": school.smis_code}),
    }


class TodoItem(NamedTuple):
    text: str
    url: str = ""  # where to do it, when the school's own users can

    def __str__(self):
        return str(self.text)


def school_todo(school, role=None):
    """What a school still has to do: missing registry information, most important first.

    The location item links to the map picker only for the school's data staff, who may save
    there (the director's picker is read-only: no link to a page where nothing can be done)."""
    items = []
    if school.latitude is None:
        url = reverse("schools:location", kwargs={"smis_code": school.smis_code}) if role == access.STAFF else ""
        items.append(TodoItem(_("Set the school's location on the map (latitude and longitude)."), url))
    if not school.lowest_level:
        items.append(_("Say which levels the school offers."))
    if not school.phone:
        items.append(_("Add the school's telephone number."))
    if not school.email:
        items.append(_("Add the school's email address."))
    if not school.director_name:
        items.append(_("Add the director's name."))
    return items


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


login_view = access.public(LoginView.as_view())
logout_view = access.any_role(auth_views.LogoutView.as_view())
password_change = access.any_role(auth_views.PasswordChangeView.as_view())
password_change_done = access.any_role(auth_views.PasswordChangeDoneView.as_view())
set_language_view = access.public(set_language)


@access.public
def healthz(request):
    """For the load balancer: the app answers and the database is reachable."""
    School.objects.exists()
    return JsonResponse({"status": "ok"})


