"""Two people acting on one submission at the same moment cannot corrupt its state.

submission_act() locks the row (SELECT … FOR UPDATE) and re-reads the status under the lock, so
the second step waits for the first to commit, then finds the state moved and is refused.
"""

import threading
import time

import pytest
from django.db import connection, connections

from collection.models import Round, Submission, SubmissionEvent
from collection.services import WorkflowError, submission_act
from edinfo import access
from tests.students.factories import RoundFactory, StudentRecordFactory, SubmissionFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers for the whole database and has no row locks, "
    "so there is no SELECT … FOR UPDATE to test (run with DATABASE_URL=postgres://…)",
)


def run_at_once(*calls):
    """Run each call in its own thread (so on its own database connection), released together;
    return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def work(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 – the outcome is what the test looks at
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a step never finished (deadlock?)"
    return results


@pytest.fixture
def slow_steps(monkeypatch):
    """Hold each step inside its transaction a little (the role look-up comes right after the row
    is read), so the second surely arrives while the first is there: without the row lock both
    would read the old state and both would write."""
    roles_of = access.school_roles_of

    def slow(user, school):
        time.sleep(0.3)
        return roles_of(user, school)

    monkeypatch.setattr(access, "school_roles_of", slow)


@pytest.mark.parametrize("status,who,actions", [
    pytest.param(Submission.Status.DRAFT, "staff", ("confirm", "confirm"), id="two-confirms-of-a-draft"),
    pytest.param(Submission.Status.RETURNED, "staff", ("confirm", "confirm"), id="two-confirms-of-a-return"),
    pytest.param(Submission.Status.CONFIRMED, "director", ("certify", "send_back"), id="certify-and-send-back"),
])
def test_two_steps_at_the_same_moment_one_wins_one_is_refused(
    request, transactional_db, school, staff, director, slow_steps, status, who, actions
):
    round_ = RoundFactory(state=Round.State.OPEN)
    StudentRecordFactory(school=school, round=round_)
    submission = SubmissionFactory(school=school, round=round_, status=status)
    user = request.getfixturevalue(who)

    results = run_at_once(*(
        lambda action=action: submission_act(submission=Submission.objects.get(pk=submission.pk), action=action,
                                             user=user)
        for action in actions
    ))

    won = [r for r in results if isinstance(r, Submission)]
    refused = [r for r in results if isinstance(r, WorkflowError)]
    assert len(won) == 1 and len(refused) == 1, results
    events = list(SubmissionEvent.objects.filter(submission=submission))
    assert len(events) == 1
    submission.refresh_from_db()
    assert submission.status == won[0].status == events[0].to_status
    assert events[0].from_status == status
    assert submission.get_status_display() in str(refused[0])  # "this submission is now …"
