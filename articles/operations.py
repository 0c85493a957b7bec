"""What operators and the machinery in front of the app need: liveness and
readiness endpoints, Prometheus metrics, and a limit on request bodies."""

import ipaddress
import json
import logging
import os
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import metrics, page_cache
from .proxies import client_address

log = logging.getLogger("newsroom.operations")


def _due_visibility_changes():
    """Probes reach every app server every few seconds, also while the edge
    answers all readers: they apply scheduled publications on time."""
    try:
        page_cache.sweep()
    except Exception:  # a probe reports health, it must not fail on this
        log.exception("visibility sweep failed during a health check")


@never_cache
def live(request):
    """Liveness: the process answers requests (no database needed)."""
    _due_visibility_changes()
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def ready(request):
    """Readiness: 200 when the database answers, 503 when it does not. A
    page cache store that fails is reported as "degraded" without failing:
    pages are then rendered without it."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # any driver error means "not ready"
        checks["database"] = f"{type(error).__name__}: {error}"
        log.warning("readiness: database unreachable (%s)", checks["database"])
    checks["page_cache"] = page_cache.store_status()
    if checks["database"] != "ok":
        status = "unavailable"
    elif checks["page_cache"] != "ok":
        status = "degraded"
    else:
        status = "ok"
        _due_visibility_changes()
    return HttpResponse(
        json.dumps({"status": status, **checks}),
        status=503 if status == "unavailable" else 200,
        content_type="application/json",
    )


def _allowed(address):
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        client in ipaddress.ip_network(network, strict=False)
        for network in settings.METRICS_ALLOWED
    )


@never_cache
def prometheus_metrics(request):
    """Prometheus text format; from NEWSROOM_METRICS_ALLOWED only. Under
    gunicorn the figures of all workers (PROMETHEUS_MULTIPROC_DIR)."""
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        REGISTRY,
        CollectorRegistry,
        generate_latest,
    )

    # The client behind the proxies: with nginx on the same machine every
    # request's REMOTE_ADDR would be 127.0.0.1, an allowed address.
    if not _allowed(client_address(request)):
        return HttpResponseForbidden()
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts every request by method and status class, and its time in the
    app (reader pages and admin apart)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        count_request(request, response.status_code, started)
        return response


def count_request(request, status, started):
    """Count a request answered with `status`, `started` at perf_counter()
    time (also for the hits page_cache.serve_hits_first() sends)."""
    area = "admin" if request.path.startswith("/admin/") else "reader"
    metrics.LATENCY.labels(area).observe(time.perf_counter() - started)
    metrics.REQUESTS.labels(request.method, f"{status // 100}xx").inc()


class RequestBodyLimitMiddleware:
    """413 for a body larger than the URL takes (READER_BODY_LIMIT outside
    the admin, ADMIN_BODY_LIMIT inside), judged by Content-Length before
    anything reads it, so nothing is parsed or written to a temporary file.
    Chunked bodies, which have no length to judge, are refused outside the
    admin. Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not do this: it leaves
    files out of its count, and they go to temporary files as they arrive."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = request.path.startswith("/admin/")
        limit = settings.ADMIN_BODY_LIMIT if admin else settings.READER_BODY_LIMIT
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = limit + 1
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length > limit or (chunked and not admin):
            log.info(
                "refused a request body of %s bytes on %s %s (limit %d bytes)",
                "chunked" if chunked else length,
                request.method,
                request.path,
                limit,
            )
            return HttpResponse(
                _("Die Anfrage ist zu groß (höchstens %(limit)d KB).")
                % {"limit": limit // 1024},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
