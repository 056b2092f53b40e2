from django.urls import path

from . import views

app_name = "students"
urlpatterns = [
    path("", views.index, name="index"),
    path("district/", views.district, name="district"),
    path("district/export.xlsx", views.district_export, {"extension": "xlsx"}, name="district_export_xlsx"),
    path("district/export.csv", views.district_export, {"extension": "csv"}, name="district_export_csv"),
    path("<str:smis_code>/", views.student_list, name="list"),
    path("<str:smis_code>/new/", views.student_add, name="add"),
    # The record is named by ?id=<pk> (see views._record).
    path("<str:smis_code>/record/", views.student_detail, name="detail"),
    path("<str:smis_code>/record/edit/", views.student_edit, name="edit"),
    path("<str:smis_code>/problems/", views.problems, name="problems"),
    path("<str:smis_code>/template.xlsx", views.template_download, name="template"),
    path("<str:smis_code>/export.xlsx", views.export, {"extension": "xlsx"}, name="export_xlsx"),
    path("<str:smis_code>/export.csv", views.export, {"extension": "csv"}, name="export_csv"),
    path("<str:smis_code>/import/", views.import_upload, name="import_upload"),
    path("<str:smis_code>/import/preview/", views.import_preview, name="import_preview"),
    path("<str:smis_code>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("<str:smis_code>/import/cancel/", views.import_cancel, name="import_cancel"),
]
