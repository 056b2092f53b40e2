"""A hand-built district for the summary and publishing tests: the numbers are counted here by hand."""

import datetime

from collection.models import Round, Submission
from tests.factories import SchoolFactory
from tests.students.factories import RoundFactory, StudentRecordFactory, SubmissionFactory, june_round

C = Submission.Status


def build_district(school, other_school):
    """November round: `school` certified (P1: 3 boys 2 girls, P2: 1 boy; 2 poor, 1 visual),
    `other_school` acknowledged (K1: 7 girls, poor: 7) and a third school still a draft (4 P1
    boys, not counted). June round: `school` had 2 certified records, `other_school` 9."""
    nov = RoundFactory(state=Round.State.OPEN)
    draft_school = SchoolFactory(name="บ้านร่าง")
    SubmissionFactory(round=nov, school=school, status=C.CERTIFIED)
    SubmissionFactory(round=nov, school=other_school, status=C.ACKNOWLEDGED)
    SubmissionFactory(round=nov, school=draft_school, status=C.DRAFT)
    for _ in range(3):
        StudentRecordFactory(round=nov, school=school, grade="P1", gender="M")
    for disadvantage in ("9", "9"):
        StudentRecordFactory(round=nov, school=school, grade="P1", gender="F", prefix="girl",
                             disadvantage=disadvantage)
    StudentRecordFactory(round=nov, school=school, grade="P2", gender="M", disability="1",
                         first_name="ลับเฉพาะ", last_name="ส่วนตัวมาก", birth_date=datetime.date(2017, 2, 13))
    # Moved out: kept as a record, not a student of the school on the census day.
    StudentRecordFactory(round=nov, school=school, grade="P2", gender="M", status="moved_out")
    for _ in range(7):
        StudentRecordFactory(round=nov, school=other_school, grade="K1", gender="F", prefix="girl", disadvantage="9")
    for _ in range(4):
        StudentRecordFactory(round=nov, school=draft_school, grade="P1", gender="M")

    jun = june_round()
    jun.state = Round.State.CLOSED
    jun.save()
    SubmissionFactory(round=jun, school=school, status=C.ACKNOWLEDGED)
    SubmissionFactory(round=jun, school=other_school, status=C.ACKNOWLEDGED)
    for _ in range(2):
        StudentRecordFactory(round=jun, school=school)
    for _ in range(9):
        StudentRecordFactory(round=jun, school=other_school, grade="K1", gender="F", prefix="girl")
    return nov


def published_round(school):
    """A closed round with one certified school, published (for pages that need one)."""
    from reports import publishing

    round_ = RoundFactory(kind=Round.Kind.MARCH, census_day=datetime.date(2026, 3, 31), name="31 มีนาคม 2568",
                          academic_year=2568, state=Round.State.CLOSED)
    SubmissionFactory(round=round_, school=school, status=C.CERTIFIED)
    StudentRecordFactory(round=round_, school=school)
    publishing.publication_create(round=round_, user=None)
    return round_
