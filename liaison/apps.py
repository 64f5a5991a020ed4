from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("partnership core")
    default_auto_field = "django.db.models.BigAutoField"
