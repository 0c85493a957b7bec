"""Who wrote an article, as readers see it: authors with their page (photo,
short bio, their articles), the ordered byline of an article, and the
correction notes kept with an article. `Article.author`, the user who
created the article in the admin, is a different thing and stays as it is."""

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..cache_keys import byline_keys, correction_keys, own_keys
from ..page_cache import shown_to_readers
from ..text import german_slugify
from .articles import Article
from .photos import Photo


class AuthorQuerySet(models.QuerySet):
    def with_published_news(self):
        """Authors readers may see: those with at least one published
        article. An author whose only story is scheduled must not reveal
        what is coming."""
        published = Article.objects.published().values("pk")
        return self.filter(
            Exists(
                ArticleAuthor.objects.filter(
                    author=OuterRef("pk"), article__in=published
                )
            )
        )


@shown_to_readers(keys=own_keys)
@reversion.register()
class Author(models.Model):
    """A person named in bylines, with a page of their articles."""

    name = models.CharField(
        _("Name"),
        max_length=100,
        help_text=_("Wie in der Autorenzeile, z. B. „Anna Berger“."),
    )
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=100,
        unique=True,
        help_text=_("Wird aus dem Namen gebildet: /autor/anna-berger/."),
    )
    photo = models.ForeignKey(
        Photo,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="authors",
        verbose_name=_("Foto"),
        help_text=_("Optional: ein Porträt aus der Fotobibliothek."),
    )
    bio = models.TextField(
        _("Kurzbiografie"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Zwei, drei Sätze über die Person, z. B. „Anna Berger schreibt "
            "seit 2019 über Verwaltungsdigitalisierung.“"
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
        verbose_name=_("Benutzerkonto"),
        help_text=_("Optional: das Konto der Person in der Redaktion."),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        verbose_name = _("Autor/in")
        verbose_name_plural = _("Autorinnen und Autoren")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug and self.name:
            self.slug = german_slugify(self.name)[:100]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


@shown_to_readers(keys=byline_keys)
class ArticleAuthor(models.Model):
    """One author in an article's byline, at `position` (0 first)."""

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="bylines", verbose_name=_("Artikel")
    )
    # PROTECT: deleting an author would silently take them off bylines.
    author = models.ForeignKey(
        Author, models.PROTECT, related_name="bylines", verbose_name=_("Autor/in")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Autorenzeile")
        verbose_name_plural = _("Autorenzeilen")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"],
                name="unique_article_author",
                violation_error_message=_(
                    "Diese Person steht schon in der Autorenzeile."
                ),
            )
        ]
        # An author's page: their articles (the FK index on author alone
        # would need a lookup of every article).
        indexes = [
            models.Index(fields=["author", "article"], name="byline_author_articles")
        ]

    def __str__(self):
        return f"{self.author} – {self.article}"


@shown_to_readers(keys=correction_keys)
class Correction(models.Model):
    """A correction note ("Korrekturhinweis") shown with its date at the end
    of the article. Rows of their own, not part of the article's versions:
    restoring an earlier version never takes one away."""

    article = models.ForeignKey(
        Article, models.CASCADE, related_name="corrections", verbose_name=_("Artikel")
    )
    text = models.TextField(
        _("Korrekturhinweis"),
        max_length=2000,
        help_text=_(
            "Was falsch war und was stimmt, z. B. „In einer früheren Fassung "
            "hieß es, der Kanal starte im Mai. Richtig ist: im April.“"
        ),
    )
    created_at = models.DateTimeField(_("korrigiert am"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eingetragen von"),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Korrekturhinweis")
        verbose_name_plural = _("Korrekturhinweise")
        ordering = ["created_at", "pk"]

    def __str__(self):
        when = timezone.localtime(self.created_at).strftime("%d.%m.%Y")
        return f"{self.article} ({when})"

    def get_absolute_url(self):
        return self.article.get_absolute_url()
