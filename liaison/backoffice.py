from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from liaison import permissions


class BackOfficeSite(admin.AdminSite):
    """The admin as the secretariat's back office: open to the secretariat role (and
    superusers), not to officials or members, whatever their ``is_staff`` flag says."""

    # The product's one name, as on every page and in the README; the index is the back office.
    site_header = _("Hunan–Turpan Liaison")
    site_title = _("Hunan–Turpan Liaison")
    index_title = _("Back office")

    def has_permission(self, request) -> bool:
        return request.user.is_active and permissions.is_secretariat(request.user)
