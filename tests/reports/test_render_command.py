"""render_report writes each format, for scripted publishing."""

import subprocess

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.reports.test_selectors import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_html_by_round_code_and_district(world, tmp_path):
    out = tmp_path / "students.html"
    call_command("render_report", "students", "--round", "2569-nov10", "--district", "6402", "--format", "html",
                 "--out", str(out))
    text = out.read_text()
    assert "ข้อมูลจากโรงเรียนที่รับรองแล้ว 1 แห่ง จากทั้งหมด 1 แห่ง" in text and "บ้านด่านลานหอย" in text
    assert "@font-face" in text  # the print layout, standalone


def test_xlsx_by_round_id_and_school(world, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command("render_report", "classrooms", "--round", str(world.nov.pk), "--school", "64010101",
                 "--format", "xlsx", "--out", str(out))
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert ("รวมทั้งสิ้น", 4, 9, 2.3) in rows  # A: อ.1 one room, ป.1 two rooms, ป.6 one room


def test_pdf(world, tmp_path):
    out = tmp_path / "r.pdf"
    call_command("render_report", "status", "--round", "2569-nov10", "--format", "pdf", "--out", str(out))
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, check=True).stdout.decode()
    assert "หน้า 1/1" in text and "รวม 4 100.0" in text


def test_unknown_round_is_an_error(world, tmp_path):
    with pytest.raises(CommandError, match="2570-nov10"):
        call_command("render_report", "students", "--round", "2570-nov10", "--out", str(tmp_path / "x.html"))
