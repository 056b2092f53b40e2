from django.urls import path

from . import summary_views

app_name = "summary"

urlpatterns = [
    path("", summary_views.summary_page, name="page"),
    path("summary.pdf", summary_views.summary_pdf, name="pdf"),
    path("publish/", summary_views.publish, name="publish"),
    path("provincial.xlsx", summary_views.provincial_xlsx, name="provincial"),
]
