from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from liaison import permissions
from liaison.models import Notice


def _unread_count(user):
    """The user's unread notices, counted once and only if the page shows the navigation."""
    found = []

    def count() -> int:
        if not found:
            found.append(Notice.objects.filter(user=user).unread().count())
        return found[0]

    return count


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
        links.append((_("Channels"), reverse("channel-list")))
        links.append((_("Back office"), reverse("admin:index")))
    return {
        "unread_notices": _unread_count(user) if links else None,
        "nav_links": links,
        "user_role": permissions.role_of(user),
        "can_write": permissions.can_write(user),
        "can_see_history": permissions.can_see_history(user),
    }
