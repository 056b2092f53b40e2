from django.urls import path

from . import views

app_name = "bmn"
urlpatterns = [
    path("", views.index, name="index"),
    path("layer.geojson", views.tambon_layer, name="tambon_layer"),
]
