"""Great-circle distances on known places, and the nearest-school searches built on them."""

import random
from types import SimpleNamespace

import pytest

from schools.geo import KM_PER_DEGREE, PointIndex, distance_km, nearest

BANGKOK = (13.7563, 100.5018)  # Democracy Monument area
CHIANG_MAI = (18.7883, 98.9853)  # the old city
SUKHOTHAI_HALL = (17.0078, 99.8265)  # Sukhothai provincial hall (ศาลากลางจังหวัดสุโขทัย)
OLD_SUKHOTHAI = (17.0170, 99.7036)  # Wat Mahathat, Sukhothai Historical Park


def test_bangkok_to_chiang_mai_is_about_586_km():
    assert distance_km(*BANGKOK, *CHIANG_MAI) == pytest.approx(586, rel=0.01)


def test_sukhothai_city_hall_to_the_historical_park_is_about_13_km():
    # 12 km of longitude at 17°N (0.1229° × 111.2 × cos 17°) and 1 km of latitude.
    assert distance_km(*SUKHOTHAI_HALL, *OLD_SUKHOTHAI) == pytest.approx(13.1, abs=0.1)


def test_a_degree_along_a_meridian_and_zero_and_symmetry():
    assert distance_km(17, 99.8, 18, 99.8) == pytest.approx(KM_PER_DEGREE) == pytest.approx(111.195, abs=0.001)
    assert distance_km(*BANGKOK, *BANGKOK) == 0
    assert distance_km(*BANGKOK, *CHIANG_MAI) == distance_km(*CHIANG_MAI, *BANGKOK)
    assert distance_km("17.0", "99.8", "17.01", "99.8") == pytest.approx(1.112, abs=0.001)  # strings and Decimals


def point(pk, lat, lon):
    return SimpleNamespace(pk=pk, latitude=lat, longitude=lon)


def test_nearest_orders_by_distance_and_leaves_out_itself_and_the_unlocated():
    me = point(1, 17.0, 99.8)
    far, near, middle = point(2, 17.05, 99.8), point(3, 17.01, 99.8), point(4, 17.03, 99.8)
    unlocated = point(5, None, None)
    same_pk = point(1, 17.0, 99.8)  # the same school fetched again
    found = nearest(me, [far, unlocated, near, me, same_pk, middle])
    assert [c.pk for _d, c in found] == [3, 4, 2]
    assert [round(d, 2) for d, _c in found] == [1.11, 3.34, 5.56]
    assert [c.pk for _d, c in nearest(me, [far, near, middle], limit=2)] == [3, 4]
    assert [c.pk for _d, c in nearest(me, [far, near, middle], within_km=4)] == [3, 4]
    assert nearest(unlocated, [far, near]) == []


def test_the_grid_index_gives_the_same_answers_as_a_pass_over_every_school():
    rng = random.Random(7)
    points = [(rng.uniform(6, 20), rng.uniform(98, 105), n) for n in range(3000)]
    points.append((None, None, "unlocated"))
    index = PointIndex(points)
    assert len(index) == 3000
    for lat, lon, n in points[:60]:
        every = sorted((distance_km(lat, lon, a, b), m) for a, b, m in points[:-1] if m != n)
        got = index.nearest(lat, lon, limit=3, where=lambda m, me=n: m != me)
        assert [m for _d, m in got] == [m for _d, m in every[:3]]
        within = index.within(lat, lon, 25, where=lambda m, me=n: m != me)
        assert [m for _d, m in within] == [m for d, m in every if d <= 25]


def test_the_grid_index_finds_a_far_school_and_stops_when_there_is_none():
    index = PointIndex([(17.0, 99.8, "here"), (13.75, 100.5, "bangkok")])
    found = index.nearest(17.0, 99.8, limit=1, where=lambda v: v != "here")
    assert [v for _d, v in found] == ["bangkok"] and found[0][0] == pytest.approx(368, abs=5)
    assert index.nearest(17.0, 99.8, limit=1, where=lambda v: False) == []
    assert index.within(17.0, 99.8, 1.0) == [(0.0, "here")]


def test_equally_near_schools_come_by_smis_code_whatever_the_order_they_were_added_in():
    """Two larger schools at the same point: the nearest one is always the lower SMIS code."""
    a = SimpleNamespace(smis_code="64010002", latitude=17.05, longitude=99.85, pk=2)
    b = SimpleNamespace(smis_code="64010001", latitude=17.05, longitude=99.85, pk=1)
    far = SimpleNamespace(smis_code="64010000", latitude=17.2, longitude=99.85, pk=3)
    origin = SimpleNamespace(smis_code="64010009", latitude=17.0, longitude=99.8, pk=9)
    for order in ([a, b, far], [b, a, far], [far, a, b]):
        index = PointIndex((s.latitude, s.longitude, s) for s in order)
        assert [s.smis_code for _d, s in index.within(17.0, 99.8, 50)] == ["64010001", "64010002", "64010000"]
        assert index.nearest(17.0, 99.8)[0][1] is b
        assert [s.smis_code for _d, s in nearest(origin, order)] == ["64010001", "64010002", "64010000"]
    # A caller may give its own order for ties, e.g. the larger school first.
    a.students, b.students = 300, 200
    index = PointIndex([(17.05, 99.85, b), (17.05, 99.85, a)], key=lambda s: -s.students)
    assert index.nearest(17.0, 99.8)[0][1] is a
