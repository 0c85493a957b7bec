from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from articles import feeds

admin.site.site_header = _("%(site)s – Redaktion") % {"site": settings.SITE_NAME}
admin.site.site_title = settings.SITE_NAME

feed_patterns = [
    path("rss/", feeds.LatestArticlesFeed(), name="rss"),
    path("atom/", feeds.LatestArticlesAtomFeed(), name="atom"),
    path(
        "kommune/<slug:slug>/rss/",
        feeds.MunicipalityArticlesFeed(),
        name="municipality_rss",
    ),
    path(
        "kommune/<slug:slug>/atom/",
        feeds.MunicipalityArticlesAtomFeed(),
        name="municipality_atom",
    ),
    path("thema/<slug:slug>/rss/", feeds.TopicArticlesFeed(), name="topic_rss"),
    path("thema/<slug:slug>/atom/", feeds.TopicArticlesAtomFeed(), name="topic_atom"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include((feed_patterns, "feeds"))),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
