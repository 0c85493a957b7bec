"""Absolute links to the site, for places with or without a request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def absolute_url(path, request=None):
    """`path` as an absolute URL: on NEWSROOM_SITE_URL when it is set (never
    on a Host header a client chose), else on the request's host. Outside a
    request (a mail sent by a command) NEWSROOM_SITE_URL is required."""
    if path.startswith(("http://", "https://")):
        return path  # media on object storage is absolute already
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    raise ImproperlyConfigured(
        "NEWSROOM_SITE_URL is not set: set it to the site's address "
        "(e.g. https://news.example.de) so that mails can link to the site."
    )
