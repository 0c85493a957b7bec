"""Invalidations the page cache's store or an HTTP cache in front missed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MissedInvalidation(models.Model):
    """A dependency key that the store or an edge cache did not take when
    its content changed (unreachable, full, timed out). Kept in the
    database, where the change itself is, so that any process sends it again
    (page_cache.replay_missed()), even when the one that missed it stopped."""

    key = models.TextField(_("Schlüssel"))
    cause = models.CharField(_("Anlass"), max_length=255)
    missed_at = models.DateTimeField(_("verpasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("verpasste Invalidierung")
        verbose_name_plural = _("verpasste Invalidierungen")

    def __str__(self):
        return f"{self.key} ({self.cause})"
