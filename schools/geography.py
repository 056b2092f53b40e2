"""Thai administrative divisions from the MIT-licensed kongvut/thai-province-data copy in data/geography."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .models import District, Province, Subdistrict

DATA_DIR = Path(__file__).resolve().parent / "data" / "geography"


def _rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _decimal(text):
    return Decimal(text) if text and text.strip() else None


@transaction.atomic
def load_geography(province_codes=None):
    """Create or update provinces, districts and subdistricts; returns counts.

    The source numbers provinces 1..77; the DOPA province code is the first two digits of
    each district code, so that is what we key on. province_codes limits the load (tests).
    """
    districts = list(_rows("districts.csv"))
    names = {row["id"]: row for row in _rows("provinces.csv")}
    province_of_source = {}
    for row in districts:
        province_of_source.setdefault(row["province_id"], row["id"][:2])
    wanted = set(province_codes) if province_codes else None

    provinces = [
        Province(code=code, name_th=names[source_id]["name_th"], name_en=names[source_id]["name_en"])
        for source_id, code in province_of_source.items()
        if wanted is None or code in wanted
    ]
    _upsert(Province, provinces, ["name_th", "name_en"])
    district_objs = [
        District(code=row["id"], province_id=row["id"][:2], name_th=row["name_th"], name_en=row["name_en"])
        for row in districts
        if wanted is None or row["id"][:2] in wanted
    ]
    _upsert(District, district_objs, ["province", "name_th", "name_en"])
    known_districts = {d.code for d in district_objs}
    subdistricts = [
        Subdistrict(
            code=row["id"],
            district_id=row["district_id"],
            name_th=row["name_th"],
            name_en=row["name_en"],
            zip_code=row["zip_code"] or "",
            latitude=_decimal(row["lat"]),
            longitude=_decimal(row["long"]),
        )
        for row in _rows("sub_districts.csv")
        if row["district_id"] in known_districts
    ]
    _upsert(Subdistrict, subdistricts, ["district", "name_th", "name_en", "zip_code", "latitude", "longitude"])
    return {"provinces": len(provinces), "districts": len(district_objs), "subdistricts": len(subdistricts)}


def _upsert(model, objects, update_fields):
    model.objects.bulk_create(
        objects, batch_size=1000, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
    )
