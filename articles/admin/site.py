"""The admin site itself: its titles, and the third-party admins we replace."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from taggit.models import Tag as UnusedTaggitTag

admin.site.site_header = _("%(site)s – Redaktion") % {"site": settings.SITE_NAME}
admin.site.site_title = settings.SITE_NAME

# Our tags are articles.Tag; taggit's own admin would offer an empty table
# and a "merge-tags" page that checks no permission at all.
admin.site.unregister(UnusedTaggitTag)

# django-otp's device admins would show secret keys and QR codes to other
# superusers; users manage their own second factor (admin:two_factor_manage)
# and `manage.py reset_two_factor` removes a lost one.
admin.site.unregister([TOTPDevice, StaticDevice])


admin.site.unregister(AccessAttempt)


def i18n_javascript(request, extra_context=None):
    """The admin's JavaScript catalog plus django-prose-editor's German
    (the body editor's dialogs)."""
    packages = ["django.contrib.admin", "django_prose_editor"]
    return JavaScriptCatalog.as_view(packages=packages)(request)


admin.site.i18n_javascript = i18n_javascript


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    @admin.action(description=_("Abgelaufene Fehlversuche löschen"))
    def cleanup_expired_attempts(self, request, queryset):
        # django-axes 8.3 reads the request's attempt time, which only its
        # login handlers set: without it the action fails with a 500.
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)
