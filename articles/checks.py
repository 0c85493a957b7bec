"""Deploy checks (`manage.py check --deploy`) for settings that only matter
in production, where a missing one fails quietly."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs, **kwargs):
    """Behind a TLS proxy without a trusted proxy, every client has the
    proxy's address: five failed logins of anyone lock a user out for all."""
    if settings.SECURE_PROXY_SSL_HEADER and not (
        settings.TRUSTED_PROXIES or settings.TRUSTED_PROXY_COUNT
    ):
        return [
            Warning(
                "DJANGO_HTTPS=1 trusts a proxy, but no trusted proxy is set: "
                "login throttling sees the proxy's address for every client.",
                hint="Set NEWSROOM_TRUSTED_PROXY_COUNT (e.g. 1) or "
                "NEWSROOM_TRUSTED_PROXIES (the proxies' addresses).",
                id="articles.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    """Without NEWSROOM_SITE_URL, feeds, sitemaps and JSON-LD link to
    whatever Host (and port) a request named."""
    if not settings.SITE_URL:
        return [
            Warning(
                "NEWSROOM_SITE_URL is not set: absolute links in feeds, "
                "sitemaps, robots.txt and JSON-LD follow the request's Host.",
                hint="Set NEWSROOM_SITE_URL, e.g. https://news.example.de.",
                id="articles.W002",
            )
        ]
    return []
