"""HTTP behaviour of the API around django-ninja: a rate limit per client
address, and JSON errors with German messages also where ninja's own
handlers do not reach (a URL that matches no operation, a method the
operation does not allow, an unexpected error)."""

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils.translation import gettext as _

from ..proxies import client_address

log = logging.getLogger("newsroom.api")
PREFIX = "/api/"
WINDOW = 60  # seconds: NEWSROOM_API_RATE_LIMIT counts requests per minute
# After the shared cache failed, the limit is skipped this long instead of
# every request waiting for it again.
CACHE_RETRY_SECONDS = 5
_cache_failed = {"at": 0.0}


class ApiMiddleware:
    """First of all, so that cached answers count against the limit too.

    Every API answer allows any origin, whether or not the request named
    one: django-cors-headers (for preflight requests) would add the header
    only when it did, with "Vary: Origin", and an HTTP cache in front would
    then keep one copy per foreign site, or hand a copy without the header
    to a browser that needs it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        response = self.answer(request)
        response["Access-Control-Allow-Origin"] = "*"
        vary = [
            value.strip()
            for value in response.get("Vary", "").split(",")
            if value.strip() and value.strip().lower() != "origin"
        ]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif "Vary" in response:
            del response["Vary"]
        return response

    def answer(self, request):
        wait = self.wait(request)
        if wait:
            response = error(
                429,
                _(
                    "Zu viele Anfragen von Ihrer Adresse. Bitte in %(seconds)s "
                    "Sekunden erneut versuchen."
                )
                % {"seconds": wait},
            )
            response["Retry-After"] = str(wait)
            return response
        # HEAD is GET without the body (RFC 9110 9.3.2); ninja knows only GET.
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.as_json(self.get_response(request))
        if head:
            request.method = "HEAD"
            length = response.get("Content-Length")
            response.content = b""
            if length is not None:
                response["Content-Length"] = length
        return response

    def wait(self, request):
        """Seconds until this client may ask again, or 0 while it is within
        the limit (a fixed window per minute in the shared cache)."""
        limit = settings.API_RATE_LIMIT
        if limit <= 0 or request.method == "OPTIONS":
            return 0
        now = time.time()
        if now - _cache_failed["at"] < CACHE_RETRY_SECONDS:
            return 0
        window = int(now // WINDOW)
        key = f"api-rate:{client_address(request)}:{window}"
        try:
            cache.add(key, 0, WINDOW + 1)
            count = cache.incr(key)
        except Exception:  # the cache gone costs the limit, not the answer
            log.warning(
                "API rate limit skipped for %d s: the cache does not answer",
                CACHE_RETRY_SECONDS,
            )
            _cache_failed["at"] = now
            return 0
        if count <= limit:
            return 0
        return max(1, math.ceil((window + 1) * WINDOW - now))

    @staticmethod
    def as_json(response):
        """Error pages of Django (404, 405, 500) as the API's JSON errors."""
        if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        status = response.status_code
        if status == 404:
            message = _("Das gibt es hier nicht.")
        elif status == 405:
            message = _(
                "Diese Methode ist hier nicht erlaubt; erlaubt ist: %(allow)s."
            ) % {"allow": response.get("Allow", "GET")}
        elif status >= 500:
            message = _("Ein interner Fehler ist aufgetreten.")
        else:
            message = _("Die Anfrage ist ungültig.")
        replacement = error(status, message)
        if "Allow" in response:
            replacement["Allow"] = response["Allow"]
        return replacement


def error(status, message):
    return JsonResponse(
        {"detail": message},
        status=status,
        json_dumps_params={"ensure_ascii": False},
        headers={"Cache-Control": "no-store"} if status == 429 else None,
    )
