"""Old URLs that keep working: the slug of a merged or renamed topic answers
with a permanent redirect to its successor, for the topic page and its feeds
alike; every URL name an article had answers with one to its current URL."""

from django.http import HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Article, ArticleRedirect, Tag, TagRedirect


def topic_redirect(request, slug, *, keep=()):
    """A 301 from the topic URL with the old `slug` to the same view (page or
    feed) of the tag it now belongs to, keeping the query parameters named in
    `keep`. 404 for a slug that never existed, and for a successor without
    published news, which must not reveal its name."""
    moved = get_object_or_404(
        TagRedirect.objects.filter(
            tag__in=Tag.objects.with_published_news()
        ).select_related("tag"),
        old_slug=slug,
    )
    view_name = request.resolver_match.view_name
    url = reverse(view_name, kwargs={"slug": moved.tag.slug})
    query = QueryDict(mutable=True)
    for name in keep:
        if name in request.GET:
            query[name] = request.GET[name]
    if query:
        url = f"{url}?{query.urlencode()}"
    return HttpResponsePermanentRedirect(url)


def article_redirect(request, slug):
    """A 301 from an article URL with a former `slug` to the article's current
    URL. 404 for a slug that never existed, and while the article is not
    published: readers learn nothing about drafts."""
    moved = get_object_or_404(
        ArticleRedirect.objects.filter(
            article__in=Article.objects.published()
        ).select_related("article"),
        old_slug=slug,
    )
    return HttpResponsePermanentRedirect(moved.article.get_absolute_url())
