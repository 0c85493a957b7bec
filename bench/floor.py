"""The floor: the article page as plain Django renders it, for bench/run.py.

A function view with the same queries (the article with its municipality,
credit, author and tags; the sidebar) and the same template, under Django's
default middleware; `cached/` wraps it in Django's per-view cache_page. No
page cache, no dependency keys, no compression, no ETag."""

from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.cache import cache_page

from articles.models import Article
from newsroom.urls import urlpatterns as site_patterns


def article_page(request, slug):
    article = get_object_or_404(
        Article.objects.published()
        .select_related("municipality", "photo__credit", "author")
        .prefetch_related("tags"),
        slug=slug,
    )
    context = {"article": article, "object": article}
    context["related_articles"] = article.related()
    return render(request, "articles/article_detail.html", context)


urlpatterns = [
    path("floor/artikel/<slug:slug>/", article_page),
    path("floor/cached/artikel/<slug:slug>/", cache_page(600)(article_page)),
    *site_patterns,  # the layout links the site's pages
]
