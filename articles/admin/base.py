"""What several admin screens share: versions with a permission check, the
intermediate page of bulk actions, and https as the scheme editors mean."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from reversion_compare.admin import CompareVersionAdmin

# Editors type "essen.de"; read it as https, the scheme Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class VersionedAdmin(CompareVersionAdmin):
    """Versions and their comparison, for those who may see the objects."""

    def compare_view(self, request, object_id, extra_context=None):
        # django-reversion-compare checks no permission of its own here.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)


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
