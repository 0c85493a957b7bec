from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from .models import Article, Municipality, Tag


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
        ):
            raise Http404
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_queryset(self):
        return Article.objects.select_related(
            "municipality", "image_credit"
        ).prefetch_related("tags")

    def get_object(self, queryset=None):
        article = super().get_object(queryset)
        # The page links to itself; a fresh draft may have no URL name yet.
        article.slug = article.slug or f"entwurf-{article.pk}"
        return article


class ArticleListView(ListView):
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


class MunicipalityView(ArticleListView):
    """A municipality's page: its published articles, newest first."""

    template_name = "articles/municipality.html"

    def get_queryset(self):
        self.municipality = get_object_or_404(Municipality, slug=self.kwargs["slug"])
        return super().get_queryset().filter(municipality=self.municipality)

    def get_context_data(self, **kwargs):
        return super().get_context_data(municipality=self.municipality, **kwargs)
