"""Authors as readers see them in bylines, and the correction notes of
articles. Editors pick authors in the article form; here they keep the
authors' names, photos and bios, and fix the wording of a correction note."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..forms import PhotoRawIdWidget
from ..models import Author, Correction
from .base import VersionedAdmin


@admin.register(Author)
class AuthorAdmin(VersionedAdmin):
    list_display = ["name", "slug", "user", "article_count", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "photo", "bio", "user"]

    def get_queryset(self, request):
        # GROUP BY drops Meta.ordering: name it again.
        return (
            super()
            .get_queryset(request)
            .annotate(Count("bylines"))
            .order_by("name", "pk")
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["widget"] = PhotoRawIdWidget(db_field.remote_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":  # the newsroom's accounts only
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("Artikel"), ordering="bylines__count")
    def article_count(self, obj):
        return obj.bylines__count


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Correction notes are added in the article form; here their wording
    can be fixed. Only administrators delete one (not granted to editors)."""

    list_display = ["article", "created_at", "text", "created_by"]
    list_select_related = ["article", "created_by"]
    search_fields = ["text", "article__title"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["article"]
    readonly_fields = ["created_by"]
    fields = ["article", "text", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a note stays with its article
            return [*self.readonly_fields, "article"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
