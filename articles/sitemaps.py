"""Sitemaps for search engines: every published article, split by month of
publication, the municipalities and topics that have published news, and a
Google News sitemap.

Each file answers with a fixed number of queries at any archive size: the
index reads the months with their article count and newest change in one
query (month by month from a covering index on PostgreSQL), and counts the
municipalities and topics with news in one query each, a month's file
reads that month's rows from the date index, and the municipality and topic
files find each one's newest article through an index. A month with more
than 50,000 articles is split into pages (?p=2), as the sitemaps protocol
allows no more URLs per file."""

from datetime import datetime, timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from . import page_cache
from .models import Article, ArticleKind, Municipality, Tag, TaggedArticle
from .site_url import SiteSitemap, absolute_url

NEWS_WINDOW = timedelta(days=2)  # Google News reads articles of the last two days
NEWS_LIMIT = 1000  # and at most this many per sitemap
URLS_PER_FILE = 50_000  # the sitemaps protocol's limit


def month_range(year, month):
    first = timezone.make_aware(datetime(year, month, 1))
    following = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return first, following


class ArticleMonthSitemap(SiteSitemap, Sitemap):
    """The published articles of one month, with the time each last changed."""

    limit = URLS_PER_FILE

    def __init__(self, year, month):
        self.year, self.month = year, month

    def items(self):
        first, following = month_range(self.year, self.month)
        return (
            Article.objects.published()
            .filter(published_at__gte=first, published_at__lt=following)
            .only("slug", "updated_at")
            .order_by("published_at", "pk")
        )

    def lastmod(self, item):
        return item.updated_at


class NewsListSitemap(SiteSitemap, Sitemap):
    """The pages of `model` rows (municipalities, topics) that have published
    news; lastmod is what newest_change() finds through an index."""

    model = None
    limit = URLS_PER_FILE

    def newest_change(self):
        """A one-row subquery: the newest change of a row's articles."""
        raise NotImplementedError

    def items(self):
        return (
            self.model.objects.annotate(latest_update=Subquery(self.newest_change()))
            .filter(latest_update__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.latest_update


class MunicipalitySitemap(NewsListSitemap):
    """Municipalities with published news; lastmod is the newest change of
    one of their articles (index on municipality, status, updated_at)."""

    model = Municipality

    def newest_change(self):
        return (
            Article.objects.published()
            .filter(municipality=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )


class TopicSitemap(NewsListSitemap):
    """Topics with published news; lastmod is the last change of the newest
    article tagged with it (found from the index on tag and article)."""

    model = Tag

    def newest_change(self):
        published = Article.objects.published().values("pk")
        return (
            TaggedArticle.objects.filter(
                tag=OuterRef("pk"), content_object__in=published
            )
            .order_by("-content_object_id")
            .values("content_object__updated_at")[:1]
        )


class NewsSitemap(SiteSitemap, Sitemap):
    """Google News: articles published in the last two days, newest first,
    without advertisements (paid content is not news to Google News).
    The template `sitemaps/news.xml` adds the news:news elements."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(published_at__gte=since)
            .exclude(kind=ArticleKind.SPONSORED)
            .only("slug", "kicker", "title", "published_at", "updated_at")
            .order_by("-published_at", "-pk")[:NEWS_LIMIT]
        )

    def lastmod(self, item):
        return item.updated_at


SECTIONS = {"kommunen": MunicipalitySitemap, "themen": TopicSitemap}
# The lists each sitemap shows, for the page cache.
SECTION_KEYS = {
    "kommunen": [
        page_cache.list_key("municipalities"),
        page_cache.list_key("articles"),
    ],
    "themen": [page_cache.list_key("topics"), page_cache.list_key("articles")],
    "news": [page_cache.list_key("news")],
}


def _pages(location, count, lastmod, request):
    """Index entries for a sitemap of `count` URLs: one per file."""
    pages = max(1, -(-count // URLS_PER_FILE))
    url = absolute_url(location, request)
    return [
        {"location": url if page == 1 else f"{url}?p={page}", "last_mod": lastmod}
        for page in range(1, pages + 1)
    ]


def index(request):
    """The sitemap index: a file per month with published articles, then
    municipalities and topics, each with its newest change. Three queries
    at any size, each summing in the database."""
    entries = []
    for row in Article.objects.published().sitemap_months():
        month = (
            timezone.localtime(row["month"])
            if timezone.is_aware(row["month"])
            else row["month"]
        )
        location = reverse(
            "sitemap_articles",
            kwargs={"year": month.year, "month": f"{month.month:02d}"},
        )
        entries += _pages(location, row["count"], row["lastmod"], request)
    for name, sitemap_class in SECTIONS.items():
        summary = (
            sitemap_class()
            .items()
            .aggregate(count=Count("pk"), lastmod=Max("latest_update"))
        )
        location = reverse("sitemap_section", kwargs={"section": name})
        entries += _pages(location, summary["count"], summary["lastmod"], request)
    page_cache.shows(
        request,
        page_cache.list_key("articles"),
        page_cache.list_key("municipalities"),
        page_cache.list_key("topics"),
    )
    return TemplateResponse(
        request,
        "sitemaps/index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )


def articles(request, year, month):
    """One month's published articles; 404 for a month without any."""
    year, month = int(year), int(month)
    page_cache.shows(request, page_cache.list_key("month", f"{year}-{month:02d}"))
    sitemap = ArticleMonthSitemap(year, month)
    response = sitemap_views.sitemap(
        request,
        {"artikel": sitemap},
        section="artikel",
        template_name="sitemaps/sitemap.xml",
    )
    if not response.context_data["urlset"]:
        raise Http404
    return response


def section(request, section):
    """The municipalities' or topics' sitemap."""
    if section not in SECTIONS:
        raise Http404
    page_cache.shows(request, *SECTION_KEYS[section])
    return sitemap_views.sitemap(
        request, SECTIONS, section=section, template_name="sitemaps/sitemap.xml"
    )


def news(request):
    """The Google News sitemap."""
    page_cache.shows(request, *SECTION_KEYS["news"])
    return sitemap_views.sitemap(
        request,
        {"news": NewsSitemap},
        section="news",
        template_name="sitemaps/news.xml",
    )
