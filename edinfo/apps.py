from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdinfoConfig(AppConfig):
    name = "edinfo"
    verbose_name = _("Users and access")
