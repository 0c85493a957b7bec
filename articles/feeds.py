"""RSS 2.0 and Atom feeds: all news, one municipality's, one federal
state's, one topic's, one author's, one dossier's.

Each feed costs a fixed number of queries: the feed's object (if any), the
latest articles with their photo, and their tags and bylines in one
prefetch each."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import page_cache
from .models import Article, Author, Dossier, Municipality, State, Tag
from .redirects import topic_redirect
from .site_url import SiteRequest, absolute_url
from .text import xml_text

FEED_LENGTH = 50


class LatestArticlesFeed(Feed):
    """The latest published articles of the whole site, as RSS 2.0."""

    def title(self):
        return _("%(site)s: Aktuelle Meldungen") % {"site": settings.SITE_NAME}

    def description(self):
        return _("Die neuesten Meldungen von %(site)s.") % {"site": settings.SITE_NAME}

    def subtitle(self):  # Atom's name for the description
        return self.description()

    def link(self):
        return reverse("articles:index")

    def author_name(self):  # Atom requires an author for the feed (RFC 4287)
        return settings.SITE_NAME

    def articles(self, obj):
        """The published articles this feed is about; subclasses narrow it."""
        return Article.objects.published()

    def list_keys(self, obj):
        """The page cache's keys of what this feed is about."""
        return [page_cache.list_key("articles")]

    def items(self, obj):
        return (
            self.articles(obj)
            .select_related("photo")
            .prefetch_related("tags")
            .with_byline()
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def get_feed(self, obj, request):
        # Links on NEWSROOM_SITE_URL, not on the Host the request named.
        feed = super().get_feed(obj, SiteRequest(request))
        # Titles, names and tags are editors' text: drop what XML cannot carry.
        for fields in [feed.feed, *feed.items]:
            for key, value in fields.items():
                if isinstance(value, str):
                    fields[key] = xml_text(value)
                elif isinstance(value, (list, tuple)):
                    fields[key] = [
                        xml_text(part) if isinstance(part, str) else part
                        for part in value
                    ]
        keys = set(self.list_keys(obj))
        for item in feed.items:
            keys.update(item.pop("page_cache_keys"))
        page_cache.shows(request, *keys)
        # Feed readers need absolute photo URLs; media may be served from this
        # host (relative MEDIA_URL) or from object storage (already absolute).
        for item in feed.items:
            for enclosure in item["enclosures"]:
                enclosure.url = absolute_url(enclosure.url, request)
            if item.get("author_link"):  # the author's page
                item["author_link"] = absolute_url(item["author_link"], request)
        return feed

    # RSS readers treat titles and descriptions as HTML (Django #6533), as
    # does Atom's <summary type="html">; Atom titles are plain text. Escaping
    # the editor's plain text shows "<" or "&" as written.
    def plain_text(self, text):
        """Editors' text in a title or description: escaped for RSS, whose
        readers treat both as HTML; as is for Atom, whose titles are text."""
        return text if issubclass(self.feed_type, Atom1Feed) else escape(text)

    def item_extra_kwargs(self, item):
        # What the item shows, collected by get_feed() for the page cache.
        shown = [item, *item.tags.all(), *item.byline_authors()]
        if item.photo_id:
            shown.append(item.photo)
        return {"page_cache_keys": [page_cache.object_key(row) for row in shown]}

    def item_title(self, item):
        # The label ("Anzeige: …") leads the title: feed readers show no
        # categories in their lists, and an advertisement must be seen as one.
        title = f"{item.kicker}: {item.title}"
        if item.label:
            title = f"{item.label}: {title}"
        return self.plain_text(title)

    def item_description(self, item):
        return escape(item.lead)

    def item_author_name(self, item):
        """The byline: "Anna Berger, Jonas Weber" and/or the agency."""
        names = [author.name for author in item.byline_authors()]
        if item.agency:
            names.append(item.agency)
        return ", ".join(names) or None

    def item_author_link(self, item):
        authors = item.byline_authors()
        return authors[0].get_absolute_url() if authors else None

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # Atom's <updated>: the last change the newsroom calls substantive.
        return item.modified_for_readers

    def item_categories(self, item):
        labels = [str(item.label)] if item.label else []
        return labels + [tag.name for tag in item.tags.all()]

    def item_enclosure_url(self, item):
        # The widest JPEG rendition: readers never get the original.
        if item.photo_id and item.photo.renditions.get("src"):
            return item.photo.renditions["src"]
        return None

    def item_enclosure_length(self, item):
        # 0 is RSS practice for "unknown" (renditions made before their
        # size was recorded).
        return item.photo.renditions.get("src_size", 0)

    def item_enclosure_mime_type(self, item):
        return "image/jpeg"


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed


class NewsAboutFeed(LatestArticlesFeed):
    """The published articles about one object (a municipality, a topic),
    named in the feed's title and description by `name(obj)`."""

    title_text = None  # with %(site)s and %(name)s
    description_text = None  # with %(name)s

    def title(self, obj):
        return self.title_text % {
            "site": settings.SITE_NAME,
            "name": self.plain_text(obj.name),
        }

    def description(self, obj):
        return self.description_text % {"name": self.plain_text(obj.name)}

    def subtitle(self, obj):
        return self.description(obj)

    def link(self, obj):
        return obj.get_absolute_url()


class MunicipalityArticlesFeed(NewsAboutFeed):
    """One municipality's published articles; an unknown slug is a 404."""

    title_text = gettext_lazy("%(site)s: Meldungen aus %(name)s")
    description_text = gettext_lazy("Die neuesten Meldungen aus %(name)s.")

    def get_object(self, request, slug):
        return get_object_or_404(Municipality, slug=slug)

    def articles(self, obj):
        return Article.objects.published().filter(municipality=obj)

    def list_keys(self, obj):
        return [page_cache.list_key("municipality", obj.pk), page_cache.object_key(obj)]


class MunicipalityArticlesAtomFeed(MunicipalityArticlesFeed):
    feed_type = Atom1Feed


class StateArticlesFeed(NewsAboutFeed):
    """The published articles of all municipalities of one federal state;
    an unknown slug is a 404."""

    title_text = gettext_lazy("%(site)s: Meldungen aus %(name)s")
    description_text = gettext_lazy("Die neuesten Meldungen aus %(name)s.")

    def get_object(self, request, slug):
        state = State.from_slug(slug)
        if state is None:
            raise Http404(_("Dieses Bundesland gibt es nicht."))
        return state

    def articles(self, obj):
        return Article.objects.published().in_state(obj.code)

    def list_keys(self, obj):
        return [page_cache.list_key("state", obj.code)]


class StateArticlesAtomFeed(StateArticlesFeed):
    feed_type = Atom1Feed


class TopicArticlesFeed(NewsAboutFeed):
    """One topic's published articles; an unknown slug, or a tag without
    published articles, is a 404."""

    title_text = gettext_lazy("%(site)s: Thema %(name)s")
    description_text = gettext_lazy("Die neuesten Meldungen zum Thema %(name)s.")

    def __call__(self, request, *args, **kwargs):
        # Subscribers keep a merged or renamed topic's feed: 301 to the new
        # slug, like the topic page. Looked up only when the slug is unknown.
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            return topic_redirect(request, kwargs["slug"])

    def get_object(self, request, slug):
        return get_object_or_404(Tag.objects.with_published_news(), slug=slug)

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)

    def list_keys(self, obj):
        return [page_cache.list_key("tag", obj.pk), page_cache.object_key(obj)]


class TopicArticlesAtomFeed(TopicArticlesFeed):
    feed_type = Atom1Feed


class AuthorArticlesFeed(NewsAboutFeed):
    """One author's published articles; an unknown slug, or an author
    without published articles, is a 404 (as the author's page)."""

    title_text = gettext_lazy("%(site)s: Meldungen von %(name)s")
    description_text = gettext_lazy("Die neuesten Meldungen von %(name)s.")

    def get_object(self, request, slug):
        return get_object_or_404(Author.objects.with_published_news(), slug=slug)

    def articles(self, obj):
        return Article.objects.published().filter(bylines__author=obj)

    def list_keys(self, obj):
        return [page_cache.list_key("author", obj.pk), page_cache.object_key(obj)]


class AuthorArticlesAtomFeed(AuthorArticlesFeed):
    feed_type = Atom1Feed


class DossierArticlesFeed(NewsAboutFeed):
    """A published dossier's articles, picked by hand or on its topic,
    newest first; an unknown or unpublished dossier is a 404."""

    title_text = gettext_lazy("%(site)s: Schwerpunkt %(name)s")
    description_text = gettext_lazy("Die neuesten Meldungen im Schwerpunkt %(name)s.")

    def get_object(self, request, slug):
        return get_object_or_404(Dossier.objects.published(), slug=slug)

    def title(self, obj):
        return self.title_text % {
            "site": settings.SITE_NAME,
            "name": self.plain_text(obj.title),
        }

    def description(self, obj):
        return self.description_text % {"name": self.plain_text(obj.title)}

    def articles(self, obj):
        return obj.feed_articles()

    def list_keys(self, obj):
        keys = [page_cache.object_key(obj), page_cache.list_key("dossier", obj.pk)]
        if obj.topic_id:
            keys.append(page_cache.list_key("tag", obj.topic_id))
        return keys


class DossierArticlesAtomFeed(DossierArticlesFeed):
    feed_type = Atom1Feed
