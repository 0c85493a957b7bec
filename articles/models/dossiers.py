"""Dossiers ("Schwerpunkte"): a page on one subject with the articles editors
pick, in their order, followed by the newest published articles on its topic."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..cache_keys import dossier_entry_keys, dossier_keys
from ..page_cache import shown_to_readers
from ..text import german_slugify
from .articles import Article
from .photos import Photo
from .tagging import TaggedArticle

# How many of the newest articles on its topic a dossier's page shows after
# the picked ones; the topic page has them all.
DOSSIER_TOPIC_ARTICLES = 20


class DossierQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: dossiers editors have published."""
        return self.filter(is_published=True)


@shown_to_readers(keys=dossier_keys)
class Dossier(models.Model):
    title = models.CharField(
        _("Titel"),
        max_length=200,
        help_text=_("z. B. „Soziale Medien in Rathäusern“."),
    )
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=200,
        unique=True,
        help_text=_("Wird aus dem Titel gebildet: /schwerpunkt/<Kurzname>/."),
    )
    introduction = models.TextField(
        _("Einleitung"),
        blank=True,
        help_text=_("Ein paar Sätze über das Thema; Absätze durch Leerzeilen."),
    )
    # PROTECT: a photo a dossier shows cannot be deleted from the library.
    photo = models.ForeignKey(
        Photo,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("Foto"),
        help_text=_(
            "Aus der Fotoverwaltung; zum Veröffentlichen mit Alternativtext "
            "und Bildnachweis."
        ),
    )
    topic = models.ForeignKey(
        "articles.Tag",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("Thema"),
        help_text=_(
            "Optional: die neuesten Meldungen mit diesem Schlagwort folgen den "
            "ausgewählten Artikeln."
        ),
    )
    is_published = models.BooleanField(
        _("veröffentlicht"),
        default=False,
        help_text=_(
            "Erst dann sehen Leserinnen und Leser den Schwerpunkt und die Links "
            "darauf in seinen Artikeln."
        ),
    )
    articles = models.ManyToManyField(
        Article,
        through="articles.DossierEntry",
        related_name="dossiers",
        blank=True,
        verbose_name=_("Artikel"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("Schwerpunkt")
        verbose_name_plural = _("Schwerpunkte")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug and self.title:
            self.slug = german_slugify(self.title)[:200]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:dossier", kwargs={"slug": self.slug})

    def clean(self):
        if not self.slug and self.title:
            self.slug = german_slugify(self.title)[:200]
        if self.is_published and self.photo is not None:
            errors = self.photo.publishing_errors()  # alt text and credit
            if errors:
                raise ValidationError(
                    {"photo": list(errors.values())}, code="required_for_publishing"
                )

    def member_articles(self):
        """What the dossier's page lists: its published articles picked by
        hand, in their order, then the DOSSIER_TOPIC_ARTICLES newest
        published articles on its topic that are not among them. Two
        queries, whatever the size of the archive."""
        teasers = Article.objects.published().for_photo_teasers()
        picked = list(
            teasers.filter(dossier_entries__dossier=self).order_by(
                "dossier_entries__position", "dossier_entries__pk"
            )
        )
        if not self.topic_id:
            return picked
        latest = teasers.filter(
            pk__in=TaggedArticle.objects.filter(tag=self.topic_id).values(
                "content_object"
            )
        ).exclude(pk__in=[article.pk for article in picked])
        return picked + list(latest[:DOSSIER_TOPIC_ARTICLES])

    def feed_articles(self):
        """Every published article of the dossier, picked or on its topic,
        once each (the feed orders them by date)."""
        picked = DossierEntry.objects.filter(dossier=self).values("article")
        members = Q(pk__in=picked)
        if self.topic_id:
            tagged = TaggedArticle.objects.filter(tag=self.topic_id)
            members |= Q(pk__in=tagged.values("content_object"))
        return Article.objects.published().filter(members)


@shown_to_readers(keys=dossier_entry_keys)
class DossierEntry(models.Model):
    """An article editors put into a dossier, at a position."""

    dossier = models.ForeignKey(
        Dossier,
        models.CASCADE,
        related_name="entries",
        verbose_name=_("Schwerpunkt"),
    )
    article = models.ForeignKey(
        Article,
        models.CASCADE,
        related_name="dossier_entries",
        verbose_name=_("Artikel"),
    )
    position = models.PositiveIntegerField(
        _("Position"), default=0, help_text=_("Kleinere Zahlen stehen weiter oben.")
    )

    class Meta:
        verbose_name = _("Artikel im Schwerpunkt")
        verbose_name_plural = _("Artikel im Schwerpunkt")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "article"],
                name="unique_dossier_article",
                violation_error_message=_("Dieser Artikel steht schon im Schwerpunkt."),
            )
        ]

    def __str__(self):
        return str(self.article)
