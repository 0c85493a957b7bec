"""Article forms that editors have open: who is editing what since when
(the "someone is editing" notice), and what they typed, saved
automatically so that a crashed browser loses at most half a minute."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A form counts as open while its page reports within this time (the page
# reports every AUTOSAVE_SECONDS, see static/articles/js/autosave.js).
EDITING_SEEN_WITHIN = timedelta(minutes=2)


class EditingDraftQuerySet(models.QuerySet):
    def open_now(self):
        """Forms whose page reported within EDITING_SEEN_WITHIN."""
        return self.filter(seen_at__gte=timezone.now() - EDITING_SEEN_WITHIN)


class EditingDraft(models.Model):
    """One user's open form of one article (or of a new one, article
    empty): since when, last seen, and the input saved automatically."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("Benutzer"),
    )
    article = models.ForeignKey(
        "articles.Article",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="editing_drafts",
        verbose_name=_("Artikel"),
    )
    data = models.JSONField(_("Eingaben"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("geöffnet am"), default=timezone.now)
    seen_at = models.DateTimeField(_("zuletzt gesehen"), default=timezone.now)
    saved_at = models.DateTimeField(
        _("automatisch gesichert am"), null=True, blank=True
    )

    objects = EditingDraftQuerySet.as_manager()

    class Meta:
        verbose_name = _("automatisch gesicherter Entwurf")
        verbose_name_plural = _("automatisch gesicherte Entwürfe")
        ordering = ["-seen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="one_editing_draft_per_article"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.article or _('neuer Artikel')}"
