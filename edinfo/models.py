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


class AccessLog(models.Model):
    """Who opened or exported personal data, and when (PDPA; Computer Crime Act traffic logs)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Opened a record")
        EXPORT = "export", _("Exported personal data")
        IMPORT = "import", _("Imported personal data")

    user = models.ForeignKey(
        "edinfo.User", models.SET_NULL, null=True, related_name="access_logs", verbose_name=_("user")
    )
    username = models.CharField(_("username"), max_length=150)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    what = models.CharField(_("what"), max_length=300)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal-data access log")
        verbose_name_plural = _("personal-data access logs")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what}"

    @classmethod
    def record(cls, request, action, what):
        return cls.objects.create(
            user=request.user if request.user.is_authenticated else None,
            username=request.user.get_username(),
            action=action,
            what=str(what)[:300],
            ip_address=request.META.get("REMOTE_ADDR"),
        )
