import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import SchoolFactory


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Thai collation needs PostgreSQL's ICU")
def test_school_list_sorts_names_in_thai_dictionary_order(as_user, officer):
    # By code point ขาม (ข U+0E02) comes before เกาะ (เ U+0E40); in Thai order the leading vowel
    # is skipped, so เกาะ files under ก and comes first, as in the Royal Institute dictionary.
    SchoolFactory(name="ขามใหญ่")
    SchoolFactory(name="เกาะตาเลี้ยง")
    SchoolFactory(name="กงไกรลาศ")
    response = as_user(officer).get(reverse("schools:list"))
    names = [school.name for school, _ in response.context["rows"]]
    assert names == ["กงไกรลาศ", "เกาะตาเลี้ยง", "ขามใหญ่"]


def test_the_database_under_test_is_known():
    assert connection.vendor in {"sqlite", "postgresql"}
