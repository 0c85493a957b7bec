"""The reader page cache and its invalidation by dependency keys.

The contract (for every view, feed, sitemap and API response readers get)
=========================================================================

1. **A response says what it shows.** While handling an anonymous GET, a
   view calls ``shows(request, *things)``; each thing is a model instance
   registered with ``@shown_to_readers`` (its key is ``object_key(obj)``,
   e.g. ``article-12``, ``municipality-3``, ``tag-7``) or a key string: a
   list key from ``list_key(...)`` for every list the response *is*
   (``list-articles`` home and feeds, ``list-municipality-3``,
   ``list-tag-7``, ``list-month-2025-04``, ``list-archive``,
   ``list-municipalities``, ``list-topics``, ``list-news``,
   ``list-search``), or a sidebar key from ``related_key(tag_ids)``. A list
   declares its list key *and* the objects on the page (a teaser shows an
   article's title, its photo credit). Every stored response also carries
   ``site``, which ``invalidate_site()`` purges (a restore).
2. **Only declared responses are cached.** An anonymous 200 GET that
   declared nothing is sent without ``s-maxage`` and is never stored, here
   or at the edge, so a new view without a declaration is slow, never stale.
3. **Changes say what they touch.** Every model whose rows readers see is
   registered with ``@shown_to_readers(keys=function)``; ``function(old,
   new)`` returns the keys a change touches, where ``old`` is the row as it
   was (``None`` when created) and ``new`` as it is now (``None`` when
   deleted). Lists an article enters or leaves come from comparing the two.
   A test fails when a model of the app is neither registered nor listed as
   never shown (tests/test_page_cache.py).
4. **Invalidation happens after the commit**, once per request: a change
   that is rolled back (a refused admin request) invalidates nothing.
   ``QuerySet.update()`` and ``bulk_create()`` send no signals, and
   ``loaddata`` saves raw rows: code that uses them calls ``changed(keys,
   cause=…)`` or ``invalidate_site(cause)`` itself (services.tag_merge(),
   the restore command).
5. **The same keys leave the app**: cacheable responses carry them in the
   ``xkey`` header (Varnish's xkey vmod; ``NEWSROOM_SURROGATE_KEY_HEADER=
   Surrogate-Key`` for a CDN) with ``Cache-Control: public, max-age=0,
   s-maxage=…, stale-while-revalidate=…, stale-if-error=…``, and every
   invalidation is sent as ``PURGE`` with an ``xkey-purge`` header to each
   URL in ``NEWSROOM_PURGE_URLS`` (articles/purge.py).
6. **Query parameters**: tracking parameters (``utm_*``, ``fbclid`` …) are
   ignored, the parameters the page at that path reads are part of the key
   (``known_parameters()``), and a request with any other parameter is
   rendered but never stored. A view that reads a new parameter adds it
   there.

Articles become visible or invisible by time alone (a scheduled publication,
an end of publication). The first request after such a moment, on any app
server (the edge's health probe is one), invalidates the keys of the
articles concerned, so no cron job is needed (``sweep()``).

When the store fails (Redis stopped or full), readers get pages rendered
without it, edits are saved as always, and one log line says why. An
invalidation the store or the edge missed is kept in the database and sent
again (``replay_missed()``).
"""

import gzip
import hashlib
import logging
import pickle
import threading
import time
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag

from . import metrics
from .page_store import RedisStore, SqliteStore, StoreError

log = logging.getLogger("newsroom.page_cache")

SITE_KEY = "site"
# Query parameters that select what a reader page shows; part of the key,
# each set under its own paths only, so that no page gets an entry per value
# of a parameter it ignores (see known_parameters()).
LIST_PARAMETERS = {"nach", "vor"}  # keyset pagination of every list
SEARCH_PATH = "/suche/"
SEARCH_PARAMETERS = {"q", "page", "kommune", "land", "von", "bis"}
API_PATH = "/api/"  # the content API (articles/api/)
API_PARAMETERS = {"gemeinde", "bundesland", "thema", "von", "bis", "nach", "anzahl"}
SITEMAP_PARAMETERS = {"p"}  # a month of more than 50,000 articles
# Parameters that only tell where a reader came from; they never change a page.
TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ref", "wt_mc", "wt_zmc",
}  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml")
COMPRESSIBLE += ("application/atom+xml", "application/json", "application/ld+json")
MIN_COMPRESS_LENGTH = 256
# How long the edge may serve a stale copy while it fetches a fresh one, and
# while the app servers fail.
STALE_WHILE_REVALIDATE = 30
STALE_IF_ERROR = 60 * 60 * 24
RETRY_AFTER_ERROR = 5  # seconds without the store after it failed


# Keys.


def object_key(obj):
    """The key of one row readers see: "<model>-<pk>" (article-12)."""
    return f"{obj._meta.concrete_model._meta.model_name}-{obj.pk}"


def list_key(*parts):
    """The key of a list readers see: list_key("tag", 7) is "list-tag-7"."""
    return "-".join(["list", *map(str, parts)])


def related_key(tag_ids):
    """The key of the sidebars that rank articles sharing all of `tag_ids`."""
    return "related-" + ".".join(str(pk) for pk in sorted(tag_ids))


def shows(request, *things):
    """Record that the response to `request` shows `things` (registered
    model instances or keys); see the module docstring."""
    keys = request.__dict__.setdefault("page_cache_keys", set())
    for thing in things:
        if thing is None:
            continue
        keys.add(thing if isinstance(thing, str) else object_key(thing))


# The registry of models readers see.

SHOWN_TO_READERS = {}  # model → keys(old, new)


def shown_to_readers(*, keys):
    """Class decorator for a model whose rows appear on reader pages.
    `keys(old, new)` returns the dependency keys a change touches (old or
    new is None for a creation or deletion); proxies share their model's."""

    def register(model):
        SHOWN_TO_READERS[model] = keys
        return model

    return register


def is_shown_to_readers(model):
    return model._meta.concrete_model in SHOWN_TO_READERS


def _keys_function(sender):
    return SHOWN_TO_READERS.get(sender._meta.concrete_model)


def _before_save(sender, instance, raw=False, **kwargs):
    keys = _keys_function(sender)
    if keys is None or raw or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._page_cache_old_keys = keys(old, None) if old is not None else set()
    instance._page_cache_old = old


def _after_save(sender, instance, created, raw=False, **kwargs):
    keys = _keys_function(sender)
    if keys is None:
        return
    if raw:  # loaddata: whoever loads calls invalidate_site() once
        return
    old = None if created else getattr(instance, "_page_cache_old", None)
    found = keys(old, instance) | getattr(instance, "_page_cache_old_keys", set())
    instance.__dict__.pop("_page_cache_old", None)
    instance.__dict__.pop("_page_cache_old_keys", None)
    changed(found, cause=f"{sender.__name__} {instance.pk} saved")
    if sender._meta.concrete_model._meta.label_lower == "articles.article":
        transaction.on_commit(forget_next_change)


def _before_delete(sender, instance, **kwargs):
    keys = _keys_function(sender)
    if keys is not None:
        changed(keys(instance, None), cause=f"{sender.__name__} {instance.pk} deleted")


def connect_signals():
    """Watch saves and deletes of every model shown to readers (tag links
    are rows of TaggedArticle, so tag changes are saves and deletes too)."""
    pre_save.connect(_before_save, dispatch_uid="page-cache-pre-save")
    post_save.connect(_after_save, dispatch_uid="page-cache-post-save")
    pre_delete.connect(_before_delete, dispatch_uid="page-cache-pre-delete")
    setting_changed.connect(_reset_store, dispatch_uid="page-cache-settings")


# Invalidation: collected per transaction, applied after the commit.

_state = threading.local()


def changed(keys, *, cause):
    """Invalidate `keys` once the current transaction commits (at once
    outside one); within a request, all of its commits are sent together
    when the response is ready."""
    keys = set(keys)
    if keys:
        transaction.on_commit(lambda: _committed(keys, cause))


def _committed(keys, cause):
    pending = _state.__dict__.setdefault("pending", {})
    for key in keys:
        pending.setdefault(key, cause)
    if not getattr(_state, "in_request", False):
        flush()


def invalidate_site(cause):
    """Make every cached page stale, here and at the edge (a restore)."""
    changed({SITE_KEY}, cause=cause)


def flush():
    """Apply the collected invalidations: the store, then the edge. Keys
    either of them missed are kept in the database for replay_missed()."""
    pending = _state.__dict__.pop("pending", {})
    if not pending:
        return
    keys = sorted(pending)
    causes = sorted(set(pending.values()))
    cause = "; ".join(causes[:3])
    if len(causes) > 3:
        cause += f" (+{len(causes) - 3})"
    metrics.INVALIDATIONS.inc()
    metrics.INVALIDATED_KEYS.inc(len(keys))
    log.info(
        "invalidated %d keys (%s): %s",
        len(keys),
        cause,
        " ".join(keys[:20]) + (" …" if len(keys) > 20 else ""),
    )
    if not _send(keys, cause):
        _keep_missed(keys, cause)


def _send(keys, cause):
    """Invalidate `keys` in the store and purge them at the edge; whether
    both took them (a failure is logged where it happens)."""
    from .purge import purge

    stored = _store_call(
        lambda store: store.invalidate(keys, _stamp_ttl()), "invalidate"
    )
    return purge(keys, cause) and stored is not _FAILED


# Invalidations the store or the edge missed: kept in the database, so that
# they are sent again by the process that missed them once the store
# answers, and by every gunicorn worker when it starts (gunicorn.conf.py),
# even when the one that missed them has stopped.

_missed = {"waiting": False, "tried_at": None}
REPLAY_BATCH = 1000  # keys per replay


def _keep_missed(keys, cause):
    from django.db import DatabaseError

    from .models import MissedInvalidation

    try:
        MissedInvalidation.objects.bulk_create(
            MissedInvalidation(key=key, cause=cause[:255]) for key in keys
        )
        log.info("kept %d missed invalidations for replay (%s)", len(keys), cause)
    except DatabaseError as error:
        log.error(
            "could not keep %d missed invalidations (%s); pages showing them may "
            "stay cached for up to %d s",
            len(keys),
            error,
            settings.PAGE_CACHE_SECONDS,
        )
    _missed["waiting"] = True


def expect_missed():
    """Look for missed invalidations at the next request (a new process)."""
    _missed["waiting"] = True


def replay_missed():
    """Send the kept invalidations to the store and the edge again, at most
    once per RETRY_AFTER_ERROR seconds; forget them once both took them."""
    from django.db import DatabaseError

    from .models import MissedInvalidation

    tried_at = _missed["tried_at"]
    if tried_at is not None and time.monotonic() - tried_at < RETRY_AFTER_ERROR:
        return
    _missed["tried_at"] = time.monotonic()
    # After this long, what a missed key concerns has expired everywhere.
    expired = timezone.now() - timedelta(
        seconds=settings.PAGE_CACHE_SECONDS + STALE_WHILE_REVALIDATE
    )
    missed = MissedInvalidation.objects.order_by("pk")
    try:
        missed.filter(missed_at__lt=expired).delete()
        rows = list(missed.values_list("pk", "key")[:REPLAY_BATCH])
    except DatabaseError as error:
        log.warning("missed invalidations not read (%s); retried", error)
        return
    if not rows:
        _missed.update(waiting=False, tried_at=None)
        return
    keys = sorted({key for _pk, key in rows})
    if not _send(keys, "replay of missed invalidations"):
        return
    try:
        MissedInvalidation.objects.filter(pk__in=[pk for pk, _key in rows]).delete()
    except DatabaseError as error:  # sent again next time, which is harmless
        log.warning("replayed invalidations not forgotten (%s)", error)
        return
    log.info("replayed %d missed invalidations: %s", len(keys), " ".join(keys[:20]))
    _missed.update(waiting=len(rows) == REPLAY_BATCH, tried_at=None)


# The store, with a pause after a failure so that a stopped Redis costs one
# timeout per RETRY_AFTER_ERROR seconds, not one per request.

_store = {"instance": None, "failed_at": None}
_FAILED = object()


def store():
    if _store["instance"] is None:
        if getattr(settings, "PAGE_CACHE_REDIS_URL", ""):
            _store["instance"] = RedisStore(settings.PAGE_CACHE_REDIS_URL)
        else:
            _store["instance"] = SqliteStore(settings.PAGE_CACHE_PATH)
    return _store["instance"]


def _reset_store(setting, **kwargs):
    if setting in ("PAGE_CACHE_REDIS_URL", "PAGE_CACHE_PATH"):
        _store.update(instance=None, failed_at=None)
        _visibility.update(next_change=None, checked_at=0.0)
        _missed.update(waiting=False, tried_at=None)


def _store_usable():
    failed_at = _store["failed_at"]
    return failed_at is None or time.monotonic() - failed_at > RETRY_AFTER_ERROR


def _store_call(function, what):
    """`function(store)`, or _FAILED when the store fails (logged once per
    pause) or is paused after a failure."""
    if not _store_usable():
        return _FAILED
    try:
        result = function(store())
    except StoreError as error:
        if _store["failed_at"] is None:
            log.warning(
                "page cache store failed on %s (%s); readers get pages "
                "rendered without it, retried every %d s",
                what,
                error,
                RETRY_AFTER_ERROR,
            )
        metrics.STORE_ERRORS.labels(what).inc()
        _store["failed_at"] = time.monotonic()
        return _FAILED
    if _store["failed_at"] is not None:
        log.warning("page cache store answers again (%s)", what)
        _store["failed_at"] = None
    return result


def store_status():
    """ "ok", or why the store does not answer (for the readiness check)."""
    try:
        store().ping()
    except StoreError as error:
        return str(error)
    return "ok"


def clear():
    """Empty the store (tests, and `manage.py restore`)."""
    store().clear()
    _visibility.update(next_change=None, checked_at=0.0)


def _stamp_ttl():
    # A stamp must outlive every page stored with it.
    return 2 * max(settings.PAGE_CACHE_SECONDS, 60)


# Scheduled publications and ends of publication.

_visibility = {"next_change": None, "checked_at": 0.0}
NO_CHANGE = "none"
REFRESH_SECONDS = 1.0  # how often a process re-reads the next moment


def forget_next_change():
    """An article changed: its moment may be the next one (after commit)."""
    _store_call(lambda store: store.delete_value("next-change"), "next change")
    _visibility["checked_at"] = 0.0


def _next_change():
    """The next moment published() changes by time alone (epoch seconds,
    or None), read from the store at most once a second per process."""
    now = time.monotonic()
    if now - _visibility["checked_at"] < REFRESH_SECONDS:
        return _visibility["next_change"]
    _visibility["checked_at"] = now
    value = _store_call(lambda store: store.get_value("next-change"), "next change")
    if value is _FAILED:
        return None
    if value is None:
        value = _compute_next_change()
    _visibility["next_change"] = None if value == NO_CHANGE else float(value)
    return _visibility["next_change"]


def _compute_next_change():
    from .models import Article

    moment = Article.objects.next_visibility_change(timezone.now())
    value = NO_CHANGE if moment is None else str(moment.timestamp())
    _store_call(lambda store: store.set_value("next-change", value), "next change")
    if _store_call(lambda store: store.get_value("last-sweep"), "sweep") is None:
        _store_call(
            lambda store: store.set_value("last-sweep", str(time.time())), "sweep"
        )
    return value


def sweep():
    """If an article's scheduled publication or end of publication has
    passed since the last sweep, invalidate the keys of every such article
    (one process does it; the others wait for it). Returns True while a due
    sweep has not finished, so that the caller renders without the cache."""
    from .cache_keys import visibility_keys
    from .models import Article, ArticleStatus

    due = _next_change()
    if due is None or time.time() < due:
        return False
    if not _store_call(lambda store: store.add("sweep-lock", "1", 30), "sweep"):
        return True
    try:
        now = timezone.now()
        last = _store_call(lambda store: store.get_value("last-sweep"), "sweep")
        since = datetime.fromtimestamp(float(last or due - 1), tz=UTC)
        flipped = Article.objects.filter(status=ArticleStatus.PUBLISHED).filter(
            published_at__gt=since, published_at__lte=now
        ) | Article.objects.filter(status=ArticleStatus.PUBLISHED).filter(
            unpublish_at__gt=since, unpublish_at__lte=now
        )
        flipped = list(flipped)
        keys = set()
        for article in flipped:
            keys |= visibility_keys(article)
        titles = ", ".join(str(article.pk) for article in flipped)
        _state.__dict__.setdefault("pending", {}).update(
            dict.fromkeys(keys, f"scheduled visibility of article {titles}")
        )
        flush()
        stamp = str(now.timestamp())
        _store_call(lambda store: store.set_value("last-sweep", stamp), "sweep")
        _compute_next_change()
        _visibility["checked_at"] = 0.0
    finally:
        _store_call(lambda store: store.delete_value("sweep-lock"), "sweep")
    return False


# HTTP: what a cacheable response looks like, stored and sent.


def canonical_query(request):
    """The query string that is part of the cache key: known parameters,
    sorted; tracking parameters dropped. None when the request has a
    parameter the page cache does not know (never stored)."""
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return ""
    known = known_parameters(request.path)
    kept = []
    for name, value in parse_qsl(raw, keep_blank_values=True):
        if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
            continue
        if name not in known:
            return None
        kept.append((name, value))
    return urlencode(sorted(kept))


def known_parameters(path):
    """The query parameters the reader page at `path` reads."""
    if path.startswith(API_PATH):
        return API_PARAMETERS
    if path == SEARCH_PATH:
        return SEARCH_PARAMETERS
    if path.startswith("/sitemap"):
        return SITEMAP_PARAMETERS
    return LIST_PARAMETERS


def entry_key(request):
    query = canonical_query(request)
    if query is None:
        return None
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return hashlib.sha1(url.encode()).hexdigest()


def is_reader_request(request):
    """Anonymous GET or HEAD outside the admin, static files, media and the
    operators' endpoints."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
    )


def is_public(response):
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


class Entry:
    """A response as stored: status, headers, the body in each encoding,
    its validators and the keys it depends on."""

    __slots__ = ("headers", "bodies", "etag", "last_modified", "keys")

    def __init__(self, response, keys, compress):
        content = response.content
        self.keys = keys
        etag = response.get("ETag") or quote_etag(hashlib.md5(content).hexdigest())
        self.etag = etag.removeprefix("W/")
        self.last_modified = parse_http_date_safe(
            response.get("Last-Modified", "")
        ) or int(time.time())
        self.headers = [
            (name, value)
            for name, value in response.items()
            if name.lower()
            not in ("etag", "last-modified", "content-length", "content-encoding")
        ]
        self.bodies = {"identity": content}
        content_type = response.get("Content-Type", "")
        if len(content) >= MIN_COMPRESS_LENGTH and content_type.startswith(
            COMPRESSIBLE
        ):
            for encoding in compress:
                self.bodies[encoding] = ENCODERS[encoding](content)
            if "gzip" in self.bodies and compress == ENCODINGS:
                del self.bodies["identity"]  # stored: unzipped for the rare client

    def dumps(self):
        return pickle.dumps(
            (self.headers, self.bodies, self.etag, self.last_modified, self.keys),
            protocol=pickle.HIGHEST_PROTOCOL,
        )

    @classmethod
    def loads(cls, data):
        entry = cls.__new__(cls)
        (entry.headers, entry.bodies, entry.etag, entry.last_modified, entry.keys) = (
            pickle.loads(data)
        )
        return entry

    def answer(self, meta):
        """(status, headers, body) for a request with the headers `meta`
        (request.META): 304 when its validators match, else the body in the
        best encoding it accepts."""
        weak = "W/" if "gzip" in self.bodies else ""
        if not_modified(meta, self.etag, self.last_modified):
            status, body = 304, b""
            headers = [
                (name, value)
                for name, value in self.headers
                if name.lower() in ("cache-control", "vary", "xkey", "expires")
            ]
        else:
            status = 200
            encoding = choose_encoding(meta, self.bodies)
            body = self.bodies.get(encoding)
            if body is None:
                body = gzip.decompress(self.bodies["gzip"])
            headers = [*self.headers, ("Content-Length", str(len(body)))]
            if encoding != "identity":
                headers.append(("Content-Encoding", encoding))
                weak = "W/"
        headers.append(("ETag", weak + self.etag))
        headers.append(("Last-Modified", http_date(self.last_modified)))
        return status, headers, body

    def respond(self, request):
        """answer() as Django's response."""
        status, headers, body = self.answer(request.META)
        response = HttpResponseNotModified() if status == 304 else HttpResponse(body)
        for name, value in headers:
            response[name] = value
        return response


def _brotli(content):
    import brotli

    return brotli.compress(content, quality=5)


ENCODERS = {"br": _brotli, "gzip": lambda content: gzip.compress(content, 6)}
ENCODINGS = tuple(ENCODERS)


def choose_encoding(meta, bodies):
    accepted = meta.get("HTTP_ACCEPT_ENCODING", "")
    for encoding in ENCODINGS:
        if encoding in accepted and encoding in bodies:
            return encoding
    return "identity"


def not_modified(meta, etag, last_modified):
    """RFC 9110 13.2.2: If-None-Match decides when present, else
    If-Modified-Since (weak comparison, as for GET)."""
    if_none_match = meta.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        wanted = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
        return "*" in wanted or etag in wanted
    since = parse_http_date_safe(meta.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and last_modified <= since


def edge_headers(response, keys):
    """Cache-Control for browsers (revalidate) and shared caches (s-maxage),
    and the surrogate keys."""
    patch_vary_headers(response, ["Accept-Encoding"])
    if not keys or settings.PAGE_CACHE_SECONDS <= 0:
        return
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.PAGE_CACHE_SECONDS,
        stale_while_revalidate=STALE_WHILE_REVALIDATE,
        stale_if_error=STALE_IF_ERROR,
    )
    response[settings.PAGE_CACHE_KEY_HEADER] = " ".join(sorted(keys))


_HITS = metrics.PAGE_CACHE.labels("hit")


class PageCacheMiddleware:
    """Serve anonymous readers' GET and HEAD requests from the store, with
    304s, compression, ETag and Last-Modified on every reader response.

    It comes early in MIDDLEWARE: a hit is one store round trip and skips
    every later middleware and the view; what they add to a response (the
    security headers) was stored with it. Under gunicorn most hits do not
    even get here: serve_hits_first() sends them before Django's handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _missed["waiting"]:
            replay_missed()  # before the store serves a page they concern
        _state.in_request = True
        try:
            return self.handle(request)
        finally:
            _state.in_request = False
            if _state.__dict__.get("pending"):
                flush()

    def handle(self, request):
        if not is_reader_request(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # Pages for a logged-in editor stay out of shared caches.
                patch_vary_headers(response, ["Cookie"])
                patch_cache_control(response, private=True)
            return response

        caching = settings.PAGE_CACHE_SECONDS > 0 and not self.sweeping()
        key = entry_key(request) if caching else None
        if key is not None:
            stored = _stored_entry(key)
            if stored is not None:
                return stored.respond(request)
            started = _store_call(lambda store: store.sequence(), "sequence")
        response = self.get_response(request)
        if not is_public(response):
            return response
        keys = request.__dict__.get("page_cache_keys", set())
        store_it = key is not None and bool(keys) and started is not _FAILED
        metrics.PAGE_CACHE.labels("miss" if store_it else "bypass").inc()
        keys = keys | {SITE_KEY} if keys else keys
        edge_headers(response, keys)
        wanted = choose_encoding(request.META, ENCODERS)
        compress = ENCODINGS if store_it else (wanted,) if wanted in ENCODERS else ()
        entry = Entry(response, sorted(keys), compress)
        if store_it:
            ttl = settings.PAGE_CACHE_SECONDS
            data = entry.dumps()
            _store_call(
                lambda store: store.put(
                    key, data, entry.keys, started, ttl, _stamp_ttl()
                ),
                "put",
            )
        return entry.respond(request)

    @staticmethod
    def sweeping():
        try:
            return sweep()
        except Exception:  # a sweep must never cost a reader the page
            log.exception("visibility sweep failed")
            return True


def _stored_entry(key):
    data = _store_call(lambda store: store.get(key), "get")
    if data in (None, _FAILED):
        return None
    _HITS.inc()
    return Entry.loads(data)


def serve_hits_first(application):
    """Wrap the WSGI application so that a reader's page found in the store
    is sent before Django's handler runs: no request signals, no middleware,
    a third more hits per second. Everything else, and whatever a hit would
    have to wait for (a missed invalidation to resend, a scheduled change
    to apply, the API's rate limit), goes to `application`, whose
    PageCacheMiddleware serves it as before."""
    from django.core.exceptions import DisallowedHost
    from django.core.handlers.wsgi import WSGIRequest

    from .operations import count_request

    def serve(environ, start_response):
        started = time.perf_counter()
        try:
            request = WSGIRequest(environ)
            entry = _hit(request)
        except DisallowedHost:  # Django answers it with a 400
            entry = None
        except Exception:  # Django answers it, with the page or an error page
            log.exception("page cache: a hit failed")
            entry = None
        if entry is None:
            return application(environ, start_response)
        status, headers, body = entry.answer(environ)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        count_request(request, status, started)
        return [b"" if request.method == "HEAD" else body]

    return serve


def _hit(request):
    if (
        settings.PAGE_CACHE_SECONDS <= 0
        or _missed["waiting"]
        or not is_reader_request(request)
        or request.path.startswith(API_PATH)
        or request.META.get("CONTENT_LENGTH", "") not in ("", "0")
        or "HTTP_TRANSFER_ENCODING" in request.META
    ):
        return None
    due = _next_change()
    if due is not None and time.time() >= due:
        return None
    key = entry_key(request)
    return None if key is None else _stored_entry(key)
