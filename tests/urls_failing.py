"""The site's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from newsroom.urls import handler500
from newsroom.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [*site_urlpatterns, path("kaputt/", failing_view)]
__all__ = ["handler500", "urlpatterns"]
