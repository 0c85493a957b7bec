"""What several admin screens share: versions with a permission check, the
intermediate page of bulk actions, date filters that refuse impossible
dates, and https as the scheme editors mean."""

from datetime import MAXYEAR, MINYEAR, datetime

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from reversion_compare.admin import CompareVersionAdmin

# Editors type "essen.de"; read it as https, the scheme Django 6 will assume.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class DateCheckedChangeList(ChangeList):
    """A list whose date hierarchy (?published_at__year=…) takes only dates
    whose day, month or year can be bounded: Django computes the next year
    of 9999, or the UTC time of midnight in year 1, and answers 500."""

    def get_filters(self, request):
        if self.date_hierarchy and not self.has_valid_date(request):
            messages.warning(
                request,
                gettext(
                    "Dieses Datum kann der Filter nicht zeigen (Jahre %(first)s "
                    "bis %(last)s); die Liste zeigt wieder alle Einträge."
                )
                % {"first": MINYEAR + 1, "last": MAXYEAR - 1},
            )
            # The admin answers with a redirect to the unfiltered list.
            raise IncorrectLookupParameters
        return super().get_filters(request)

    def has_valid_date(self, request):
        parts = [
            request.GET.getlist(f"{self.date_hierarchy}__{part}")
            for part in ("year", "month", "day")
        ]
        if not parts[0]:
            return True  # no date chosen
        try:
            year, month, day = (int(values[-1]) if values else 1 for values in parts)
            datetime(year, month, day)
        except ValueError:
            return False
        return MINYEAR < year < MAXYEAR


class DateCheckedAdmin:
    """Admin screens with a date_hierarchy: see DateCheckedChangeList."""

    def get_changelist(self, request, **kwargs):
        return DateCheckedChangeList


class UploadProgressAdmin:
    """Change forms with a photo upload that static/js/upload_progress.js
    sends by XMLHttpRequest to show its progress (header
    X-Upload-Progress). To such a request, a save's redirect is answered
    as 204 with the target in X-Upload-Location, which the script
    navigates to: XHR would follow the redirect itself, and that GET
    would use up the "saved" message. A form refused for its errors says
    so (X-Upload-Refused), and only then does the script submit the form
    again: any other answer may come after a save (the popup's answer
    after adding a photo from the article form) and is shown as it is."""

    def changeform_view(self, request, *args, **kwargs):
        response = super().changeform_view(request, *args, **kwargs)
        if request.method != "POST" or "X-Upload-Progress" not in request.headers:
            return response
        if isinstance(response, HttpResponseRedirectBase):
            return HttpResponse(
                status=204, headers={"X-Upload-Location": response["Location"]}
            )
        context = getattr(response, "context_data", None) or {}
        if context.get("errors"):
            response["X-Upload-Refused"] = "1"
        return response


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
