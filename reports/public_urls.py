from django.urls import path

from . import public_views

app_name = "public"

# The round is named `published_round_id`: only a round with a live publication answers.
urlpatterns = [
    path("", public_views.index, name="index"),
    path("<int:published_round_id>/", public_views.round_page, name="round"),
    path("<int:published_round_id>/dictionary/", public_views.dictionary, name="dictionary"),
    path("<int:published_round_id>/data.csv", public_views.data_csv, name="csv"),
    path("<int:published_round_id>/data.json", public_views.data_json, name="json"),
]
