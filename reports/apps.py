from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background tasks (report generation and pruning) with Celery: a worker
        # imports the apps, not the URL configuration that imports them.
        from reports import generation  # noqa: F401
