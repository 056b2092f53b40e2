from django.urls import path

from . import views

app_name = "bmn"
urlpatterns = [
    path("", views.index, name="index"),
    path("layer.geojson", views.tambon_layer, name="tambon_layer"),
    path("report/", views.report, name="report"),
    path("survey/", views.survey_detail, name="survey"),
    path("survey/replaced.csv", views.replaced_download, name="replaced_download"),
    path("import/", views.import_upload, name="import"),
    path("indicators/", views.indicator_sets, name="indicators"),
    path("indicators/upload/", views.indicator_upload, name="indicator_upload"),
    path("indicators/template.csv", views.indicator_template, name="indicator_template"),
]
