"""Dossiers ("Schwerpunkte"): title, introduction, photo and topic, with the
articles editors pick in their order."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Dossier, DossierEntry


class DossierEntryInline(admin.TabularInline):
    model = DossierEntry
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["position", "article"]
    ordering = ["position", "pk"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "is_published", "entry_count", "updated_at"]
    list_filter = ["is_published", "topic"]
    list_select_related = ["topic"]
    search_fields = ["title", "introduction"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topic"]
    raw_id_fields = ["photo"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "title",
        "slug",
        "introduction",
        "photo",
        "topic",
        "is_published",
        "created_at",
        "updated_at",
    ]
    inlines = [DossierEntryInline]

    class Media:
        # Pre-fills the URL name as the server would (German umlauts).
        js = ["admin/js/urlify.js", "articles/js/german_slug.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(Count("entries"))

    @admin.display(description=_("ausgewählte Artikel"), ordering="entries__count")
    def entry_count(self, obj):
        return obj.entries__count
