"""Thai dates and digits as people read them, and pages in Thai unless the user picks English."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from edinfo import thai

NOV_10 = datetime.date(2026, 11, 10)
# 20:00 UTC on 9 November is already 03:00 on 10 November in Bangkok.
LATE_UTC = datetime.datetime(2026, 11, 9, 20, 0, tzinfo=datetime.UTC)


def render(source, language="th", **context):
    with translation.override(language):
        return Template("{% load thai %}" + source).render(Context(context))


@pytest.mark.parametrize(
    "source,expected",
    [
        ("{{ d|thdate }}", "10 พ.ย. 2569"),
        ('{{ d|thdate:"full" }}', "10 พฤศจิกายน 2569"),
        ('{{ d|thdate:"digits" }}', "๑๐ พ.ย. ๒๕๖๙"),
        ('{{ d|thdate:"full,digits" }}', "๑๐ พฤศจิกายน ๒๕๖๙"),
        ("{{ d|be_year }}", "2569"),
    ],
)
def test_thdate_on_a_date(source, expected):
    assert render(source, d=NOV_10) == expected


def test_thdate_converts_datetimes_to_bangkok_first():
    assert render("{{ d|thdate }}", d=LATE_UTC) == "10 พ.ย. 2569"
    assert render('{{ d|thdate:"time" }}', d=LATE_UTC) == "10 พ.ย. 2569 03:00 น."
    assert render('{{ d|thdate:"full,time,digits" }}', d=LATE_UTC) == "๑๐ พฤศจิกายน ๒๕๖๙ ๐๓:๐๐ น."


def test_thdate_every_month_has_its_thai_name():
    rendered = [render('{{ d|thdate:"full" }}', d=datetime.date(2025, month, 1)) for month in range(1, 13)]
    assert rendered[0] == "1 มกราคม 2568"
    assert rendered[11] == "1 ธันวาคม 2568"
    assert len(set(rendered)) == 12


def test_thdate_of_nothing_is_empty():
    assert render("[{{ d|thdate }}]", d=None) == "[]"
    assert render("[{{ d|thdate }}]", d="") == "[]"


def test_thdate_in_english_keeps_the_buddhist_era():
    assert render("{{ d|thdate }}", language="en", d=NOV_10) == "10 Nov 2569 BE"
    assert render('{{ d|thdate:"time" }}', language="en", d=LATE_UTC) == "10 Nov 2569 BE 03:00"


def test_thdigits():
    assert render("{{ n|thdigits }}", n=1234567890) == "๑๒๓๔๕๖๗๘๙๐"
    assert render("{{ n|thdigits }}", n="ม.1/2") == "ม.๑/๒"
    assert render("[{{ n|thdigits }}]", n=None) == "[]"
    assert thai.to_arabic_digits("๒๕๖๙") == "2569"


@pytest.mark.parametrize(
    "day,year",
    [
        (datetime.date(2026, 5, 15), 2568),  # the last day before the new year starts
        (datetime.date(2026, 5, 16), 2569),  # first day of the academic year 2569
        (datetime.date(2026, 12, 31), 2569),
        (datetime.date(2027, 1, 1), 2569),  # the second term runs into the next calendar year
        (datetime.date(2027, 3, 31), 2569),
    ],
)
def test_academic_year_starts_in_mid_may(day, year):
    assert thai.academic_year(day) == year


def test_pages_are_thai_by_default(client, as_user, staff, school):
    assert 'lang="th"' in client.get(reverse("login")).content.decode()
    page = as_user(staff).get(reverse("schools:detail", args=[school.smis_code])).content.decode()
    assert 'lang="th"' in page
    assert "โรงเรียนบ้านทดสอบ" in page
    # The last-updated date is in the Thai form, with the Thai hour word.
    assert thai.format_date(school.updated_at, with_time=True) in page


def test_an_english_browser_still_gets_thai(client, db):
    # Many office PCs run an English Windows and browser; their users still read Thai.
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="th"' in page


def test_an_unknown_language_cookie_falls_back_to_thai(client, db):
    client.cookies["django_language"] = "xx"
    assert 'lang="th"' in client.get(reverse("login")).content.decode()


def test_choosing_english_switches_the_pages(as_user, staff, school):
    client = as_user(staff)
    detail = reverse("schools:detail", args=[school.smis_code])
    response = client.post(reverse("set_language"), {"language": "en", "next": detail})
    assert response.status_code == 302
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'lang="en"' in page
    assert "โรงเรียนบ้านทดสอบ" in page  # names stay as they are
    updated = timezone.localtime(school.updated_at)
    assert f"{updated.day} {updated:%b} {updated.year + 543} BE" in page

    client.post(reverse("set_language"), {"language": "th", "next": detail})
    assert 'lang="th"' in client.get(detail).content.decode()
