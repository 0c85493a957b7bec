"""The moderators' screens: the tagging queue with bulk tag actions, the tag
vocabulary (rename, merge, delete) and the log of tag changes."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from ..forms import ArticleTaggingForm, TagMergeForm, TagsAddForm, TagsRemoveForm
from ..models import ArticleTagging, Tag, TagChange
from ..services import (
    article_tags_set,
    articles_tags_add,
    articles_tags_remove,
    tag_rename,
    tags_merge,
)
from .base import DateCheckedAdmin, render_action_form


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    fields = ["name", "slug"]
    # The slug follows the name; tag_rename() keeps the old URL redirecting.
    readonly_fields = ["slug"]
    actions = ["merge"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=Count("tagged_articles"))
        )

    @admin.display(description=_("Artikel"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            tag_rename(tag=obj, name=obj.name)
        else:
            super().save_model(request, obj, form, change)

    def render_delete_form(self, request, context):
        # TaggedArticle.tag is PROTECTed; say why in plain words.
        if context["protected"]:
            count = context["object"].tagged_articles.count()
            message = ngettext(
                "„%(name)s“ wird von %(count)d Artikel verwendet und kann nicht "
                "gelöscht werden. Führen Sie es stattdessen mit einem anderen "
                "Schlagwort zusammen.",
                "„%(name)s“ wird von %(count)d Artikeln verwendet und kann nicht "
                "gelöscht werden. Führen Sie es stattdessen mit einem anderen "
                "Schlagwort zusammen.",
                count,
            ) % {"name": context["object"], "count": count}
            self.message_user(request, message, messages.ERROR)
        return super().render_delete_form(request, context)

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(
            request
        )

    @admin.action(description=_("Zusammenführen"), permissions=["merge"])
    def merge(self, request, queryset):
        form = TagMergeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data["target"]
            if all(tag.pk == target.pk for tag in queryset):
                form.add_error(
                    "target",
                    gettext(
                        "Bitte ein anderes Schlagwort als die ausgewählten wählen."
                    ),
                )
            else:
                merged = tags_merge(sources=queryset, target=target, user=request.user)
                self.message_user(
                    request,
                    gettext("%(sources)s zusammengeführt in „%(target)s“.")
                    % {
                        "sources": ", ".join(f"„{tag}“" for tag in merged),
                        "target": target,
                    },
                    messages.SUCCESS,
                )
                return None
        return render_action_form(
            self,
            request,
            queryset,
            form=form,
            title=gettext("Schlagwörter zusammenführen"),
            submit=gettext("Zusammenführen"),
        )


# The page title, button and result message of each bulk tag action.
ADD_TAGS_TEXTS = {
    "title": _("Schlagwörter hinzufügen"),
    "submit": _("Hinzufügen"),
    "done": ngettext_lazy(
        "%(count)d Artikel verschlagwortet.",
        "%(count)d Artikel verschlagwortet.",
        "count",
    ),
}
REMOVE_TAGS_TEXTS = {
    "title": _("Schlagwörter entfernen"),
    "submit": _("Entfernen"),
    "done": ngettext_lazy(
        "Schlagwörter von %(count)d Artikel entfernt.",
        "Schlagwörter von %(count)d Artikeln entfernt.",
        "count",
    ),
}


class TaggingQueueFilter(admin.SimpleListFilter):
    """Opens on the queue (untagged or marked articles); "Alle" shows all."""

    title = _("Warteschlange")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("open", _("Braucht Schlagwörter")), ("all", _("Alle Artikel"))]

    def value(self):
        return super().value() or "open"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.needing_tags()
        return queryset


@admin.register(ArticleTagging)
class ArticleTaggingAdmin(admin.ModelAdmin):
    """Moderators' screen: the tagging queue, bulk tag actions, and a change
    form on which only the tags can be edited."""

    form = ArticleTaggingForm

    class Media:
        css = {"all": ["articles/css/admin.css"]}  # focus, breadcrumbs

    list_display = [
        "title",
        "kicker",
        "status",
        "published_at",
        "tag_list",
        "needs_tags",
    ]
    list_filter = [TaggingQueueFilter, "status"]
    search_fields = ["kicker", "title", "lead"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    fields = [
        "preview_link",
        "kicker",
        "title",
        "lead",
        "body_text",
        "status",
        "published_at",
        "tags",
        "tag_history",
    ]
    readonly_fields = [
        "preview_link",
        "kicker",
        "title",
        "lead",
        "body_text",
        "status",
        "published_at",
        "tag_history",
    ]
    actions = ["add_tags", "remove_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Schlagwörter"))
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description=_("Text"))
    def body_text(self, obj):
        # The body as cleaned on save (articles.text.clean_body), read-only.
        return format_html('<div class="article-body">{}</div>', mark_safe(obj.body))

    @admin.display(description=_("Vorschau"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("articles:preview", args=[obj.pk]),
            _("Vorschau öffnen (wie Leser sie sehen)"),
        )

    def get_view_on_site_url(self, obj=None):
        """The preview until the article is published (never a 404)."""
        if obj is not None and not obj.is_published:
            return reverse("articles:preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    @admin.display(description=_("Protokoll der Schlagwörter"))
    def tag_history(self, obj):
        changes = obj.tag_changes.select_related("user")[:20]
        if not changes:
            return gettext("Noch keine Änderungen.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} {}: {}</li>",
                (
                    (
                        date_format(localtime(change.created_at), "d.m.Y H:i"),
                        change.user or "–",
                        change.summary,
                    )
                    for change in changes
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        """Nothing: the article row is never written here, only its tags."""

    def save_related(self, request, form, formsets, change):
        article_tags_set(
            article=form.instance, names=form.cleaned_data["tags"], user=request.user
        )

    @admin.action(description=_("Schlagwörter hinzufügen"), permissions=["change"])
    def add_tags(self, request, queryset):
        form = TagsAddForm(request.POST if "apply" in request.POST else None)

        def apply(data):
            return articles_tags_add(
                articles=queryset, names=data["tags"], user=request.user
            )

        return self.change_tags(request, queryset, form, apply, **ADD_TAGS_TEXTS)

    @admin.action(description=_("Schlagwörter entfernen"), permissions=["change"])
    def remove_tags(self, request, queryset):
        posted = request.POST if "apply" in request.POST else None
        form = TagsRemoveForm(posted, articles=queryset)

        def apply(data):
            return articles_tags_remove(
                articles=queryset, tags=data["tags"], user=request.user
            )

        return self.change_tags(request, queryset, form, apply, **REMOVE_TAGS_TEXTS)

    def change_tags(self, request, queryset, form, apply, *, done, title, submit):
        """A bulk tag action: its intermediate form until it is valid, then
        the service call `apply`, which returns the number of changed
        articles, and the message `done` with that count."""
        if not form.is_valid():
            return render_action_form(
                self, request, queryset, form=form, title=title, submit=submit
            )
        changed = apply(form.cleaned_data)
        message = done % {"count": changed}
        self.message_user(request, message, messages.SUCCESS)
        return None


@admin.register(TagChange)
class TagChangeAdmin(DateCheckedAdmin, admin.ModelAdmin):
    """The log of tag changes: read-only, for editors."""

    list_display = ["created_at", "article", "user", "added_names", "removed_names"]
    list_filter = [
        ("user", admin.RelatedOnlyFieldListFilter),
        ("article", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["article", "user"]
    search_fields = ["article__title"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("hinzugefügt"))
    def added_names(self, obj):
        return ", ".join(obj.added)

    @admin.display(description=_("entfernt"))
    def removed_names(self, obj):
        return ", ".join(obj.removed)
