from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BmnConfig(AppConfig):
    name = "bmn"
    verbose_name = _("Basic Minimum Needs (จปฐ.)")
