"""{% current_round_board %}: the current round's states on the officer's home page.

A tag rather than view context so the home page (edinfo/views.py) needs no change to show it.
"""

from django import template

from collection import selectors
from collection.models import Round

register = template.Library()


@register.inclusion_tag("collection/board_home.html")
def current_round_board():
    round_ = Round.objects.current()
    if round_ is None:
        return {"round": None, "state_counts": [], "days_left": None, "total": 0}
    counts = selectors.state_counts(round_)
    return {
        "round": round_, "state_counts": counts, "days_left": round_.days_left(),
        "total": sum(count for _state, _label, count in counts),
    }
