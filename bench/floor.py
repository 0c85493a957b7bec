"""The floor: the article page as plain Django renders it, for bench/run.py.

A function view reading what the page shows the plain way (the article with
its municipality, credit and author; prefetched tags, links and downloads,
byline and correction notes; the dossiers; the sidebar: seven queries) into
the same template, under Django's default middleware; `cached/` wraps it in
Django's per-view cache_page. No page cache, no dependency keys, no
compression, no ETag."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.cache import cache_page

from articles.models import Article, Dossier
from newsroom.urls import urlpatterns as site_patterns


def article_page(request, slug):
    article = get_object_or_404(
        Article.objects.published()
        .select_related("municipality", "photo__credit", "author")
        .prefetch_related("tags", "attachments", "corrections")
        .with_byline(),
        slug=slug,
    )
    tag_ids = [tag.pk for tag in article.tags.all()]
    dossiers = (
        Dossier.objects.published()
        .filter(Q(entries__article=article) | Q(topic__in=tag_ids))
        .distinct()
        .only("title", "slug", "updated_at")
    )
    context = {"article": article, "object": article, "dossiers": list(dossiers)}
    context["related_articles"] = article.related()
    return render(request, "articles/article_detail.html", context)


urlpatterns = [
    path("floor/artikel/<slug:slug>/", article_page),
    path("floor/cached/artikel/<slug:slug>/", cache_page(600)(article_page)),
    *site_patterns,  # the layout links the site's pages
]
