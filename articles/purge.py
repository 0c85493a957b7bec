"""Purges to the HTTP caches in front of the app (Varnish, or a CDN with the
same contract): one PURGE request per cache URL in NEWSROOM_PURGE_URLS with
the invalidated keys in the `xkey-purge` header (deploy/varnish/newsroom.vcl
answers it with xkey.purge()). A failing purge is logged with its cause and
counted, and never fails the change that caused it; the page cache keeps
the keys of a failed purge and sends them again (page_cache.replay_missed())."""

import http.client
import logging
from urllib.parse import urlsplit

from django.conf import settings

from . import metrics

log = logging.getLogger("newsroom.purge")
PURGE_TIMEOUT = 1.0  # seconds per cache; an editor's save waits at most this
MAX_HEADER = 6000  # bytes of keys per request, below Varnish's header limits


def purge(keys, cause):
    """Ask every cache in NEWSROOM_PURGE_URLS to drop the responses carrying
    any of `keys`; whether every one of them did."""
    done = True
    for url in settings.PURGE_URLS:
        for batch in _batches(keys):
            try:
                status = _send(url, batch)
            except OSError as error:
                metrics.PURGES.labels("failed").inc()
                done = False
                log.warning(
                    "purge of %d keys at %s failed (%s: %s) after %s; kept for replay",
                    len(batch),
                    url,
                    type(error).__name__,
                    error,
                    cause,
                )
                continue
            if status >= 300:
                metrics.PURGES.labels("refused").inc()
                done = status < 500  # a refusal is a configuration error
                log.warning(
                    "purge of %d keys at %s answered %d after %s",
                    len(batch),
                    url,
                    status,
                    cause,
                )
            else:
                metrics.PURGES.labels("ok").inc()
    return done


def _batches(keys):
    batch, length = [], 0
    for key in keys:
        if batch and length + len(key) + 1 > MAX_HEADER:
            yield batch
            batch, length = [], 0
        batch.append(key)
        length += len(key) + 1
    if batch:
        yield batch


def _send(url, keys):
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection
        if parts.scheme == "https"
        else http.client.HTTPConnection
    )
    connection = connection_class(parts.netloc, timeout=PURGE_TIMEOUT)
    try:
        connection.request(
            "PURGE", parts.path or "/", headers={"xkey-purge": " ".join(keys)}
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
