from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison import permissions


def navigation(request):
    """The navigation links the signed-in user's role may use."""
    user = getattr(request, "user", None)
    links = []
    if permissions.can_read_directory(user):
        links += [
            (_("Home"), reverse("home")),
            (_("Meetings"), reverse("meeting-list")),
            (_("Directory"), reverse("organisation-list")),
            (_("Agreements"), reverse("agreement-list")),
            (_("Decisions"), reverse("decision-list")),
        ]
    if permissions.is_member(user):
        links.append((_("My invitations"), reverse("my-invitations")))
        links.append((_("Our figures"), reverse("dashboard")))
    if permissions.can_read_all(user):
        links[1:1] = [
            (_("Dashboard"), reverse("dashboard")),
            (_("Reports"), reverse("report-list")),
        ]
        links.append((_("API"), reverse("api-docs")))
    if permissions.is_secretariat(user):
        links.append((_("Back office"), reverse("admin:index")))
    return {
        "nav_links": links,
        "user_role": permissions.role_of(user),
        "can_write": permissions.can_write(user),
        "can_see_history": permissions.can_see_history(user),
    }
