from rest_framework import permissions as drf

from liaison import permissions


class RolePermission(drf.BasePermission):
    """Signed-in roles read (each viewset scopes what); only the secretariat writes."""

    def has_permission(self, request, view) -> bool:
        if request.method in drf.SAFE_METHODS:
            return permissions.can_read_directory(request.user)
        return permissions.can_write(request.user)
