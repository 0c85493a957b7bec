import reversion
from django.contrib import admin
from django.contrib import messages as django_messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion_compare.admin import CompareVersionAdmin

from .forms import ArticleAdminForm
from .models import Article, ArticleStatus, ImageCredit, Municipality, Tag

# Editors type "essen.de"; read it as https, the scheme Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Municipality)
class MunicipalityAdmin(CompareVersionAdmin):
    list_display = ["name", "kind", "federal_state", "ags", "population"]
    list_filter = ["kind", "federal_state"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


@admin.register(ImageCredit)
class ImageCreditAdmin(CompareVersionAdmin):
    list_display = ["__str__", "creator", "source", "licence"]
    search_fields = ["creator", "source"]
    formfield_overrides = HTTPS_URLS


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


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
class ArticleAdmin(CompareVersionAdmin):
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
            {"fields": ["status", "published_at", "unpublish_at", "tags"]},
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
                    for messages in error.message_dict.values()
                    for message in messages
                )
                title = article.title or f"#{article.pk}"
                self.message_user(
                    request,
                    refused % {"title": title, "errors": reasons},
                    django_messages.ERROR,
                )
            else:
                count += 1
        if count:
            summary = done % {"count": count}
            reversion.set_comment(summary)
            self.message_user(request, summary, django_messages.SUCCESS)
