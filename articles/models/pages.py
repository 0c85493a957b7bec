"""Pages editors fill in the admin: Impressum, Datenschutz, Barrierefreiheit."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..cache_keys import own_keys
from ..page_cache import list_key, shown_to_readers
from ..text import clean_body

# The page the accessibility statement is shown on, and the pages in Leichte
# Sprache and Deutsche Gebärdensprache (§ 4 BITV 2.0) every page links to.
STATEMENT_PAGE_SLUG = "barrierefreiheit"
EASY_LANGUAGE_SLUG = "leichte-sprache"
SIGN_LANGUAGE_SLUG = "gebaerdensprache"


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
            "Die Fußzeile verlinkt „impressum“, „datenschutz“, „barrierefreiheit“, "
            "„leichte-sprache“ und „gebaerdensprache“."
        ),
    )
    body = models.TextField(_("Text"), blank=True)
    # A video in Deutsche Gebärdensprache, served from our own site (no
    # third-party player), with captions; or a link to one.
    video = models.FileField(
        _("Video"),
        upload_to="seiten/videos/",
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm"])],
        help_text=_("Ein Video als MP4 oder WebM, z. B. in Gebärdensprache."),
    )
    captions = models.FileField(
        _("Untertitel (WebVTT)"),
        upload_to="seiten/videos/",
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
        help_text=_("Untertitel zum Video als .vtt-Datei; nötig mit einem Video."),
    )
    video_url = models.URLField(
        _("Link zu einem Video"),
        blank=True,
        help_text=_(
            "Statt eines hochgeladenen Videos: die Adresse eines Videos. "
            "Es wird verlinkt, nicht eingebettet."
        ),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.video and not self.captions:
            raise ValidationError(
                {"captions": _("Ein Video braucht Untertitel (WebVTT).")},
                code="captions_missing",
            )

    def save(self, *args, **kwargs):
        self.body = clean_body(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:page", kwargs={"slug": self.slug})


def statement_keys(old, new):
    """The accessibility statement or one of its barriers changed: the page
    /seite/barrierefreiheit/ shows them."""
    return {list_key("accessibility-statement")}


class ConformanceStatus(models.TextChoices):
    FULL = "full", _("vollständig barrierefrei")
    PARTIAL = "partial", _("teilweise barrierefrei")
    NONE = "none", _("nicht barrierefrei")


class ReviewMethod(models.TextChoices):
    SELF = "self", _("Selbstbewertung")
    THIRD_PARTY = "third_party", _("Prüfung durch Dritte")


@shown_to_readers(keys=statement_keys)
class AccessibilityStatement(models.Model):
    """The Erklärung zur Barrierefreiheit (§ 12b BGG, § 7 BITV 2.0) as
    structured fields; the page /seite/barrierefreiheit/ is generated from
    them. There is one; the admin offers no second."""

    status = models.CharField(
        _("Stand der Vereinbarkeit"),
        max_length=20,
        choices=ConformanceStatus,
        default=ConformanceStatus.PARTIAL,
        help_text=_("Wie weit die Website die Anforderungen der BITV 2.0 erfüllt."),
    )
    created_on = models.DateField(
        _("Erklärung erstellt am"), help_text=_("z. B. 01.06.2025")
    )
    reviewed_on = models.DateField(
        _("zuletzt überprüft am"), help_text=_("Datum der letzten Prüfung.")
    )
    review_method = models.CharField(
        _("Methode der Prüfung"),
        max_length=20,
        choices=ReviewMethod,
        default=ReviewMethod.SELF,
    )
    contact_email = models.EmailField(
        _("Kontakt: E-Mail"),
        blank=True,
        help_text=_("Für Rückmeldungen zu Barrieren, z. B. barrierefreiheit@…"),
    )
    contact_phone = models.CharField(
        _("Kontakt: Telefon"),
        max_length=50,
        blank=True,
        help_text=_("z. B. 0201 123-0"),
    )
    contact_address = models.TextField(
        _("Kontakt: Postanschrift"),
        blank=True,
        help_text=_("Name, Straße, PLZ und Ort, je eine Zeile."),
    )
    arbitration_name = models.CharField(
        _("Schlichtungsstelle"),
        max_length=200,
        default="Schlichtungsstelle nach § 16 BGG",
        help_text=_("Oder die Schlichtungsstelle Ihres Bundeslandes."),
    )
    arbitration_url = models.URLField(
        _("Link zur Schlichtungsstelle"),
        default="https://www.schlichtungsstelle-bgg.de/",
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Erklärung zur Barrierefreiheit")
        verbose_name_plural = _("Erklärung zur Barrierefreiheit")
        ordering = ["pk"]

    def __str__(self):
        return str(_("Erklärung zur Barrierefreiheit"))

    def get_absolute_url(self):
        return reverse("articles:page", kwargs={"slug": STATEMENT_PAGE_SLUG})


@shown_to_readers(keys=statement_keys)
class AccessibilityBarrier(models.Model):
    """A part of the site that is not accessible yet, and how readers get
    its content another way."""

    statement = models.ForeignKey(
        AccessibilityStatement,
        models.CASCADE,
        related_name="barriers",
        verbose_name=_("Erklärung"),
    )
    description = models.TextField(
        _("Barriere"),
        help_text=_("z. B. „Ältere PDF-Dokumente sind nicht barrierefrei.“"),
    )
    alternative = models.TextField(
        _("Alternative"),
        help_text=_("z. B. „Auf Anfrage senden wir den Inhalt als Text.“"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("bekannte Barriere")
        verbose_name_plural = _("bekannte Barrieren")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.description[:80]
