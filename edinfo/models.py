from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A portal user. Office-wide roles live here; school roles are memberships."""

    class OfficeRole(models.TextChoices):
        NONE = "", _("School user")
        OFFICER = "officer", _("Planning officer")
        EXECUTIVE = "executive", _("Executive")
        ADMIN = "admin", _("Administrator")

    office_role = models.CharField(
        _("office role"), max_length=16, choices=OfficeRole.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_admin(self):
        return self.is_superuser or self.office_role == self.OfficeRole.ADMIN

    @property
    def is_officer(self):
        """Planning officers and administrators see and manage every school."""
        return self.is_admin or self.office_role == self.OfficeRole.OFFICER

    @property
    def is_executive(self):
        return self.office_role == self.OfficeRole.EXECUTIVE

    @property
    def role_label(self):
        if self.is_superuser and not self.office_role:
            return self.OfficeRole.ADMIN.label
        if self.office_role:
            return self.get_office_role_display()
        roles = {m.get_role_display() for m in self.memberships.all()}
        return ", ".join(sorted(roles)) or _("No role yet")
