from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicationQuerySet(models.QuerySet):
    def live(self):
        """Publications the public can see now (not withdrawn)."""
        return self.filter(unpublished_at__isnull=True)


class Publication(models.Model):
    """A round's aggregate figures as the office published them.

    The numbers are copied into `snapshot` at publish time, already with small counts
    suppressed, so a record corrected later never silently changes a published figure; a new
    publication is needed for that. Withdrawing keeps the row (the history of what was public).
    """

    round = models.ForeignKey(
        "collection.Round", models.PROTECT, related_name="publications", verbose_name=_("round")
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )
    note = models.TextField(_("note"), blank=True)
    snapshot = models.JSONField(_("published figures"))
    unpublished_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    unpublished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"], condition=Q(unpublished_at__isnull=True), name="publication_one_live_per_round"
            )
        ]

    def __str__(self):
        return f"{self.round} – {self.published_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self):
        return self.unpublished_at is None
