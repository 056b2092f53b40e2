"""What the school map draws and what the location check lists.

The map gets every school it shows in one query, as compact rows (29,000 schools nationally:
one short array per school, with names of tambon and amphoe in a side table), embedded in the
page with json_script. The colours of the size categories and of the collection states are
decided here, once, for the markers and the legend alike.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from collection.models import Round, Submission
from collection.selectors import BOARD_STATES, NOT_STARTED

from .geo import distance_km
from .models import Cluster, District, School, SizeCategory, Subdistrict

# Size categories in order, smallest first: small schools stand out (the office's concern).
SIZE_COLOURS = ["#e8590c", "#1c7ed6", "#2f9e44", "#862e9c", "#0b7285", "#5c940d"]
NO_SIZE_COLOUR = "#868e96"
# The board's badge colours (templates/collection/_status_badge.html), as marker fills.
STATE_COLOURS = {
    NOT_STARTED: "#ced4da",
    "draft": "#6c757d",
    "returned": "#dc3545",
    "confirmed": "#0dcaf0",
    "certified": "#0d6efd",
    "acknowledged": "#198754",
}
COLOUR_BY = ("size", "state")


class CompactJSONEncoder(DjangoJSONEncoder):
    """JSON without spaces and with Thai as UTF-8 (not \\u0e.. escapes): a third of the bytes
    for a district's or a country's schools. Safe inside <script>: json_script escapes < > &."""

    def __init__(self, *args, **kwargs):
        kwargs.update(ensure_ascii=False, separators=(",", ":"))
        super().__init__(*args, **kwargs)


def location_check_km():
    """How far (km) from its tambon's centroid a school may lie before it is listed for checking."""
    return float(getattr(settings, "EDINFO_LOCATION_CHECK_KM", 5))


def location_hard_km():
    """Beyond this distance (km) from its tambon's centroid a point is saved only when confirmed."""
    return float(getattr(settings, "EDINFO_LOCATION_HARD_KM", 30))


# How far around a point (degrees, about 33 km) to look for the nearest tambon centre.
NEAR_BOX = 0.3


def province_of_point(lat, lng):
    """The province whose tambon centre lies nearest the point, or None when no centre is within
    about 30 km. There are no province boundaries in the database: this is the best guess the
    tambon centres give. One query."""
    lat, lng = float(lat), float(lng)
    tambons = (Subdistrict.objects
               .filter(latitude__range=(lat - NEAR_BOX, lat + NEAR_BOX),
                       longitude__range=(lng - NEAR_BOX, lng + NEAR_BOX))
               .select_related("district__province"))
    best = min(tambons, default=None,
               key=lambda t: distance_km(lat, lng, t.latitude, t.longitude))
    return best.district.province if best is not None else None


@dataclass
class MapFilters:
    district: str = ""
    cluster: int | None = None
    size: SizeCategory | None = None
    round: Round | None = None
    colour: str = "size"
    # What was asked but not understood, to say so instead of silently showing everything.
    ignored: list = field(default_factory=list)

    def query(self):
        params = {}
        if self.district:
            params["district"] = self.district
        if self.cluster:
            params["cluster"] = self.cluster
        if self.size:
            params["size"] = self.size.code
        if self.round:
            params["round"] = self.round.pk
        if self.colour != "size":
            params["colour"] = self.colour
        return params


def parse_filters(params, *, categories, may_see_states):
    """The map's filters from a query string: values that are not understood are left out."""
    filters = MapFilters()
    district = params.get("district", "")
    if district.isascii() and district.isdigit() and len(district) == 4:
        filters.district = district
    elif district:
        filters.ignored.append("district")
    cluster = params.get("cluster", "")
    if cluster.isascii() and cluster.isdigit() and len(cluster) <= 9:
        filters.cluster = int(cluster)
    elif cluster:
        filters.ignored.append("cluster")
    size = params.get("size", "")
    if size:
        filters.size = next((c for c in categories if c.code == size), None)
        if filters.size is None:
            filters.ignored.append("size")
    if may_see_states:
        round_id = params.get("round", "")
        if round_id.isascii() and round_id.isdigit() and len(round_id) <= 9:
            filters.round = Round.objects.filter(pk=round_id).first()
        if filters.round is None:
            filters.round = Round.objects.current()
        if params.get("colour") == "state" and filters.round is not None:
            filters.colour = "state"
    return filters


def filtered_schools(user, filters):
    """The open schools the user may see, narrowed by the filters."""
    schools = School.objects.visible_to(user).filter(is_open=True)
    if filters.district:
        schools = schools.filter(subdistrict__district_id=filters.district)
    if filters.cluster:
        schools = schools.filter(cluster_id=filters.cluster)
    if filters.size is not None:
        schools = schools.filter(student_count__gte=filters.size.min_students)
        if filters.size.max_students is not None:
            schools = schools.filter(student_count__lte=filters.size.max_students)
    return schools


def _size_index(count, categories):
    if count is None:
        return len(categories)
    for index, category in enumerate(categories):
        if category.contains(count):
            return index
    return len(categories)


def map_data(user, filters, categories):
    """The map's payload: compact school rows, side tables and the legend. One query for the
    schools (with their tambon, amphoe and, when asked, their state in the round)."""
    schools = filtered_schools(user, filters)
    with_states = filters.round is not None
    if with_states:
        schools = schools.annotate(
            state=Subquery(
                Submission.objects.filter(round=filters.round, school=OuterRef("pk")).values("status")[:1]
            )
        )
    columns = ["latitude", "longitude", "student_count", "smis_code", "obec_code", "name",
               "subdistrict__name_th", "subdistrict__district__name_th",
               "subdistrict__latitude", "subdistrict__longitude"]
    if with_states:
        columns.append("state")
    rows = schools.order_by("smis_code").values_list(*columns)

    states = [state for state, _label in BOARD_STATES]
    state_index = {state: index for index, state in enumerate(states)}
    places, place_index = [], {}
    features = []
    missing = 0
    size_counts = [0] * (len(categories) + 1)
    state_counts = [0] * len(states)
    for row in rows:
        lat, lng, students, smis, obec, name, tambon, amphoe, centre_lat, centre_lng = row[:10]
        if lat is None or lng is None:
            missing += 1
            continue
        key = (tambon or "", amphoe or "")
        if key not in place_index:
            place_index[key] = len(places)
            # [tambon, amphoe, centre lat, centre lng]: the centre is drawn as a named dot when
            # there are no tiles to find one's way by.
            places.append([*key, *((round(float(centre_lat), 5), round(float(centre_lng), 5))
                                   if centre_lat is not None and centre_lng is not None else (None, None))])
        size = _size_index(students, categories)
        size_counts[size] += 1
        feature = [round(float(lat), 5), round(float(lng), 5), students, size, None, smis, obec, name,
                   place_index[key]]
        if with_states:
            state = state_index[row[10] or NOT_STARTED]
            state_counts[state] += 1
            feature[4] = state
        features.append(feature)

    sizes = [{"label": c.name, "colour": SIZE_COLOURS[i % len(SIZE_COLOURS)], "count": size_counts[i]}
             for i, c in enumerate(categories)]
    sizes.append({"label": _("Student count unknown"), "colour": NO_SIZE_COLOUR, "count": size_counts[-1]})
    state_legend = (
        [{"label": str(label), "colour": STATE_COLOURS[state], "count": state_counts[i]}
         for i, (state, label) in enumerate(BOARD_STATES)]
        if with_states else []
    )
    return {
        "schools": features,
        "places": places,
        "sizes": sizes,
        "states": state_legend,
        "colour": filters.colour,
        "plotted": len(features),
        "missing": missing,
    }


# --- the location check list --------------------------------------------------------------------

NO_COORDINATES = "missing"
FAR = "far"
NO_CENTROID = "no_centroid"


@dataclass
class LocationProblem:
    school: School
    problem: str
    distance: float | None = None

    @property
    def label(self):
        return {
            NO_COORDINATES: _("No coordinates"),
            FAR: _("Far from its tambon"),
            NO_CENTROID: _("Tambon has no centre point"),
        }[self.problem]


def location_problems(user, threshold_km, district=""):
    """Open schools whose location needs checking, farthest first, then those without
    coordinates, then those whose tambon has no centre point to compare with. One query."""
    schools = School.objects.visible_to(user).filter(is_open=True).select_related("subdistrict__district")
    if district:
        schools = schools.filter(subdistrict__district_id=district)
    far, missing, no_centroid = [], [], []
    for school in schools.order_by("smis_code"):
        if school.latitude is None or school.longitude is None:
            missing.append(LocationProblem(school, NO_COORDINATES))
            continue
        tambon = school.subdistrict
        if tambon is None or tambon.latitude is None or tambon.longitude is None:
            no_centroid.append(LocationProblem(school, NO_CENTROID))
            continue
        distance = distance_km(school.latitude, school.longitude, tambon.latitude, tambon.longitude)
        if distance > threshold_km:
            far.append(LocationProblem(school, FAR, distance))
    far.sort(key=lambda p: -p.distance)
    return far + missing + no_centroid


def distance_from_tambon(school):
    """km from the school's point to its tambon's centre point, or None when either is unknown."""
    tambon = school.subdistrict
    if school.latitude is None or school.longitude is None or tambon is None:
        return None
    if tambon.latitude is None or tambon.longitude is None:
        return None
    return distance_km(school.latitude, school.longitude, tambon.latitude, tambon.longitude)


def filter_choices(user):
    """Amphoe and network clusters that have schools the user can see, for the filter form."""
    visible = School.objects.visible_to(user).filter(is_open=True)
    districts = District.objects.filter(
        Q(subdistricts__schools__in=visible)
    ).distinct().order_by("code")
    clusters = Cluster.objects.filter(schools__in=visible).distinct().order_by("code")
    return districts, clusters
