"""Settings for the newsroom. Every value that differs between machines comes
from the environment (see README, "Configuration"); a fresh clone runs on
SQLite with nothing set but DJANGO_DEBUG=1."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or ("dev-only" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random value "
        "(or DJANGO_DEBUG=1 for local development)."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

VAR_DIR = BASE_DIR / "var"  # SQLite file, media, collected static; git-ignored
VAR_DIR.mkdir(exist_ok=True)

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, two-factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "reversion",
    "reversion_compare",
    "django_prose_editor",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "corsheaders",
    "ninja",  # the API docs' Swagger UI from our static files, not a CDN
    "articles",
]

MIDDLEWARE = [
    "articles.operations.MetricsMiddleware",
    # Before anything reads a body: oversized uploads never reach the disk.
    "articles.operations.RequestBodyLimitMiddleware",
    # Outside everything that builds the page, so cached pages skip it all;
    # the headers the middleware below adds are stored with each page.
    # The API's rate limit and CORS come before the page cache: its answers
    # count against the limit and need CORS headers (articles/api/).
    "articles.api.middleware.ApiMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "articles.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {  # DATABASE_URL=postgres://user@host/newsroom switches to PostgreSQL
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The shared cache: Redis when REDIS_URL is set, else this process's memory.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # A Redis that hangs costs a request a quarter of a second,
            # not redis-py's default of five.
            "OPTIONS": {"socket_timeout": 0.25, "socket_connect_timeout": 0.25},
        }
    }

# How long anonymous readers' pages stay in the page cache (and at the edge,
# as s-maxage) at most; a change invalidates the pages that show it at once
# (articles/page_cache.py). 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "600"))
# The page cache's store: Redis when REDIS_URL is set, else a SQLite file that
# every process on this machine shares (so any number of gunicorn workers
# agree on what is stale).
PAGE_CACHE_REDIS_URL = os.environ.get("REDIS_URL", "")
PAGE_CACHE_PATH = Path(
    os.environ.get("NEWSROOM_PAGE_CACHE_PATH") or VAR_DIR / "page-cache.sqlite3"
)
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/static/", "/media/", "/health/", "/metrics")
# The header that carries a response's dependency keys to the HTTP cache in
# front: "xkey" for Varnish's xkey vmod, "Surrogate-Key" for a CDN.
PAGE_CACHE_KEY_HEADER = os.environ.get("NEWSROOM_SURROGATE_KEY_HEADER", "xkey")
# HTTP caches in front (Varnish) that get a PURGE for every invalidation,
# comma-separated, e.g. http://127.0.0.1:6081/
PURGE_URLS = env_list("NEWSROOM_PURGE_URLS")
# Request bodies: reader URLs take none beyond a small form; the admin takes
# a photo (10 MB, articles/photos.py) with its form. Larger ones get a 413
# before anything is read or written to a temporary file.
READER_BODY_LIMIT = 64 * 1024
ADMIN_BODY_LIMIT = 12 * 1024 * 1024
# The content API (/api/v1/) and the widget answer GET from any origin,
# without cookies; requests per minute and client address (0: no limit).
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|static/widget)/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
API_RATE_LIMIT = int(os.environ.get("NEWSROOM_API_RATE_LIMIT", "120"))
# Who may read /metrics: addresses or networks, comma-separated.
METRICS_ALLOWED = env_list("NEWSROOM_METRICS_ALLOWED", "127.0.0.1,::1")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one user name from one address lock that pair out
# for 15 minutes. Attempts live in the database, so every app server agrees.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Which address a failure counts against: articles/proxies.py reads it from
# X-Forwarded-For only as far as the trusted proxies below vouch for it.
AXES_CLIENT_IP_CALLABLE = "articles.proxies.client_address"
# The proxies in front (TLS terminator, Varnish) whose X-Forwarded-For
# entries are true: their addresses or networks, comma-separated, or just
# how many there are. Neither: the header is ignored.
TRUSTED_PROXIES = env_list("NEWSROOM_TRUSTED_PROXIES")
TRUSTED_PROXY_COUNT = int(os.environ.get("NEWSROOM_TRUSTED_PROXY_COUNT") or 0)
if TRUSTED_PROXIES and TRUSTED_PROXY_COUNT:
    raise ImproperlyConfigured(
        "Set NEWSROOM_TRUSTED_PROXIES or NEWSROOM_TRUSTED_PROXY_COUNT, not both."
    )
for network in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"NEWSROOM_TRUSTED_PROXIES: {network!r} is no address or network."
        ) from None

# Two-factor login (articles/two_factor.py): always for superusers and
# publishers, for every staff user with NEWSROOM_TWO_FACTOR_FOR_ALL_STAFF=1.
TWO_FACTOR_FOR_ALL_STAFF = os.environ.get("NEWSROOM_TWO_FACTOR_FOR_ALL_STAFF") == "1"
# Wrong codes lock the code step like wrong passwords (AXES_FAILURE_LIMIT,
# AXES_COOLOFF_TIME), instead of django-otp's ever longer waits.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
# On one machine the app serves uploads itself; set DJANGO_SERVE_MEDIA=0 when a
# proxy or object storage serves MEDIA_URL.
SERVE_MEDIA = os.environ.get("DJANGO_SERVE_MEDIA", "1") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Several app servers: uploads go to S3-compatible object storage, so no app
# server keeps them on its disk, and photo URLs point at the bucket (or at
# AWS_S3_CUSTOM_DOMAIN, a CDN or the bucket's public host name).
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    S3_SETTINGS = {
        "bucket_name": "AWS_STORAGE_BUCKET_NAME",
        "endpoint_url": "AWS_S3_ENDPOINT_URL",
        "region_name": "AWS_S3_REGION_NAME",
        "access_key": "AWS_ACCESS_KEY_ID",
        "secret_key": "AWS_SECRET_ACCESS_KEY",
        "custom_domain": "AWS_S3_CUSTOM_DOMAIN",
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            option: os.environ[variable]
            for option, variable in S3_SETTINGS.items()
            if os.environ.get(variable)
        }
        # Photos are public; keep names unique rather than overwriting. A
        # stored name never gets other content (originals have random names,
        # renditions their content's hash), so browsers may keep it a year.
        | {
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {
                "CacheControl": "public, max-age=31536000, immutable"
            },
        },
    }
    SERVE_MEDIA = False


def media_host():
    """The host (and port) photo URLs point to with S3 media, for the CSP:
    AWS_S3_CUSTOM_DOMAIN, else the endpoint's host (path-style URLs), else
    the bucket's own host at AWS; None with media on this site."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        return None
    if os.environ.get("AWS_S3_CUSTOM_DOMAIN"):
        return os.environ["AWS_S3_CUSTOM_DOMAIN"].split("/")[0]
    if os.environ.get("AWS_S3_ENDPOINT_URL"):
        return urlsplit(os.environ["AWS_S3_ENDPOINT_URL"]).netloc
    region = os.environ.get("AWS_S3_REGION_NAME")
    return (
        f"{bucket}.s3.{region}.amazonaws.com"
        if region
        else f"{bucket}.s3.amazonaws.com"
    )


# Tags: "Open Data" and "open data" are one tag.
TAGGIT_CASE_INSENSITIVE = True
# Only commas separate tags, so "Open Data" stays one tag (taggit's default
# would split it at the space).
TAGGIT_TAGS_FROM_STRING = "articles.forms.tags_from_string"
TAGGIT_STRING_FROM_TAGS = "articles.forms.tags_to_string"

# Behind TLS (DJANGO_HTTPS=1): redirect to https, HSTS, cookies only over https.
# Off by default so the site also runs on plain http://127.0.0.1.
if os.environ.get("DJANGO_HTTPS") == "1":
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Embedded posts (articles/embeds.py): Mastodon has no one host, so posts of
# these instances become consent placeholders; others stay plain links.
EMBED_MASTODON_INSTANCES = env_list("NEWSROOM_MASTODON_INSTANCES", "social.bund.de")
# The players an embed loads after the reader's click; articles/embeds.py
# embed_frame_hosts() names the same (a test keeps them equal).
EMBED_FRAME_HOSTS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://www.tiktok.com",
    "https://www.instagram.com",
    *(f"https://{host}" for host in EMBED_MASTODON_INSTANCES),
]

# Scripts only from our own origin, no third party, and no inline script
# except one carrying this response's nonce (the rich-text editor's import
# map). Inline styles stay allowed because the Django admin sets style
# attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        # Photos come from the bucket's host when media is on S3.
        "img-src": [SELF, "data:", *(media_host() or "").split()],
        # Pages' videos (Gebärdensprache) and captions, from media like photos.
        "media-src": [SELF, *(media_host() or "").split()],
        "font-src": [SELF],
        "frame-src": [SELF, *EMBED_FRAME_HOSTS],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Backups (articles/backups.py): age public keys (age1…) to encrypt them to,
# comma-separated; the secret key (or a file holding it) restores them.
BACKUP_RECIPIENTS = env_list("NEWSROOM_BACKUP_RECIPIENTS")
BACKUP_IDENTITY = os.environ.get("NEWSROOM_BACKUP_IDENTITY", "")
# The most a backup may unpack to; anything larger is refused unread.
RESTORE_MAX_BYTES = int(os.environ.get("NEWSROOM_RESTORE_MAX_MB") or 20480) * 2**20

SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Kommune Digital")
OTP_TOTP_ISSUER = SITE_NAME  # the account's name in the authenticator app
# The site's public address, e.g. https://news.example.de: absolute links in
# mails, and in feeds, sitemaps and JSON-LD instead of the request's Host.
SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "").rstrip("/")
# Where readers report accessibility barriers (footer and accessibility page).
ACCESSIBILITY_CONTACT = os.environ.get(
    "NEWSROOM_ACCESSIBILITY_CONTACT", "barrierefreiheit@example.org"
)

# Mail (review notifications, newsletters): SMTP when DJANGO_EMAIL_HOST is
# set, otherwise printed to the console of the process that sends it.
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "redaktion@example.org"
)
# Newsletters: how many mails per second send_newsletter hands to the SMTP
# server (0: no limit), and how long a confirmation link stays valid.
NEWSLETTER_RATE = float(os.environ.get("NEWSLETTER_RATE", "10"))
NEWSLETTER_CONFIRM_HOURS = int(os.environ.get("NEWSLETTER_CONFIRM_HOURS", "48"))

# One line per event with its cause; the page cache, purges and the health
# checks say what they did (INFO), everything else only when it goes wrong.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "newsroom": {"level": os.environ.get("NEWSROOM_LOG_LEVEL", "INFO")},
    },
}
