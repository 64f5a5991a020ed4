from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("agreements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the background tasks of the Excel import (check and commit) with Celery: a
        # worker imports the apps, not the URL configuration that imports them.
        from agreements.excel import imports  # noqa: F401
