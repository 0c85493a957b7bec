"""The API's operations. Each one costs a fixed number of queries at any
archive size and declares its dependency keys (articles/page_cache.py)."""

import functools
import re
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Annotated
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query, Swagger
from ninja.errors import ValidationError
from pydantic import BeforeValidator

from .. import page_cache
from ..models import Article, FederalState, Municipality, Tag, TaggedArticle
from ..pagination import older_than
from ..photos import photo_versions
from ..site_url import absolute_url
from . import schemas

SLUG = r"^[-a-zA-Z0-9_]+$"
PAGE_SIZE, MAX_PAGE_SIZE = 20, 100
# Dates outside these bounds filter nothing: the limits of aware datetimes.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)

api = NinjaAPI(
    title="Nachrichten-API",
    version="1",
    description=(
        "Lesender Zugriff auf die veröffentlichten Meldungen, Kommunen und "
        "Themen, als JSON. Ohne Anmeldung, für GET von jeder Website (CORS). "
        "Listen sind nach Schlüssel geblättert: `weiter` verweist auf die "
        "nächste, ältere Seite. Fehler kommen als JSON mit einer deutschen "
        "Meldung in `detail`; zu viele Anfragen von einer Adresse beantwortet "
        "die API mit 429 und `Retry-After`."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None, "defaultModelsExpandDepth": 0}),
    docs_url="/doku/",
    openapi_url="/openapi.json",
)

ERRORS = {400: schemas.Fehler, 404: schemas.Fehler, 429: schemas.Fehler}


def iso_day(value):
    """Only YYYY-MM-DD: pydantic would also take a number as a timestamp."""
    if isinstance(value, str) and not re.fullmatch(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value
    ):
        raise ValueError("not an ISO date")
    return value


Day = Annotated[date, BeforeValidator(iso_day)]
Bundesland = Enum("Bundesland", {state: state for state in FederalState.values})


# Errors: JSON with a German message (middleware.py does 404s outside ninja,
# 405 and 500).

PROBLEMS = {
    "int_parsing": gettext_lazy("Bitte eine ganze Zahl angeben."),
    "int_type": gettext_lazy("Bitte eine ganze Zahl angeben."),
    "date_parsing": gettext_lazy("Bitte ein Datum in der Form JJJJ-MM-TT angeben."),
    "date_from_datetime_parsing": gettext_lazy(
        "Bitte ein Datum in der Form JJJJ-MM-TT angeben."
    ),
    "date_from_datetime_inexact": gettext_lazy("Bitte ein Datum ohne Uhrzeit angeben."),
    "date_type": gettext_lazy("Bitte ein Datum in der Form JJJJ-MM-TT angeben."),
    "greater_than_equal": gettext_lazy("Der Wert ist zu klein."),
    "less_than_equal": gettext_lazy("Der Wert ist zu groß."),
    "string_pattern_mismatch": gettext_lazy(
        "Erlaubt sind Buchstaben, Ziffern, - und _."
    ),
    "string_too_long": gettext_lazy("Der Wert ist zu lang."),
    "enum": gettext_lazy("Diesen Wert gibt es nicht."),
    "value_error": gettext_lazy("Bitte ein Datum in der Form JJJJ-MM-TT angeben."),
}


@api.exception_handler(ValidationError)
def bad_request(request, error):
    """400 for invalid parameters, naming each with a German hint."""
    problems = [
        {
            "parameter": str(problem.get("loc", ["", "?"])[-1]),
            "meldung": str(PROBLEMS.get(problem.get("type")) or _("Ungültiger Wert.")),
        }
        for problem in error.errors
    ]
    message = {"detail": _("Die Anfrage ist ungültig."), "fehler": problems}
    return api.create_response(request, message, status=400)


@api.exception_handler(Http404)
def not_found(request, error):
    """404 with the German reason the operation gave."""
    message = str(error) or _("Das gibt es hier nicht.")
    return api.create_response(request, {"detail": message}, status=404)


# Articles.


def articles_for_readers():
    """Published articles with their place and credit in one query, and
    their byline's authors in a second; with_topics() adds their tags in a
    third."""
    return (
        Article.objects.published()
        .select_related("municipality", "photo__credit")
        .with_byline()
        .defer(*Article.SEARCH_INDEX_FIELDS)
        .order_by("-published_at", "-pk")
    )


def with_topics(articles):
    """`articles` with `topics`, their tags by name, from one query. Not
    prefetch_related("tags"): taggit builds a queryset on every access to
    article.tags.all(), which cost more than the rest of a list item."""
    taggings = TaggedArticle.objects.filter(
        content_object__in=[article.pk for article in articles]
    ).select_related("tag")
    topics = {}
    for tagging in taggings.order_by("tag__name", "tag__pk") if articles else ():
        topics.setdefault(tagging.content_object_id, []).append(tagging.tag)
    for article in articles:
        article.topics = topics.get(article.pk, [])
    return articles


def berlin_midnight(day):
    """The start of `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


@api.get(
    "/artikel/",
    response={200: schemas.ArtikelListe, **ERRORS},
    summary="Artikel, neueste zuerst",
    description=(
        "Veröffentlichte Artikel, neueste zuerst, gefiltert nach Kommune, "
        "Bundesland, Thema und Datum (Tage in deutscher Zeit, beide "
        "eingeschlossen). Eine unbekannte Kommune oder ein Thema ohne "
        "Artikel ergibt 404."
    ),
    operation_id="artikel_liste",
    url_name="article_list",
)
def article_list(
    request,
    gemeinde: Annotated[
        str | None,
        Query(description="Kurzname der Kommune, z. B. essen", pattern=SLUG),
    ] = None,
    bundesland: Annotated[
        Bundesland | None, Query(description="Bundesland, z. B. NW")
    ] = None,
    thema: Annotated[
        str | None,
        Query(description="Kurzname des Themas, z. B. open-data", pattern=SLUG),
    ] = None,
    von: Annotated[
        Day | None, Query(description="frühester Tag, z. B. 2025-04-01")
    ] = None,
    bis: Annotated[
        Day | None, Query(description="letzter Tag, z. B. 2025-04-30")
    ] = None,
    nach: Annotated[
        int | None,
        Query(description="Seite nach diesem Artikel (aus `weiter`)", ge=1, le=10**17),
    ] = None,
    anzahl: Annotated[
        int, Query(description="Artikel pro Seite", ge=1, le=MAX_PAGE_SIZE)
    ] = PAGE_SIZE,
):
    """A page of published articles, newest first; filters narrow it, an
    unknown municipality or topic is 404, `nach` continues after an article
    of this list (pagination.older_than)."""
    articles = articles_for_readers().defer("body")
    # The lists an article enters or leaves: its municipality's or topic's
    # when one is named (so news elsewhere keeps this answer cached), else
    # the list of all articles.
    keys = [] if gemeinde or thema else [page_cache.list_key("articles")]
    if gemeinde:
        municipality = Municipality.objects.filter(slug=gemeinde).first()
        if municipality is None:
            raise Http404(_("Diese Kommune gibt es nicht."))
        articles = articles.filter(municipality=municipality)
        keys += [page_cache.list_key("municipality", municipality.pk), municipality]
    if bundesland:
        articles = articles.filter(municipality__federal_state=bundesland.value)
        keys.append(page_cache.list_key("municipalities"))  # a place's state
    if thema:
        tag = Tag.objects.with_published_news().filter(slug=thema).first()
        if tag is None:
            raise Http404(_("Zu diesem Thema gibt es keine Artikel."))
        articles = articles.filter(tags=tag)
        keys += [page_cache.list_key("tag", tag.pk), tag]
    if von and von > EARLIEST:
        articles = articles.filter(published_at__gte=berlin_midnight(von))
    if bis and bis < LATEST:
        articles = articles.filter(
            published_at__lt=berlin_midnight(bis + timedelta(days=1))
        )
    if nach is not None:
        articles = older_than(articles, nach)
    rows = list(articles[: anzahl + 1])
    if nach is not None and not rows:
        raise Http404(_("Diese Seite gibt es nicht (mehr)."))
    page = with_topics(rows[:anzahl])
    following = None
    if len(rows) > anzahl:
        query = {
            name: value
            for name, value in request.GET.items()
            if name in page_cache.API_PARAMETERS and name != "nach"
        }
        query["nach"] = page[-1].pk
        following = absolute_url(f"{request.path}?{urlencode(query)}", request)
    page_cache.shows(request, *keys, *shown_keys(page))
    return {
        "artikel": [article_item(request, article) for article in page],
        "weiter": following,
    }


@api.get(
    "/artikel/{slug}/",
    response={200: schemas.Artikel, **ERRORS},
    summary="Ein Artikel",
    description="Ein veröffentlichter Artikel mit seinem Text (HTML, bereinigt).",
    operation_id="artikel",
    url_name="article_detail",
)
def article_detail(request, slug: str):
    """One published article with its body; 404 for anything else."""
    article = None
    if re.fullmatch(r"[-a-zA-Z0-9_]{1,200}", slug):  # no NUL reaches the database
        article = articles_for_readers().filter(slug=slug).first()
    if article is None:
        raise Http404(_("Diesen Artikel gibt es nicht (mehr)."))
    with_topics([article])
    page_cache.shows(request, *shown_keys([article]))
    return article_item(request, article) | {"text_html": article.body}


@functools.lru_cache(maxsize=20_000)
def path(name, slug):
    """reverse() for a URL with a slug, remembered: a list of 100 items
    needs some 600 links, mostly to the same topics and places."""
    return reverse(name, kwargs={"slug": slug})


def shown_keys(articles):
    """What an API item shows: the article, its municipality, photo credit,
    tags and byline's authors."""
    keys = set()
    for article in articles:
        keys.add(page_cache.object_key(article))
        keys |= {page_cache.object_key(a) for a in article.byline_authors()}
        if article.municipality_id:
            keys.add(f"municipality-{article.municipality_id}")
        if article.photo_id:
            keys.add(page_cache.object_key(article.photo))
            if article.photo.credit_id:
                keys.add(f"imagecredit-{article.photo.credit_id}")
        keys |= {page_cache.object_key(tag) for tag in article.topics}
    return keys


def article_item(request, article):
    """An article as the list shows it (the detail adds the body)."""
    return {
        "id": article.pk,
        "slug": article.slug,
        "dachzeile": article.kicker,
        "titel": article.title,
        "art": article.get_kind_display(),
        "vorspann": article.lead,
        "url": absolute_url(path("articles:detail", article.slug), request),
        "api_url": absolute_url(path("api:article_detail", article.slug), request),
        "veroeffentlicht_am": article.published_at,
        "geaendert_am": article.updated_at,
        "kommune": municipality_item(request, article.municipality),
        "themen": [topic_item(request, tag) for tag in article.topics],
        "autoren": [
            {
                "name": author.name,
                "url": absolute_url(author.get_absolute_url(), request),
            }
            for author in article.byline_authors()
        ],
        "agentur": article.agency,
        "foto": photo_item(request, article),
    }


def municipality_item(request, municipality):
    """A municipality as articles show it, or None."""
    if municipality is None:
        return None
    return {
        "name": municipality.name,
        "slug": municipality.slug,
        "art": municipality.kind,
        "bundesland": municipality.federal_state,
        "url": absolute_url(path("articles:municipality", municipality.slug), request),
    }


def topic_item(request, tag):
    """A topic with the URL of its page."""
    return {
        "name": tag.name,
        "slug": tag.slug,
        "url": absolute_url(path("articles:topic", tag.slug), request),
    }


def photo_item(request, article):
    """The photo with alt text, caption, credit and renditions, or None."""
    photo = article.photo
    if photo is None or not photo_versions(photo):
        return None
    credit = photo.credit
    renditions = [
        {
            "url": absolute_url(url, request),
            "format": image_format,
            "breite": width,
            "hoehe": height,
        }
        for image_format in ("webp", "jpeg")
        for url, width, height in photo_versions(photo, image_format)
    ]
    url, width, height = photo_versions(photo)[0]
    return {
        "url": absolute_url(url, request),
        "breite": width,
        "hoehe": height,
        "alternativtext": photo.alt_text,
        "bildunterschrift": photo.caption,
        "bildnachweis": credit
        and {
            "urheber": credit.creator,
            "quelle": credit.source,
            "lizenz": credit.licence,
            "link": credit.url,
            "zeile": str(credit.credit_line),
        },
        "renditionen": renditions,
    }


# Municipalities and topics.


@api.get(
    "/kommunen/",
    response={200: schemas.KommunenListe, **ERRORS},
    summary="Kommunen",
    description="Alle Kommunen, alphabetisch, mit der Zahl ihrer Artikel.",
    operation_id="kommunen",
    url_name="municipality_list",
)
def municipality_list(request):
    """Every municipality with its number of published articles."""
    municipalities = Municipality.objects.with_news_count(Article.objects.published())
    page_cache.shows(request, page_cache.list_key("municipalities"))
    return {
        "kommunen": [
            municipality_item(request, municipality)
            | {
                "bundesland_name": municipality.get_federal_state_display(),
                "ags": municipality.ags,
                "anzahl_artikel": municipality.news_count,
            }
            for municipality in municipalities
        ]
    }


@api.get(
    "/themen/",
    response={200: schemas.ThemenListe, **ERRORS},
    summary="Themen",
    description="Die Themen mit veröffentlichten Artikeln, alphabetisch.",
    operation_id="themen",
    url_name="topic_list",
)
def topic_list(request):
    """The topics readers may see (with published articles)."""
    published = Article.objects.published().values("pk")
    counted = Q(tagged_articles__content_object__in=published)
    topics = (
        Tag.objects.annotate(news_count=Count("tagged_articles", filter=counted))
        .filter(news_count__gt=0)
        .order_by("name")
    )
    page_cache.shows(request, page_cache.list_key("topics"))
    return {
        "themen": [
            topic_item(request, tag) | {"anzahl_artikel": tag.news_count}
            for tag in topics
        ]
    }
