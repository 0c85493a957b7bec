"""gunicorn settings read from the project folder (gunicorn loads
./gunicorn.conf.py by itself): Prometheus metrics in multiprocess mode, so
that /metrics on any worker reports the figures of all of them."""

import os
import tempfile

# Before prometheus_client is imported anywhere: it picks its storage then.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="newsroom-metrics-"
    )


def child_exit(server, worker):
    """A stopped worker's live gauges go; its counters stay in the sum."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
