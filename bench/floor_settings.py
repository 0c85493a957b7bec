"""Settings for gunicorn serving the floor (bench/floor.py): the project's
settings with Django's default middleware and the floor's URLs; the
per-view cache in Redis (BENCH_FLOOR_REDIS_URL) like the page cache."""

import os

from floor import PLAIN_MIDDLEWARE  # bench/ is on the path of the benchmark

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "floor"
MIDDLEWARE = PLAIN_MIDDLEWARE
if os.environ.get("BENCH_FLOOR_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_FLOOR_REDIS_URL"],
        }
    }
