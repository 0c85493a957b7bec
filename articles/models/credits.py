"""Image credits ("Bildnachweise"): who made a photo and under which licence."""

import reversion
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..cache_keys import own_keys
from ..page_cache import shown_to_readers


@shown_to_readers(keys=own_keys)
@reversion.register()
class ImageCredit(models.Model):
    creator = models.CharField(
        _("Urheber"),
        max_length=100,
        help_text=_("Fotograf oder Kürzel, z. B. victor69."),
    )
    source = models.CharField(
        _("Quelle / Agentur"),
        max_length=100,
        blank=True,
        help_text=_("z. B. 123rf.com; leer lassen bei eigenen Fotos."),
    )
    licence = models.CharField(
        _("Lizenz"),
        max_length=100,
        blank=True,
        help_text=_("z. B. „Lizenz 123rf Standard“ oder „CC BY-SA 4.0“."),
    )
    url = models.URLField(
        _("Link"),
        blank=True,
        help_text=_("Optional: Seite des Bildes oder der Lizenz."),
    )

    class Meta:
        verbose_name = _("Bildnachweis")
        verbose_name_plural = _("Bildnachweise")
        ordering = ["creator", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "source"],
                name="unique_image_credit",
                violation_error_message=_("Diesen Bildnachweis gibt es schon."),
            )
        ]

    def __str__(self):
        return f"{self.creator}/{self.source}" if self.source else self.creator

    @property
    def credit_line(self):
        """The line under a photo, in the reference's form."""
        return _("Bildquelle: %(credit)s") % {"credit": self}
