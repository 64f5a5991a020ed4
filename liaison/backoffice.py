from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from liaison import permissions


class BackOfficeSite(admin.AdminSite):
    """The admin as the secretariat's back office: open to the secretariat role (and
    superusers), not to officials or members, whatever their ``is_staff`` flag says."""

    site_header = _("Hunan–Turpan cooperation: back office")
    site_title = _("Liaison system back office")
    index_title = _("Registry")

    def has_permission(self, request) -> bool:
        return request.user.is_active and permissions.is_secretariat(request.user)
