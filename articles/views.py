from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, Municipality, Tag, TagRedirect


class ArticleDetailView(DetailView):
    """An article as readers see it; drafts and scheduled articles are 404."""

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("municipality", "image_credit", "author")
            .prefetch_related("tags")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_articles"] = self.object.related()
        return context


class ArticleListView(ListView):
    """Home: the latest published articles as teasers."""

    paginate_by = 20
    template_name = "articles/article_list.html"

    def get_queryset(self):
        return Article.objects.published().for_teasers()


class TopicView(ArticleListView):
    """A topic page: published articles with one tag, newest first. The slug
    of a merged or renamed tag redirects permanently to its successor."""

    template_name = "articles/topic.html"

    def get(self, request, *args, **kwargs):
        self.tag = Tag.objects.filter(slug=kwargs["slug"]).first()
        if self.tag is None:
            moved = get_object_or_404(
                TagRedirect.objects.select_related("tag"), old_slug=kwargs["slug"]
            )
            url = moved.tag.get_absolute_url()
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
            return HttpResponsePermanentRedirect(url)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class MunicipalityView(ArticleListView):
    """A municipality's page: its published articles, newest first."""

    template_name = "articles/municipality.html"

    def get_queryset(self):
        self.municipality = get_object_or_404(Municipality, slug=self.kwargs["slug"])
        return super().get_queryset().filter(municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(municipality=self.municipality, **kwargs)
