"""The จปฐ. Excel download writes names from files as text, never as live formulas."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from bmn import services
from bmn.indicators import save_indicator_set
from schools.models import Subdistrict
from tests.factories import SchoolFactory

from .synthetic import tambon_file

FORMULA = '=HYPERLINK("http://x/","a")'


def test_a_school_named_like_a_formula_is_text_in_the_excel_download(sukhothai, default_set, officer, as_user):
    SchoolFactory(name=FORMULA, subdistrict=Subdistrict.objects.get(code="640102"), is_open=True)
    indicator_set = save_indicator_set(code="t", name="ชุดทดสอบ", indicators=[
        {"number": n, "name_th": "+SUM(1,2)" if n == 16 else f"ตัวชี้วัด {n}", "category_no": 3 if 15 <= n <= 19 else 1,
         "category_name": "การศึกษา", "is_education": 15 <= n <= 19} for n in range(1, 32)])
    result = services.import_files(year=2561, indicator_set=indicator_set, files=[("t.csv", tambon_file())])
    assert result.committed
    response = as_user(officer).get(reverse("bmn:report"), {"survey": result.survey.pk, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    school = [cell for cell in cells if FORMULA in cell.value]
    assert school and all(cell.data_type == "s" for cell in school)
    assert any(cell.value == "'+SUM(1,2)" for cell in cells)
