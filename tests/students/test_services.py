"""The two-step import and the one-record save: counts, all-or-nothing writes, locks, history."""

import datetime
from decimal import Decimal

import pytest

from collection.models import Submission
from students import services
from students.models import StudentRecord
from tests.factories import SubdistrictFactory, UserFactory

from .dmcfiles import dmc_xlsx, girl, student
from .factories import (
    RoundFactory,
    StudentRecordFactory,
    SubmissionFactory,
    citizen_id,
    gcode,
    june_round,
    type0_id,
)

pytestmark = pytest.mark.django_db

History = StudentRecord.history.model


@pytest.fixture
def nov(db):
    return RoundFactory()


@pytest.fixture
def user(db):
    return UserFactory(username="importer")


def preview(school, round_, data, filename="2569-2-student.xlsx"):
    return services.import_preview(school=school, round=round_, data=data, filename=filename)


def commit(school, round_, data, user, filename="2569-2-student.xlsx"):
    return services.import_commit(school=school, round=round_, data=data, filename=filename, user=user)


def table_state():
    return (
        sorted(StudentRecord.objects.values_list("pk", "person_id", "first_name", "weight_kg", "updated_at")),
        History.objects.count(),
        Submission.objects.count(),
    )


def test_preview_writes_nothing_and_counts_new(school, nov):
    data = dmc_xlsx([student(1), girl(2), student(3)])
    before = table_state()
    result = preview(school, nov, data)
    assert (result.new, result.changed, result.unchanged, result.removed) == (3, 0, 0, 0)
    assert result.rows == 3 and result.layout == "dmc"
    assert result.can_commit, [str(p) for p in result.problems]
    assert table_state() == before


def test_commit_creates_records_with_history_and_a_draft_submission(school, nov, user):
    SubdistrictFactory()  # ธานี, เมืองสุโขทัย, สุโขทัย
    result = commit(school, nov, dmc_xlsx([student(1), girl(2)]), user)
    assert result.committed and result.new == 2
    records = {r.person_id: r for r in StudentRecord.objects.filter(school=school, round=nov)}
    first = records[citizen_id(1)]
    assert first.grade == "P1" and first.gender == "M" and first.prefix == "boy" and first.id_kind == "citizen"
    assert first.birth_date == datetime.date(2019, 6, 25)
    assert first.weight_kg == Decimal("22.5") and first.height_cm == Decimal("120.0")
    assert first.road == "" and first.disadvantage == "99" and first.room == 1
    assert first.subdistrict_id == "640101"
    assert records[citizen_id(2)].gender == "F"
    history = History.objects.filter(id=first.pk)
    assert [(h.history_type, h.history_user_id) for h in history] == [("+", user.pk)]
    assert "2569-2-student.xlsx" in history[0].history_change_reason
    submission = Submission.objects.get(school=school, round=nov)
    assert submission.status == Submission.Status.DRAFT


def test_preview_counts_new_changed_unchanged_removed(school, nov, user):
    commit(school, nov, dmc_xlsx([student(1), student(2), student(3), student(4)]), user)
    data = dmc_xlsx([student(1), student(2, weight_kg="30"), student(3, first_name="สมปอง"), student(5)])
    result = preview(school, nov, data)
    assert (result.new, result.changed, result.unchanged, result.removed) == (1, 2, 1, 1)
    assert [r["masked_id"][:6] for r in result.removed_records] == [f"{citizen_id(4)[0]}-{citizen_id(4)[1:5]}"]
    assert "ใหม่ 1 · แก้ไข 2 · ไม่เปลี่ยน 1 · นำออก 1" in result.summary


def test_commit_makes_the_round_hold_exactly_the_file(school, nov, user):
    commit(school, nov, dmc_xlsx([student(1), student(2), student(3), student(4)]), user)
    untouched = StudentRecord.objects.get(person_id=citizen_id(1))
    other_user = UserFactory(username="second")
    data = dmc_xlsx([student(1), student(2, weight_kg="30"), student(3, first_name="สมปอง"), student(5)])
    result = commit(school, nov, data, other_user)
    assert (result.new, result.changed, result.unchanged, result.removed) == (1, 2, 1, 1)
    held = dict(StudentRecord.objects.filter(school=school, round=nov).values_list("person_id", "first_name"))
    assert set(held) == {citizen_id(n) for n in (1, 2, 3, 5)}
    assert held[citizen_id(3)] == "สมปอง"
    assert StudentRecord.objects.get(person_id=citizen_id(2)).weight_kg == Decimal("30.0")
    again = StudentRecord.objects.get(person_id=citizen_id(1))
    assert again.updated_at == untouched.updated_at  # unchanged records are not touched
    kinds = sorted(History.objects.filter(history_user=other_user).values_list("history_type", flat=True))
    assert kinds == ["+", "-", "~", "~"]
    removed = History.objects.get(history_type="-")
    assert removed.person_id == citizen_id(4) and removed.first_name == "สมชาย4"
    changed = History.objects.filter(history_type="~", person_id=citizen_id(2)).get()
    assert changed.weight_kg == Decimal("30.0") and changed.first_name == "สมชาย2"


def test_reimporting_the_same_file_changes_nothing(school, nov, user):
    data = dmc_xlsx([student(n) for n in range(1, 6)])
    commit(school, nov, data, user)
    before = table_state()
    result = commit(school, nov, data, user)
    assert (result.new, result.changed, result.unchanged, result.removed) == (0, 0, 5, 0)
    assert table_state() == before


def test_nothing_is_written_when_a_row_has_an_error(school, nov, user):
    commit(school, nov, dmc_xlsx([student(1), student(2)]), user)
    before = table_state()
    bad = dmc_xlsx([student(1, first_name="เปลี่ยน"), student(3), student(4, person_id="1234567890123")])
    with pytest.raises(services.ImportRefused) as refused:
        commit(school, nov, bad, user)
    assert "ข้อผิดพลาด 1 รายการ" in refused.value.message
    assert [(p.code, p.row) for p in refused.value.problems] == [("id_invalid", 5)]
    assert table_state() == before
    assert not preview(school, nov, bad).can_commit


def test_a_locked_submission_refuses_import_and_preview_says_so(school, nov, user):
    commit(school, nov, dmc_xlsx([student(1)]), user)
    Submission.objects.filter(school=school, round=nov).update(status=Submission.Status.CERTIFIED)
    data = dmc_xlsx([student(1, first_name="ใหม่"), student(2)])
    before = table_state()
    result = preview(school, nov, data)
    assert result.locked and not result.can_commit
    assert result.problems[0].code == "submission_locked"
    with pytest.raises(services.ImportRefused) as refused:
        commit(school, nov, data, user)
    assert "รับรองแล้ว" in refused.value.message
    assert table_state() == before


def test_a_refused_file_gives_a_preview_with_the_reason_and_commit_raises(school, nov, user):
    result = preview(school, nov, b"%PDF-1.4 not a sheet", "students.pdf")
    assert result.refused and not result.can_commit and result.problems[0].code == "file_refused"
    with pytest.raises(services.FileRefused):
        commit(school, nov, b"%PDF-1.4 not a sheet", user, "students.pdf")
    assert Submission.objects.count() == 0


def test_other_schools_rounds_are_not_touched(school, other_school, nov, user):
    theirs = StudentRecordFactory(school=other_school, round=nov, person_id=citizen_id(9))
    earlier = StudentRecordFactory(school=school, round=june_round(), person_id=citizen_id(8), grade="P6")
    commit(school, nov, dmc_xlsx([student(1)]), user)
    assert StudentRecord.objects.filter(pk__in=[theirs.pk, earlier.pk]).count() == 2


def test_record_save_creates_and_updates_with_the_same_checks(school, nov, user):
    data = {"person_id": "1-6400-00000-00-0", "grade": "P1", "gender": "F", "prefix": "girl", "first_name": "ก",
            "last_name": "ข", "birth_date": datetime.date(2019, 7, 1), "weight_kg": Decimal("21"),
            "height_cm": Decimal("118")}
    data["person_id"] = citizen_id(42)
    record, warnings = services.record_save(school=school, round=nov, data=data, user=user)
    assert record.pk and warnings == []
    assert [(h.history_type, h.history_user_id) for h in record.history.all()] == [("+", user.pk)]
    record, warnings = services.record_save(school=school, round=nov, data={**data, "prefix": "boy"}, user=user,
                                           record=record)
    assert [w.code for w in warnings] == ["prefix_gender"]
    assert record.history.count() == 2
    with pytest.raises(services.ImportRefused) as refused:
        services.record_save(school=school, round=nov, data={**data, "first_name": ""}, user=user)
    assert {(p.code, p.field) for p in refused.value.problems} >= {("required", "first_name"),
                                                                   ("id_duplicate_in_round", "person_id")}


def test_record_save_refuses_when_locked(school, nov, user):
    SubmissionFactory(school=school, round=nov, status=Submission.Status.ACKNOWLEDGED)
    data = {"person_id": citizen_id(1), "grade": "P1", "gender": "M", "first_name": "ก", "last_name": "ข"}
    with pytest.raises(services.ImportRefused) as refused:
        services.record_save(school=school, round=nov, data=data, user=user)
    assert [p.code for p in refused.value.problems] == ["submission_locked"]
    with pytest.raises(services.ImportRefused) as refused:
        services.record_save(school=school, round=nov, data={**data, "first_name": ""}, user=user)
    assert [p.code for p in refused.value.problems] == ["submission_locked"]  # the lock is what matters
    assert StudentRecord.objects.count() == 0


def test_record_save_refuses_a_record_of_another_school(school, other_school, nov, user):
    theirs = StudentRecordFactory(school=other_school, round=nov)
    with pytest.raises(services.ImportRefused):
        services.record_save(school=school, round=nov, data={"first_name": "x"}, user=user, record=theirs)


def test_text_that_looks_like_copy_syntax_is_stored_as_written(school, nov, user):
    odd = student(1, first_name="a\\Nb", last_name="\\N", road="\\", house_number="12\\3", village_number="",
                  subdistrict_name="ไม่มีตำบลนี้")
    commit(school, nov, dmc_xlsx([odd, student(2)]), user)
    record = StudentRecord.objects.get(person_id=citizen_id(1))
    assert (record.first_name, record.last_name, record.road, record.house_number, record.village_number) == (
        "a\\Nb", "\\N", "\\", "12\\3", "")
    assert record.subdistrict_id is None and record.weight_kg == Decimal("22.5")
    history = History.objects.get(id=record.pk)
    assert history.last_name == "\\N" and history.subdistrict_id is None


def test_our_own_dmc_export_reads_back_unchanged(school, nov, user):
    from students import exporting

    commit(school, nov, dmc_xlsx([student(1), girl(2, disadvantage="เด็กยากจน"), student(3, person_id=gcode(3)),
                                  student(4, person_id=type0_id(4), weight_kg="", height_cm="")]), user)
    records = StudentRecord.objects.filter(school=school, round=nov)
    for data, name in ((exporting.export_xlsx(records), "export.xlsx"), (exporting.export_csv(records), "export.csv")):
        result = preview(school, nov, data, name)
        assert (result.new, result.changed, result.unchanged, result.removed) == (0, 0, 4, 0), result.summary
        assert result.problems == []


def test_large_changes_and_removals_go_through_in_batches(school, nov, user, monkeypatch):
    monkeypatch.setattr("students.checks.CHUNK", 50)  # as if 1,200 records met the 500-per-statement batches
    monkeypatch.setattr(services, "REMOVED_LIST_LIMIT", 25)
    StudentRecord.objects.bulk_create([
        StudentRecord(school=school, round=nov, person_id=citizen_id(n), id_kind="citizen", grade="P1", gender="M",
                      first_name=f"สมชาย{n}", last_name="ใจดี")
        for n in range(1, 241)
    ])
    kept = [student(n, weight_kg="25") for n in range(1, 121)]
    result = commit(school, nov, dmc_xlsx(kept), user)
    assert (result.new, result.changed, result.unchanged, result.removed) == (0, 120, 0, 120)
    assert StudentRecord.objects.filter(school=school, round=nov).count() == 120
    assert set(StudentRecord.objects.values_list("weight_kg", flat=True)) == {Decimal("25.0")}
    assert History.objects.filter(history_type="-", history_user=user).count() == 120
    assert History.objects.filter(history_type="~", history_user=user, weight_kg=Decimal("25.0")).count() == 120
    assert len(result.removed_records) == 25


@pytest.mark.parametrize("value", ["plain", "", None, "\\N", "a\\b", "tab\there", "line\nbreak", "cr\r", "ไทย",
                                   Decimal("22.5"), 7, datetime.date(2019, 6, 25)])
def test_copy_lines_take_the_short_path_only_when_it_gives_the_same_line(value):
    columns = ["a", "b", "c"]
    lines = services._copy_lines([{"a": value, "c": None}], columns, ["x", "default", "y"])
    assert lines == ["\t".join(services._copy_text(v) for v in (value, "default", None))]
