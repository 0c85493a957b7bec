"""The photo library: every photo once, found by caption, alt text or credit,
with a thumbnail; a photo that an article shows cannot be deleted."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Photo
from .base import UploadProgressAdmin, VersionedAdmin


@admin.register(Photo)
class PhotoAdmin(UploadProgressAdmin, VersionedAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "alt_text",
        "credit",
        "uploaded_at",
        "uploaded_by",
        "article_count",
    ]
    list_display_links = ["thumbnail", "__str__"]
    list_select_related = ["credit", "uploaded_by"]
    list_filter = ["uploaded_at"]
    search_fields = ["caption", "alt_text", "credit__creator", "credit__source"]
    date_hierarchy = "uploaded_at"
    autocomplete_fields = ["credit"]
    readonly_fields = ["preview", "uploaded_at", "uploaded_by"]
    fields = [
        "preview",
        "image",
        "alt_text",
        "caption",
        "credit",
        "focal_x",
        "focal_y",
        "uploaded_at",
        "uploaded_by",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(Count("articles"))

    @admin.display(description=_("Vorschau"))
    def thumbnail(self, obj):
        if not obj.thumbnail_url:
            return "–"
        return format_html(
            '<img src="{}" alt="{}" width="120">', obj.thumbnail_url, obj.alt_text
        )

    class Media:
        # The focal point picker; a new photo's upload shows its progress.
        js = ["js/focal_point.js", "js/upload_progress.js"]
        css = {"all": ["css/focal_point.css"]}

    @admin.display(description=_("Foto und Fokuspunkt"))
    def preview(self, obj):
        """The photo; a click on it sets the focal point (the part that every
        crop keeps in view)."""
        url = obj.renditions.get("src") if obj.pk else ""
        if not url:
            return _("Nach dem ersten Speichern verfügbar.")
        return format_html(
            '<div class="focal-point" data-focal-point>'
            '<img src="{}" alt="{}" width="600">'
            '<span class="focal-point-mark" hidden></span></div>'
            '<p class="help">{}</p>',
            url,
            obj.alt_text,
            _(
                "Auf das Motiv klicken, um den Fokuspunkt zu setzen: Zuschnitte "
                "in 16:9, 4:3 und 1:1 behalten ihn im Bild."
            ),
        )

    @admin.display(description=_("Artikel"), ordering="articles__count")
    def article_count(self, obj):
        return obj.articles__count

    def save_model(self, request, obj, form, change):
        if not obj.uploaded_by_id and not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
