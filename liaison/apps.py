from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("partnership core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported once the apps are loaded: liaison.pdf loads WeasyPrint and the models.
        from django.core import checks

        from liaison.pdf import pdf_system_check

        # Without HarfBuzz subsetting or the FangSong face, PDFs are slow or wrong: say so early.
        checks.register(pdf_system_check, "liaison")
        # Register the channels' background tasks with Celery (a worker imports the apps, not
        # the URL configuration).
        from liaison.channels import sending  # noqa: F401


class BackOfficeConfig(admin_apps.AdminConfig):
    """The Django admin as the secretariat's back office (see ``liaison.backoffice.BackOfficeSite``)."""

    default = False  # named explicitly in INSTALLED_APPS; LiaisonConfig stays this module's default
    default_site = "liaison.backoffice.BackOfficeSite"
