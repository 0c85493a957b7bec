"""Newsletter editions: editors write each edition's intro before it is
sent. Subscribers are personal data and have no admin screen; operators use
`manage.py newsletter_subscriber`."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..models import DeliveryStatus, Edition


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "period_start", "built_at", "sent_count"]
    list_filter = ["frequency"]
    date_hierarchy = "period_start"
    fields = ["frequency", "period_start", "intro", "built_at", "finished_at"]
    readonly_fields = ["built_at", "finished_at"]

    def get_queryset(self, request):
        sent = Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT))
        return super().get_queryset(request).annotate(sent_count=sent)

    def get_readonly_fields(self, request, obj=None):
        # A built edition has been (or is being) mailed: it stays as sent.
        if obj is not None and obj.is_built:
            return [*self.fields]
        return self.readonly_fields

    @admin.display(description=_("gesendet"), ordering="sent_count")
    def sent_count(self, edition):
        return edition.sent_count
