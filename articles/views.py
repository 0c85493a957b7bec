import hashlib
from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404
from django.template import loader
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.http import http_date, quote_etag
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from django.views.static import serve

from . import page_cache, two_factor
from .cache_keys import (
    article_page_keys,
    dossier_link_keys,
    dossier_page_keys,
    teaser_keys,
)
from .context_processors import site_context
from .forms import SearchForm
from .models import (
    SEARCH_RESULTS_LIMIT,
    Article,
    Dossier,
    Municipality,
    Page,
    Photo,
    Tag,
)
from .pagination import NEWER, OLDER, KeysetPaginationMixin
from .redirects import article_redirect, topic_redirect


class ArticleDetailView(DetailView):
    """An article as readers see it; drafts and scheduled articles are 404,
    a former URL name redirects permanently to the current one.
    Sends Last-Modified and ETag and answers conditional requests with 304."""

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("municipality", "photo__credit", "author")
            .prefetch_related("tags")
        )

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            if "slug" not in kwargs:  # the preview, by pk
                raise
            return article_redirect(request, kwargs["slug"])
        self.related_articles = self.object.related()
        self.dossiers = list(Dossier.objects.of_article(self.object))
        # The sidebar is part of the page, so its articles are part of the ETag.
        version = ",".join(
            [self.object.updated_at.isoformat()]
            + [str(item.pk) for item in self.related_articles]
        )
        etag = quote_etag(hashlib.md5(version.encode()).hexdigest())
        page_cache.shows(
            request, *article_page_keys(self.object, self.related_articles)
        )
        page_cache.shows(request, *dossier_link_keys(self.object, self.dossiers))
        last_modified = int(self.object.updated_at.timestamp())
        response = get_conditional_response(
            request, etag=etag, last_modified=last_modified
        )
        if response is None:
            response = self.render_to_response(self.get_context_data())
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_articles"] = self.related_articles
        context["dossiers"] = self.dossiers
        return context


@method_decorator(never_cache, name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """An article in any status as readers will see it, for staff who may
    view or change articles. Everyone else gets 404, not a login page, so the
    URL reveals nothing."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (
            user.is_active
            and user.is_staff
            and (
                user.has_perm("articles.change_article")
                or user.has_perm("articles.view_article")
            )
            # Like the admin: no drafts after the password alone where a
            # second factor is required.
            and two_factor.is_satisfied(request)
        ):
            raise Http404
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_queryset(self):
        return Article.objects.select_related(
            "municipality", "photo__credit", "author"
        ).prefetch_related("tags")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # The page links to itself; a fresh draft may have no URL name yet.
        article.slug = article.slug or f"entwurf-{article.pk}"
        return article


class ArticleListView(KeysetPaginationMixin, ListView):
    """Home: the latest published articles as teasers."""

    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_photo_teasers()

    def list_keys(self):
        """The page cache's keys of the list this page is part of."""
        return [page_cache.list_key("articles")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_cache.shows(
            self.request, *self.list_keys(), *teaser_keys(context["object_list"])
        )
        return context


class TopicView(ArticleListView):
    """A topic page: published articles with one tag, newest first; 404 while
    the tag has none. The slug of a merged or renamed tag redirects
    permanently to its successor."""

    template_name = "articles/topic.html"

    def get(self, request, *args, **kwargs):
        self.tag = Tag.objects.with_published_news().filter(slug=kwargs["slug"]).first()
        if self.tag is None:
            return topic_redirect(request, kwargs["slug"], keep=(OLDER, NEWER))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.extra_context = {"tag": self.tag}
        return super().get_queryset().filter(tags=self.tag)

    def list_keys(self):
        return [
            page_cache.list_key("tag", self.tag.pk),
            page_cache.object_key(self.tag),
        ]


class MunicipalityDirectoryView(TemplateView):
    """All municipalities grouped by federal state, with their news count."""

    template_name = "articles/municipality_list.html"

    def get_context_data(self, **kwargs):
        states = Municipality.objects.directory(Article.objects.published())
        page_cache.shows(self.request, page_cache.list_key("municipalities"))
        return super().get_context_data(states=states, **kwargs)


class MunicipalityNewsView(ArticleListView):
    """A municipality's page: its published news, newest first."""

    template_name = "articles/municipality.html"

    def get_queryset(self):
        municipality = get_object_or_404(Municipality, slug=self.kwargs["slug"])
        self.extra_context = {"municipality": municipality}
        return super().get_queryset().filter(municipality=municipality)

    def list_keys(self):
        municipality = self.extra_context["municipality"]
        return [
            page_cache.list_key("municipality", municipality.pk),
            page_cache.object_key(municipality),
        ]


class ArchiveView(TemplateView):
    """Years and months with the number of articles published in each."""

    template_name = "articles/archive.html"

    def get_context_data(self, **kwargs):
        years = Article.objects.published().month_counts()
        page_cache.shows(self.request, page_cache.list_key("archive"))
        return super().get_context_data(years=years.items(), **kwargs)


class ArchiveMonthView(ArticleListView):
    """The articles of one month, newest first; a month without news is 404."""

    template_name = "articles/archive_month.html"
    allow_empty = False

    def get_queryset(self):
        year, month = int(self.kwargs["year"]), int(self.kwargs["month"])
        first = timezone.make_aware(datetime(year, month, 1))
        following = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
        self.extra_context = {"month": first}
        return (
            super()
            .get_queryset()
            .filter(published_at__gte=first, published_at__lt=following)
        )

    def list_keys(self):
        return [
            page_cache.list_key("month", self.extra_context["month"].strftime("%Y-%m"))
        ]


class SearchView(ListView):
    """Search results for ?q=; an empty or unusable query gets a hint, not an
    error. Ranked, so paginated by page number, counting the matches."""

    paginate_by = 20
    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.form.is_valid():
            return Article.objects.none()
        articles = Article.objects.published().for_photo_teasers()
        return articles.search(self.form.cleaned_data["q"])

    def get_context_data(self, **kwargs):
        query = self.form.cleaned_data["q"] if self.form.is_valid() else ""
        context = super().get_context_data(
            form=self.form, query=query, result_limit=SEARCH_RESULTS_LIMIT, **kwargs
        )
        # Any change to any article may change what a search finds.
        page_cache.shows(
            self.request,
            page_cache.list_key("search"),
            *teaser_keys(context["object_list"]),
        )
        return context


class DossierView(DetailView):
    """A dossier ("Schwerpunkt"): its introduction and photo, then the
    published articles editors picked, in their order, and the newest on its
    topic. Unpublished dossiers are 404. Three queries at any size."""

    template_name = "articles/dossier.html"
    context_object_name = "dossier"

    def get_queryset(self):
        return Dossier.objects.published().select_related("photo__credit", "topic")

    def get_context_data(self, **kwargs):
        articles = self.object.member_articles()
        page_cache.shows(self.request, *dossier_page_keys(self.object, articles))
        return super().get_context_data(articles=articles, **kwargs)


class DossierDirectoryView(TemplateView):
    """All published dossiers by title, with their introductions."""

    template_name = "articles/dossier_list.html"

    def get_context_data(self, **kwargs):
        dossiers = list(
            Dossier.objects.published().only("title", "slug", "introduction")
        )
        page_cache.shows(self.request, page_cache.list_key("dossiers"), *dossiers)
        return super().get_context_data(dossiers=dossiers, **kwargs)


class PageView(DetailView):
    """A page editors fill in the admin (Impressum, Datenschutz, …)."""

    model = Page
    template_name = "articles/page.html"

    def get_context_data(self, **kwargs):
        page_cache.shows(self.request, self.object)
        return super().get_context_data(**kwargs)


def server_error(request, template_name="500.html"):
    """500 in the site's layout, rendered without database or request context
    processors, which may be what failed."""
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render(site_context()))


# A rendition's name is the hash of its content: whatever is cached under
# it never changes.
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"


def may_see_every_photo(user):
    """Staff who work on articles or photos see drafts' photos and originals
    (previews, the admin's thumbnails)."""
    return (
        user.is_active
        and user.is_staff
        and any(
            user.has_perm(f"articles.{permission}")
            for permission in ("view_photo", "view_article", "change_article")
        )
    )


def media_file(request, path):
    """An upload from MEDIA_ROOT, when the app serves media itself
    (DJANGO_SERVE_MEDIA): to readers only the renditions of photos that a
    published article shows, cached for a year; originals and the photos of
    hidden articles only to staff (404 for everyone else)."""
    if not may_see_every_photo(request.user):
        if not Photo.objects.with_published_rendition(path).exists():
            raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if path.startswith("renditions/"):
        response["Cache-Control"] = RENDITION_CACHE_CONTROL
    return response
