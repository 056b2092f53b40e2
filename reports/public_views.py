"""Published figures for anyone, no login: only what a Publication's snapshot holds.

An unpublished (or withdrawn) round is a 404, as if it did not exist. Nothing here reads the
student records: the snapshot was made, with small counts suppressed, when the office published.
"""

import csv
import io
import json

from django.http import Http404, HttpResponse
from django.shortcuts import render

from edinfo import access
from edinfo.thai import to_arabic_digits

from .models import Publication
from .publishing import live_publication
from .summary import SUPPRESS_BELOW

# The open data's columns: one row per school and grade (name, Thai label, meaning, unit).
DICTIONARY = [
    ("round_name", "รอบการเก็บข้อมูล", "ชื่อรอบการเก็บข้อมูล", "ข้อความ"),
    ("census_day", "วันที่เก็บข้อมูล", "วันนับจำนวนนักเรียน (ค.ศ. ปี-เดือน-วัน, ISO 8601)", "วันที่"),
    ("obec_code", "รหัสโรงเรียน (สพฐ.)", "รหัสโรงเรียน 10 หลักของ สพฐ.", "รหัส"),
    ("smis_code", "รหัส SMIS", "รหัสโรงเรียน 8 หลักในระบบ SMIS", "รหัส"),
    ("school_name", "ชื่อโรงเรียน", "ชื่อโรงเรียน (ไม่มีคำว่า โรงเรียน นำหน้า)", "ข้อความ"),
    ("amphoe", "อำเภอ", "อำเภอที่ตั้งโรงเรียน", "ข้อความ"),
    ("tambon", "ตำบล", "ตำบลที่ตั้งโรงเรียน", "ข้อความ"),
    ("school_size", "ขนาดโรงเรียน", "ขนาดโรงเรียนตามเกณฑ์ สพฐ. จากจำนวนนักเรียนทั้งโรงเรียนในรอบนี้", "ข้อความ"),
    ("grade", "รหัสชั้น", "รหัสชั้นเรียน K1–K3 อนุบาล, P1–P6 ประถมศึกษา, M1–M6 มัธยมศึกษา", "รหัส"),
    ("grade_th", "ชั้น", "ชื่อชั้นเรียนภาษาไทยแบบย่อ เช่น ป.1", "ข้อความ"),
    ("male", "ชาย", "จำนวนนักเรียนชายที่กำลังศึกษาในชั้นนี้", "คน"),
    ("female", "หญิง", "จำนวนนักเรียนหญิงที่กำลังศึกษาในชั้นนี้", "คน"),
    ("total", "รวม", "จำนวนนักเรียนทั้งหมดในชั้นนี้ (ชาย + หญิง)", "คน"),
]


def _publication(published_round_id) -> Publication:
    publication = live_publication(published_round_id)
    if publication is None:
        raise Http404
    return publication


def data_rows(snapshot):
    """The open-data rows of a snapshot, in DICTIONARY's column order."""
    r = snapshot["round"]
    for school in snapshot["schools"]:
        for g in school["grades"]:
            yield [r["name"], r["census_day"], school["obec_code"], school["smis_code"], school["name"],
                   school["amphoe"], school["tambon"], school["size"], g["grade"], g["label"], g["M"], g["F"],
                   g["total"]]


@access.public
def index(request):
    """The rounds whose figures the office has published."""
    publications = Publication.objects.live().select_related("round").order_by("-round__census_day")
    return render(request, "reports/public_index.html", {"publications": publications})


def _folded(text):
    """Text as a search compares it: Thai digits as Arabic, no spaces, lower case."""
    return "".join(to_arabic_digits(text).split()).lower()


def find_schools(schools, query="", amphoe=""):
    """The published schools whose name holds the query, or whose SMIS (8 digits) or OBEC (10 digits) code
    begins with it; "โรงเรียน" typed before a name is ignored (the register keeps names without it)."""
    wanted = _folded(query)
    if wanted.startswith("โรงเรียน"):
        wanted = wanted[len("โรงเรียน"):]
    found = []
    for school in schools:
        if amphoe and school["amphoe"] != amphoe:
            continue
        if wanted and not (
            wanted in _folded(school["name"])
            or str(school["smis_code"]).startswith(wanted)
            or str(school["obec_code"]).startswith(wanted)
        ):
            continue
        found.append(school)
    return found


@access.public
def round_page(request, published_round_id):
    publication = _publication(published_round_id)
    snap = publication.snapshot
    query = request.GET.get("q", "").strip()[:100]
    amphoe = request.GET.get("amphoe", "").strip()[:100]
    amphoes = sorted({school["amphoe"] for school in snap["schools"] if school["amphoe"]})
    if amphoe not in amphoes:
        amphoe = ""
    return render(request, "reports/public_round.html", {
        "publication": publication, "snap": snap, "suppress_below": SUPPRESS_BELOW,
        "query": query, "amphoe": amphoe, "amphoes": amphoes, "searching": bool(query or amphoe),
        "schools": find_schools(snap["schools"], query, amphoe),
    })


@access.public
def dictionary(request, published_round_id):
    publication = _publication(published_round_id)
    return render(request, "reports/public_dictionary.html", {
        "publication": publication, "columns": DICTIONARY, "suppress_below": SUPPRESS_BELOW,
    })


@access.public
def data_csv(request, published_round_id):
    """UTF-8 with a BOM, so Excel opens the Thai text as Thai."""
    publication = _publication(published_round_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, *_rest in DICTIONARY])
    writer.writerows(data_rows(publication.snapshot))
    response = HttpResponse(("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="edinfo-{publication.round.code}.csv"'
    return response


@access.public
def data_json(request, published_round_id):
    """The whole published snapshot: district figures, suppressed breakdowns and schools."""
    publication = _publication(published_round_id)
    body = {
        "published_at": publication.published_at.isoformat(),
        "suppression": f"counts from 1 to {SUPPRESS_BELOW - 1} are null with suppressed=true",
        **publication.snapshot,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="edinfo-{publication.round.code}.json"'
    return response
