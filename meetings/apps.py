from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the meetings' background tasks (send_deliveries, the reminder jobs) with
        # Celery: a worker imports the apps, not the URL configuration that imports them.
        from meetings import delivery, mail  # noqa: F401
        from meetings.minutes import mail as minutes_mail  # noqa: F401
