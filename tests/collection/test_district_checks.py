"""District-wide checks: one person ID in two schools, and who left, arrived or moved since the
previous round — each move-out matched by a move-in elsewhere, graduates not taken for leavers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collection import selectors
from collection.models import Round
from students.codes import Status
from tests.factories import SchoolFactory
from tests.students.factories import StudentRecordFactory, citizen_id


@pytest.fixture
def march(db):
    """The end of academic year 2568: its top grades graduate before the next round."""
    return Round.objects.create(academic_year=2568, kind=Round.Kind.MARCH, census_day=datetime.date(2026, 3, 31),
                                name="31 มีนาคม 2568", state=Round.State.CLOSED)


@pytest.fixture
def november(march):
    return Round.objects.create(academic_year=2569, kind=Round.Kind.NOVEMBER, census_day=datetime.date(2026, 11, 10),
                                name="10 พฤศจิกายน 2569", state=Round.State.OPEN)


PID = {name: citizen_id(900 + n) for n, name in enumerate(
    ["stay", "move", "leave", "grad", "gone_before", "arrive", "dup", "z_top", "z_below"]
)}


def record(round_, school, who, grade, **fields):
    return StudentRecordFactory(round=round_, school=school, person_id=PID[who], grade=grade,
                                first_name=f"นักเรียน{who}", **fields)


@pytest.fixture
def schools(school, other_school):
    school.name, other_school.name = "บ้านเหนือ", "บ้านใต้"
    school.save()
    other_school.save()
    # A school whose levels the registry does not know: its top grade is the highest it reported.
    unknown = SchoolFactory(name="บ้านกลาง", smis_code="64010003", obec_code="1064010003",
                            lowest_level="", highest_level="")
    return {"north": school, "south": other_school, "middle": unknown}


@pytest.fixture
def movement_data(schools, march, november):
    north, south, middle = schools["north"], schools["south"], schools["middle"]
    record(march, north, "stay", "P2")
    record(march, north, "move", "P3")
    record(march, north, "leave", "P3")
    record(march, north, "grad", "P6")  # the top grade of a K1–P6 school
    record(march, north, "gone_before", "P4", status=Status.MOVED_OUT)  # left during last round
    record(march, middle, "z_top", "P6")
    record(march, middle, "z_below", "P5")
    record(november, north, "stay", "P3")
    record(november, south, "move", "P4")
    record(november, south, "arrive", "P1")
    record(november, south, "dup", "P2")
    record(november, middle, "dup", "P2")


def codes(items):
    return {item.person_id for item in items}


def test_a_person_in_two_schools_is_listed_with_both(movement_data, november, schools):
    duplicates = selectors.district_duplicates(november)
    assert [d.person_id for d in duplicates] == [PID["dup"]]
    assert {s.name for s in duplicates[0].schools} == {"บ้านใต้", "บ้านกลาง"}


def test_moves_leavers_arrivals_and_graduates(movement_data, november, march, schools):
    result = selectors.movement(november)
    assert result.previous == march and result.crosses_year
    assert codes(result.moves) == {PID["move"]}
    move = result.moves[0]
    assert move.school == schools["north"] and move.to_school_obj == schools["south"]
    assert move.to_grade == "P4"
    # The P3 who vanished left; the P6s graduated (registered top grade, or highest reported).
    assert codes(result.leavers) == {PID["leave"], PID["z_below"]}
    assert PID["grad"] not in codes(result.leavers) and PID["z_top"] not in codes(result.leavers)
    assert PID["gone_before"] not in codes(result.leavers)  # already recorded as moved out
    assert codes(result.arrivals) == {PID["arrive"], PID["dup"]}
    assert result.counts["graduated"] == 2
    assert result.counts["moved_out"] == result.counts["moved_in"] == 1  # the move is matched
    assert result.unmatched_out == 2 and result.unmatched_in == 3  # dup arrived at two schools
    assert result.counts["stayed_n"] == 1


def test_per_school_accounting_balances(movement_data, november):
    result = selectors.movement(november)
    for row in result.per_school:
        assert row["before"] == row["stayed_n"] + row["moved_out"] + row["graduated"] + row["left"]
        assert row["now"] == row["stayed_n"] + row["moved_in"] + row["arrived"]
    north = next(row for row in result.per_school if row["school"].smis_code == "64010001")
    assert (north["before"], north["stayed_n"], north["moved_out"], north["graduated"], north["left"]) == (
        4, 1, 1, 1, 1
    )


def test_within_one_academic_year_the_top_grade_does_not_graduate(schools, db):
    june = Round.objects.create(academic_year=2569, kind=Round.Kind.JUNE, census_day=datetime.date(2026, 6, 10),
                                name="10 มิถุนายน 2569")
    november = Round.objects.create(academic_year=2569, kind=Round.Kind.NOVEMBER,
                                    census_day=datetime.date(2026, 11, 10), name="10 พฤศจิกายน 2569")
    record(june, schools["north"], "grad", "P6")
    result = selectors.movement(november)
    assert not result.crosses_year
    assert codes(result.leavers) == {PID["grad"]}
    assert result.counts["graduated"] == 0


def test_the_area_filter_limits_the_district(movement_data, november, schools):
    from schools.models import AreaOffice

    elsewhere = AreaOffice.objects.create(code="6402", name="สพป.สุโขทัย เขต 2")
    schools["south"].area = elsewhere
    schools["south"].save()
    from schools.models import School

    result = selectors.movement(november, schools=School.objects.exclude(area=elsewhere))
    # Seen from the first area alone, the student who went south left it.
    assert codes(result.moves) == set()
    assert PID["move"] in codes(result.leavers)


def test_the_checks_run_in_a_fixed_number_of_queries(schools, march, november, django_assert_max_num_queries):
    def measure():
        with CaptureQueriesContext(connection) as queries:
            result = selectors.movement(november)
            selectors.district_duplicates(november)
        return len(queries), result

    record(march, schools["north"], "move", "P3")
    record(november, schools["south"], "move", "P4")
    few, _result = measure()
    for n in range(40):
        StudentRecordFactory(round=march, school=schools["north"], person_id=citizen_id(2000 + n), grade="P2")
        StudentRecordFactory(round=november, school=schools["south"], person_id=citizen_id(2000 + n), grade="P3")
        StudentRecordFactory(round=november, school=schools["middle"], person_id=citizen_id(3000 + n), grade="P1")
    many, result = measure()
    assert many == few
    assert result.counts["moved_out"] == 41 and result.unmatched_in == 40


# --- the page ---------------------------------------------------------------------------------


def test_page_names_both_schools_and_masks_the_id(as_user, officer, movement_data, november):
    response = as_user(officer).get(reverse("collection:district_checks", args=[november.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    dup = PID["dup"]
    assert f"{dup[0]}-{dup[1:5]}-xxxxx-xx-{dup[12]}" in html
    assert dup not in html  # never the whole ID
    assert "โรงเรียนบ้านใต้" in html and "โรงเรียนบ้านกลาง" in html
    assert 'data-testid="list-moves"' in html and "นักเรียนmove" in html
    assert "นักเรียนleave" in html and "นักเรียนarrive" in html
    assert "นักเรียนgrad" not in html  # a graduate is not listed as a leaver


def test_page_without_an_earlier_round(as_user, officer, school):
    only = Round.objects.create(academic_year=2569, kind=Round.Kind.OTHER, census_day=datetime.date(2025, 1, 1),
                                name="แรก")
    response = as_user(officer).get(reverse("collection:district_checks", args=[only.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-previous"' in html and 'data-testid="no-duplicates"' in html


@pytest.mark.parametrize("role", ["staff", "director", "executive"])
def test_page_is_for_the_office_only(request, as_user, november, role):
    response = as_user(request.getfixturevalue(role)).get(reverse("collection:district_checks", args=[november.pk]))
    assert response.status_code == 403
