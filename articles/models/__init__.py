"""The articles app's models, one module per concern, re-exported so that
`from articles.models import Article` keeps working (as Wagtail does)."""

from .articles import (
    RELATED_CANDIDATES_PER_TAG,
    SEARCH_RESULTS_LIMIT,
    TEASER_FIELDS,
    Article,
    ArticleQuerySet,
    ArticleRedirect,
    ArticleStatus,
)
from .credits import ImageCredit
from .editing import EDITING_SEEN_WITHIN, EditingDraft
from .newsletters import (
    Delivery,
    DeliveryStatus,
    Edition,
    Frequency,
    Scope,
    Subscriber,
)
from .pages import (
    EASY_LANGUAGE_SLUG,
    SIGN_LANGUAGE_SLUG,
    STATEMENT_PAGE_SLUG,
    AccessibilityBarrier,
    AccessibilityStatement,
    ConformanceStatus,
    Page,
    ReviewMethod,
)
from .photos import Photo, PhotoQuerySet
from .places import FederalState, Municipality, MunicipalityKind
from .tagging import ArticleTagging, Tag, TagChange, TaggedArticle, TagRedirect

__all__ = [
    "RELATED_CANDIDATES_PER_TAG",
    "SEARCH_RESULTS_LIMIT",
    "TEASER_FIELDS",
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleStatus",
    "ArticleTagging",
    "AccessibilityBarrier",
    "AccessibilityStatement",
    "ConformanceStatus",
    "EASY_LANGUAGE_SLUG",
    "ReviewMethod",
    "SIGN_LANGUAGE_SLUG",
    "STATEMENT_PAGE_SLUG",
    "Delivery",
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
