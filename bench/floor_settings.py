"""Settings for gunicorn serving the floor (bench/floor.py): the project's
settings with Django's default middleware and the floor's URLs; the
per-view cache in Redis (BENCH_FLOOR_REDIS_URL) like the page cache."""

import os

from newsroom.settings import *  # noqa: F403

# Django's startproject middleware.
PLAIN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "floor"  # bench/ is on the path of the benchmark
MIDDLEWARE = PLAIN_MIDDLEWARE
if os.environ.get("BENCH_FLOOR_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_FLOOR_REDIS_URL"],
        }
    }
