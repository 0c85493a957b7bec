from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Article, ImageCredit, Municipality, Page, Tag

# Editors type "essen.de"; read it as https, the scheme Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "federal_state", "ags", "population"]
    list_filter = ["kind", "federal_state"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


@admin.register(ImageCredit)
class ImageCreditAdmin(admin.ModelAdmin):
    list_display = ["__str__", "creator", "source", "licence"]
    search_fields = ["creator", "source"]
    formfield_overrides = HTTPS_URLS


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kicker",
        "municipality",
        "status",
        "is_published",
        "published_at",
        "tag_list",
    ]
    list_filter = ["status", "municipality__federal_state", "municipality", "tags"]
    list_select_related = ["municipality"]
    search_fields = ["kicker", "title", "lead"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["municipality", "image_credit"]
    readonly_fields = ["author", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["municipality", "kicker", "title", "slug", "lead", "body"]}),
        (_("Foto"), {"fields": ["image", "alt_text", "caption", "image_credit"]}),
        (_("Veröffentlichung"), {"fields": ["status", "published_at", "tags"]}),
        (
            _("Protokoll"),
            {"classes": ["collapse"], "fields": ["author", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(boolean=True, description=_("online"))
    def is_published(self, obj):
        return obj.is_published

    @admin.display(description=_("Schlagwörter"))
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    def save_model(self, request, obj, form, change):
        if not obj.author_id:
            obj.author = request.user
        super().save_model(request, obj, form, change)


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
