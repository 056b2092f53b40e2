from axes import apps as axes_apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdinfoConfig(AppConfig):
    default = True  # this module also holds AxesConfig
    name = "edinfo"
    verbose_name = _("Users and access")

    def ready(self):
        from django.contrib import admin

        from . import admin_thai

        admin_thai.install(admin.site)


class AxesConfig(axes_apps.AppConfig):
    """django-axes under a Thai name in the admin (its own config has none, so the admin said "AXES")."""

    verbose_name = _("Login attempts")
