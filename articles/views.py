from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .cache import CachedCountMixin
from .models import Article, Tag


class ArticleDetailView(DetailView):
    """An article as readers see it; drafts and scheduled articles are 404."""

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("municipality", "image_credit")
            .prefetch_related("tags")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_articles"] = self.object.related()
        return context


class ArticleListView(CachedCountMixin, ListView):
    """Home: the latest published articles as teasers."""

    paginate_by = 20
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_teasers()


class TopicView(ArticleListView):
    """A topic page: published articles with one tag, newest first."""

    template_name = "articles/topic.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)
