"""Absolute links to the site, for places with or without a request.

With NEWSROOM_SITE_URL set, every absolute link (feeds, sitemaps,
robots.txt, JSON-LD, mails) is on that address, never on the Host header a
client chose: any port of an allowed host would otherwise end up in what
feed readers and search engines keep."""

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


def site_origin():
    """(scheme, host) of NEWSROOM_SITE_URL, the host with any port and path,
    as Django's sitemaps and feeds put them together; None when unset."""
    if not settings.SITE_URL:
        return None
    scheme, _sep, host = settings.SITE_URL.partition("://")
    return scheme, host


class SiteRequest:
    """`request` as Django's syndication feeds see it: coming in on
    NEWSROOM_SITE_URL's scheme and host (when set), so that the links they
    build from the request's host are the site's. Everything else is the
    request's own."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_host(self):
        origin = site_origin()
        return origin[1] if origin else self._request.get_host()

    def is_secure(self):
        origin = site_origin()
        return origin[0] == "https" if origin else self._request.is_secure()


class SiteSitemap:
    """A sitemap whose locations are on NEWSROOM_SITE_URL when it is set
    (mixed into django.contrib.sitemaps.Sitemap subclasses)."""

    def get_protocol(self, protocol=None):
        origin = site_origin()
        return origin[0] if origin else super().get_protocol(protocol)

    def get_domain(self, site=None):
        origin = site_origin()
        return origin[1] if origin else super().get_domain(site)
