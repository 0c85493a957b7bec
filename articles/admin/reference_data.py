"""Reference data editors keep tidy: municipalities and image credits."""

from django.contrib import admin

from ..models import ImageCredit, Municipality
from .base import HTTPS_URLS, VersionedAdmin


@admin.register(Municipality)
class MunicipalityAdmin(VersionedAdmin):
    list_display = ["name", "kind", "federal_state", "ags", "population"]
    list_filter = ["kind", "federal_state"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = HTTPS_URLS


@admin.register(ImageCredit)
class ImageCreditAdmin(VersionedAdmin):
    list_display = ["__str__", "creator", "source", "licence"]
    search_fields = ["creator", "source"]
    formfield_overrides = HTTPS_URLS
