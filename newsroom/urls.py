from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

admin.site.site_header = _("%(site)s – Redaktion") % {"site": settings.SITE_NAME}
admin.site.site_title = settings.SITE_NAME

handler500 = "articles.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]


def serve_media(request, path):
    """Uploads from MEDIA_ROOT as it is now (tests point it elsewhere)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)
    ]
