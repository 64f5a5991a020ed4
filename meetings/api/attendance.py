"""The attendance actions of the meetings endpoint."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison import permissions
from meetings import attendance, services
from meetings.api.serializers import AttendanceSerializer, CheckInSerializer


class AttendanceMixin:
    """Attendance of a meeting: counts and rate, and check-in (secretariat)."""

    @extend_schema(responses=AttendanceSerializer)
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        """Expected attendees by attendance, and the rate present / expected."""
        meeting = self.get_object()
        if not permissions.can_read_all(request.user):
            raise PermissionDenied
        counts = attendance.attendance_counts(meeting)
        return Response(AttendanceSerializer({**vars(counts), "rate": counts.rate}).data)

    @extend_schema(request=CheckInSerializer, responses=AttendanceSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Mark an expected attendee present, absent or excused (secretariat)."""
        meeting = self.get_object()
        services.check_can_check_in(request.user)
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attendee = get_object_or_404(
            attendance.expected_attendees(meeting), pk=data.validated_data["attendee"]
        )
        services.mark_attendance(
            attendee, attendance=data.validated_data["attendance"], actor=request.user
        )
        counts = attendance.attendance_counts(meeting)
        return Response(AttendanceSerializer({**vars(counts), "rate": counts.rate}).data)
