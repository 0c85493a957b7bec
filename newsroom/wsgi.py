"""WSGI entry point: gunicorn newsroom.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()

from articles.page_cache import serve_hits_first  # noqa: E402 (after setup)

application = serve_hits_first(application)
