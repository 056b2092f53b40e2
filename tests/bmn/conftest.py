"""Fixtures for the จปฐ. tests: the real Sukhothai 2561 TPMAP files (never copied into this
repository: they declare no licence) read from ../shared/reference-data, skipped when absent.
The behaviour is also tested on synthetic files of the same layout (synthetic.py), which never skip."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings

from bmn import services
from bmn.indicators import ensure_default_set
from schools.geography import load_geography

REFERENCE = Path(settings.BASE_DIR).parent / "shared" / "reference-data" / "bmn-tpmap-sukhothai-2561"
AMPHOE_FILE = "61_64_amphur_common.csv"
TAMBON_FILE = "61_64_tambol_common.csv"
VILLAGE_FILE = "61_64_village_common.csv"
POOR_FILE = "poor_by_dimension_combo/61_64_tambol_00100.csv"


def real_bytes(name):
    path = REFERENCE / name
    if not path.is_file():
        pytest.skip(f"the real Sukhothai จปฐ. file {path} is not here (it is kept outside the repository)")
    return path.read_bytes()


def real_rows(name):
    """The file read with the csv module, as a check independent of the importer."""
    return list(csv.DictReader(io.StringIO(real_bytes(name).decode("utf-8-sig"))))


def edited(name, edit):
    """A copy of a real file with edit(rows) applied to its rows (header first), as CSV bytes."""
    rows = list(csv.reader(io.StringIO(real_bytes(name).decode("utf-8-sig"))))
    edit(rows)
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def sukhothai(db):
    """Sukhothai's amphoe and tambon (DOPA codes and centroids) without the demo schools."""
    load_geography(["64"])


@pytest.fixture
def default_set(db):
    # The data migration loads it; a transactional test elsewhere may have emptied the table since.
    return ensure_default_set()


@pytest.fixture
def demo(db):
    """The demo district สพป.สุโขทัย เขต 1: ~130 synthetic schools in real Sukhothai tambons."""
    from edinfo.demo import build_district

    load_geography(["64"])
    return build_district()


def import_real(indicator_set, *names, year=2561, user=None, replace=False):
    files = [(Path(name).name, real_bytes(name)) for name in names]
    result = services.import_files(year=year, indicator_set=indicator_set, files=files, user=user, replace=replace)
    assert result.committed, [str(p) for f in result.files for p in f.errors] + [f.refused for f in result.files]
    return result
