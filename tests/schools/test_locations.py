"""Setting a school's location, and the list of locations to check."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from schools.models import School
from tests.factories import DistrictFactory, SchoolFactory, SubdistrictFactory

pytestmark = pytest.mark.django_db

# The tambon centre of the fixture school (tests/factories.py): 17.012, 99.822.


LAT_NOT_A_NUMBER = "Not a valid number: type the latitude in decimal degrees, e.g. 17.0123."
LNG_NOT_A_NUMBER = "Not a valid number: type the longitude in decimal degrees, e.g. 99.8234."


def url(school):
    return reverse("schools:location", args=[school.smis_code])


def placed(school, lat="17.010000", lng="99.820000"):
    school.latitude, school.longitude = lat, lng
    school.save()
    return school


def test_staff_saves_a_location_and_the_old_one_stays_in_history(as_user, staff, school):
    placed(school)
    response = as_user(staff).post(url(school), {"latitude": "17.0155", "longitude": "99.8251"})
    assert response.status_code == 302 and response["Location"] == reverse("schools:detail", args=[school.smis_code])
    school.refresh_from_db()
    assert (str(school.latitude), str(school.longitude)) == ("17.015500", "99.825100")
    newest, previous = school.history.order_by("-history_date", "-history_id")[:2]
    assert (str(newest.latitude), str(newest.longitude)) == ("17.015500", "99.825100")
    assert (str(previous.latitude), str(previous.longitude)) == ("17.010000", "99.820000")
    page = as_user(staff).get(response["Location"]).content.decode()
    assert "17.015500, 99.825100" in page
    assert escape(gettext("The school's location was saved.")) in page


def test_pasted_pair_and_thai_digits_are_understood(as_user, staff, school):
    as_user(staff).post(url(school), {"latitude": "17.0155, 99.8251", "longitude": ""})
    school.refresh_from_db()
    assert (str(school.latitude), str(school.longitude)) == ("17.015500", "99.825100")
    as_user(staff).post(url(school), {"latitude": "๑๗.๐๒", "longitude": "๙๙.๘๓"})
    school.refresh_from_db()
    assert (str(school.latitude), str(school.longitude)) == ("17.020000", "99.830000")


def test_both_empty_clears_the_location(as_user, officer, school):
    placed(school)
    response = as_user(officer).post(url(school), {"latitude": "", "longitude": ""})
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.latitude is None and school.longitude is None


def test_the_longitude_message_gives_a_longitude_example(as_user, staff, school):
    page = as_user(staff).post(url(school), {"latitude": "17.01", "longitude": "ร้อย"}).content.decode()
    assert escape(gettext(LNG_NOT_A_NUMBER)) in page and "99.8234" in page
    assert escape(gettext(LAT_NOT_A_NUMBER)) not in page


@pytest.mark.parametrize(("data", "message"), [
    ({"latitude": "17.01", "longitude": ""},
     "Give both latitude and longitude, or leave both empty to clear the location."),
    ({"latitude": "", "longitude": "99.82"},
     "Give both latitude and longitude, or leave both empty to clear the location."),
    ({"latitude": "35.68", "longitude": "139.69"},
     "The point is outside Thailand: latitude must be between 5 and 21 and longitude between 97 and 106."),
    ({"latitude": "99.82", "longitude": "17.01"},
     "The latitude and longitude seem to be swapped: latitude comes first (about 5–21 in Thailand), "
     "then longitude (about 97–106)."),
    ({"latitude": "สิบเจ็ด", "longitude": "99.82"}, LAT_NOT_A_NUMBER),
    ({"latitude": "17.01", "longitude": "NaN"}, LNG_NOT_A_NUMBER),
    # Exponents, infinities and runaway digits once reached Decimal.quantize and gave a 500.
    ({"latitude": "1e400", "longitude": "99.82"}, LAT_NOT_A_NUMBER),
    ({"latitude": "17.01", "longitude": "1e-400"}, LNG_NOT_A_NUMBER),
    ({"latitude": "1e5", "longitude": "99.82"}, LAT_NOT_A_NUMBER),
    ({"latitude": "Infinity", "longitude": "99.82"}, LAT_NOT_A_NUMBER),
    ({"latitude": "17.01", "longitude": "-inf"}, LNG_NOT_A_NUMBER),
    ({"latitude": "1" * 400, "longitude": "99.82"}, LAT_NOT_A_NUMBER),
    ({"latitude": "17.01", "longitude": "9" * 30 + ".5"}, LNG_NOT_A_NUMBER),
    ({"latitude": "-0", "longitude": "99.82"},
     "The point is outside Thailand: latitude must be between 5 and 21 and longitude between 97 and 106."),
    ({"latitude": "17.01", "longitude": "99999999999999999999.999999"},
     "The point is outside Thailand: latitude must be between 5 and 21 and longitude between 97 and 106."),
])
def test_bad_values_are_refused_with_a_message_and_change_nothing(as_user, staff, school, data, message):
    placed(school)
    history = school.history.count()
    response = as_user(staff).post(url(school), data)
    assert response.status_code == 200
    assert escape(gettext(message)) in response.content.decode()
    school.refresh_from_db()
    assert (str(school.latitude), str(school.longitude)) == ("17.010000", "99.820000")
    assert school.history.count() == history


def test_far_point_is_saved_with_a_warning_giving_the_distance(as_user, staff, school):
    response = as_user(staff).post(url(school), {"latitude": "17.147", "longitude": "99.822"}, follow=True)
    school.refresh_from_db()
    assert str(school.latitude) == "17.147000"
    page = response.content.decode()
    # 0.135 degrees of latitude is 15.0 km.
    assert "15.0" in page and "ธานี" in page
    assert "alert-warning" in page
    assert 'data-testid="location-far"' in page


def test_a_point_near_the_tambon_is_saved_without_a_warning(as_user, staff, school):
    response = as_user(staff).post(url(school), {"latitude": "17.02", "longitude": "99.83"}, follow=True)
    page = response.content.decode()
    assert escape(gettext("The school's location was saved.")) in page and "alert-warning" not in page


def test_a_point_beyond_the_hard_limit_is_saved_only_when_confirmed(as_user, staff, school):
    placed(school)
    bangkok = {"latitude": "13.7563", "longitude": "100.5018"}
    response = as_user(staff).post(url(school), bangkok)
    assert response.status_code == 200
    page = response.content.decode()
    # Bangkok is about 370 km from tambon ธานี of Sukhothai: said, with the box to tick, and nothing saved.
    assert "จุดนี้ห่างจากจุดกึ่งกลางตำบลธานี 369.3 กม. (เกิน 30 กม.)" in page
    assert 'data-testid="confirm-far"' in page and 'name="confirm"' in page
    assert escape(gettext("I confirm that this point is correct")) in page
    school.refresh_from_db()
    assert str(school.latitude) == "17.010000"
    response = as_user(staff).post(url(school), {**bangkok, "confirm": "on"}, follow=True)
    school.refresh_from_db()
    assert (str(school.latitude), str(school.longitude)) == ("13.756300", "100.501800")
    assert "alert-warning" in response.content.decode()  # still said to be far, once saved


def test_a_point_in_another_province_is_saved_only_when_confirmed(as_user, staff, school, settings):
    from tests.factories import ProvinceFactory
    settings.EDINFO_LOCATION_HARD_KM = 30
    phitsanulok = DistrictFactory(code="6501", name_th="เมืองพิษณุโลก",
                                  province=ProvinceFactory(code="65", name_th="พิษณุโลก"))
    SubdistrictFactory(code="650101", name_th="ในเมือง", district=phitsanulok, latitude="17.05", longitude="100.0")
    point = {"latitude": "17.05", "longitude": "99.99"}  # about 18 km from ธานี, beside a Phitsanulok centre
    page = as_user(staff).post(url(school), point).content.decode()
    assert "จุดนี้น่าจะอยู่ในจังหวัดพิษณุโลก ไม่ใช่จังหวัดสุโขทัย" in page and 'data-testid="confirm-far"' in page
    school.refresh_from_db()
    assert school.latitude is None
    as_user(staff).post(url(school), {**point, "confirm": "on"})
    school.refresh_from_db()
    assert str(school.latitude) == "17.050000"


def test_who_may_look_and_who_may_save(client, as_user, school, staff, director, outsider, officer, executive,
                                       admin_user):
    placed(school)
    new = {"latitude": "17.02", "longitude": "99.83"}
    # The school's director and the executive may look at the map, not move the school.
    for user in (director, executive):
        response = as_user(user).get(url(school))
        assert response.status_code == 200 and response.context["may_save"] is False
        assert as_user(user).post(url(school), new).status_code == 403
    # Another school's staff does not learn that the school exists.
    assert as_user(outsider).get(url(school)).status_code == 404
    assert as_user(outsider).post(url(school), new).status_code == 404
    school.refresh_from_db()
    assert str(school.latitude) == "17.010000"
    for user in (staff, officer, admin_user):
        assert as_user(user).get(url(school)).context["may_save"] is True
        assert as_user(user).post(url(school), new).status_code == 302
    client.logout()
    assert client.post(url(school), new).status_code == 302  # to the login page
    assert "/accounts/login/" in client.get(url(school))["Location"]


def test_detail_page_links_to_the_picker_for_those_who_may_use_it(as_user, school, staff, director, officer):
    placed(school)
    link = f'href="{url(school)}"'
    assert link in as_user(staff).get(reverse("schools:detail", args=[school.smis_code])).content.decode()
    assert link in as_user(officer).get(reverse("schools:detail", args=[school.smis_code])).content.decode()
    page = as_user(director).get(reverse("schools:detail", args=[school.smis_code])).content.decode()
    assert link not in page
    assert 'data-testid="school-mini-map"' in page
    # The mapping analysis's trend sits on the same page; the nearest schools are the office's only.
    assert 'data-testid="enrolment-trend"' in page and 'data-testid="nearby-schools"' not in page
    page = as_user(officer).get(reverse("schools:detail", args=[school.smis_code])).content.decode()
    assert 'data-testid="nearby-schools"' in page and 'data-testid="enrolment-trend"' in page


def test_picker_shows_the_tambon_centre(as_user, staff, school):
    response = as_user(staff).get(url(school))
    assert response.context["centroid"] == {"lat": 17.012, "lng": 99.822, "name": "ธานี"}
    assert 'id="tambon-centre"' in response.content.decode()


# --- the check list ---------------------------------------------------------------------------

CHECK = reverse("schools:locations")


@pytest.fixture
def problems(school, other_school):
    placed(school, "17.013", "99.823")  # good: 0.15 km from the centre
    placed(other_school, "17.147", "99.822")  # 15 km north
    seven = SchoolFactory(name="บ้านเจ็ดกิโล", latitude="17.075", longitude="99.822")  # 7 km
    missing = SchoolFactory(name="บ้านไม่มีพิกัด")
    nowhere = SubdistrictFactory(code="640199", name_th="ไม่มีจุดกลาง", latitude=None, longitude=None,
                                 district=DistrictFactory())
    no_centre = SchoolFactory(name="บ้านตำบลไม่มีจุด", subdistrict=nowhere, latitude="17.0", longitude="99.8")
    SchoolFactory(name="บ้านปิดแล้ว", is_open=False)  # closed: not listed
    return {"good": school, "far": other_school, "seven": seven, "missing": missing, "no_centre": no_centre}


def listed(response):
    assert response.status_code == 200
    return [(p.school.smis_code, p.problem, round(p.distance, 1) if p.distance else None)
            for p in response.context["page"]]


def test_check_list_shows_missing_far_and_uncomparable_schools_farthest_first(as_user, officer, problems):
    response = as_user(officer).get(CHECK)
    assert listed(response) == [
        (problems["far"].smis_code, "far", 15.0),
        (problems["seven"].smis_code, "far", 7.0),
        (problems["missing"].smis_code, "missing", None),
        (problems["no_centre"].smis_code, "no_centroid", None),
    ]
    page = response.content.decode()
    assert "5 " in response.context["threshold"] + " " and problems["good"].name not in page
    assert reverse("schools:location", args=[problems["far"].smis_code]) in page


def test_threshold_parameter(as_user, officer, problems):
    codes = [code for code, kind, _d in listed(as_user(officer).get(CHECK, {"km": "10"})) if kind == "far"]
    assert codes == [problems["far"].smis_code]
    codes = [code for code, kind, _d in listed(as_user(officer).get(CHECK, {"km": "0.1"})) if kind == "far"]
    assert codes == [problems["far"].smis_code, problems["seven"].smis_code, problems["good"].smis_code]
    response = as_user(officer).get(CHECK, {"km": "abc"})
    assert response.context["threshold"] == "5" and response.context["threshold_note"]


def test_check_list_csv(as_user, officer, problems):
    response = as_user(officer).get(CHECK, {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = text.strip().splitlines()
    assert len(lines) == 5 and problems["far"].smis_code in lines[1] and "15.0" in lines[1]


@pytest.mark.parametrize("role", ["staff", "director"])
def test_schools_cannot_open_the_check_list(request, as_user, problems, role):
    assert as_user(request.getfixturevalue(role)).get(CHECK).status_code == 403


def test_executive_may_read_the_list_but_gets_no_edit_button(as_user, executive, problems):
    response = as_user(executive).get(CHECK)
    assert len(listed(response)) == 4 and response.context["may_edit"] is False


def test_many_schools_are_paged(as_user, officer, school):
    for _n in range(55):
        SchoolFactory()
    response = as_user(officer).get(CHECK)
    assert len(response.context["page"]) == 50
    assert len(listed(as_user(officer).get(CHECK, {"page": 2}))) == School.objects.count() - 50


def test_check_list_queries_do_not_grow_with_the_schools(as_user, officer, problems):
    client = as_user(officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CHECK).status_code == 200
        return len(captured)

    queries()
    before = queries()
    for n in range(5):
        SchoolFactory(latitude="17.3", longitude=f"99.8{n}")  # all far, all listed
    assert queries() == before


def test_check_list_csv_writes_names_as_text_never_as_formulas(as_user, officer, problems):
    """Names typed in the admin reach the spreadsheet as text: a cell that would start a formula
    gets the usual leading apostrophe."""
    far = problems["far"]
    far.name = "=1+1"
    far.save()
    tambon = far.subdistrict
    tambon.name_th, tambon.district.name_th = "=HYPERLINK(\"http://x\",\"ธานี\")", "@SUM(A1:A9)"
    tambon.save()
    tambon.district.save()
    text = as_user(officer).get(CHECK, {"format": "csv"}).content.decode("utf-8-sig")
    row = next(row for row in csv.reader(io.StringIO(text)) if row[0] == far.smis_code)
    assert row[2] == "โรงเรียน=1+1"  # the school's full name starts with โรงเรียน: text already
    assert row[3] == "'=HYPERLINK(\"http://x\",\"ธานี\")" and row[4] == "'@SUM(A1:A9)"
    assert not any(cell.startswith(("=", "+", "@")) for cell in row)
    assert row[5] == "17.147000" and row[7] == "15.0"  # numbers stay numbers
