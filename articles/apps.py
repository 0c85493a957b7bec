from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Redaktion")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .database import keep_sqlite_statistics
        from .page_cache import connect_signals

        connect_signals()
        connection_created.connect(keep_sqlite_statistics, dispatch_uid="sqlite-stats")
