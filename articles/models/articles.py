"""Articles: the one rule for what readers may see (ArticleQuerySet.published()),
every read query built on it, and the article itself with its publishing rules."""

import functools
import re
from datetime import datetime, time, timedelta

import reversion
from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from ..cache_keys import article_keys, no_keys
from ..page_cache import shown_to_readers
from ..text import clean_body, german_slugify
from .json_rows import from_json, rows_as_json
from .photos import Photo
from .places import Municipality


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    REVIEW = "review", _("In Prüfung")
    PUBLISHED = "published", _("Veröffentlicht")
    ARCHIVED = "archived", _("Archiviert")


class ArticleKind(models.TextChoices):
    """What kind of text it is; readers see every kind but the news labelled."""

    NEWS = "news", _("Meldung")
    PRESS_RELEASE = "press_release", _("Pressemitteilung")
    SPONSORED = "sponsored", _("Anzeige")
    COMMENTARY = "commentary", _("Kommentar")


def tagged_articles():
    """The model behind Article.tags, looked up late: models/tagging.py
    defines it and imports this module."""
    return apps.get_model("articles", "TaggedArticle")


def _columns(model):
    return [field.attname for field in model._meta.concrete_fields]


class ArticlePageIterable(ModelIterable):
    """Articles of ArticleQuerySet.for_page() with their JSON rows turned
    into the objects the page reads, as prefetch_related() would leave them."""

    def __iter__(self):
        from .attachments import ArticleAttachment
        from .authors import ArticleAuthor, Correction
        from .dossiers import Dossier

        using = self.queryset.db

        def objects(article, model, column, **options):
            rows = article.__dict__.pop(column)
            return from_json(model, rows, using=using, **options)

        for article in super().__iter__():
            # Tags in the order they were added, as article.tags.all() has it.
            taggings = objects(article, tagged_articles(), "tag_rows", order=["pk"])
            related = {
                "tags": [tagging.tag for tagging in taggings],
                "bylines": objects(article, ArticleAuthor, "byline_rows"),
                "corrections": objects(article, Correction, "correction_rows"),
                "attachments": objects(article, ArticleAttachment, "attachment_rows"),
            }
            article._prefetched_objects_cache = {}
            for name, found in related.items():
                # What prefetch_related() stores: the manager's queryset with
                # its results in place.
                queryset = getattr(article, name).get_queryset()
                queryset._result_cache = found
                queryset._prefetch_done = True
                article._prefetched_objects_cache[name] = queryset
            article.published_dossiers = objects(article, Dossier, "dossier_rows")
            yield article


# How many of the newest articles per tag the sidebar ranks by shared tags.
RELATED_CANDIDATES_PER_TAG = 100


TEASER_FIELDS = ("kicker", "title", "slug", "lead", "published_at", "kind")
# Search considers only this many of the newest matches (see search()).
SEARCH_RESULTS_LIMIT = 500


def newest_pks(articles, limit):
    """A subquery for the ids of the `limit` newest of `articles`."""
    return articles.order_by("-published_at", "-pk").values("pk")[:limit]


# Shorter words would match inside too many others, and the trigram index
# cannot narrow a pattern under three letters.
COMPOUND_PART_MIN_LENGTH = 4
WORD = re.compile(r"\w+")


def compound_parts(text):
    """(parts, excluded): the words of a search `text` to look for inside
    compounds, lowercased, those of COMPOUND_PART_MIN_LENGTH letters or
    more; and the words the reader excludes ("-Haushalt")."""
    parts, excluded = set(), set()
    for token in text.split():
        words = WORD.findall(token.lower())
        if token.startswith("-"):
            excluded.update(words)
        else:
            parts.update(w for w in words if len(w) >= COMPOUND_PART_MIN_LENGTH)
    return sorted(parts), sorted(excluded)


def start_of_day(day):
    """Midnight at the start of `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def published_condition(now):
    """The one rule for "published" at `now`, as a condition."""
    return (Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)) & Q(
        status=ArticleStatus.PUBLISHED, published_at__lte=now
    )


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: status published, publication time reached
        and end of publication (if any) not yet reached."""
        return self.filter(published_condition(timezone.now()))

    def dashboard(self, *, user, all_reviews, recent_days=7):
        """The editors' start page: {section: condition} for the user's
        drafts, what is in review (all of it for publishers, else the
        user's own), what is scheduled, what was published in the last
        `recent_days` days, and the tagging queue. dashboard_counts()
        counts them all in one query."""
        now = timezone.now()
        taggings = tagged_articles().objects.filter(content_object=OuterRef("pk"))
        review = Q(status=ArticleStatus.REVIEW)
        return {
            "drafts": Q(status=ArticleStatus.DRAFT, author=user),
            "review": review if all_reviews else review & Q(author=user),
            "scheduled": Q(status=ArticleStatus.PUBLISHED, published_at__gt=now),
            "recent": published_condition(now)
            & Q(published_at__gte=now - timedelta(days=recent_days)),
            "tagging": Q(~Exists(taggings)) | Q(needs_tags=True),
        }

    def dashboard_counts(self, sections):
        """How many articles each of `sections` ({name: condition}) holds,
        in one query, whatever the size of the archive."""
        return self.aggregate(
            **{
                name: Count("pk", filter=condition)
                for name, condition in sections.items()
            }
        )

    def scheduled(self):
        """Published, but the publication time still lies ahead."""
        return self.filter(
            status=ArticleStatus.PUBLISHED, published_at__gt=timezone.now()
        )

    def expired(self):
        """Published, but the end of publication has passed."""
        return self.filter(
            status=ArticleStatus.PUBLISHED, unpublish_at__lte=timezone.now()
        )

    def needing_tags(self):
        """The tagging queue: articles without tags or marked as needing
        tags by an editor, newest first."""
        taggings = tagged_articles().objects.filter(content_object=OuterRef("pk"))
        untagged = ~Exists(taggings)
        return self.filter(untagged | Q(needs_tags=True)).order_by("-created_at", "-pk")

    def next_visibility_change(self, now):
        """The earliest moment after `now` at which published() changes by
        time alone (a scheduled publication or an end of publication), or
        None; the page cache expires pages then."""
        upcoming = Q(published_at__gt=now) | Q(unpublish_at__gt=now)
        moments = self.filter(upcoming, status=ArticleStatus.PUBLISHED).aggregate(
            start=Min("published_at", filter=Q(published_at__gt=now)),
            end=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
        )
        return min(filter(None, moments.values()), default=None)

    def in_state(self, code):
        """The articles of the municipalities of federal state `code`."""
        return self.filter(municipality__federal_state=code)

    def with_byline(self):
        """Prefetch the byline's authors in order and the correction notes,
        one query each, as the article page and the feeds show them."""
        from .authors import ArticleAuthor

        bylines = ArticleAuthor.objects.select_related("author").order_by(
            "position", "pk"
        )
        return self.prefetch_related(Prefetch("bylines", queryset=bylines))

    def for_page(self):
        """The article page's one query: the article with its municipality,
        photo credit and author, and, as JSON turned back into objects, its
        tags, byline, correction notes, links and downloads (read as
        article.tags.all() and so on) and the published dossiers it is part
        of, picked by hand or by topic (article.published_dossiers).

        Start from Article.objects and filter after it
        (Article.objects.for_page().published()): the query is built once per
        process, since building its subqueries cost more CPU (2.8 ms) than
        running both queries of the page."""
        if self.query.has_filters():
            raise TypeError("for_page() starts from Article.objects; filter after it")
        return _article_page_query().all()

    def for_teasers(self):
        """Only the columns a teaser shows, newest first."""
        return self.only(*TEASER_FIELDS).order_by("-published_at", "-pk")

    def for_photo_teasers(self):
        """for_teasers() plus thumbnail and credit line, still one query."""
        return (
            self.for_teasers()
            .select_related("photo__credit")
            .only(
                *TEASER_FIELDS,
                "photo__alt_text",
                "photo__renditions",
                "photo__credit",
            )
        )

    def month_counts(self):
        """The archive: {year: [{"month": first day, "count": n}, …]}, newest
        year and month first, counted in the database's time zone."""
        months = (
            self.annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("pk"))
            .order_by("-month")
        )
        years = {}
        for row in months:
            years.setdefault(row["month"].year, []).append(row)
        return years

    def sitemap_months(self):
        """Rows {"month", "count", "lastmod"}: per month of publication (in
        the site's time zone) its articles and their newest change, oldest
        month first, in one query. Grouping converts every row's time to the
        site's zone, which dominates at 100,000 articles; PostgreSQL instead
        walks the months from the first to the last article and reads each
        month's rows as one range of the covering index (about half the
        time; see sitemap_months_by_range)."""
        if connections[self.db].vendor == "postgresql":
            return self.sitemap_months_by_range()
        return (
            self.annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(count=Count("*"), lastmod=Max("updated_at"))
            .order_by("month")
        )

    def sitemap_months_by_range(self):
        """sitemap_months() on PostgreSQL: the month starts from
        generate_series, each month's count and newest change from an index
        range under this queryset's own conditions (published())."""
        compiler = self.query.get_compiler(using=self.db)
        condition, params = compiler.compile(self.query.where)
        table = compiler.quote_name_unless_alias(self.model._meta.db_table)
        sql = f"""
            WITH bounds AS (
                SELECT MIN(published_at) AS first, MAX(published_at) AS last
                FROM {table} WHERE {condition}
            )
            SELECT months.start, counted.count, counted.lastmod
            FROM bounds, generate_series(
                date_trunc('month', bounds.first AT TIME ZONE %s),
                bounds.last AT TIME ZONE %s,
                interval '1 month'
            ) AS months(start)
            CROSS JOIN LATERAL (
                SELECT COUNT(*) AS count, MAX(updated_at) AS lastmod
                FROM {table}
                WHERE {condition}
                AND published_at >= months.start AT TIME ZONE %s
                AND published_at < (months.start + interval '1 month') AT TIME ZONE %s
            ) AS counted
            WHERE counted.count > 0
            ORDER BY months.start
        """
        zone = settings.TIME_ZONE
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [*params, zone, zone, *params, zone, zone])
            return [
                {"month": month, "count": count, "lastmod": lastmod}
                for month, count, lastmod in cursor.fetchall()
            ]

    def narrowed(self, *, municipality=None, state=None, first_day=None, last_day=None):
        """The search filters: only the articles of `municipality`, of the
        municipalities of `state` (a State), published from `first_day`
        to `last_day` (dates, both included, in the site's time zone);
        None leaves a filter out."""
        articles = self
        if municipality is not None:
            articles = articles.filter(municipality=municipality)
        if state is not None:
            articles = articles.in_state(state.code)
        if first_day is not None:
            articles = articles.filter(published_at__gte=start_of_day(first_day))
        if last_day is not None:
            following = last_day + timedelta(days=1)
            articles = articles.filter(published_at__lt=start_of_day(following))
        return articles

    def search(self, text=""):
        """Articles matching `text` in kicker, title, lead or body, among the
        newest SEARCH_RESULTS_LIMIT matches, so that a common word costs no
        more in a large archive than in a small one; without `text`, the
        newest of them all (a search by filters alone, see narrowed()).

        PostgreSQL: German full-text search ("Portale" finds "Portal") or,
        for words of COMPOUND_PART_MIN_LENGTH letters or more, a part of a
        compound ("Portal" finds "Bürgerportal", as the substring search
        elsewhere does); full-text matches first, best match first.
        Elsewhere: every word must occur somewhere, newest first."""
        if not text.strip():
            newest = newest_pks(self, SEARCH_RESULTS_LIMIT)
            return self.filter(pk__in=newest).order_by("-published_at", "-pk")
        if connections[self.db].vendor == "postgresql":
            # search_vector and search_words are kept by a database trigger
            # (migrations 0011, 0022) and served by a GIN index each (full
            # text, trigrams); ranking reads each match's vector, so only
            # the newest matches are ranked.
            query = SearchQuery(text, config="german", search_type="websearch")
            exact = Q(search_vector=query)
            parts, excluded = compound_parts(text)
            matching = exact
            if parts:
                # search_words holds lowercased words; contains is a LIKE
                # that the trigram index serves. Excluded words exclude here
                # too, as whole (stemmed) words.
                compound = Q(*(Q(search_words__contains=part) for part in parts))
                for word in excluded:
                    compound &= ~Q(search_vector=SearchQuery(word, config="german"))
                matching |= compound
            matches = self.filter(matching)
            return (
                self.filter(pk__in=newest_pks(matches, SEARCH_RESULTS_LIMIT))
                .annotate(
                    exact=ExpressionWrapper(exact, output_field=BooleanField()),
                    rank=SearchRank(F("search_vector"), query),
                )
                .order_by("-exact", "-rank", "-published_at", "-pk")
            )
        matches = self
        for word in text.split():
            matches = matches.filter(
                Q(kicker__icontains=word)
                | Q(title__icontains=word)
                | Q(lead__icontains=word)
                | Q(body__icontains=word)
            )
        return self.filter(pk__in=newest_pks(matches, SEARCH_RESULTS_LIMIT))

    def related_to(self, article, *, per_tag=RELATED_CANDIDATES_PER_TAG, limit=15):
        """Shared tags first, then same municipality, then newest; never `article`.

        Ranks a bounded candidate set, so the cost does not grow with the
        archive: the newest `per_tag` taggings of each of the article's tags
        (index on tag, article), plus the newest `limit` + 1 articles of this
        queryset from the same municipality and overall, the fallbacks."""
        tag_ids = [tag.pk for tag in article.tags.all()]  # prefetched on the page
        newest = self.order_by("-published_at", "-pk").values("pk")
        parts = [newest[: limit + 1]]
        if article.municipality_id:
            place = newest.filter(municipality=article.municipality_id)
            parts.append(place[: limit + 1])
        parts += [
            tagged_articles()
            .objects.filter(tag=tag_id)
            .order_by("-content_object_id")
            .values("content_object")[:per_tag]
            for tag_id in tag_ids
        ]
        shared = Count("tags", filter=Q(tags__in=tag_ids), distinct=True)
        same_place = Q(municipality=article.municipality_id, municipality__isnull=False)
        return (
            self.filter(pk__in=_union_of_sliced(parts))
            .exclude(pk=article.pk)
            .annotate(shared_tags=shared, same_place=same_place)
            .order_by("-shared_tags", "-same_place", "-published_at", "-pk")
        )


def _union_of_sliced(querysets):
    """SQL for `id IN (...)` that unions sliced querysets.

    The ORM's union() cannot slice its parts on SQLite, so each part is
    wrapped as a derived table, which both SQLite and PostgreSQL accept."""
    sqls, params = [], []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) AS part{number}")
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(sqls), params)


# A version holds the article with its tags (through TaggedArticle), so a
# restore brings the old tags back. Tags themselves are not versioned: a
# restore must not undo a moderator's rename.
@shown_to_readers(keys=article_keys)
@reversion.register(follow=["taggedarticle_set"])
class Article(models.Model):
    kicker = models.CharField(
        _("Dachzeile"),
        max_length=100,
        blank=True,
        help_text=_(
            "Steht über der Überschrift; leer lassen für den Namen der "
            "Kommune, z. B. „Essen“."
        ),
    )
    title = models.CharField(
        _("Überschrift"),
        max_length=200,
        blank=True,
        help_text=_("z. B. „Stadt startet TikTok-Kanal“."),
    )
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=200,
        blank=True,
        help_text=_(
            "Wird aus der Überschrift gebildet. Nach einer Änderung leiten alle "
            "früheren Adressen dauerhaft auf die neue weiter, damit Links halten."
        ),
    )
    lead = models.TextField(
        _("Vorspann"),
        blank=True,
        help_text=_(
            "Ein, zwei Sätze; erscheint fett über dem Text und in jedem Teaser."
        ),
    )
    body = models.TextField(_("Text"), blank=True)
    kind = models.CharField(
        _("Art"),
        max_length=20,
        choices=ArticleKind,
        default=ArticleKind.NEWS,
        help_text=_(
            "Alles außer „Meldung“ steht als Kennzeichnung über dem Text und "
            "jedem Teaser; Links in einer Anzeige gelten als gesponsert."
        ),
    )
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("Kommune"),
    )
    # PROTECT: a photo that an article shows cannot be deleted from the library.
    photo = models.ForeignKey(
        Photo,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("Foto"),
    )
    # PostgreSQL only: kicker and title (weight A), lead (B), body (C) in the
    # German configuration, written by a trigger on every insert or update.
    search_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only: the distinct words of kicker, title, lead and body,
    # lowercased, unstemmed, written by the same trigger (migration 0022)
    # and served by a trigram index, so that a word finds the compounds it
    # is part of ("Portal" finds "Bürgerportal").
    search_words = models.TextField(null=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=ArticleStatus, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(
        _("veröffentlicht am"),
        null=True,
        blank=True,
        help_text=_(
            "Liegt der Zeitpunkt in der Zukunft, erscheint der Artikel erst dann."
        ),
    )
    needs_tags = models.BooleanField(
        _("Braucht Schlagwörter"),
        default=False,
        help_text=_(
            "Setzt den Artikel auf die Liste der Moderation; wird beim "
            "Verschlagworten dort von selbst zurückgesetzt."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("offline ab"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: ab diesem Zeitpunkt verschwindet der Artikel von selbst "
            "von der Website."
        ),
    )
    # Who created the article in the admin; readers see the byline
    # (`authors`, `agency`) instead.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("Autor"),
    )
    authors = models.ManyToManyField(
        "articles.Author",
        through="articles.ArticleAuthor",
        related_name="articles",
        blank=True,
        verbose_name=_("Autorinnen und Autoren"),
    )
    agency = models.CharField(
        _("Agentur"),
        max_length=100,
        blank=True,
        help_text=_(
            "Optional: die Nachrichtenagentur in der Autorenzeile, z. B. „dpa“."
        ),
    )
    substantively_updated_at = models.DateTimeField(
        _("wesentlich aktualisiert am"),
        null=True,
        blank=True,
        help_text=_(
            "Gesetzt beim Speichern mit „wesentliche Änderung“; Leser sehen "
            "„Aktualisiert am …“."
        ),
    )
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zuletzt bearbeitet von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    tags = TaggableManager(
        verbose_name=_("Schlagwörter"),
        through="articles.TaggedArticle",
        to="articles.Tag",
        blank=True,
        help_text=_("Durch Kommas getrennt, z. B. „Open Data, Bürgerportal“."),
    )

    objects = ArticleQuerySet.as_manager()

    # Field groups. Restoring an earlier version brings back the content (the
    # texts, the photo with its derived columns, and the tags); what decides
    # whether and where readers see the article stays as it is now.
    TEXT_FIELDS = ("kicker", "title", "lead", "body")
    PHOTO_FIELDS = ("photo",)
    VISIBILITY_FIELDS = ("status", "published_at", "unpublish_at", "slug")
    # Written by PostgreSQL's trigger from the text, never by the app.
    SEARCH_INDEX_FIELDS = ("search_vector", "search_words")

    class Meta:
        verbose_name = _("Artikel")
        verbose_name_plural = _("Artikel")  # Django would guess "Artikels"
        ordering = ["-published_at", "-pk"]
        # Editors submit for review; publishers ("Chef vom Dienst") decide.
        permissions = [
            (
                "publish_article",
                _("Kann Artikel veröffentlichen, planen und zurückziehen"),
            )
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            # A municipality's articles, newest first (page and sidebar).
            models.Index(fields=["municipality", "status", "published_at"]),
            # Ends of publication still to come (the page cache's sweep).
            models.Index(fields=["status", "unpublish_at"]),
            # The sitemap index groups published articles by month with their
            # newest change: read from this index alone on PostgreSQL.
            models.Index(
                fields=["status", "published_at"],
                include=["unpublish_at", "updated_at"],
                name="article_sitemap_months",
            ),
            # A municipality's newest change (its sitemap entry's lastmod).
            models.Index(
                fields=["municipality", "status", "updated_at"],
                name="article_place_updated",
            ),
        ]
        constraints = [
            # Drafts may still lack a slug; every slug that is set is unique.
            models.UniqueConstraint(
                fields=["slug"],
                condition=~Q(slug=""),
                name="unique_article_slug",
                violation_error_message=_(
                    "Diesen Kurznamen in der URL hat schon ein anderer Artikel."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED)
                | Q(published_at__isnull=False),
                name="published_article_has_date",
                violation_error_message=_(
                    "Ein veröffentlichter Artikel braucht ein Veröffentlichungsdatum."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # The URL name as stored, so that save() can tell a change of it.
        article._stored_slug = article.__dict__.get("slug")
        return article

    def save(self, *args, **kwargs):
        self.fill_defaults()
        self.body = clean_body(self.body, sponsored=self.is_sponsored)
        super().save(*args, **kwargs)
        self.keep_former_slug()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def keep_former_slug(self):
        """Record the URL name the article had until this save, so that its
        old URL redirects here (DESIGN: a URL never breaks). Whatever path
        changes a slug (form, restore, shell) goes through save(), so the
        rule lives here, like the renditions."""
        former = self.__dict__.get("_stored_slug")  # None: new, or slug deferred
        self._stored_slug = self.slug
        if former is None or former == self.slug:
            return
        # Back at an earlier name: that one is no longer a redirect.
        ArticleRedirect.objects.filter(old_slug=self.slug).delete()
        if former:
            ArticleRedirect.objects.update_or_create(
                old_slug=former, defaults={"article": self}
            )

    def fill_defaults(self):
        """Kicker from the municipality, slug from the title, date when published."""
        if not self.kicker and self.municipality_id:
            self.kicker = self.municipality.name
        if not self.slug and self.title:
            self.slug = german_slugify(self.title)[:200]
        if self.status == ArticleStatus.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()

    def clean(self):
        self.fill_defaults()
        if self.status == ArticleStatus.PUBLISHED:
            self.check_publishable()  # names each missing field
        elif self.is_empty():
            raise ValidationError(
                _(
                    "Der Artikel ist noch leer: bitte mindestens eine Überschrift, "
                    "eine Dachzeile, einen Vorspann oder Text eingeben."
                ),
                code="empty",
            )
        if self.unpublish_at and self.published_at:
            if self.unpublish_at <= self.published_at:
                raise ValidationError(
                    {
                        "unpublish_at": _(
                            "Das Ende der Veröffentlichung muss nach dem "
                            "Veröffentlichungsdatum liegen."
                        )
                    },
                    code="unpublish_before_publish",
                )

    def is_empty(self):
        """No text, no photo, no municipality: nothing worth a draft. The
        body editor sends "<p></p>" for an empty text."""
        return not any(
            strip_tags(str(getattr(self, name) or "")).strip()
            for name in self.TEXT_FIELDS
        ) and not (self.photo_id or self.municipality_id)

    def check_publishable(self):
        """What readers need; drafts may lack it, a published article may not."""
        required = {
            "title": _("Zum Veröffentlichen fehlt die Überschrift."),
            "kicker": _("Bitte eine Dachzeile angeben oder eine Kommune wählen."),
            "slug": _("Zum Veröffentlichen fehlt der Kurzname in der URL."),
            "lead": _("Zum Veröffentlichen fehlt der Vorspann."),
        }
        missing = {
            field: message
            for field, message in required.items()
            if not str(getattr(self, field) or "").strip()
        }
        if self.photo is not None:  # a new upload has no id yet
            missing |= self.photo.publishing_errors()
        errors = {
            field: ValidationError(message, code="required_for_publishing")
            for field, message in missing.items()
        }
        if errors:
            raise ValidationError(errors)

    def publish(self, at=None):
        """Publish now, or schedule for `at`; raises ValidationError if
        incomplete. An earlier publication date is kept (a correction), a
        future one is brought forward to now."""
        now = timezone.now()
        if at is None:
            at = self.published_at if self.is_published_at_past(now) else now
        self.status = ArticleStatus.PUBLISHED
        self.published_at = at
        if self.unpublish_at and self.unpublish_at <= now:
            self.unpublish_at = None  # publishing again lifts a past end date
        self.full_clean()
        self.save()

    def unpublish(self):
        """Take the article off the site; it becomes a draft again."""
        self.status = ArticleStatus.DRAFT
        self.save()

    def is_published_at_past(self, now):
        return self.published_at is not None and self.published_at <= now

    @property
    def is_published(self):
        """ArticleQuerySet.published() for one loaded article."""
        now = timezone.now()
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.is_published_at_past(now)
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def is_sponsored(self):
        """Paid for by someone else: labelled "Anzeige", links rel=sponsored,
        never in the Google News sitemap."""
        return self.kind == ArticleKind.SPONSORED

    @property
    def label(self):
        """The label readers see above the text ("Anzeige"), or "" for news."""
        return "" if self.kind == ArticleKind.NEWS else self.get_kind_display()

    @property
    def is_scheduled(self):
        """ArticleQuerySet.scheduled() for one loaded article."""
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_expired(self):
        """ArticleQuerySet.expired() for one loaded article."""
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.unpublish_at is not None
            and self.unpublish_at <= timezone.now()
        )

    def byline_authors(self):
        """The authors of the byline in order (prefetch "bylines__author"
        on reader pages: ArticleQuerySet.with_byline())."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def is_substantively_updated(self):
        """Has an editor marked a change after publication as substantive?
        ("Aktualisiert am …" on the page.)"""
        return bool(
            self.substantively_updated_at
            and self.published_at
            and self.substantively_updated_at > self.published_at
        )

    @property
    def modified_for_readers(self):
        """When the article last changed in a way readers are told about:
        the substantive update, else the publication (JSON-LD
        dateModified, Atom updated). A typo fix changes nothing here."""
        if self.is_substantively_updated:
            return self.substantively_updated_at
        return self.published_at

    def related(self, limit=15):
        """Sidebar teasers: the best `limit` matches of related_to(), newest first."""
        picks = (
            Article.objects.published()
            .for_teasers()
            .related_to(self, limit=limit)[:limit]
        )
        return sorted(picks, key=lambda a: (a.published_at, a.pk), reverse=True)


@functools.cache
def _article_page_query():
    """ArticleQuerySet.for_page(), built once."""
    from .attachments import ArticleAttachment
    from .authors import ArticleAuthor, Author, Correction
    from .dossiers import Dossier, DossierEntry
    from .tagging import Tag

    article = OuterRef("pk")
    # The dossiers' subquery sits one level deeper.
    picked = DossierEntry.objects.filter(article=OuterRef(article))
    topics = tagged_articles().objects.filter(content_object=OuterRef(article))
    dossiers = Dossier.objects.published().filter(
        Q(pk__in=picked.values("dossier")) | Q(topic__in=topics.values("tag"))
    )
    taggings = tagged_articles().objects.filter(content_object=article)
    tag_fields = [f"tag__{name}" for name in _columns(Tag)]
    bylines = ArticleAuthor.objects.filter(article=article)
    author_fields = [f"author__{name}" for name in _columns(Author)]
    corrections = Correction.objects.filter(article=article)
    attachments = ArticleAttachment.objects.filter(article=article)
    query = Article.objects.select_related(
        "municipality", "photo__credit", "author"
    ).annotate(
        tag_rows=rows_as_json(taggings, "id", *tag_fields),
        byline_rows=rows_as_json(bylines, *_columns(ArticleAuthor), *author_fields),
        correction_rows=rows_as_json(corrections, *_columns(Correction)),
        attachment_rows=rows_as_json(attachments, *_columns(ArticleAttachment)),
        dossier_rows=rows_as_json(dossiers, "id", "title", "slug", "updated_at"),
    )
    query._iterable_class = ArticlePageIterable
    return query


# Old URL names answer with redirects, and redirects are never cached.
@shown_to_readers(keys=no_keys)
class ArticleRedirect(models.Model):
    """A URL name an article had before, so that its old URL keeps working."""

    old_slug = models.SlugField(_("früherer Kurzname"), max_length=200, unique=True)
    article = models.ForeignKey(
        Article,
        models.CASCADE,
        related_name="redirects",
        verbose_name=_("Artikel"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Weiterleitung eines Artikels")
        verbose_name_plural = _("Weiterleitungen von Artikeln")
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
