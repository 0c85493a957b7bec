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
from .attachments import ArticleAttachment
from .authors import ArticleAuthor, Author, AuthorQuerySet, Correction
from .credits import ImageCredit
from .dossiers import DOSSIER_TOPIC_ARTICLES, Dossier, DossierEntry, DossierQuerySet
from .editing import EDITING_SEEN_WITHIN, EditingDraft
from .invalidations import MissedInvalidation
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
from .places import FederalState, Municipality, MunicipalityKind, State
from .tagging import ArticleTagging, Tag, TagChange, TaggedArticle, TagRedirect

__all__ = [
    "RELATED_CANDIDATES_PER_TAG",
    "SEARCH_RESULTS_LIMIT",
    "TEASER_FIELDS",
    "Article",
    "ArticleAttachment",
    "ArticleKind",
    "ArticleQuerySet",
    "ArticleRedirect",
    "ArticleStatus",
    "ArticleTagging",
    "ArticleAuthor",
    "Author",
    "AuthorQuerySet",
    "Correction",
    "AccessibilityBarrier",
    "AccessibilityStatement",
    "ConformanceStatus",
    "EASY_LANGUAGE_SLUG",
    "ReviewMethod",
    "MissedInvalidation",
    "SIGN_LANGUAGE_SLUG",
    "STATEMENT_PAGE_SLUG",
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
    "State",
    "Subscriber",
    "Tag",
    "TagChange",
    "TaggedArticle",
    "TagRedirect",
]
