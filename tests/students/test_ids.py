"""Person IDs: the three kinds, each validated for its own form, with a Thai reason when wrong."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.th import pin

from students import ids

from .factories import citizen_id, gcode, type0_id


def test_a_citizen_id_is_normalised_and_classified():
    valid = citizen_id(1)
    spaced = f"{valid[0]}-{valid[1:5]}-{valid[5:10]}-{valid[10:12]}-{valid[12]}"
    assert ids.classify(spaced) == (valid, "citizen")
    assert ids.classify(" '" + valid + " ") == (valid, "citizen")
    assert ids.classify(float(valid)) == (valid, "citizen")  # a number cell
    assert ids.classify(valid + ".0") == (valid, "citizen")  # its text in a CSV
    assert ids.classify(int(valid)) == (valid, "citizen")
    thai = valid.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert ids.classify(thai) == (valid, "citizen")


def test_a_wrong_check_digit_says_which_digit_is_expected():
    valid = citizen_id(7)
    wrong = valid[:12] + str((int(valid[12]) + 1) % 10)
    with pytest.raises(ids.InvalidId) as error:
        ids.classify(wrong)
    assert error.value.message == f"เลขตรวจสอบหลักที่ 13 ไม่ถูกต้อง (ควรเป็น {valid[12]})"


@pytest.mark.parametrize(("raw", "message"), [
    ("123456789012", "เลขประจำตัวประชาชนต้องมี 13 หลัก (พบ 12 หลัก)"),
    ("12345678901234", "เลขประจำตัวประชาชนต้องมี 13 หลัก (พบ 14 หลัก)"),
    ("11017OO203451", "เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก หรือรหัส G ของ สพฐ."),
    ("9101700203451", "เลขประจำตัวประชาชนหลักแรกต้องเป็น 0–8 (พบ 9)"),
    ("1.10170020345E+12", ids.MSG_SCIENTIFIC),
    ("", "ไม่มีเลขประจำตัวประชาชน"),
    ("G69", ids.MSG_GCODE),
    ("G6999000001", ids.MSG_GCODE),
    ("G699900000001", "รหัส G มีรหัสจังหวัด 99 ซึ่งไม่ใช่รหัสจังหวัดของกรมการปกครอง"),
    ("G69640000000012", ids.MSG_GCODE),
])
def test_invalid_ids_have_a_thai_reason(raw, message):
    parsed = ids.parse(raw)
    assert parsed.kind is None and parsed.error == message
    assert not ids.is_valid(raw)


def test_a_type0_id_has_the_same_check_digit_though_stdnum_refuses_it():
    valid = type0_id(12345)
    assert valid.startswith("0")
    assert not pin.is_valid(valid)  # python-stdnum refuses the leading 0
    assert ids.classify(valid) == (valid, "type0")
    wrong = valid[:12] + str((int(valid[12]) + 3) % 10)
    assert "เลขตรวจสอบหลักที่ 13" in ids.parse(wrong).error


def test_a_gcode_is_upper_cased_and_checked_for_its_parts():
    assert ids.classify("g6964" + "0000001") == ("G69640000001", "gcode")
    assert ids.classify("G-69-64-00000012") == ("G696400000012", "gcode")
    assert ids.classify(gcode(5)) == (gcode(5), "gcode")
    assert len(gcode(5)) <= 13


def test_the_check_digit_formula_from_the_reference():
    # d13 = (11 − Σ d_i·(14 − i) mod 11) mod 10, i = 1..12
    first12 = "110170020345"
    total = sum(int(d) * (14 - i) for i, d in enumerate(first12, start=1))
    assert ids.check_digit(first12) == (11 - total % 11) % 10


@settings(database=None)
@given(st.from_regex(r"[0-8][0-9]{11}", fullmatch=True))
def test_every_completed_id_is_valid_and_every_other_last_digit_is_not(first12):
    valid = ids.with_check_digit(first12)
    assert ids.parse(valid).ok
    assert ids.parse(valid).kind == ("type0" if first12[0] == "0" else "citizen")
    if first12[0] != "0":
        assert pin.is_valid(valid)
    for digit in "0123456789":
        if digit != valid[12]:
            assert not ids.parse(first12 + digit).ok


@settings(database=None)
@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none(), st.booleans()))
def test_parse_never_raises(value):
    parsed = ids.parse(value)
    assert parsed.ok == (parsed.error is None)
    assert (parsed.kind is None) == (parsed.error is not None)
