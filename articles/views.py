import hashlib
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import Q
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404
from django.template import loader
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView
from django.views.static import serve

from . import page_cache, two_factor
from .cache_keys import (
    article_page_keys,
    dossier_link_keys,
    dossier_page_keys,
    photo_page_keys,
    teaser_keys,
)
from .context_processors import site_context
from .forms import MastodonShareForm, SearchForm
from .models import (
    SEARCH_RESULTS_LIMIT,
    STATEMENT_PAGE_SLUG,
    AccessibilityStatement,
    Article,
    ArticleAttachment,
    Author,
    Dossier,
    Municipality,
    Page,
    Photo,
    State,
    Tag,
)
from .page_cache import object_key
from .pagination import NEWER, OLDER, KeysetPaginationMixin
from .redirects import article_redirect, topic_redirect
from .site_url import absolute_url


class ArticleDetailView(DetailView):
    """An article as readers see it; drafts and scheduled articles are 404,
    a former URL name redirects permanently to the current one.
    Sends Last-Modified and ETag and answers conditional requests with 304."""

    def get_queryset(self):
        return Article.objects.for_page().published()

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            if "slug" not in kwargs:  # the preview, by pk
                raise
            return article_redirect(request, kwargs["slug"])
        self.related_articles = self.object.related()
        self.dossiers = self.object.published_dossiers
        # The sidebar is part of the page, so its articles are part of the
        # ETag; so are the byline's authors, the correction notes, the links
        # and downloads and the dossiers linked, which change without the
        # article (and count for Last-Modified).
        shown = [byline.author for byline in self.object.bylines.all()]
        shown += list(self.object.corrections.all())
        shown += list(self.object.attachments.all())
        shown += self.dossiers
        version = ",".join(
            [self.object.updated_at.isoformat()]
            + [str(item.pk) for item in self.related_articles]
            + [f"{object_key(row)}:{row.updated_at.isoformat()}" for row in shown]
        )
        etag = quote_etag(hashlib.md5(version.encode()).hexdigest())
        page_cache.shows(
            request, *article_page_keys(self.object, self.related_articles)
        )
        page_cache.shows(request, *dossier_link_keys(self.object, self.dossiers))
        changed = max(row.updated_at for row in [self.object, *shown])
        last_modified = int(changed.timestamp())
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
        return Article.objects.for_page()

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


class AuthorView(ArticleListView):
    """An author's page: photo, short bio and their published articles,
    newest first. 404 while the author has no published article: readers
    reach the page through bylines, and an author whose only story is still
    scheduled must not reveal what is coming."""

    template_name = "articles/author.html"

    def get(self, request, *args, **kwargs):
        self.author = (
            Author.objects.with_published_news()
            .select_related("photo__credit")
            .filter(slug=kwargs["slug"])
            .first()
        )
        if self.author is None:
            raise Http404(_("Diese Autorin oder diesen Autor gibt es hier nicht."))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.extra_context = {"author": self.author}
        return super().get_queryset().filter(bylines__author=self.author)

    def list_keys(self):
        return [
            page_cache.list_key("author", self.author.pk),
            page_cache.object_key(self.author),
            *photo_page_keys(self.author),
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


class StateNewsView(ArticleListView):
    """A federal state's page: the published news of all its
    municipalities, newest first. A state without news yet says so (it is
    a place readers look for, like a municipality); an unknown slug is 404."""

    template_name = "articles/state.html"

    def get(self, request, *args, **kwargs):
        self.state = State.from_slug(kwargs["slug"])
        if self.state is None:
            raise Http404(_("Dieses Bundesland gibt es nicht."))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.extra_context = {"state": self.state}
        return super().get_queryset().in_state(self.state.code)

    def list_keys(self):
        return [page_cache.list_key("state", self.state.code)]


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
    """Search results for ?q= and the filters kommune, land, von and bis
    (SearchForm), alone or combined; unusable input gets a German hint or
    form error, not an error page. Ranked, so paginated by page number,
    counting the matches. Costs the same queries for any combination: the
    municipalities (the form's choices), the count and the page."""

    paginate_by = 20
    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET or None)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.form.is_valid():
            return Article.objects.none()
        return self.form.search(Article.objects.published().for_photo_teasers())

    def get_context_data(self, **kwargs):
        searched = self.form.is_valid()
        context = super().get_context_data(
            form=self.form,
            searched=searched,
            query=self.form.cleaned_data["q"] if searched else "",
            search_params=self.form.query_string() if searched else "",
            result_limit=SEARCH_RESULTS_LIMIT,
            **kwargs,
        )
        # Any change to any article may change what a search finds; the
        # form lists the municipalities.
        page_cache.shows(
            self.request,
            page_cache.list_key("search"),
            page_cache.list_key("municipalities"),
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
        if self.object.slug == STATEMENT_PAGE_SLUG:
            # The statement's fields and barriers, generated into the page.
            kwargs["statement"] = AccessibilityStatement.objects.prefetch_related(
                "barriers"
            ).first()
            page_cache.shows(
                self.request, page_cache.list_key("accessibility-statement")
            )
        return super().get_context_data(**kwargs)


def server_error(request, template_name="500.html"):
    """500 in the site's layout, rendered without database or request context
    processors, which may be what failed."""
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render(site_context()))


# A rendition's name is the hash of its content: whatever is cached under
# it never changes.
RENDITION_CACHE_CONTROL = "public, max-age=31536000, immutable"
DOWNLOAD_CACHE_CONTROL = "public, max-age=300"


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


def may_see_every_article(user):
    """Staff who work on articles get the files of drafts too (previews)."""
    return (
        user.is_active
        and user.is_staff
        and any(
            user.has_perm(f"articles.{permission}")
            for permission in ("view_article", "change_article")
        )
    )


def media_file(request, path):
    """An upload from MEDIA_ROOT, when the app serves media itself
    (DJANGO_SERVE_MEDIA): to readers only the renditions of photos that a
    published article shows, cached for a year, the downloads a published
    article offers, and the videos and captions of pages; originals, and the
    photos and files of hidden articles, only to staff (404 for everyone
    else)."""
    if path.startswith("downloads/"):
        return download_file(request, path)
    if not may_see_every_photo(request.user):
        is_page_video = (
            path.startswith("seiten/")
            and Page.objects.filter(Q(video=path) | Q(captions=path)).exists()
        )
        if not (is_page_video or Photo.objects.with_published_rendition(path).exists()):
            raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if path.startswith("renditions/"):
        response["Cache-Control"] = RENDITION_CACHE_CONTROL
    return response


def download_file(request, path):
    """A file of "Links und Downloads": to readers only while a published
    article offers it, to staff who work on articles always; saved under
    the title the editor gave it, never shown as a page."""
    downloads = ArticleAttachment.objects.filter(file=path)
    is_staff = may_see_every_article(request.user)
    if not is_staff:
        downloads = downloads.with_published_file(path)
    download = downloads.first()
    if download is None:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Disposition"] = content_disposition_header(
        True, download.download_name()
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Published files may be cached a while; whether a file stays readable
    # follows its article, so not for long, and staff's views not at all.
    # The article's key lets a purge (its article changed or went offline)
    # drop the file from the HTTP cache in front, as its page.
    if is_staff:
        response["Cache-Control"] = "private, no-store"
    else:
        response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
        response[settings.PAGE_CACHE_KEY_HEADER] = f"article-{download.article_id}"
    return response


# The longest text (the article's headline) the share page passes on.
SHARE_TEXT_MAX = 300


@method_decorator(never_cache, name="dispatch")
class MastodonShareView(TemplateView):
    """/teilen/mastodon/?url=…&text=…: asks the reader for their Mastodon
    instance and redirects to https://<instance>/share with the text and the
    link. Nothing loads from Mastodon until the reader submits; the link must
    be on this site, and the redirect only ever goes to /share on a host name
    that MastodonShareForm accepted (no open redirect)."""

    template_name = "articles/share_mastodon.html"

    def get(self, request, *args, **kwargs):
        link = self.own_link(request.GET.get("url", ""))
        text = request.GET.get("text", "")[:SHARE_TEXT_MAX]
        if link is None:
            return self.render_to_response(
                self.get_context_data(bad_link=True), status=400
            )
        form = MastodonShareForm(request.GET if "instance" in request.GET else None)
        if form.is_valid():
            message = f"{text}\n\n{link}" if text else link
            query = urlencode({"text": message})
            return HttpResponseRedirect(
                f"https://{form.cleaned_data['instance']}/share?{query}"
            )
        context = self.get_context_data(form=form, link=link, text=text)
        return self.render_to_response(context, status=400 if form.errors else 200)

    def own_link(self, url):
        """`url` as an absolute link if it is a path on this site (or an
        absolute URL on its address); else None."""
        if not url:
            return None
        parts = urlsplit(url)
        own = urlsplit(absolute_url("/", self.request))
        if parts.scheme or parts.netloc:
            if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
                return None
        if not parts.path.startswith("/") or parts.path.startswith("//"):
            return None
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return absolute_url(path, self.request)


FAVICON = settings.BASE_DIR / "static" / "img" / "favicon.ico"


def favicon(request):
    """/favicon.ico, where browsers and feed readers look for it whatever
    the page's <link rel="icon"> says; cached for a day."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
