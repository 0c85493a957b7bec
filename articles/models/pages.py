"""Pages editors fill in the admin: Impressum, Datenschutz, Barrierefreiheit."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..cache_keys import own_keys
from ..page_cache import shown_to_readers
from ..text import clean_body


@shown_to_readers(keys=own_keys)
class Page(models.Model):
    """A page editors fill in the admin: Impressum, Datenschutz,
    Erklärung zur Barrierefreiheit."""

    title = models.CharField(
        _("Titel"), max_length=200, help_text=_("z. B. „Impressum“.")
    )
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=100,
        unique=True,
        help_text=_(
            "Die Fußzeile verlinkt „impressum“, „datenschutz“ und „barrierefreiheit“."
        ),
    )
    body = models.TextField(_("Text"), blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:page", kwargs={"slug": self.slug})
