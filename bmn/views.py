"""จปฐ. pages (skeleton: filled in by the จปฐ. work)."""

from django.http import JsonResponse
from django.shortcuts import render

from edinfo import access

READERS = (access.OFFICER, access.EXECUTIVE, access.ADMIN)


@access.require_roles(*READERS)
def index(request):
    return render(request, "bmn/index.html", {})


@access.require_roles(*READERS)
def tambon_layer(request):
    """GeoJSON points, one per tambon with a centroid, for the school map's จปฐ. layer."""
    return JsonResponse({"type": "FeatureCollection", "features": []})
