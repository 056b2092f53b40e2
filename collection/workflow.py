"""The submission workflow as data: action → (from states, to state, who, needs a reason).

DESIGN.md §4. The services in collection/services.py read this table; nothing else decides
whether a transition is allowed.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from edinfo import access

from .models import Submission

S = Submission.Status


class Action(models.TextChoices):
    CONFIRM = "confirm", _("Confirm")
    SEND_BACK = "send_back", _("Send back to staff")
    CERTIFY = "certify", _("Certify")
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    RETURN = "return", _("Return with a reason")
    REOPEN = "reopen", _("Reopen")


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    roles: frozenset
    needs_reason: bool = False
    # When the step can be taken: "school" while the round is open (or the submission was
    # reopened after it closed), "office" once the round has opened, "closed" only after it closed.
    when: str = "school"


TRANSITIONS = {
    Action.CONFIRM: Transition(frozenset({S.DRAFT, S.RETURNED}), S.CONFIRMED, frozenset({access.STAFF})),
    Action.SEND_BACK: Transition(frozenset({S.CONFIRMED}), S.DRAFT, frozenset({access.DIRECTOR})),
    Action.CERTIFY: Transition(frozenset({S.CONFIRMED}), S.CERTIFIED, frozenset({access.DIRECTOR})),
    Action.ACKNOWLEDGE: Transition(
        frozenset({S.CERTIFIED}), S.ACKNOWLEDGED, frozenset(access.OFFICE_ROLES), when="office"
    ),
    Action.RETURN: Transition(
        frozenset({S.CERTIFIED, S.ACKNOWLEDGED}), S.RETURNED, frozenset(access.OFFICE_ROLES), needs_reason=True,
        when="office",
    ),
    Action.REOPEN: Transition(
        frozenset(S.values), S.RETURNED, frozenset(access.OFFICE_ROLES), needs_reason=True, when="closed"
    ),
}

# Who is told about each step (by e-mail): the people who act next.
NOTIFY = {
    Action.CONFIRM: {access.DIRECTOR},
    Action.SEND_BACK: {access.STAFF},
    Action.CERTIFY: {access.OFFICER},
    Action.ACKNOWLEDGE: {access.STAFF, access.DIRECTOR},
    Action.RETURN: {access.STAFF, access.DIRECTOR},
    Action.REOPEN: {access.STAFF, access.DIRECTOR},
}


def timing_allows(rule, submission):
    round = submission.round
    if rule.when == "closed":
        return round.is_closed
    if rule.when == "office":
        return round.state != round.State.PLANNED
    return round.is_open or (round.is_closed and submission.reopened_at is not None)


def available_actions(submission, roles):
    """The actions these roles could take on this submission now (the buttons to show)."""
    return [
        action
        for action, rule in TRANSITIONS.items()
        if submission.status in rule.sources and rule.roles & set(roles) and timing_allows(rule, submission)
    ]
