"""Where news happens: municipalities ("Kommunen") and their federal states."""

from dataclasses import dataclass

import reversion
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..cache_keys import municipality_keys
from ..page_cache import shown_to_readers
from ..text import german_slugify


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


@dataclass(frozen=True)
class State:
    """A federal state as readers see it: a page and feeds with the news of
    all its municipalities, under a slug of its name ("nordrhein-westfalen").
    Not a table: the states are FederalState's choices, so a state needs no
    query to be found."""

    code: str
    name: str

    @classmethod
    def of(cls, code):
        """The state with FederalState code `code`, or None ("" or unknown)."""
        return _STATES_BY_CODE.get(code)

    @classmethod
    def from_slug(cls, slug):
        """The state whose slug is `slug`, or None."""
        return _STATES_BY_SLUG.get(slug)

    @classmethod
    def all(cls):
        """Every state, alphabetical by name."""
        return sorted(_STATES_BY_CODE.values(), key=lambda state: state.name)

    @property
    def slug(self):
        return german_slugify(self.name)

    def get_absolute_url(self):
        return reverse("articles:state", kwargs={"slug": self.slug})


_STATES_BY_CODE = {code: State(code, str(name)) for code, name in FederalState.choices}
_STATES_BY_SLUG = {state.slug: state for state in _STATES_BY_CODE.values()}


class MunicipalityQuerySet(models.QuerySet):
    def with_news_count(self, articles):
        """Each municipality with `news_count`, its number of `articles`
        (pass the published ones), alphabetical."""
        counted = Q(articles__in=articles.values("pk"))
        # Meta.ordering does not apply to aggregations: order explicitly.
        return self.annotate(news_count=Count("articles", filter=counted)).order_by(
            "name"
        )

    def directory(self, articles):
        """The municipality directory: (federal state name, municipalities
        with their news count) pairs, states alphabetical by name (not
        code), municipalities without a state last."""
        other = gettext("Ohne Bundesland")
        groups = {}
        for municipality in self.with_news_count(articles):
            label = municipality.get_federal_state_display() or other
            groups.setdefault(label, []).append(municipality)
        return sorted(groups.items(), key=lambda item: (item[0] == other, item[0]))


@shown_to_readers(keys=municipality_keys)
@reversion.register()
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

    objects = MunicipalityQuerySet.as_manager()

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

    def get_absolute_url(self):
        return reverse("articles:municipality", kwargs={"slug": self.slug})

    @property
    def state(self):
        """The federal state as readers see it (State), or None."""
        return State.of(self.federal_state)
