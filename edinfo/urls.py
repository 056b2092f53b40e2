from django.contrib import admin
from django.urls import include, path

from edinfo import views

admin.site.site_header = "edinfo – ระบบสารสนเทศเพื่อการบริหาร"
admin.site.site_title = "edinfo"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("i18n/setlang/", views.set_language_view, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("schools/", include("schools.urls")),
    path("students/", include("students.urls")),
    path("collection/", include("collection.urls")),
    path("summary/", include("reports.summary_urls")),
    path("public/", include("reports.public_urls")),
    path("reports/", include("reports.urls")),
    path("bmn/", include("bmn.urls")),
    path("admin/", admin.site.urls),
]
