import reversion
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from js_asset.media import Media
from reversion_compare.admin import CompareVersionAdmin
from taggit.models import Tag as UnusedTaggitTag

from .forms import (
    ArticleAdminForm,
    ArticleTaggingForm,
    TagMergeForm,
    TagsAddForm,
    TagsRemoveForm,
)
from .models import (
    Article,
    ArticleStatus,
    ArticleTagging,
    ImageCredit,
    Municipality,
    Page,
    Tag,
    TagChange,
)
from .services import (
    article_tags_set,
    articles_tags_add,
    articles_tags_remove,
    tag_merge,
    tag_rename,
)

# Editors type "essen.de"; read it as https, the scheme Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}

# Our tags are articles.Tag; taggit's own admin would offer an empty table
# and a "merge-tags" page that checks no permission at all.
admin.site.unregister(UnusedTaggitTag)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    @admin.action(description=_("Abgelaufene Fehlversuche löschen"))
    def cleanup_expired_attempts(self, request, queryset):
        # django-axes 8.3 reads the request's attempt time, which only its
        # login handlers set: without it the action fails with a 500.
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)


class VersionedAdmin(CompareVersionAdmin):
    """Versions and their comparison, for those who may see the objects."""

    def compare_view(self, request, object_id, extra_context=None):
        # django-reversion-compare checks no permission of its own here.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)


@admin.register(Municipality)
class MunicipalityAdmin(VersionedAdmin):
    list_display = ["name", "kind", "federal_state", "ags", "population"]
    list_filter = ["kind", "federal_state"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


@admin.register(ImageCredit)
class ImageCreditAdmin(VersionedAdmin):
    list_display = ["__str__", "creator", "source", "licence"]
    search_fields = ["creator", "source"]
    formfield_overrides = HTTPS_URLS


def render_action_form(modeladmin, request, queryset, *, form, title, submit):
    """The intermediate page of an admin action: the selected objects, a
    form, and the hidden fields that bring the selection back."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "objects": queryset,
        "form": form,
        "action": request.POST["action"],
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "submit": submit,
    }
    return TemplateResponse(request, "admin/articles/action_form.html", context)


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
            sources = [tag for tag in queryset if tag.pk != target.pk]
            if not sources:
                form.add_error(
                    "target",
                    gettext(
                        "Bitte ein anderes Schlagwort als die ausgewählten wählen."
                    ),
                )
            else:
                with transaction.atomic():  # all sources or none
                    for source in sources:
                        tag_merge(source=source, target=target, user=request.user)
                self.message_user(
                    request,
                    gettext("%(sources)s zusammengeführt in „%(target)s“.")
                    % {
                        "sources": ", ".join(f"„{tag}“" for tag in sources),
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
    fields = ["kicker", "title", "status", "published_at", "tags", "tag_history"]
    readonly_fields = ["kicker", "title", "status", "published_at", "tag_history"]
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
        return self.change_tags(
            request,
            queryset,
            form=TagsAddForm(request.POST if "apply" in request.POST else None),
            apply=lambda data: articles_tags_add(
                articles=queryset, names=data["tags"], user=request.user
            ),
            done=lambda count: ngettext(
                "%(count)d Artikel verschlagwortet.",
                "%(count)d Artikel verschlagwortet.",
                count,
            ),
            title=gettext("Schlagwörter hinzufügen"),
            submit=gettext("Hinzufügen"),
        )

    @admin.action(description=_("Schlagwörter entfernen"), permissions=["change"])
    def remove_tags(self, request, queryset):
        return self.change_tags(
            request,
            queryset,
            form=TagsRemoveForm(
                request.POST if "apply" in request.POST else None, articles=queryset
            ),
            apply=lambda data: articles_tags_remove(
                articles=queryset, tags=data["tags"], user=request.user
            ),
            done=lambda count: ngettext(
                "Schlagwörter von %(count)d Artikel entfernt.",
                "Schlagwörter von %(count)d Artikeln entfernt.",
                count,
            ),
            title=gettext("Schlagwörter entfernen"),
            submit=gettext("Entfernen"),
        )

    def change_tags(self, request, queryset, *, form, apply, done, title, submit):
        """A bulk tag action: its intermediate form until it is valid, then
        the service call `apply` and the message `done(count)` for the number
        of changed articles."""
        if not form.is_valid():
            return render_action_form(
                self, request, queryset, form=form, title=title, submit=submit
            )
        changed = apply(form.cleaned_data)
        message = done(changed) % {"count": changed}
        self.message_user(request, message, messages.SUCCESS)
        return None


@admin.register(TagChange)
class TagChangeAdmin(admin.ModelAdmin):
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


class StatusFilter(admin.SimpleListFilter):
    """The workflow statuses, with "geplant" and "abgelaufen" split off
    from "Veröffentlicht" as the editors see them."""

    title = _("Status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (ArticleStatus.DRAFT, ArticleStatus.DRAFT.label),
            (ArticleStatus.REVIEW, ArticleStatus.REVIEW.label),
            ("scheduled", _("geplant")),
            (ArticleStatus.PUBLISHED, _("online")),
            ("expired", _("abgelaufen")),
            (ArticleStatus.ARCHIVED, ArticleStatus.ARCHIVED.label),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "scheduled":
                return queryset.scheduled()
            case "expired":
                return queryset.expired()
            case ArticleStatus.PUBLISHED:
                return queryset.published()
            case None:
                return queryset
            case status:
                return queryset.filter(status=status)


@admin.register(Article)
class ArticleAdmin(VersionedAdmin):
    form = ArticleAdminForm
    list_display = [
        "kicker",
        "title",
        "municipality",
        "status_label",
        "published_on",
        "tag_list",
    ]
    list_display_links = ["kicker", "title"]
    list_filter = [
        StatusFilter,
        "municipality",
        "municipality__federal_state",
        "tags",
    ]
    list_select_related = ["municipality"]
    search_fields = ["kicker", "title", "lead"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipality", "image_credit"]
    readonly_fields = [
        "preview_link",
        "author",
        "last_editor",
        "created_at",
        "updated_at",
    ]
    actions = ["publish_now", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "preview_link",
                    "municipality",
                    "kicker",
                    "title",
                    "slug",
                    "lead",
                    "body",
                ]
            },
        ),
        (_("Foto"), {"fields": ["image", "alt_text", "caption", "image_credit"]}),
        (
            _("Veröffentlichung"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "unpublish_at",
                    "tags",
                    "needs_tags",
                ]
            },
        ),
        (
            _("Protokoll"),
            {
                "classes": ["collapse"],
                "fields": [
                    "author",
                    "last_editor",
                    "created_at",
                    "updated_at",
                    "opened_version",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("Status"), ordering="status")
    def status_label(self, obj):
        if obj.is_scheduled:
            return _("geplant")
        if obj.is_expired:
            return _("abgelaufen")
        return obj.get_status_display()

    @admin.display(description=_("veröffentlicht am"), ordering="published_at")
    def published_on(self, obj):
        if obj.published_at is None:
            return None
        return timezone.localtime(obj.published_at).strftime("%d.%m.%Y %H:%M")

    @admin.display(description=_("Schlagwörter"))
    def tag_list(self, obj):
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.display(description=_("Vorschau"))
    def preview_link(self, obj):
        if not obj.pk:
            return _("Nach dem ersten Speichern verfügbar.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("articles:preview", args=[obj.pk]),
            _("Vorschau öffnen (wie Leser sie sehen)"),
        )

    def get_view_on_site_url(self, obj=None):
        """Readers' page once published; until then the preview, which also
        works for a draft that has no URL name yet."""
        if obj is not None and not obj.is_published:
            return reverse("articles:preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor's import map is an inline script: give it this
        # response's CSP nonce, which Django 5.2's admin does not do itself.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        # Tags go through the service so that editors' changes are logged too.
        names = form.cleaned_data.pop("tags", None)
        super().save_related(request, form, formsets, change)
        if names is not None:
            article_tags_set(
                article=form.instance,
                names=names,
                user=request.user,
                clear_needs_tags=False,
            )

    def save_model(self, request, obj, form, change):
        if not obj.author_id:
            obj.author = request.user
        obj.last_editor = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Jetzt veröffentlichen"), permissions=["change"])
    def publish_now(self, request, queryset):
        self.apply_to_each(
            request,
            queryset,
            lambda article: article.publish(),
            _("%(count)s Artikel veröffentlicht."),
            _("„%(title)s“ wurde nicht veröffentlicht: %(errors)s"),
        )

    @admin.action(
        description=_("Zurückziehen (wieder Entwurf)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self.apply_to_each(
            request,
            queryset,
            lambda article: article.unpublish(),
            _("%(count)s Artikel zurückgezogen."),
            _("„%(title)s“ wurde nicht zurückgezogen: %(errors)s"),
        )

    def apply_to_each(self, request, queryset, change, done, refused):
        """Run `change` per article; report what the model refused instead of
        failing the whole batch. VersionAdmin's changelist_view already wraps
        the action in one revision with the user; we name it."""
        count = 0
        for article in queryset:
            article.last_editor = request.user
            try:
                with transaction.atomic():
                    change(article)
            except ValidationError as error:
                reasons = " ".join(
                    message
                    for field_messages in error.message_dict.values()
                    for message in field_messages
                )
                title = article.title or f"#{article.pk}"
                self.message_user(
                    request,
                    refused % {"title": title, "errors": reasons},
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            summary = done % {"count": count}
            reversion.set_comment(summary)
            self.message_user(request, summary, messages.SUCCESS)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
