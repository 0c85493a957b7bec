import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from .validators import validate_photo

GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)

# What the body may contain after cleaning: the editor's formatting, no more.
BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "a",
    "ul", "ol", "li", "blockquote", "hr", "sub", "sup",
}  # fmt: skip
BODY_ATTRIBUTES = {"a": {"href", "title"}}
BODY_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def german_slugify(text):
    """URL slug with German transliteration: "Bürgerportal" → "buergerportal"."""
    return slugify(text.translate(GERMAN_TRANSLITERATION))


def clean_body(html):
    """The body with everything outside the allow-list removed (no script,
    no event handler, no javascript: link)."""
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes=BODY_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


class MunicipalityKind(models.TextChoices):
    CITY = "stadt", _("Stadt")
    MUNICIPALITY = "gemeinde", _("Gemeinde")
    DISTRICT = "kreis", _("Kreis")
    STATE = "land", _("Land")
    FEDERATION = "bund", _("Bund")
    OTHER = "sonstige", _("Sonstige")


class FederalState(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("Veröffentlicht")


class Municipality(models.Model):
    name = models.CharField(
        _("Name"), max_length=100, help_text=_("Wie im Text genannt, z. B. „Essen“.")
    )
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=100,
        unique=True,
        help_text=_("Wird aus dem Namen erzeugt, z. B. „kreis-wunsiedel“."),
    )
    kind = models.CharField(
        _("Art"), max_length=20, choices=MunicipalityKind, default=MunicipalityKind.CITY
    )
    federal_state = models.CharField(
        _("Bundesland"), max_length=2, choices=FederalState, blank=True
    )
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel (AGS)"),
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{8}\Z", _("Der AGS besteht aus genau 8 Ziffern, z. B. 05113000.")
            )
        ],
        help_text=_("Optional, 8 Ziffern, z. B. 05113000 für Essen."),
    )
    population = models.PositiveIntegerField(_("Einwohnerzahl"), null=True, blank=True)
    website = models.URLField(_("Website"), blank=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ags"],
                condition=~Q(ags=""),
                name="unique_municipality_ags",
                violation_error_message=_("Eine Kommune mit diesem AGS gibt es schon."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slugify(self.name)
        super().save(*args, **kwargs)


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


class Tag(TagBase):
    """A topic. Names are unique regardless of case; slugs transliterate
    German umlauts so that topic URLs stay readable."""

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_tag_name_ci"),
        ]

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def slugify(self, tag, i=None):
        slug = german_slugify(tag)
        return f"{slug}-{i}" if i is not None else slug


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_articles"
    )

    class Meta:
        verbose_name = _("Verschlagwortung")
        verbose_name_plural = _("Verschlagwortungen")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_article_tag"
            )
        ]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: status published and publication time reached."""
        return self.filter(
            status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now()
        )

    def for_teasers(self):
        """Only the columns a teaser shows, newest first."""
        return self.only("kicker", "title", "slug", "lead", "published_at").order_by(
            "-published_at", "-pk"
        )

    def related_to(self, article):
        """Shared tags first, then same municipality, then newest; never `article`."""
        shared = Count("tags", filter=Q(tags__in=article.tags.all()), distinct=True)
        same_place = Q(municipality=article.municipality_id, municipality__isnull=False)
        return (
            self.exclude(pk=article.pk)
            .annotate(shared_tags=shared, same_place=same_place)
            .order_by("-shared_tags", "-same_place", "-published_at", "-pk")
        )


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
        help_text=_("z. B. „Stadt startet TikTok-Kanal“."),
    )
    slug = models.SlugField(
        _("Kurzname in der URL"),
        max_length=200,
        unique=True,
        help_text=_("Bleibt nach der Veröffentlichung gleich, damit Links halten."),
    )
    lead = models.TextField(
        _("Vorspann"),
        help_text=_(
            "Ein, zwei Sätze; erscheint fett über dem Text und in jedem Teaser."
        ),
    )
    body = models.TextField(_("Text"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("Kommune"),
    )
    image = models.ImageField(
        _("Foto"),
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=[validate_photo],
        help_text=_("JPEG, PNG oder WebP, höchstens 10 MB und 40 Megapixel."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=250,
        blank=True,
        help_text=_(
            "Beschreibt, was auf dem Foto zu sehen ist, für Menschen, die es "
            "nicht sehen können."
        ),
    )
    caption = models.CharField(_("Bildunterschrift"), max_length=300, blank=True)
    image_credit = models.ForeignKey(
        ImageCredit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("Bildnachweis"),
    )
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
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("Autor"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    tags = TaggableManager(
        verbose_name=_("Schlagwörter"),
        through=TaggedArticle,
        blank=True,
        help_text=_("Durch Kommas getrennt, z. B. „Open Data, Bürgerportal“."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("Artikel")
        verbose_name_plural = _("Artikel")  # Django would guess "Artikels"
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ArticleStatus.PUBLISHED)
                | Q(published_at__isnull=False),
                name="published_article_has_date",
                violation_error_message=_(
                    "Ein veröffentlichter Artikel braucht ein Veröffentlichungsdatum."
                ),
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_defaults()
        self.body = clean_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

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
        if not self.kicker:
            raise ValidationError(
                {"kicker": _("Bitte eine Dachzeile angeben oder eine Kommune wählen.")},
                code="kicker_missing",
            )

    @property
    def is_published(self):
        """ArticleQuerySet.published() for one loaded article (admin column)."""
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def related(self, limit=15):
        """Sidebar teasers: the best `limit` matches of related_to(), newest first."""
        picks = Article.objects.published().for_teasers().related_to(self)[:limit]
        return sorted(picks, key=lambda a: (a.published_at, a.pk), reverse=True)
