from django.urls import path

from . import views

app_name = "schools"
urlpatterns = [
    path("", views.school_list, name="list"),
    path("map/", views.school_map, name="map"),
    path("locations/", views.location_check, name="locations"),
    path("<str:smis_code>/", views.school_detail, name="detail"),
    path("<str:smis_code>/edit/", views.school_edit, name="edit"),
    path("<str:smis_code>/location/", views.school_location, name="location"),
]
