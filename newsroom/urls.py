from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView

from articles import feeds, operations, sitemaps, views
from articles.api import api

handler500 = "articles.views.server_error"

# (URL prefix, URL name prefix, RSS feed, Atom feed)
FEEDS = [
    ("", "", feeds.LatestArticlesFeed, feeds.LatestArticlesAtomFeed),
    (
        "kommune/<slug:slug>/",
        "municipality_",
        feeds.MunicipalityArticlesFeed,
        feeds.MunicipalityArticlesAtomFeed,
    ),
    (
        "land/<slug:slug>/",
        "state_",
        feeds.StateArticlesFeed,
        feeds.StateArticlesAtomFeed,
    ),
    (
        "thema/<slug:slug>/",
        "topic_",
        feeds.TopicArticlesFeed,
        feeds.TopicArticlesAtomFeed,
    ),
    (
        "autor/<slug:slug>/",
        "author_",
        feeds.AuthorArticlesFeed,
        feeds.AuthorArticlesAtomFeed,
    ),
    (
        "schwerpunkt/<slug:slug>/",
        "dossier_",
        feeds.DossierArticlesFeed,
        feeds.DossierArticlesAtomFeed,
    ),
]
feed_patterns = [
    path(f"{prefix}{kind}/", feed(), name=f"{name}{kind}")
    for prefix, name, rss, atom in FEEDS
    for kind, feed in (("rss", rss), ("atom", atom))
]


urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/live", operations.live, name="health_live"),
    path("health/ready", operations.ready, name="health_ready"),
    path("metrics", operations.prometheus_metrics, name="metrics"),
    path("feeds/", include((feed_patterns, "feeds"))),
    path("api/v1/", api.urls),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    re_path(
        r"^sitemap-artikel-(?P<year>[12][0-9]{3})-(?P<month>0[1-9]|1[0-2])\.xml$",
        sitemaps.articles,
        name="sitemap_articles",
    ),
    # The single article sitemap of old is now split by month.
    path(
        "sitemap-artikel.xml",
        RedirectView.as_view(pattern_name="sitemap", permanent=True),
    ),
    path("sitemap-news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemap-<section>.xml", sitemaps.section, name="sitemap_section"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("", include("articles.urls")),
]


if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.media_file)
    ]
