"""Reads for the collection cycle: the officer's board and the district-wide checks.

Every number is computed in SQL over the whole round. The board joins each school to its
submission of the round and of the previous round (two LEFT JOINs) and reads the check results
that are cached on Submission, so no query touches the student records and the number of
queries does not grow with the number of schools. The district checks work on person IDs with
GROUP BY and EXISTS over the round's records (the (round, person_id) index), never with a
Python loop over records.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf
from django.utils.translation import gettext_lazy as _

from edinfo.db import thai_order
from schools.levels import LEVELS, Level
from schools.models import School
from students import checks
from students.codes import Status as RecordStatus
from students.models import StudentRecord

from .models import Submission, SubmissionEvent

S = Submission.Status
NOT_STARTED = "not_started"

# The order in which the board lists states: from "nothing done yet" to "done".
BOARD_STATES = [
    (NOT_STARTED, _("Not started")),
    (S.DRAFT, S.DRAFT.label),
    (S.RETURNED, S.RETURNED.label),
    (S.CONFIRMED, S.CONFIRMED.label),
    (S.CERTIFIED, S.CERTIFIED.label),
    (S.ACKNOWLEDGED, S.ACKNOWLEDGED.label),
]
STATE_LABELS = dict(BOARD_STATES)
STATE_ORDER = {state: index for index, (state, _label) in enumerate(BOARD_STATES)}
DONE_STATES = (S.CERTIFIED, S.ACKNOWLEDGED)  # certified data is locked: a school is no longer late


# --- the board --------------------------------------------------------------------------------


def _state_q(state):
    """The filter for one board state, on the joined current submission (`cur`)."""
    if state == NOT_STARTED:
        return Q(cur__id__isnull=True)
    return Q(cur__status=state)


def _not_done_q():
    return Q(cur__id__isnull=True) | ~Q(cur__status__in=DONE_STATES)


def round_is_overdue(round, today=None):
    """The deadline has passed (the day after it, Bangkok time)."""
    days = round.days_left(today)
    return days is not None and days < 0


def board_queryset(round, *, previous=None):
    """Every school of the round, annotated with what the board shows and sorts by.

    The schools of a round are the open schools of the registry and any school that has a
    submission in it (a school closed since). A school without a submission has not started.
    """
    schools = School.objects.annotate(cur=FilteredRelation("submissions", condition=Q(submissions__round=round)))
    if previous is not None:
        schools = schools.annotate(
            prev=FilteredRelation("submissions", condition=Q(submissions__round=previous))
        )
        previous_records = F("prev__record_count")
    else:
        # Typed, or PostgreSQL cannot choose a SUM() for a bare NULL.
        previous_records = Cast(Value(None), IntegerField())
    schools = schools.filter(Q(is_open=True) | Q(cur__id__isnull=False))

    records = Coalesce(F("cur__record_count"), 0)
    errors = Coalesce(F("cur__error_count"), 0)
    schools = schools.annotate(
        submission_id=F("cur__id"),
        state=Coalesce(F("cur__status"), Value(NOT_STARTED)),
        state_order=Case(
            *(When(_state_q(state), then=Value(index)) for state, index in STATE_ORDER.items()),
            output_field=IntegerField(),
        ),
        records=records,
        errors=errors,
        warnings=Coalesce(F("cur__warning_count"), 0),
        checked_at=F("cur__checked_at"),
        submission_updated_at=F("cur__updated_at"),
        previous_records=previous_records,
        # What "all the records" means for this school: the previous round's count, else the
        # registry's latest student count; NULL when neither is known.
        expected=NullIf(
            Coalesce(NullIf(previous_records, 0), F("student_count"), output_field=IntegerField()), 0
        ),
    ).annotate(
        change=ExpressionWrapper(F("records") - F("previous_records"), output_field=IntegerField()),
        change_pct=Case(
            When(previous_records__gt=0, then=(F("records") - F("previous_records")) * 100.0
                 / Cast(F("previous_records"), FloatField())),
            output_field=FloatField(),
        ),
        completeness=completeness_expression(),
    )
    return schools


def with_last_activity(schools):
    """Annotate `last_activity`: the latest of the submission's last change and the last event of
    its thread, for every school (a GROUP BY over the round's events). For sorting and export; a
    page of the board uses attach_last_activity() instead, which reads the events of its rows only.
    """
    last_event = Max("cur__events__at")
    # SQLite's MAX(a, NULL) is NULL where PostgreSQL's GREATEST skips NULLs: coalesce first.
    return schools.annotate(
        last_activity=Greatest(Coalesce(last_event, F("cur__updated_at")), F("cur__updated_at"))
    )


def attach_last_activity(rows):
    """Set `last_activity` on board rows (one page) with one query over their submissions' events."""
    rows = list(rows)
    missing = [row for row in rows if not hasattr(row, "last_activity")]
    ids = [row.submission_id for row in missing if row.submission_id is not None]
    last = dict(
        SubmissionEvent.objects.filter(submission_id__in=ids).order_by().values("submission")
        .annotate(last=Max("at")).values_list("submission", "last")
    ) if ids else {}
    for row in missing:
        times = [t for t in (row.submission_updated_at, last.get(row.submission_id)) if t is not None]
        row.last_activity = max(times) if times else None
    return rows


def completeness_expression():
    """Completeness % of one school, from its data (see the board's explanation):

    coverage × cleanliness, where coverage = min(records, expected) / expected (100 % when nothing
    is expected to compare with but records exist) and cleanliness = records without blocking
    errors / records (each blocking error is counted against one record). Records the checks have
    not run over yet (e.g. carried forward from the last round) are not known to be clean, so they
    count as not clean. No records → 0 %.
    """
    records = Cast(F("records"), FloatField())
    clean = Case(
        When(checked_at__isnull=True, then=Value(0.0)),
        default=Cast(F("records") - Least(F("errors"), F("records")), FloatField()),
        output_field=FloatField(),
    )
    coverage = Case(
        When(expected__isnull=True, then=Value(1.0)),
        default=Cast(Least(F("records"), F("expected")), FloatField()) / Cast(F("expected"), FloatField()),
        output_field=FloatField(),
    )
    return Case(
        When(records__lte=0, then=Value(0.0)),
        default=Value(100.0) * coverage * clean / records,
        output_field=FloatField(),
    )


SORTS = {
    "code": ("smis_code",),
    "name": ("name",),
    "amphoe": ("subdistrict__district__name_th",),
    "cluster": ("cluster__name",),
    "state": ("state_order",),
    "records": ("records",),
    "previous": ("previous_records",),
    "change": ("change",),
    "change_pct": ("change_pct",),
    "errors": ("errors",),
    "warnings": ("warnings",),
    "completeness": ("completeness",),
    "activity": ("last_activity",),
}
DEFAULT_SORT = "state"


def _order_term(name, descending):
    if name in ("name", "subdistrict__district__name_th", "cluster__name"):
        term = thai_order(name)
        expression = term.expression
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)


def board_order(sort):
    """order_by() terms for ?sort=<key> or ?sort=-<key>; unknown keys fall back to the default."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = DEFAULT_SORT, False
    terms = [_order_term(name, descending) for name in SORTS[key]]
    return [*terms, "smis_code"], ("-" if descending else "") + key


@dataclass
class BoardFilters:
    area: object = None
    district: object = None
    cluster: object = None
    state: str = ""
    overdue: bool = False
    q: str = ""

    def apply_place(self, schools):
        """Everything but the state: the counts per state are taken after this step."""
        if self.area is not None:
            schools = schools.filter(area=self.area)
        if self.district is not None:
            schools = schools.filter(subdistrict__district=self.district)
        if self.cluster is not None:
            schools = schools.filter(cluster=self.cluster)
        q = (self.q or "").strip()
        if q:
            schools = schools.filter(Q(name__icontains=q) | Q(smis_code__startswith=q) | Q(obec_code__startswith=q))
        return schools

    def state_q(self, round_overdue):
        q = Q()
        if self.state in STATE_ORDER:
            q &= _state_q(self.state)
        if self.overdue:
            q &= _not_done_q() if round_overdue else Q(pk__in=[])
        return q


@dataclass
class Board:
    """The board of one round: per-state counts and totals over the filtered set, and the rows."""

    round: object
    previous: object
    overdue: bool  # the round's deadline has passed
    state_counts: list  # [(state, label, count)] over the filtered set, whatever state is chosen
    total: dict  # over the filtered set, state included
    rows: object  # the annotated, filtered, sorted queryset (page it, or export it whole)
    sort: str = DEFAULT_SORT
    filters: BoardFilters = field(default_factory=BoardFilters)


def board(round, *, filters=None, sort="", today=None):
    """The board of a round in two queries (plus the rows the caller pages through)."""
    filters = filters or BoardFilters()
    previous = round.previous()
    overdue = round_is_overdue(round, today)
    placed = filters.apply_place(board_queryset(round, previous=previous))
    chosen = filters.state_q(overdue)
    aggregates = placed.aggregate(
        **{f"n_state_{state}": Count("pk", filter=_state_q(state)) for state in STATE_ORDER},
        overdue_count=Count("pk", filter=_not_done_q() if overdue else Q(pk__in=[])),
        n_schools=Count("pk", filter=chosen),
        sum_records=Sum("records", filter=chosen),
        sum_previous=Sum("previous_records", filter=chosen),
        sum_errors=Sum("errors", filter=chosen),
        sum_warnings=Sum("warnings", filter=chosen),
        n_with_errors=Count("pk", filter=chosen & Q(errors__gt=0)),
        avg_completeness=Avg("completeness", filter=chosen),
    )
    state_counts = [(state, label, aggregates[f"n_state_{state}"]) for state, label in BOARD_STATES]
    total = {
        "schools": aggregates["n_schools"],
        "all_schools": sum(count for _s, _l, count in state_counts),
        "overdue": aggregates["overdue_count"],
        "records": aggregates["sum_records"] or 0,
        "previous_records": aggregates["sum_previous"],
        "errors": aggregates["sum_errors"] or 0,
        "warnings": aggregates["sum_warnings"] or 0,
        "with_errors": aggregates["n_with_errors"],
        "completeness": aggregates["avg_completeness"],
    }
    if previous is not None and total["previous_records"] is not None:
        total["change"] = total["records"] - total["previous_records"]
        total["change_pct"] = (
            100.0 * total["change"] / total["previous_records"] if total["previous_records"] else None
        )
    else:
        total["change"] = total["change_pct"] = None
    order, sort = board_order(sort)
    rows = placed.filter(chosen).select_related("subdistrict__district", "cluster")
    if sort.lstrip("-") == "activity":
        rows = with_last_activity(rows)
    rows = rows.order_by(*order)
    return Board(round=round, previous=previous, overdue=overdue, state_counts=state_counts, total=total,
                 rows=rows, sort=sort, filters=filters)


def state_counts(round):
    """{state: number of schools} for the round, every board state present (the officer's home)."""
    counts = board_queryset(round).aggregate(
        **{f"n_{state}": Count("pk", filter=_state_q(state)) for state in STATE_ORDER}
    )
    return [(state, label, counts[f"n_{state}"]) for state, label in BOARD_STATES]


def is_row_overdue(row, round_overdue):
    return round_overdue and row.state not in DONE_STATES


# --- district-wide checks -----------------------------------------------------------------------

LEVEL_RANK = Case(*(When(grade=code, then=Value(index)) for index, code in enumerate(LEVELS)),
                  output_field=IntegerField())
LIST_LIMIT = 200


@dataclass
class Movement:
    """Round-to-round accounting of the district's students, and the lists behind it."""

    previous: object
    crosses_year: bool  # the previous round is in an earlier academic year: top grades graduated
    counts: dict
    per_school: list
    moves: list
    leavers: list
    arrivals: list
    unmatched_out: int = 0
    unmatched_in: int = 0


def _cohort(round, schools):
    """The students a round counts as at school: records with the status "studying" (a record
    the school kept as moved out, dropped out or graduated says the student is no longer there)."""
    records = StudentRecord.objects.filter(round=round, status=RecordStatus.STUDYING)
    if schools is not None:
        records = records.filter(school__in=schools)
    return records


def district_duplicates(round, *, schools=None):
    """Person IDs held by two or more schools in the round (students.checks does the SQL)."""
    return checks.district_duplicates(round, schools=schools)


def _previous_classified(round, previous, schools):
    """The previous round's students, each marked: still at the school, now at another school of
    the district, and whether they were in their school's top grade at the end of a year (so they
    graduated). A student the previous round recorded as graduated or moved out is not in it."""
    now = _cohort(round, schools)
    before = _cohort(previous, schools)
    crosses_year = previous.academic_year < round.academic_year
    before = before.annotate(
        stayed=Exists(now.filter(person_id=OuterRef("person_id"), school=OuterRef("school"))),
        elsewhere=Exists(now.filter(person_id=OuterRef("person_id")).exclude(school=OuterRef("school"))),
    )
    if not crosses_year:
        # Within one academic year nobody graduates: a student missing from the top grade left.
        return before.annotate(is_graduate=Value(False)), crosses_year
    # The top grade of a school: its registered highest level, else the highest grade it reported.
    higher_in_school = _cohort(previous, schools).annotate(rank=LEVEL_RANK).filter(
        school=OuterRef("school"), rank__gt=OuterRef("rank")
    )
    top_grade = Q(school__highest_level=F("grade")) | (Q(school__highest_level="") & Q(has_higher=False))
    return before.annotate(rank=LEVEL_RANK, has_higher=Exists(higher_in_school)).annotate(
        is_graduate=Case(When(top_grade, then=Value(True)), default=Value(False)),
    ), crosses_year


def _current_classified(round, previous, schools):
    now = _cohort(round, schools)
    before = _cohort(previous, schools)
    return now.annotate(
        was_here=Exists(before.filter(person_id=OuterRef("person_id"), school=OuterRef("school"))),
        was_elsewhere=Exists(before.filter(person_id=OuterRef("person_id")).exclude(school=OuterRef("school"))),
    )


def movement(round, *, schools=None, limit=LIST_LIMIT):
    """Who left the district, who arrived, who moved between its schools, against the previous
    round; None when there is no previous round. Each list holds at most `limit` records.

    Both rounds are taken as their students "studying". A move-out (at a school last round, not
    there now) is a move when the person is now at another school of the district, a graduation
    when they left the school's top grade across an academic year's end, and otherwise a leaver:
    an unmatched move-out. A move-in with no one of that ID anywhere last round is an arrival: an
    unmatched move-in.
    """
    previous = round.previous()
    if previous is None:
        return None
    before, crosses_year = _previous_classified(round, previous, schools)
    now = _current_classified(round, previous, schools)

    out_q = Q(stayed=False)
    move_out_q = out_q & Q(elsewhere=True)
    graduate_q = out_q & Q(elsewhere=False) & Q(is_graduate=True)
    leaver_q = out_q & Q(elsewhere=False) & Q(is_graduate=False)
    in_q = Q(was_here=False)
    move_in_q = in_q & Q(was_elsewhere=True)
    arrival_q = in_q & Q(was_elsewhere=False)

    # One GROUP BY per round, by school: the accounting table and the district totals.
    out_rows = before.values("school_id").annotate(
        before=Count("pk"),
        stayed_n=Count("pk", filter=Q(stayed=True)),
        moved_out=Count("pk", filter=move_out_q),
        graduated=Count("pk", filter=graduate_q),
        left=Count("pk", filter=leaver_q),
    ).order_by()
    in_rows = now.values("school_id").annotate(
        now=Count("pk"),
        moved_in=Count("pk", filter=move_in_q),
        arrived=Count("pk", filter=arrival_q),
        arrived_entry=Count("pk", filter=arrival_q & Q(grade=F("school__lowest_level"))),
    ).order_by()
    by_school = {}
    empty = {"before": 0, "stayed_n": 0, "moved_out": 0, "graduated": 0, "left": 0, "now": 0, "moved_in": 0,
             "arrived": 0, "arrived_entry": 0}
    for row in [*out_rows, *in_rows]:
        by_school.setdefault(row["school_id"], dict(empty)).update(
            {k: v for k, v in row.items() if k != "school_id"}
        )
    names = School.objects.filter(pk__in=by_school).select_related("subdistrict__district").order_by("smis_code")
    per_school = [{"school": school, **by_school[school.pk]} for school in names]
    counts = {key: sum(row[key] for row in per_school) for key in empty}

    moves = list(
        before.filter(move_out_q).annotate(
            to_school=Subquery(
                now.filter(person_id=OuterRef("person_id")).exclude(school=OuterRef("school"))
                .order_by("school__smis_code").values("school")[:1]
            ),
            to_grade=Subquery(
                now.filter(person_id=OuterRef("person_id")).exclude(school=OuterRef("school"))
                .order_by("school__smis_code").values("grade")[:1]
            ),
        ).select_related("school").order_by("school__smis_code", "grade", "person_id")[:limit]
    )
    destinations = School.objects.in_bulk({m.to_school for m in moves})
    for move in moves:
        move.to_school_obj = destinations.get(move.to_school)
        move.to_grade_label = Level(move.to_grade).label if move.to_grade in LEVELS else move.to_grade
    leavers = list(before.filter(leaver_q).select_related("school").order_by("school__smis_code", "grade",
                                                                                "person_id")[:limit])
    arrivals = list(now.filter(arrival_q).select_related("school").order_by("school__smis_code", "grade",
                                                                             "person_id")[:limit])
    # Each move-out is matched by a move-in elsewhere (the same person ID), so the two agree;
    # what is left over on either side is unmatched.
    return Movement(
        previous=previous, crosses_year=crosses_year, counts=counts, per_school=per_school, moves=moves,
        leavers=leavers, arrivals=arrivals, unmatched_out=counts["left"], unmatched_in=counts["arrived"],
    )
