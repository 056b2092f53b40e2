"""Importing a level that a survey already has: nothing is written until the officer ticks
"แทนที่ข้อมูลเดิม", and the replaced rows are kept as a copy that can be downloaded and re-imported."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from bmn import services
from bmn.models import AreaResult, IndicatorResult, ReplacedImport, Survey

from .synthetic import row, tambon_file, tpmap_csv

NEWER = tpmap_csv("tambon", [row("640102", households=999, fails={16: 9}), "640103", "640104"])


def upload(client, files, year=2561, indicator_set=None, **extra):
    data = {"year": year, **extra,
            "files": [SimpleUploadedFile(name, content, content_type="text/csv") for name, content in files]}
    if indicator_set is not None:
        data["indicator_set"] = indicator_set.pk
    return client.post(reverse("bmn:import"), data)


def snapshot():
    return (sorted(AreaResult.objects.values_list("level", "code", "households")),
            sorted(IndicatorResult.objects.values_list("area__code", "indicator__number", "applies", "fails")))


def test_reimport_asks_first_then_replaces_and_keeps_the_old_rows(sukhothai, default_set, officer, executive,
                                                                   as_user):
    client = as_user(officer)
    first = upload(client, [("61_64_tambol_common.csv", tambon_file())], indicator_set=default_set)
    assert first.context["result"].committed
    before = snapshot()

    # Same survey, a 3-row file, no tick: nothing is written, the page says what would be replaced.
    response = upload(client, [("newer.csv", NEWER)], indicator_set=default_set)
    result = response.context["result"]
    assert not result.committed and result.needs_confirmation
    assert snapshot() == before and not ReplacedImport.objects.exists()
    [replacement] = result.replacing
    assert (replacement.level, replacement.before, replacement.new, replacement.missing) == (
        "tambon", 5, 3, ["640151", "640201"])
    page = response.content.decode()
    assert 'data-testid="bmn-confirm-replace"' in page
    assert "มีข้อมูลระดับตำบลอยู่แล้ว" in page and "แทนที่ข้อมูลเดิม" in page
    assert "640151, 640201" in page
    assert 'name="replace"' in page

    # Ticked: replaced, and the old rows are kept.
    response = upload(client, [("newer.csv", NEWER)], indicator_set=default_set, replace="on")
    result = response.context["result"]
    assert result.committed and result.replaced == {"tambon": 5} and result.written == {"tambon": 3}
    assert AreaResult.objects.get(code="640102").households == 999
    assert not AreaResult.objects.filter(code="640151").exists()
    archive = ReplacedImport.objects.get()
    assert (archive.survey, archive.level, archive.row_count, archive.replaced_by) == (
        Survey.objects.get(), "tambon", 5, officer)
    assert (archive.filename, archive.new_filename, archive.missing_codes) == (
        "61_64_tambol_common.csv", "newer.csv", "640151 640201")

    # The survey page lists it for officers, with a download in the TPMAP layout ...
    survey_page = client.get(reverse("bmn:survey")).content.decode()
    link = f'{reverse("bmn:replaced_download")}?id={archive.pk}'
    assert 'data-testid="bmn-replaced"' in survey_page and link in survey_page
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert download.content.decode() == archive.csv_text
    assert download.content.decode().splitlines()[0] == tambon_file().decode().splitlines()[0]

    # Importing the copy back (ticked) brings every old row and figure back, and keeps the newer rows.
    response = upload(client, [("back.csv", download.content)], indicator_set=default_set, replace="on")
    assert response.context["result"].committed
    assert snapshot() == before
    assert ReplacedImport.objects.count() == 2
    assert ReplacedImport.objects.order_by("pk").last().row_count == 3

    # Executives read the survey, not the replaced copies.
    client = as_user(executive)
    assert 'data-testid="bmn-replaced"' not in client.get(reverse("bmn:survey")).content.decode()
    assert client.get(link).status_code == 403


def test_a_level_the_survey_lacks_is_added_without_asking(sukhothai, default_set):
    from .synthetic import village_file

    assert services.import_files(year=2561, indicator_set=default_set, files=[("t.csv", tambon_file())]).committed
    result = services.import_files(year=2561, indicator_set=default_set, files=[("v.csv", village_file())])
    assert result.committed and not result.replacing and not ReplacedImport.objects.exists()
    # A file with both levels asks, and writes neither, when one of them is already there.
    result = services.import_files(year=2561, indicator_set=default_set,
                                   files=[("t.csv", NEWER), ("v.csv", village_file())])
    assert result.needs_confirmation and [r.level for r in result.replacing] == ["tambon", "village"]
    assert AreaResult.objects.filter(level="tambon").count() == 5


def test_the_year_must_be_typed(sukhothai, default_set, officer, as_user):
    client = as_user(officer)
    page = client.get(reverse("bmn:import")).content.decode()
    assert 'name="year"' in page and 'value="2561"' not in page
    response = upload(client, [("t.csv", tambon_file())], year="", indicator_set=default_set)
    assert response.context["result"] is None and "year" in response.context["form"].errors
    assert not AreaResult.objects.exists()


def test_the_command_replaces_only_with_replace(sukhothai, default_set, tmp_path):
    first, newer = tmp_path / "first.csv", tmp_path / "newer.csv"
    first.write_bytes(tambon_file())
    newer.write_bytes(NEWER)
    call_command("import_bmn", "--year", "2561", str(first), stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    with pytest.raises(CommandError, match="--replace"):
        call_command("import_bmn", "--year", "2561", str(newer), stdout=out)
    assert "ระดับตำบล: มีอยู่ 5 แถว ไฟล์ใหม่ 3 แถว รหัสที่ไม่มีในไฟล์ใหม่ 2: 640151 640201" in out.getvalue()
    assert snapshot() == before and not ReplacedImport.objects.exists()
    out = io.StringIO()
    call_command("import_bmn", "--year", "2561", "--replace", str(newer), stdout=out)
    assert "แทนที่ข้อมูลเดิม 5 แถว" in out.getvalue()
    assert AreaResult.objects.count() == 3 and ReplacedImport.objects.get().row_count == 5
