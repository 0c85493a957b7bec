"""What operators scrape with Prometheus at /metrics: requests, latency,
page cache hits and misses, invalidations, purges and store errors.

Under gunicorn every worker writes its figures to files in
PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py creates it and forgets a stopped
worker's gauges), and /metrics adds them up, so any worker answers for all."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "newsroom_http_requests_total",
    "HTTP requests answered, by method and status class.",
    ["method", "status"],
)
LATENCY = Histogram(
    "newsroom_http_request_duration_seconds",
    "Time from the request to the response, in the app.",
    ["area"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
PAGE_CACHE = Counter(
    "newsroom_page_cache_requests_total",
    "Anonymous reader requests by page cache outcome: hit, miss (rendered "
    "and stored), bypass (rendered, not stored).",
    ["outcome"],
)
INVALIDATIONS = Counter(
    "newsroom_page_cache_invalidations_total",
    "Invalidations sent (one per committed request or change).",
)
INVALIDATED_KEYS = Counter(
    "newsroom_page_cache_invalidated_keys_total",
    "Dependency keys invalidated.",
)
PURGES = Counter(
    "newsroom_edge_purges_total",
    "Purge requests to the HTTP caches in front, by result.",
    ["result"],
)
STORE_ERRORS = Counter(
    "newsroom_page_cache_store_errors_total",
    "Failed page cache store operations (Redis stopped or full).",
    ["operation"],
)
