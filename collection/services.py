"""Writes for collection rounds and submissions. Only submission_act() changes a status."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edinfo import access
from edinfo.models import User

from .models import Submission, SubmissionEvent
from .workflow import NOTIFY, TRANSITIONS, Action, timing_allows


class WorkflowError(Exception):
    """A step that is not allowed, with a message for the person who tried it (Thai by default)."""


def submission_for(*, school, round):
    """The school's submission for the round, created as a draft the first time it is needed."""
    submission, _created = Submission.objects.get_or_create(school=school, round=round)
    return submission


def blocking_problems(submission):
    """Reasons the school cannot confirm yet: no records, or checks with blocking errors."""
    from students.selectors import stored_problems

    reasons = []
    if submission.round.collects_students:
        problems = stored_problems(school=submission.school, round=submission.round)
        if problems.record_count == 0:
            reasons.append(_("No student records have been entered or imported for this round."))
        errors = [p for p in problems.items if p.is_error]
        if errors:
            reasons.append(
                _("%(count)d blocking errors remain, e.g. %(example)s")
                % {"count": len(errors), "example": str(errors[0])}
            )
    return reasons


@transaction.atomic
def submission_act(*, submission, action, user, comment=""):
    """Take one workflow step: lock the row, check the table, the role, timing and reason,
    save, log and notify. Raises WorkflowError with a message when the step is not allowed."""
    action = Action(action)
    rule = TRANSITIONS[action]
    # Lock the row so two people clicking at once serialise; re-read the state under the lock.
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    submission.round  # noqa: B018 – load the round inside the transaction
    roles = access.school_roles_of(user, submission.school)
    if not rule.roles & roles:
        raise WorkflowError(
            _("You cannot %(action)s this submission: it needs %(roles)s.")
            % {"action": action.label.lower(), "roles": ", ".join(str(_role_label(r)) for r in sorted(rule.roles))}
        )
    if submission.status not in rule.sources:
        raise WorkflowError(
            _("This submission is now “%(status)s”, so it cannot be %(action)s. Reload the page to see its state.")
            % {"status": submission.get_status_display(), "action": _past(action)}
        )
    if not timing_allows(rule, submission):
        raise WorkflowError(_timing_message(rule, submission))
    comment = (comment or "").strip()
    if rule.needs_reason and not comment:
        raise WorkflowError(_("Please give a reason: the school reads it to know what to fix."))
    if action == Action.CONFIRM:
        reasons = blocking_problems(submission)
        if reasons:
            raise WorkflowError(_("Cannot confirm yet: ") + " ".join(reasons))

    previous = submission.status
    now = timezone.now()
    submission.status = rule.target
    submission.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if action == Action.REOPEN:
        submission.reopened_at = now
        fields.append("reopened_at")
    submission.save(update_fields=fields)
    SubmissionEvent.objects.create(
        submission=submission, at=now, user=user, action=action, from_status=previous,
        to_status=rule.target, comment=comment,
    )
    transaction.on_commit(lambda: _notify(submission, action, user, comment))
    return submission


def submission_recheck(*, submission, counts=None):
    """Run the checks over the school's stored records again and keep the counts on the submission.

    `counts` (records, errors, warnings) lets a caller that has just checked exactly the stored
    data — an import commit — pass its own result instead of checking everything a second time.
    Writes only the cached counts (never the status), so it needs no row lock: two rechecks at
    once both write what the data says.
    """
    if counts is None:
        from students.selectors import stored_problems

        problems = stored_problems(school=submission.school, round=submission.round)
        counts = (problems.record_count, problems.error_count, problems.warning_count)
    submission.record_count, submission.error_count, submission.warning_count = counts
    submission.checked_at = timezone.now()
    Submission.objects.filter(pk=submission.pk).update(
        record_count=submission.record_count, error_count=submission.error_count,
        warning_count=submission.warning_count, checked_at=submission.checked_at,
    )
    return submission


def round_recheck(*, round):
    """Recheck every submission of the round (after the rules changed, or on an officer's request)."""
    submissions = list(round.submissions.select_related("school", "round"))
    for submission in submissions:
        submission_recheck(submission=submission)
    return len(submissions)


def submission_comment(*, submission, user, comment):
    """A note in the submission's thread without a change of state."""
    comment = (comment or "").strip()
    if not comment:
        raise WorkflowError(_("Write something before sending."))
    return SubmissionEvent.objects.create(
        submission=submission, user=user, action="comment", from_status=submission.status,
        to_status=submission.status, comment=comment,
    )


def people_to_notify(submission, roles):
    """Active users with an e-mail address who hold one of the roles for this school."""
    users = User.objects.filter(is_active=True).exclude(email="")
    school_roles = [r for r in roles if r in access.SCHOOL_ROLES]
    recipients = list(users.filter(memberships__school=submission.school, memberships__role__in=school_roles))
    if access.OFFICER in roles:
        recipients += list(users.filter(office_role=User.OfficeRole.OFFICER))
    return recipients


def _notify(submission, action, actor, comment):
    recipients = [u for u in people_to_notify(submission, NOTIFY[action]) if u.pk != actor.pk]
    if not recipients:
        return
    subject = _("[edinfo] %(school)s: %(status)s (%(round)s)") % {
        "school": submission.school.full_name,
        "status": submission.get_status_display(),
        "round": submission.round.name,
    }
    body = _("%(who)s: %(action)s.\n%(comment)s\n\n%(site)s") % {
        "who": actor.get_full_name() or actor.get_username(),
        "action": Action(action).label,
        "comment": comment,
        "site": settings.EDINFO_OFFICE_NAME,
    }
    send_mass_mail([(subject, body, None, [u.email]) for u in recipients], fail_silently=True)


def _role_label(role):
    return {
        access.STAFF: _("school data staff"),
        access.DIRECTOR: _("the school director"),
        access.OFFICER: _("a planning officer"),
        access.ADMIN: _("an administrator"),
    }[role]


def _past(action):
    return {
        Action.CONFIRM: _("confirmed"),
        Action.SEND_BACK: _("sent back"),
        Action.CERTIFY: _("certified"),
        Action.ACKNOWLEDGE: _("acknowledged"),
        Action.RETURN: _("returned"),
        Action.REOPEN: _("reopened"),
    }[action]


def _timing_message(rule, submission):
    round = submission.round
    if rule.when == "closed":
        return _("Reopening is for rounds that have closed; this round is still open, so use “Return” instead.")
    if round.state == round.State.PLANNED:
        return _("This round has not opened yet.")
    return _("This round closed on its deadline. Ask the planning group to reopen it for your school.")
