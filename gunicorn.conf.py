"""gunicorn settings read from the project folder (gunicorn loads
./gunicorn.conf.py by itself): Prometheus metrics in multiprocess mode, so
that /metrics on any worker reports the figures of all of them; and each new
worker resends the page cache's missed invalidations."""

import os
import shutil
import tempfile
from pathlib import Path

# Before prometheus_client is imported anywhere: it picks its storage then.
# A folder made here goes when the master exits; one the operator names is
# emptied at start-up, as prometheus_client requires, so that counters start
# from zero with every run instead of adding up the runs before.
made_metrics_dir = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    made_metrics_dir = tempfile.mkdtemp(prefix="newsroom-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = made_metrics_dir


def on_starting(server):
    """Forget the figures of an earlier run in the operator's folder."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink(missing_ok=True)


def on_exit(server):
    """Remove the folder made above (the operator's own folder stays)."""
    if made_metrics_dir:
        shutil.rmtree(made_metrics_dir, ignore_errors=True)


def child_exit(server, worker):
    """A stopped worker's live gauges go; its counters stay in the sum."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """A new worker sends invalidations an earlier one missed (it may have
    stopped before the page cache's store answered again)."""
    from articles import page_cache

    page_cache.expect_missed()
