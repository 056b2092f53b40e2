"""The school map without internet: the demo district's schools on a plain background, a popup
leading to the school; and a school's staff setting its location on the picker."""

import re
from decimal import Decimal

import pytest
from django.utils.translation import gettext
from playwright.sync_api import expect

from edinfo import demo
from schools.geography import load_geography
from schools.models import Membership, School, SizeCategory

BANDS = [("small", "ขนาดเล็ก", 0, 120), ("medium", "ขนาดกลาง", 121, 600), ("large", "ขนาดใหญ่", 601, 1500),
         ("xlarge", "ขนาดใหญ่พิเศษ", 1501, None)]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the standing users' password (tests/factories.py)


@pytest.fixture
def district(db):
    # A transactional test empties every table afterwards, the size bands of the data migration too.
    for code, name, low, high in BANDS:
        SizeCategory.objects.get_or_create(code=code, defaults={"name": name, "min_students": low,
                                                                "max_students": high})
    load_geography(["64"])  # Sukhothai only: quick
    demo.build_district()
    located = School.objects.filter(is_open=True, latitude__isnull=False)
    return located


@pytest.fixture
def page(page):
    """Any script error fails the test: the map must never break, with or without tiles."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []


def log_in(page, live_server, user, next_url):
    page.goto(live_server.url + next_url)
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url.split("?")[0])))


def block_tiles(page):
    """The test machine has no internet; make every tile request fail at once, as offline."""
    failed = []

    def abort(route):
        failed.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), abort)
    return failed


def markers_accounted_for(page):
    """Schools on the map: single markers plus the counts written on the cluster icons."""
    singles = page.locator("#school-map path.school-marker").count()
    clusters = sum(int(text) for text in page.locator("#school-map .marker-cluster span").all_inner_texts())
    return singles + clusters


def test_officer_sees_every_located_school_without_tiles_and_follows_a_popup(page, live_server, officer,
                                                                            district):
    expected = district.count()
    assert expected == demo.SCHOOL_COUNT - 1 - len(demo.UNLOCATED)  # one closed, two never located
    failed = block_tiles(page)
    log_in(page, live_server, officer, "/schools/map/")
    the_map = page.get_by_test_id("school-map")
    expect(the_map).to_have_attribute("data-ready", "1")
    expect(the_map).to_have_attribute("data-markers", str(expected))
    assert markers_accounted_for(page) == expected
    assert failed, "the map asked for tiles (and got none)"
    # Tiles that fail are as good as none: the tambon centres are drawn to find one's way by.
    expect(the_map).to_have_attribute("data-tambons", re.compile(r"^[1-9]\d*$"))
    expect(page.get_by_test_id("missing")).to_contain_text("2")

    # Cluster bubbles are neutral, not the legend's size colours.
    page.locator("#map-cluster").check()
    bubble = page.locator("#school-map .marker-cluster div").first
    expect(bubble).to_have_css("background-color", "rgba(33, 53, 85, 0.9)")
    legend_colours = set(page.evaluate(
        "() => [...document.querySelectorAll('.map-swatch')].map(s => getComputedStyle(s).backgroundColor)"))
    assert bubble.evaluate("b => getComputedStyle(b).backgroundColor") not in legend_colours

    # Without clustering every school is its own marker; one opens a popup leading to its page.
    page.locator("#map-cluster").uncheck()
    expect(page.locator("#school-map path.school-marker")).to_have_count(expected)
    page.locator("#school-map path.school-marker").nth(10).click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    name = popup.locator("strong").inner_text()
    expect(popup).to_contain_text(re.compile("ขนาด(เล็ก|กลาง|ใหญ่)"))
    popup.get_by_test_id("popup-link").click()
    expect(page.get_by_test_id("school-name")).to_have_text("โรงเรียน" + name)

    # A filter narrows the map to one amphoe.
    page.goto(live_server.url + "/schools/map/?district=6402")
    in_district = district.filter(subdistrict__district_id="6402").count()
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-markers", str(in_district))
    assert markers_accounted_for(page) == in_district
    expect(page.get_by_test_id("map-empty")).to_have_count(0)

    # A filter that matches no school says so over the map.
    page.goto(live_server.url + "/schools/map/?district=6401&size=xlarge")
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-markers", "0")
    expect(page.get_by_test_id("map-empty")).to_be_visible()
    expect(page.get_by_test_id("map-empty")).to_have_text(gettext("No schools match the filters."))


def test_map_without_a_tile_server(page, live_server, officer, district, settings):
    settings.EDINFO_MAP_TILE_URL = ""
    requested = block_tiles(page)
    log_in(page, live_server, officer, "/schools/map/")
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-ready", "1")
    assert markers_accounted_for(page) == district.count()
    assert page.locator("#school-map .leaflet-tile").count() == 0
    assert requested == []
    # Something to find one's way by: the tambon centres as grey dots, named when zoomed in.
    tambons = School.objects.filter(pk__in=district).values("subdistrict").distinct().count()
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-tambons", str(tambons))
    expect(page.locator("#school-map path.tambon-dot")).to_have_count(tambons)
    expect(page.locator("#school-map .tambon-name")).to_have_count(0)  # the whole district: no names yet
    for _ in range(4):
        page.locator("#school-map .leaflet-control-zoom-in").click()
        page.wait_for_timeout(350)
    expect(page.locator("#school-map .tambon-name")).to_have_count(tambons)
    name = district.order_by("smis_code").first().subdistrict.name_th
    assert name in page.locator("#school-map .tambon-name").all_inner_texts()
    # The zoom buttons' tooltips are Thai, not Leaflet's "Zoom in"/"Zoom out".
    expect(page.locator("#school-map .leaflet-control-zoom-in")).to_have_attribute("title", "ขยาย")
    expect(page.locator("#school-map .leaflet-control-zoom-out")).to_have_attribute("title", "ย่อ")


def test_staff_sets_the_location_on_the_picker(page, live_server, staff, district):
    target = district.order_by("smis_code").first()
    Membership.objects.filter(user=staff).update(school=target)
    block_tiles(page)
    log_in(page, live_server, staff, f"/schools/{target.smis_code}/")
    page.get_by_test_id("location-link").click()
    picker = page.get_by_test_id("location-map")
    expect(picker).to_have_attribute("data-ready", "1")
    expect(picker.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "ขยาย")
    expect(picker.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "ย่อ")
    old = page.locator("#id_latitude").input_value()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    expect(page.locator("#id_latitude")).not_to_have_value(old)
    lat, lng = page.locator("#id_latitude").input_value(), page.locator("#id_longitude").input_value()
    page.get_by_test_id("save-location").click()
    expect(page.get_by_test_id("school-location")).to_have_text(f"{lat}, {lng}")
    target.refresh_from_db()
    assert (f"{target.latitude}", f"{target.longitude}") == (lat, lng)


def test_bmn_layer_says_when_there_is_no_data_and_draws_tambons_when_there_is(page, live_server, officer,
                                                                           district):
    block_tiles(page)
    log_in(page, live_server, officer, "/schools/map/")
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-ready", "1")
    page.get_by_test_id("bmn-layer").check()
    expect(page.get_by_test_id("bmn-note")).to_have_text("ยังไม่มีข้อมูล จปฐ.")
    assert page.locator("#school-map path.bmn-circle").count() == 0

    # The layer's contract (bmn:tambon_layer): Point features with the tambon's figures; a tambon
    # with schools but no survey row has fails null.
    layer = {"type": "FeatureCollection", "survey": "จปฐ. ปี 2561", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [99.822, 17.012]},
         "properties": {"name": "ธานี", "district": "เมืองสุโขทัย", "fails": 29, "schools": 3, "students": 420,
                        "survey": "จปฐ. ปี 2561", "url": "",
                        "indicators": [{"no": 16, "name": "เด็กอายุ 6–14 ปี ได้รับการศึกษาภาคบังคับ 9 ปี",
                                        "fails": 29, "all": 905}]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [99.75, 17.05]},
         "properties": {"name": "บ้านกล้วย", "district": "เมืองสุโขทัย", "fails": 4, "indicators": [],
                        "survey": "จปฐ. ปี 2561"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [99.70, 17.10]},
         "properties": {"name": "บ้านหลุม", "district": "เมืองสุโขทัย", "fails": None, "indicators": [],
                        "schools": 1, "students": 50, "survey": "จปฐ. ปี 2561"}},
    ]}
    asked = []

    def fulfil(route):
        asked.append(route.request.url)
        route.fulfill(json=layer)

    page.route(re.compile(r".*/bmn/layer\.geojson.*"), fulfil)
    page.reload()
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("bmn-legend")).to_be_hidden()
    page.get_by_test_id("bmn-layer").check()
    expect(page.locator("#school-map path.bmn-circle")).to_have_count(3)
    expect(page.get_by_test_id("bmn-note")).to_have_text("")
    # The legend says what a circle's size means, which survey, and two sample circles with their numbers.
    legend = page.get_by_test_id("bmn-legend")
    expect(legend).to_be_visible()
    expect(legend.get_by_test_id("bmn-legend-title")).to_have_text(
        "ขนาดวงกลมตามจำนวนผู้ไม่ผ่านเกณฑ์ตัวชี้วัดด้านการศึกษา")
    expect(legend.get_by_test_id("bmn-legend-survey")).to_have_text("จปฐ. ปี 2561")
    expect(legend.get_by_test_id("bmn-legend-sample")).to_have_text(["4 คน", "29 คน"])
    expect(legend.get_by_test_id("bmn-legend-nodata")).to_have_text("ไม่มีข้อมูล จปฐ.")
    # The tambon without survey data is a grey hollow ring saying so.
    ring = page.locator("#school-map path.bmn-nodata")
    expect(ring).to_have_count(1)
    assert ring.get_attribute("fill-opacity") == "0" and ring.get_attribute("stroke") == "#868e96"
    # A popup's lines are labelled.
    page.locator("#map-cluster").uncheck()
    page.evaluate("""() => {
        const map = document.getElementById('school-map');
        map.querySelectorAll('path.school-marker').forEach(p => p.style.display = 'none');
    }""")
    circles = page.locator("#school-map path.bmn-circle:not(.bmn-nodata)")
    big = max(circles.all(), key=lambda circle: circle.bounding_box()["width"])  # ธานี, 29 failing
    big.click(force=True)
    popup = page.locator(".bmn-popup")
    expect(popup).to_contain_text("ข้อ 16 เด็กอายุ 6–14 ปี ได้รับการศึกษาภาคบังคับ 9 ปี: ไม่ผ่าน 29 คน จาก 905 คน")
    page.get_by_test_id("bmn-layer").uncheck()
    expect(page.locator("#school-map path.bmn-circle")).to_have_count(0)
    expect(legend).to_be_hidden()

    # The amphoe filter goes with the layer, and ?bmn=1 (the จปฐ. page's map button) switches it on.
    page.goto(live_server.url + "/schools/map/?district=6401&bmn=1")
    expect(page.locator("#school-map path.bmn-circle")).to_have_count(3)
    expect(page.get_by_test_id("bmn-layer")).to_be_checked()
    assert "district=6401" in asked[-1]


def test_a_tambon_name_with_markup_is_shown_as_text_in_the_picker(page, live_server, staff, district):
    """An admin's tambon name reaches the centre's tooltip as text: nothing in it runs."""
    target = district.order_by("smis_code").first()
    Membership.objects.filter(user=staff).update(school=target)
    hostile = '<img src=x onerror=alert(1)>บ้านใหม่'
    tambon = target.subdistrict
    tambon.name_th = hostile
    tambon.latitude, tambon.longitude = target.latitude, target.longitude + Decimal("0.01")
    tambon.save()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    block_tiles(page)
    log_in(page, live_server, staff, f"/schools/{target.smis_code}/location/")
    expect(page.get_by_test_id("location-map")).to_have_attribute("data-ready", "1")
    box = page.locator("#location-map path.tambon-centre").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator("#location-map .leaflet-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(hostile)
    assert tooltip.locator("img").count() == 0
    page.wait_for_timeout(300)  # an injected image would have failed to load and fired by now
    assert dialogs == []


PHONE = {"width": 390, "height": 844}


def sideways(page):
    """How far the page scrolls sideways (0 when everything fits the screen)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_on_a_phone(page, live_server, officer, staff, school, district):
    from edinfo import demo_history
    from tests.students.factories import RoundFactory

    demo_history.build_history(list(School.objects.all()))
    RoundFactory()
    page.set_viewport_size(PHONE)
    block_tiles(page)
    # The map comes first: the filters wait behind a "ตัวกรอง" button.
    log_in(page, live_server, officer, "/schools/map/")
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-ready", "1")
    expect(page.get_by_test_id("map-filters")).to_be_hidden()
    assert page.get_by_test_id("school-map").bounding_box()["y"] < 200
    page.get_by_test_id("filters-toggle").click()
    expect(page.get_by_test_id("map-filters")).to_be_visible()
    expect(page.locator("#f-district")).to_be_visible()

    # A school's trend chart shows its projected years within the screen.
    located = district.order_by("smis_code").first()
    page.goto(live_server.url + f"/schools/{located.smis_code}/")
    chart = page.get_by_test_id("enrolment-trend").locator("svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    last_year = page.get_by_test_id("enrolment-trend").locator("tbody tr").last.locator("td").first.inner_text()
    label = chart.locator("text", has_text=last_year)
    assert label.bounding_box()["x"] + label.bounding_box()["width"] <= PHONE["width"]
    assert sideways(page) == 0

    # Report charts no longer push the page sideways.
    for name in ("small-schools", "nearest-schools", "enrolment-projection"):
        page.goto(live_server.url + f"/reports/{name}/")
        expect(page.locator("svg.report-chart")).to_be_visible()
        assert page.locator("svg.report-chart").bounding_box()["width"] <= PHONE["width"]
        assert sideways(page) == 0, name

    # A school's staff: no filters or grouping for one school, and a button to place it.
    School.objects.filter(pk=school.pk).update(latitude=None, longitude=None)  # the demo had placed it
    page.context.clear_cookies()
    log_in(page, live_server, staff, "/schools/map/")
    expect(page.get_by_test_id("school-map")).to_have_attribute("data-ready", "1")
    assert page.get_by_test_id("filters-toggle").count() == 0 and page.locator("#map-cluster").count() == 0
    page.get_by_test_id("set-location").click()
    expect(page.get_by_test_id("location-map")).to_have_attribute("data-ready", "1")
    # On a phone the boxes are below the map: the help says which boxes, not "beside".
    expect(page.locator("main")).to_contain_text(gettext(
        "Click on the map, or drag the marker, to set the point; or type the coordinates in the latitude and "
        "longitude boxes."))
