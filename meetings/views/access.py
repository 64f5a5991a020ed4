"""Who may open the secretariat's meeting pages."""

from liaison import permissions
from liaison.views import role_required

# Inviting, scheduling, the agenda and check-in: the secretariat.
secretariat_required = role_required(permissions.can_manage_invitations)
