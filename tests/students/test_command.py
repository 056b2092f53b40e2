"""manage.py import_students: dry run by default, every problem printed, exit status 1 when blocked."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from students.management.commands.import_students import Command
from students.models import StudentRecord

from .dmcfiles import dmc_xlsx, student
from .factories import RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nov(db):
    return RoundFactory()


def run(*args):
    out = io.StringIO()
    call_command("import_students", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, rows, name="2569-2-student.xlsx"):
    path = tmp_path / name
    path.write_bytes(dmc_xlsx(rows))
    return str(path)


def test_dry_run_prints_the_summary_and_writes_nothing(tmp_path, school, nov):
    path = write(tmp_path, [student(1), student(2, prefix="เด็กหญิง")])
    out = run(path, "--school", "64010001", "--round", "2569-nov10")
    assert "ใหม่ 2" in out and "ยังไม่ได้บันทึก" in out
    assert 'แถว 4 คอลัมน์ H (คำนำหน้าชื่อ) "เด็กหญิง": คำนำหน้า เด็กหญิง ไม่ตรงกับเพศชาย' in out
    assert StudentRecord.objects.count() == 0


def test_commit_writes_and_accepts_the_obec_code(tmp_path, school, nov):
    path = write(tmp_path, [student(1), student(2)])
    out = run(path, "--school", "1064010001", "--round", "2569-nov10", "--commit")
    assert "บันทึกแล้ว" in out
    assert StudentRecord.objects.filter(school=school, round=nov).count() == 2


@pytest.mark.parametrize("commit", [False, True])
def test_blocking_problems_are_listed_and_exit_with_status_1(tmp_path, school, nov, commit):
    path = write(tmp_path, [student(1), student(2, person_id="1234567890123", grade="ป.9")])
    args = [path, "--school", "64010001", "--round", "2569-nov10"] + (["--commit"] if commit else [])
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_students", *args, stdout=out)
    assert error.value.returncode == 1
    text = out.getvalue()
    assert 'แถว 4 คอลัมน์ C (เลขประจำตัวประชาชน) "1234567890123": เลขตรวจสอบหลักที่ 13 ไม่ถูกต้อง' in text
    assert 'แถว 4 คอลัมน์ D (ชั้น) "ป.9"' in text
    assert StudentRecord.objects.count() == 0


def test_exit_status_from_the_command_line(tmp_path, school, nov, monkeypatch, capsys):
    # run_from_argv closes the database connections when it ends; the test's transaction needs them.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = write(tmp_path, [student(1, gender="x")])
    with pytest.raises(SystemExit) as exited:
        # --skip-checks: pytest's --fail-on-template-vars setting trips a system check of the template engine.
        Command().run_from_argv(["manage.py", "import_students", path, "--school", "64010001", "--round", "2569-nov10",
                                 "--skip-checks"])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "ไม่รู้จักเพศนี้" in captured.out and "ยังนำเข้าไม่ได้" in captured.err


def test_unknown_school_round_and_file(tmp_path, school, nov):
    path = write(tmp_path, [student(1)])
    with pytest.raises(CommandError, match="ไม่พบโรงเรียน"):
        run(path, "--school", "99999999", "--round", "2569-nov10")
    with pytest.raises(CommandError, match="ไม่พบรอบ 2569-mar31"):
        run(path, "--school", "64010001", "--round", "2569-mar31")
    with pytest.raises(CommandError, match="รูปแบบ"):
        run(path, "--school", "64010001", "--round", "nov10")
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        run(str(tmp_path / "missing.xlsx"), "--school", "64010001", "--round", "2569-nov10")


def test_a_refused_file_exits_with_status_1(tmp_path, school, nov):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(CommandError, match="ไม่ใช่ตารางข้อมูล") as error:
        run(str(path), "--school", "64010001", "--round", "2569-nov10")
    assert error.value.returncode == 1
