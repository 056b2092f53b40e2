"""Files past the reader's size limit are refused from their size, before they are read."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bmn.models import AreaResult, IndicatorSet, Survey
from students.importing import MAX_BYTES

from .synthetic import tambon_file


def too_big(name):
    content = tambon_file()
    return SimpleUploadedFile(name, content + b" " * (MAX_BYTES + 1 - len(content)), content_type="text/csv")


def test_a_bmn_file_past_the_limit_is_refused_by_name_and_size(sukhothai, default_set, officer, as_user):
    response = as_user(officer).post(reverse("bmn:import"), {
        "year": 2561, "indicator_set": default_set.pk,
        "files": [SimpleUploadedFile("ok.csv", tambon_file(), content_type="text/csv"), too_big("big_tambol.csv")]})
    assert response.status_code == 200
    assert response.context["result"] is None  # nothing was parsed
    page = response.content.decode()
    assert "ไฟล์ big_tambol.csv มีขนาด 10.0 MB เกินขนาดสูงสุด 10 MB" in page
    assert not AreaResult.objects.exists() and not Survey.objects.exists()


def test_an_indicator_file_past_the_limit_is_refused_by_name_and_size(officer, as_user):
    response = as_user(officer).post(reverse("bmn:indicator_upload"), {
        "code": "big", "name": "ใหญ่", "file": too_big("set.csv")})
    assert response.status_code == 200
    assert "ไฟล์ set.csv มีขนาด 10.0 MB เกินขนาดสูงสุด 10 MB" in response.content.decode()
    assert not IndicatorSet.objects.filter(code="big").exists()
