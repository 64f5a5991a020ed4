"""The lifecycle and mail actions of the meetings endpoint: cancel, postpone, reschedule,
close, send the invitations, resend failed mail, and the mail log (secretariat)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison import permissions
from liaison.api.conventions import ModelSerializer
from meetings import services
from meetings.models import MailDelivery


class NotifySerializer(serializers.Serializer):
    notify = serializers.BooleanField(
        default=True,
        help_text="false: correct a mistake without mail (noted in the history; SEQUENCE "
        "still rises).",
    )


class ReasonSerializer(NotifySerializer):
    reason = serializers.CharField(max_length=200, allow_blank=True)


class PostponeSerializer(ReasonSerializer):
    new_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    new_end = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RescheduleSerializer(NotifySerializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    venue = serializers.CharField(max_length=200, allow_blank=True, default="")
    city = serializers.CharField(max_length=64, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200, allow_blank=True, default="")


class ResendSerializer(serializers.Serializer):
    invitation = serializers.IntegerField(required=False, allow_null=True, default=None)


class QueuedSerializer(serializers.Serializer):
    queued = serializers.IntegerField()


class MailDeliverySerializer(ModelSerializer):
    invitee = serializers.CharField(source="invitation.invitee", read_only=True, default="")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MailDelivery
        fields = [
            "id",
            "invitation",
            "invitee",
            "kind",
            "kind_display",
            "recipient",
            "status",
            "status_display",
            "error",
            "batch",
            "created_at",
            "sent_at",
        ]
        read_only_fields = fields


class LifecycleMixin:
    """Status changes that notify the invitees, and the meeting's mail."""

    def _meeting(self):
        # Not ``get_object()``: the meeting list's filters (?status=…) are not this action's.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _changed(self, meeting):
        meeting = self.get_queryset().get(pk=meeting.pk)
        return Response(self.get_serializer(meeting).data)

    def _data(self, serializer_class):
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the meeting with a reason; the invitees who have not declined are mailed."""
        data = self._data(ReasonSerializer)
        meeting = services.cancel_meeting(self._meeting(), actor=request.user, **data)
        return self._changed(meeting)

    @extend_schema(request=PostponeSerializer)
    @action(detail=True, methods=["post"])
    def postpone(self, request, pk=None):
        """Postpone the meeting with a reason and optionally a provisional new time."""
        data = self._data(PostponeSerializer)
        meeting = services.postpone_meeting(self._meeting(), actor=request.user, **data)
        return self._changed(meeting)

    @extend_schema(request=RescheduleSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """A new time and place; the meeting keeps its identity and the invitees are mailed."""
        data = self._data(RescheduleSerializer)
        meeting = services.reschedule_meeting(self._meeting(), actor=request.user, **data)
        return self._changed(meeting)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close a meeting that was held."""
        meeting = services.close_meeting(self._meeting(), actor=request.user)
        return self._changed(meeting)

    @extend_schema(request=None, responses=QueuedSerializer)
    @action(detail=True, methods=["post"], url_path="send-invitations")
    def send_invitations(self, request, pk=None):
        """Mail the invitation to every invitee not mailed yet (one batch)."""
        count = services.send_invitations(self._meeting(), actor=request.user)
        return Response({"queued": count}, status=202)

    @extend_schema(request=ResendSerializer, responses=QueuedSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Resend the failed mail and group-robot and SMS messages of the meeting, or the
        mail of one invitation."""
        meeting = self._meeting()
        data = self._data(ResendSerializer)
        invitation = None
        if data["invitation"] is not None:
            invitation = get_object_or_404(meeting.invitations, pk=data["invitation"])
        count = services.resend_mail(meeting, actor=request.user, invitation=invitation)
        return Response({"queued": count}, status=202)

    @extend_schema(responses=MailDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The meeting's mail log (secretariat only); filter with ?kind= and ?status=."""
        meeting = self._meeting()
        if not permissions.can_manage_invitations(request.user):
            raise PermissionDenied
        deliveries = meeting.mail_deliveries.select_related(
            "invitation__organisation", "invitation__person__organisation"
        ).order_by("-created_at", "-pk")
        for name in ("kind", "status"):
            if value := request.query_params.get(name):
                deliveries = deliveries.filter(**{name: value})
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(MailDeliverySerializer(page, many=True).data)
