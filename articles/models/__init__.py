"""The articles app's models, one module per concern, re-exported so that
`from articles.models import Article` keeps working (as Wagtail does)."""

from .articles import (
    RELATED_CANDIDATES_PER_TAG,
    SEARCH_RESULTS_LIMIT,
    TEASER_FIELDS,
    Article,
    ArticleKind,
    ArticleQuerySet,
    ArticleRedirect,
    ArticleStatus,
)
from .credits import ImageCredit
from .dossiers import DOSSIER_TOPIC_ARTICLES, Dossier, DossierEntry, DossierQuerySet
from .editing import EDITING_SEEN_WITHIN, EditingDraft
from .newsletters import (
    Delivery,
    DeliveryStatus,
    Edition,
    Frequency,
    Scope,
    Subscriber,
)
from .pages import Page
from .photos import Photo, PhotoQuerySet
from .places import FederalState, Municipality, MunicipalityKind
from .tagging import ArticleTagging, Tag, TagChange, TaggedArticle, TagRedirect

__all__ = [
    "RELATED_CANDIDATES_PER_TAG",
    "SEARCH_RESULTS_LIMIT",
    "TEASER_FIELDS",
    "Article",
    "ArticleKind",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleStatus",
    "ArticleTagging",
    "Delivery",
    "DOSSIER_TOPIC_ARTICLES",
    "Dossier",
    "DossierEntry",
    "DossierQuerySet",
    "DeliveryStatus",
    "Edition",
    "EDITING_SEEN_WITHIN",
    "EditingDraft",
    "FederalState",
    "Frequency",
    "ImageCredit",
    "Municipality",
    "MunicipalityKind",
    "Page",
    "Photo",
    "PhotoQuerySet",
    "Scope",
    "Subscriber",
    "Tag",
    "TagChange",
    "TaggedArticle",
    "TagRedirect",
]
