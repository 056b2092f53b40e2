"""The school map: who sees which schools, what each marker carries, and the filters."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.maps import NO_SIZE_COLOUR, SIZE_COLOURS, STATE_COLOURS
from schools.models import Cluster
from tests.factories import ClusterFactory, DistrictFactory, SchoolFactory, SubdistrictFactory
from tests.students.factories import RoundFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

URL = reverse("schools:map")


def map_data(response):
    assert response.status_code == 200
    return response.context["data"]


def by_smis(data):
    return {row[5]: row for row in data["schools"]}


@pytest.fixture
def located(school, other_school):
    school.latitude, school.longitude, school.student_count = "17.012346", "99.823456", 100
    school.save()
    other_school.latitude, other_school.longitude, other_school.student_count = "17.1", "99.9", 700
    other_school.save()
    return school, other_school


def test_office_sees_every_school_with_its_students_and_size_colour(as_user, officer, located):
    school, other = located
    data = map_data(as_user(officer).get(URL))
    rows = by_smis(data)
    assert set(rows) == {school.smis_code, other.smis_code}
    lat, lng, students, size, _state, smis, obec, name, place = rows[school.smis_code]
    assert (lat, lng, students, obec, name) == (17.01235, 99.82346, 100, school.obec_code, school.name)
    # The tambon with its centre point, which the map draws and names when it has no tiles.
    assert data["places"][place] == ["ธานี", "เมืองสุโขทัย", 17.012, 99.822]
    assert data["sizes"][size]["label"] == "ขนาดเล็ก" and data["sizes"][size]["colour"] == SIZE_COLOURS[0]
    assert data["sizes"][rows[other.smis_code][3]]["label"] == "ขนาดใหญ่"
    counts = {item["label"]: item["count"] for item in data["sizes"]}
    assert counts["ขนาดเล็ก"] == 1 and counts["ขนาดใหญ่"] == 1 and counts["ขนาดกลาง"] == 0
    # The page embeds the same data for the script, compactly (Thai as UTF-8, no spaces).
    page = as_user(officer).get(URL).content.decode()
    embedded = page.split('<script id="map-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(embedded) == json.loads(json.dumps(data))
    assert "\\u0e" not in embedded and ", " not in embedded and school.name in embedded
    assert 'id="map-data"' in page and "js/school-map.js" in page
    assert "vendor/leaflet/leaflet.js" in page and "leaflet.markercluster.js" in page


def test_school_without_a_count_gets_the_unknown_colour(as_user, officer, located):
    school, _other = located
    school.student_count = None
    school.save()
    data = map_data(as_user(officer).get(URL))
    row = by_smis(data)[school.smis_code]
    assert row[2] is None
    assert data["sizes"][row[3]]["colour"] == NO_SIZE_COLOUR


@pytest.mark.parametrize("role", ["staff", "director"])
def test_school_users_see_only_their_own_school(request, as_user, located, role):
    school, _other = located
    data = map_data(as_user(request.getfixturevalue(role)).get(URL))
    assert list(by_smis(data)) == [school.smis_code]


def test_outsider_sees_only_theirs_and_anonymous_must_log_in(client, as_user, outsider, located):
    _school, other = located
    assert list(by_smis(map_data(as_user(outsider).get(URL)))) == [other.smis_code]
    client.logout()
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_schools_without_coordinates_are_counted_not_plotted(as_user, officer, located):
    SchoolFactory(name="บ้านไม่มีพิกัด")
    closed = SchoolFactory(name="บ้านปิดแล้ว", is_open=False, latitude="17.2", longitude="99.7")
    data = map_data(as_user(officer).get(URL))
    assert data["plotted"] == 2 and data["missing"] == 1
    assert closed.smis_code not in by_smis(data)
    page = as_user(officer).get(URL).content.decode()
    assert reverse("schools:locations") in page  # officers get the link to the check list


def test_staff_gets_no_link_to_the_check_list(as_user, staff, school):
    page = as_user(staff).get(URL).content.decode()
    assert reverse("schools:locations") not in page


def test_filters_narrow_the_schools(as_user, officer, located):
    school, other = located
    tambon = SubdistrictFactory(code="640201", name_th="ในเมือง",
                                district=DistrictFactory(code="6402", name_th="บ้านด่านลานหอย"))
    cluster = ClusterFactory(code="021", name="กลุ่มลานหอย")
    far = SchoolFactory(subdistrict=tambon, cluster=cluster, latitude="17.0", longitude="99.5", student_count=300)
    client = as_user(officer)
    assert set(by_smis(map_data(client.get(URL, {"district": "6402"})))) == {far.smis_code}
    assert set(by_smis(map_data(client.get(URL, {"cluster": cluster.pk})))) == {far.smis_code}
    assert set(by_smis(map_data(client.get(URL, {"size": "small"})))) == {school.smis_code}
    assert set(by_smis(map_data(client.get(URL, {"size": "large"})))) == {other.smis_code}
    assert set(by_smis(map_data(client.get(URL, {"district": "6401", "size": "medium"})))) == set()
    # Something not understood is said, and the rest still applies.
    response = client.get(URL, {"size": "huge", "district": "6402"})
    assert set(by_smis(map_data(response))) == {far.smis_code}
    assert response.context["filters"].ignored == ["size"]
    # The filter lists name only amphoe and clusters that have schools.
    assert {d.code for d in response.context["districts"]} == {"6401", "6402"}
    assert set(response.context["clusters"]) == set(Cluster.objects.filter(schools__isnull=False))


@pytest.mark.parametrize("params", [
    {"cluster": "9" * 400}, {"round": "9" * 400}, {"cluster": "๑"}, {"district": "๖๔๐๑"}, {"survey": "9" * 400},
])
def test_runaway_or_thai_digit_ids_are_ignored_not_a_server_error(as_user, officer, located, params):
    response = as_user(officer).get(URL, params)
    assert response.status_code == 200
    assert len(map_data(response)["schools"]) == 2


def test_a_filter_without_schools_says_so_over_the_map(as_user, officer, located):
    from django.utils.translation import gettext

    client = as_user(officer)
    assert 'data-testid="map-empty"' not in client.get(URL).content.decode()
    page = client.get(URL, {"size": "xlarge"}).content.decode()
    assert 'data-testid="map-empty"' in page and gettext("No schools match the filters.") in page
    SchoolFactory(subdistrict=SubdistrictFactory(code="640201", district=DistrictFactory(code="6402")))
    page = client.get(URL, {"district": "6402"}).content.decode()
    assert gettext("None of the schools matching the filters has coordinates yet.") in page


def test_a_school_user_with_one_school_gets_no_filters_and_a_way_to_place_it(as_user, staff, director, officer,
                                                                             school):
    from django.utils.translation import gettext

    page = as_user(staff).get(URL).content.decode()
    assert 'data-testid="map-filters"' not in page and 'id="map-cluster"' not in page
    assert gettext("The school has no location yet.") in page
    assert f'href="{reverse("schools:location", args=[school.smis_code])}" data-testid="set-location"' in page
    # The director certifies, the staff keep the data: no button for the director.
    assert 'data-testid="set-location"' not in as_user(director).get(URL).content.decode()
    school.latitude, school.longitude = "17.01", "99.82"
    school.save()
    page = as_user(staff).get(URL).content.decode()
    assert 'data-testid="set-location"' not in page and 'data-testid="map-empty"' not in page
    # The office keeps its filters, behind a button on a phone.
    page = as_user(officer).get(URL).content.decode()
    assert 'data-testid="map-filters"' in page and 'data-testid="filters-toggle"' in page


def test_office_colours_by_the_state_in_a_round(as_user, officer, executive, located):
    school, other = located
    nov = RoundFactory()
    SubmissionFactory(round=nov, school=school, status="certified")
    for user in (officer, executive):
        data = map_data(as_user(user).get(URL, {"colour": "state", "round": nov.pk}))
        assert data["colour"] == "state"
        rows = by_smis(data)
        certified = data["states"][rows[school.smis_code][4]]
        not_started = data["states"][rows[other.smis_code][4]]
        assert certified["colour"] == STATE_COLOURS["certified"] and certified["count"] == 1
        assert not_started["colour"] == STATE_COLOURS["not_started"] and not_started["count"] == 1


def test_school_users_get_no_states(as_user, staff, located):
    school, _other = located
    nov = RoundFactory()
    SubmissionFactory(round=nov, school=school, status="returned")
    response = as_user(staff).get(URL, {"colour": "state", "round": nov.pk})
    data = map_data(response)
    assert data["colour"] == "size" and data["states"] == []
    assert by_smis(data)[school.smis_code][4] is None
    assert 'name="colour"' not in response.content.decode()
    assert "bmn-layer" not in response.content.decode()


def test_bmn_layer_checkbox_for_the_office_passes_the_survey_on(as_user, officer, located):
    page = as_user(officer).get(URL, {"survey": "7"}).content.decode()
    assert f'data-url="{reverse("bmn:tambon_layer")}?survey=7"' in page
    assert "ตัวชี้วัด จปฐ. ด้านการศึกษา (รายตำบล)" in page


def test_bmn_layer_follows_the_amphoe_filter_and_may_be_on_at_load(as_user, officer, staff, located):
    page = as_user(officer).get(URL, {"district": "6401", "survey": "7"}).content.decode()
    assert f'data-url="{reverse("bmn:tambon_layer")}?survey=7&amp;district=6401"' in page
    page = as_user(officer).get(URL, {"bmn": "1"}).content.decode()
    assert 'data-testid="bmn-layer" checked' in page and 'data-testid="bmn-legend"' in page
    assert 'data-testid="bmn-layer" checked' not in as_user(officer).get(URL).content.decode()
    assert "bmn-layer" not in as_user(staff).get(URL, {"bmn": "1"}).content.decode()


def test_tile_server_is_configurable_and_may_be_empty(as_user, officer, located, settings):
    settings.EDINFO_MAP_TILE_URL = "https://tiles.example.go.th/{z}/{x}/{y}.png"
    config = as_user(officer).get(URL).context["map_config"]
    assert config["tileUrl"] == "https://tiles.example.go.th/{z}/{x}/{y}.png"
    settings.EDINFO_MAP_TILE_URL = ""
    response = as_user(officer).get(URL)
    config = json.loads(response.content.decode().split('id="map-config" type="application/json">')[1]
                        .split("</script>")[0])
    assert config["tileUrl"] == ""


def test_queries_do_not_grow_with_the_schools(as_user, officer, located):
    nov = RoundFactory()
    client = as_user(officer)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"colour": "state", "round": nov.pk}).status_code == 200
        return len(captured)

    queries()
    before = queries()
    for n in range(5):
        school = SchoolFactory(latitude="17.05", longitude=f"99.8{n}", student_count=50 * n)
        SubmissionFactory(round=nov, school=school, status="draft")
    assert queries() == before
