from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from django.views.static import serve

from articles import feeds
from articles.sitemaps import SITEMAPS, NewsSitemap

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
        "thema/<slug:slug>/",
        "topic_",
        feeds.TopicArticlesFeed,
        feeds.TopicArticlesAtomFeed,
    ),
]
feed_patterns = [
    path(f"{prefix}{kind}/", feed(), name=f"{name}{kind}")
    for prefix, name, rss, atom in FEEDS
    for kind, feed in (("rss", rss), ("atom", atom))
]


def sitemap_path(route, view, sitemaps, template, name):
    """A URL of Django's sitemap framework with our template."""
    context = {"sitemaps": sitemaps, "template_name": f"sitemaps/{template}"}
    return path(route, view, context, name=name)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("feeds/", include((feed_patterns, "feeds"))),
    sitemap_path("sitemap.xml", sitemap_views.index, SITEMAPS, "index.xml", "sitemap"),
    sitemap_path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"news": NewsSitemap},
        "news.xml",
        "sitemap_news",
    ),
    sitemap_path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        SITEMAPS,
        "sitemap.xml",
        "django.contrib.sitemaps.views.sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("", include("articles.urls")),
]


def serve_media(request, path):
    """Uploads from MEDIA_ROOT as it is now (tests point it elsewhere)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)
    ]
