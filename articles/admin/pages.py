"""Pages editors fill in: Impressum, Datenschutz, Barrierefreiheit, Leichte
Sprache, Gebärdensprache; and the accessibility statement's fields."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import AccessibilityBarrier, AccessibilityStatement, Page
from .base import HTTPS_URLS


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["title", "slug", "body"]}),
        (
            _("Video"),
            {"classes": ["collapse"], "fields": ["video", "captions", "video_url"]},
        ),
    ]


class AccessibilityBarrierInline(admin.StackedInline):
    model = AccessibilityBarrier
    extra = 1
    fields = ["description", "alternative", "position"]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(admin.ModelAdmin):
    """The statement's fields; /seite/barrierefreiheit/ shows them. There is
    one statement (the migration creates it): it is edited, never added or
    deleted (and asking whether it exists would cost every admin page a
    query)."""

    list_display = ["__str__", "status", "reviewed_on", "updated_at"]
    inlines = [AccessibilityBarrierInline]
    formfield_overrides = HTTPS_URLS
    fieldsets = [
        (None, {"fields": ["status", "created_on", "reviewed_on", "review_method"]}),
        (
            _("Kontakt für Rückmeldungen"),
            {"fields": ["contact_email", "contact_phone", "contact_address"]},
        ),
        (
            _("Durchsetzungsverfahren"),
            {"fields": ["arbitration_name", "arbitration_url"]},
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
