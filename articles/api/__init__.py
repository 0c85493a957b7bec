"""The read-only content API (/api/v1/), built with django-ninja: articles,
municipalities and topics as JSON, for town halls' websites and the widget
(static/widget/nachrichten.js). Published articles only, through
Article.objects.published(); every response declares what it shows to the
page cache, like the reader pages. See README, "Content API and widget"."""

from .endpoints import api

__all__ = ["api"]
