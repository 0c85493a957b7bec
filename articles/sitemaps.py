"""Sitemaps for search engines: every published article, the municipalities
and topics that have published news, and a Google News sitemap."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from .models import Article, Municipality, Tag

NEWS_WINDOW = timedelta(days=2)  # Google News reads articles of the last two days
NEWS_LIMIT = 1000  # and at most this many per sitemap


def latest_update(**filters):
    """Subquery: updated_at of the newest-changed published article matching
    `filters` (which may use OuterRef)."""
    return Subquery(
        Article.objects.published()
        .filter(**filters)
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )


class ArticleSitemap(Sitemap):
    """Every published article, with the time it last changed."""

    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of loading every article for the index.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class NewsListSitemap(Sitemap):
    """The pages of `model` objects (municipalities, topics) that have
    published news, `articles_of` naming how an article refers to one;
    lastmod is their newest article's change."""

    model = None
    articles_of = None

    def items(self):
        newest = latest_update(**{self.articles_of: OuterRef("pk")})
        return (
            self.model.objects.annotate(latest_update=newest)
            .filter(latest_update__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.latest_update


class MunicipalitySitemap(NewsListSitemap):
    model = Municipality
    articles_of = "municipality"


class TopicSitemap(NewsListSitemap):
    model = Tag
    articles_of = "tags"


class NewsSitemap(Sitemap):
    """Google News: articles published in the last two days, newest first.
    The template `sitemaps/news.xml` adds the news:news elements."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .only("slug", "kicker", "title", "published_at", "updated_at")
            .order_by("-published_at", "-pk")[:NEWS_LIMIT]
        )

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "artikel": ArticleSitemap,
    "kommunen": MunicipalitySitemap,
    "themen": TopicSitemap,
}
