"""Small synthetic จปฐ. files in the exact TPMAP "common" column layout, so that the behaviour is
tested without the real files in ../shared (which a checkout may not have).

Codes are real Sukhothai DOPA codes (6401 เมืองสุโขทัย; 640102 บ้านสวน, 640103 เมืองเก่า ...) plus
the municipal-area code 640151 that is in no tambon register, as the real tambon file has.
"""

import csv
import io

ID_COLUMN = {"amphoe": "amphur_ID", "tambon": "tumbol_ID", "village": "village_ID"}
COUNTS = ["household.CNT", "HOUSEMEMBER_CNT", "MOF_REG_CNT", "MOF_VAL_CNT", "ELDERLY_CNT", "DISABLED_CNT",
          "CHRONICPATIENT_CNT"]
INDICATORS = range(1, 32)


def header(level):
    return [ID_COLUMN[level], *COUNTS, "happiness", *[f"indicator{n}.ALL" for n in INDICATORS],
            *[f"indicator{n}.CNT" for n in INDICATORS], "province_ID"]


def row(code, households=100, persons=300, happiness="8.5", fails=None, province="64", applies=None):
    """One row: every indicator applies to ``applies`` persons (default: all persons); indicator n
    fails n % 4 persons unless fails={n: value} says otherwise."""
    fails = fails or {}
    if applies is None:
        applies = persons if isinstance(persons, int) else 300
    return [code, households, persons, 10, 5, 40, 2, 8, happiness, *[applies for _ in INDICATORS],
            *[fails.get(n, n % 4) for n in INDICATORS], province]


def tpmap_csv(level, rows):
    """CSV bytes: ``rows`` are row() lists, or codes (str) for a default row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(level))
    for item in rows:
        writer.writerow(row(item) if isinstance(item, str) else item)
    return out.getvalue().encode()


AMPHOE_CODES = ["6401", "6402", "6403"]
TAMBON_CODES = ["640102", "640103", "640104", "640151", "640201"]
VILLAGE_CODES = ["6401020101", "6401020201", "6401030101", "6401510101", "6402010101"]


def amphoe_file(codes=AMPHOE_CODES):
    return tpmap_csv("amphoe", codes)


def tambon_file(codes=TAMBON_CODES):
    return tpmap_csv("tambon", codes)


def village_file(codes=VILLAGE_CODES):
    return tpmap_csv("village", codes)
