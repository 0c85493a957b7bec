from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django.views.static import serve

from articles import feeds
from articles.sitemaps import SITEMAPS, NewsSitemap

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
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/index.xml"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
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
