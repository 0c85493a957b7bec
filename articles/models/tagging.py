"""Topics ("Schlagwörter") and what hangs on them: an article's tag links,
the moderators' view of articles, redirects of old topic slugs, and the log
of tag changes. The writes that span rows are in articles/services.py."""

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from ..cache_keys import no_keys, tag_keys, tagging_keys
from ..page_cache import shown_to_readers
from ..text import german_slugify
from .articles import Article


class TagQuerySet(models.QuerySet):
    def with_published_news(self):
        """Topics readers may see: those of at least one published article.
        A tag used only by drafts must not reveal what is coming."""
        published = Article.objects.published().values("pk")
        return self.filter(
            Exists(
                TaggedArticle.objects.filter(
                    tag=OuterRef("pk"), content_object__in=published
                )
            )
        )


@shown_to_readers(keys=tag_keys)
class Tag(TagBase):
    """A topic. Names are unique regardless of case; slugs transliterate
    German umlauts so that topic URLs stay readable."""

    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="unique_tag_name_ci",
                violation_error_message=_(
                    "Ein Schlagwort mit diesem Namen gibt es schon (Groß- und "
                    "Kleinschreibung zählen nicht). Zum Vereinen bitte "
                    "„Zusammenführen“ verwenden."
                ),
            ),
        ]

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def slugify(self, tag, i=None):
        # Transliteration lengthens names: keep room for a "-<number>" suffix.
        # A name of symbols only ("<>", "＜＞") has no slug of its own, and
        # an empty slug would break every page that links the topic.
        slug = german_slugify(tag)[:90] or "schlagwort"
        return f"{slug}-{i}" if i is not None else slug


# Versioned with its article (Article follows taggedarticle_set), so that
# restoring a version brings the article's old tags back.
@shown_to_readers(keys=tagging_keys)
@reversion.register()
class TaggedArticle(TaggedItemBase):
    """One tag on one article: the table behind Article.tags."""

    content_object = models.ForeignKey(Article, on_delete=models.CASCADE)
    # PROTECT: a tag in use is merged, never deleted with its articles' links.
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, related_name="tagged_articles"
    )

    class Meta:
        verbose_name = _("Schlagwort-Zuordnung")
        verbose_name_plural = _("Schlagwort-Zuordnungen")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_article_tag"
            )
        ]
        # The sidebar's candidates: the newest taggings of one tag.
        indexes = [models.Index(fields=["tag", "content_object"])]


class ArticleTagging(Article):
    """The moderators' view of an article: everything read-only but its tags.
    Same table as Article, so the page cache watches it through Article."""

    class Meta:
        proxy = True
        verbose_name = _("Artikel zum Verschlagworten")
        verbose_name_plural = _("Verschlagwortung")


# Old slugs answer with redirects, and redirects are never cached.
@shown_to_readers(keys=no_keys)
class TagRedirect(models.Model):
    """The slug of a merged or renamed tag, so its old topic URL keeps working."""

    old_slug = models.SlugField(_("alter Kurzname"), max_length=100, unique=True)
    tag = models.ForeignKey(
        Tag,
        models.CASCADE,
        related_name="redirects",
        verbose_name=_("Schlagwort"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Weiterleitung eines Schlagworts")
        verbose_name_plural = _("Weiterleitungen von Schlagwörtern")
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.tag.slug}"


class TagChange(models.Model):
    """One change of an article's tags: who, when, what was added and removed.
    Only editors read this log, so readers' pages do not depend on it."""

    article = models.ForeignKey(
        Article,
        models.CASCADE,
        related_name="tag_changes",
        verbose_name=_("Artikel"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="tag_changes",
        verbose_name=_("Benutzer"),
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)
    added = models.JSONField(_("hinzugefügt"), default=list, blank=True)
    removed = models.JSONField(_("entfernt"), default=list, blank=True)

    class Meta:
        verbose_name = _("Schlagwort-Änderung")
        verbose_name_plural = _("Schlagwort-Änderungen")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.article}: {self.summary}"

    @property
    def summary(self):
        """ "+ Open Data − Opendata": what changed, for lists."""
        parts = [f"+ {', '.join(self.added)}"] if self.added else []
        if self.removed:
            parts.append(f"− {', '.join(self.removed)}")
        return " ".join(parts)
