"""The shared page cache for anonymous readers.

Every model whose rows readers see registers itself with @shown_to_readers.
A committed change to any of them (save, delete, a change of an article's
tags) bumps one "generation" number in the cache, and the generation is part
of every page's cache key: after a change, no page cached before it is ever
served again, on any app server sharing the cache. A change that is rolled
back (a refused request) bumps nothing. A page's timeout is capped at the
next moment an article's visibility changes by time alone (a scheduled
publication), so such pages turn fresh without a cron job. Editors (anyone
with a session), the admin and responses marked private or uncacheable are
never cached.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_cache_key,
    learn_cache_key,
    patch_cache_control,
    patch_vary_headers,
)

GENERATION_KEY = "newsroom:generation"


def generation():
    """The current content generation, created on first use.

    It starts from the clock, not from 1, so that a generation lost to an
    eviction or a flush never repeats a number whose pages may still exist."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def bump_generation():
    """Make every cached page stale (atomic on Redis)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing cached under it either
        generation()


# The models registered with @shown_to_readers.
SHOWN_TO_READERS = set()


def shown_to_readers(model):
    """Class decorator for a model whose rows appear on reader pages: its
    changes invalidate the page cache (proxies of it are covered too)."""
    SHOWN_TO_READERS.add(model)
    return model


def is_shown_to_readers(model):
    return model._meta.concrete_model in SHOWN_TO_READERS


def content_changed(sender, **kwargs):
    """Signal receiver: once the change commits, make cached pages stale.

    Not before: a page rendered before the commit reads the old rows under
    the old generation, and a rolled-back change leaves the cache alone."""
    if is_shown_to_readers(sender):
        transaction.on_commit(bump_generation)


def connect_signals():
    """Watch saves, deletes and tag changes of every model shown to readers."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"page-cache-{id(signal)}")


def page_timeout(now=None):
    """Seconds a page may be cached: PAGE_CACHE_SECONDS, capped at the next
    moment published() changes by time alone. The moment is one indexed query,
    itself cached under the generation."""
    from .models import Article

    if settings.PAGE_CACHE_SECONDS <= 0:
        return 0
    now = now or timezone.now()
    key = f"newsroom:next-change:{generation()}"
    next_change = cache.get(key, "unknown")
    if next_change == "unknown":
        next_change = Article.objects.next_visibility_change(now)
        cache.set(key, next_change, settings.PAGE_CACHE_SECONDS)
    if next_change is None:
        return settings.PAGE_CACHE_SECONDS
    # Rounded down: a page never stays cached past the moment it changes.
    until = math.floor((next_change - now).total_seconds())
    return max(0, min(settings.PAGE_CACHE_SECONDS, until))


class PageCacheMiddleware:
    """Serve anonymous readers' GET and HEAD requests from the shared cache.

    Keys follow Django's cache middleware (URL plus the request headers the
    response varies on) with the generation as prefix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_cacheable_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # Pages for a logged-in editor stay out of shared caches.
                patch_vary_headers(response, ["Cookie"])
                patch_cache_control(response, private=True)
            return response

        prefix = f"newsroom:{generation()}"
        key = get_cache_key(request, prefix, "GET", cache=cache)
        cached = cache.get(key) if key else None
        if cached is not None:
            return cached

        response = self.get_response(request)
        if request.method == "GET" and self.is_cacheable_response(response):
            timeout = page_timeout()
            if timeout > 0:
                key = learn_cache_key(request, response, timeout, prefix, cache)
                cache.set(key, response, timeout)
        return response

    @staticmethod
    def is_cacheable_request(request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(reverse("admin:index"))
        )

    @staticmethod
    def is_cacheable_response(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(
                word in cache_control
                for word in ("private", "no-cache", "no-store", "max-age=0")
            )
        )
