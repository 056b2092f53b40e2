"""Distances on the earth's surface, for the school map and the school mapping analysis.

Great-circle (haversine) distance on a sphere of the mean earth radius: within 0.5% of the
ellipsoidal distance, far closer than school coordinates typed from a phone map are.
"""

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in kilometres between two points given in decimal degrees."""
    lat1, lon1, lat2, lon2 = (radians(float(value)) for value in (lat1, lon1, lat2, lon2))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def has_location(obj):
    return obj.latitude is not None and obj.longitude is not None


def nearest(origin, candidates, *, limit=None, within_km=None):
    """[(distance_km, candidate)] nearest first: candidates without coordinates, and the origin
    itself, are left out. `within_km` drops the farther ones; `limit` keeps the first few."""
    if not has_location(origin):
        return []
    found = []
    for candidate in candidates:
        if candidate is origin or not has_location(candidate) or candidate.pk == origin.pk:
            continue
        distance = distance_km(origin.latitude, origin.longitude, candidate.latitude, candidate.longitude)
        if within_km is None or distance <= within_km:
            found.append((distance, candidate))
    found.sort(key=lambda pair: pair[0])
    return found[:limit] if limit else found
