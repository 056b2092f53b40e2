"""Distances on the earth's surface, for the school map and the school mapping analysis.

Great-circle (haversine) distance on a sphere of the mean earth radius: within 0.5% of the
ellipsoidal distance, far closer than school coordinates typed from a phone map are.
"""

from math import asin, cos, degrees, floor, pi, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in kilometres between two points given in decimal degrees."""
    lat1, lon1, lat2, lon2 = (radians(float(value)) for value in (lat1, lon1, lat2, lon2))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def has_location(obj):
    return obj.latitude is not None and obj.longitude is not None


def tie_key(value):
    """What puts two points at the same distance in order: the value's SMIS code (a School, or
    anything with a `school` or a `smis_code`), or the value itself when it is a code or a number."""
    code = getattr(value, "smis_code", None)
    if code is None and hasattr(value, "school"):
        code = getattr(value.school, "smis_code", None)
    if code is None and isinstance(value, str | int):
        code = value
    return "" if code is None else str(code)


def nearest(origin, candidates, *, limit=None, within_km=None):
    """[(distance_km, candidate)] nearest first, equally near ones by SMIS code: candidates without
    coordinates, and the origin itself, are left out. `within_km` drops the farther ones; `limit`
    keeps the first few."""
    if not has_location(origin):
        return []
    found = []
    for candidate in candidates:
        if candidate is origin or not has_location(candidate) or candidate.pk == origin.pk:
            continue
        distance = distance_km(origin.latitude, origin.longitude, candidate.latitude, candidate.longitude)
        if within_km is None or distance <= within_km:
            found.append((distance, candidate))
    found.sort(key=lambda pair: (pair[0], tie_key(pair[1])))
    return found[:limit] if limit else found


KM_PER_DEGREE = EARTH_RADIUS_KM * pi / 180  # along a meridian


class PointIndex:
    """Points bucketed in a grid of `cell` degrees, for nearest-neighbour questions over many schools.

    `within` looks only at the cells of the exact bounding box of the circle asked for, then checks
    each point's great-circle distance: the same answer as a pass over every point, without the
    pass. At 0.1° (about 11 km) a 10 km question reads 9–16 cells; the 29,000 schools of the whole
    country answer "the nearest school of each school" in a few seconds of pure Python, where a
    pass over every pair (29,000² = 841 million distances) would take over an hour.

    Items are (latitude, longitude, value); items without coordinates are left out. Points at the
    same distance come in the order of `key(value)` (default: the SMIS code, `tie_key`), so that
    the answer never depends on the order the points were added in or on the grid's cells.
    """

    def __init__(self, items, *, cell=0.1, key=tie_key):
        self.cell = cell
        self.key = key
        self.cells = {}
        self.size = 0
        for lat, lon, value in items:
            if lat is None or lon is None:
                continue
            lat, lon = float(lat), float(lon)
            self.cells.setdefault(self._key(lat, lon), []).append((lat, lon, value))
            self.size += 1

    def __len__(self):
        return self.size

    def _key(self, lat, lon):
        return floor(lat / self.cell), floor(lon / self.cell)

    def within(self, lat, lon, km, *, where=None):
        """[(distance_km, value)] of the points at most `km` away, nearest first, equally near ones
        in the order of the index's `key`; `where(value)` keeps only the values it accepts."""
        lat, lon = float(lat), float(lon)
        angle = km / EARTH_RADIUS_KM  # the circle's radius as an angle
        dlat = degrees(angle)
        if abs(lat) + dlat >= 90 or angle >= pi / 2:
            dlon = 180.0
        else:
            # The exact longitude reach of a spherical cap (Matuschek's bounding box).
            dlon = degrees(asin(min(1.0, sin(angle) / cos(radians(lat)))))
        low_lat, high_lat = self._key(lat - dlat, lon)[0], self._key(lat + dlat, lon)[0]
        if dlon >= 180:
            lon_cells = {key[1] for key in self.cells}
        else:
            first, last = self._key(lat, lon - dlon)[1], self._key(lat, lon + dlon)[1]
            lon_cells = range(first, last + 1)
        found = []
        if (high_lat - low_lat + 1) * len(lon_cells) > len(self.cells):
            buckets = (points for key, points in self.cells.items() if low_lat <= key[0] <= high_lat)
        else:
            buckets = (self.cells.get((row, column), ()) for row in range(low_lat, high_lat + 1)
                       for column in lon_cells)
        for points in buckets:
            for plat, plon, value in points:
                if where is not None and not where(value):
                    continue
                distance = distance_km(lat, lon, plat, plon)
                if distance <= km:
                    found.append((distance, self.key(value), value))
        found.sort(key=lambda triple: triple[:2])
        return [(distance, value) for distance, _key, value in found]

    def nearest(self, lat, lon, *, limit=1, where=None, start_km=5.0):
        """The `limit` nearest points [(distance_km, value)], nearest first, however far.

        Asks `within` for a circle that doubles until it holds `limit` points: every point inside
        the circle is found, and every point outside it is farther, so these are the nearest."""
        radius = start_km
        while True:
            found = self.within(lat, lon, radius, where=where)
            if len(found) >= limit or radius > pi * EARTH_RADIUS_KM:
                return found[:limit]
            radius *= 2
