from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison import permissions
from liaison.api.views import HistoryMixin
from liaison.api.viewsets import AuditedModelViewSet
from liaison.models import Organisation, Person
from meetings import audience, services
from meetings.api.serializers import (
    AnswerSerializer,
    InvitationCountsSerializer,
    InvitationSerializer,
    InviteSerializer,
    MeetingSerializer,
)
from meetings.models import Invitation, Meeting, invitation_counts


class MeetingFilter(filters.FilterSet):
    starts_after = filters.DateFilter(field_name="start", lookup_expr="date__gte")
    starts_before = filters.DateFilter(field_name="start", lookup_expr="date__lte")
    year = filters.NumberFilter(field_name="start", lookup_expr="year")

    class Meta:
        model = Meeting
        fields = ["kind", "status", "partnership", "mechanism", "year"]


class MeetingViewSet(HistoryMixin, AuditedModelViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["title", "venue", "city"]
    ordering_fields = ["start", "title"]

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).with_related()

    def save(self, instance) -> None:
        services.save_meeting(instance, actor=self.request.user)

    @extend_schema(responses=InvitationCountsSerializer)
    @action(detail=True, methods=["get"])
    def counts(self, request, pk=None):
        """Live counts of the meeting's answers (secretariat and officials)."""
        meeting = self.get_object()
        if not permissions.can_read_all(request.user):
            raise PermissionDenied
        return Response(InvitationCountsSerializer(invitation_counts(meeting)).data)

    @extend_schema(request=InviteSerializer, responses=InvitationSerializer(many=True))
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Invite organisations and people in bulk; those already invited are skipped."""
        meeting = self.get_object()
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = data.validated_data
        organisations = list(Organisation.objects.filter(pk__in=chosen.get("organisations", [])))
        if chosen["association_members"]:
            organisations += audience.association_members(meeting.partnership)
        if chosen["parties"]:
            organisations += audience.parties(meeting.partnership)
        people = Person.objects.filter(pk__in=chosen.get("people", []))
        created = services.invite_organisations(meeting, organisations, actor=request.user)
        created += services.invite_people(meeting, people, actor=request.user)
        return Response(InvitationSerializer(created, many=True).data, status=201)


class InvitationFilter(filters.FilterSet):
    class Meta:
        model = Invitation
        fields = ["meeting", "status", "organisation", "person", "answered_via"]


class InvitationViewSet(
    HistoryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Invitations, scoped by role: a member sees its organisation's and its own person's,
    the secretariat and officials all. Answers go through ``answer``."""

    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    search_fields = ["organisation__name", "person__name", "attendees__name"]
    ordering_fields = ["answered_at", "status", "waitlist_position"]

    def get_queryset(self):
        return (
            Invitation.objects.visible_to(self.request.user)
            .with_related()
            .order_by("meeting", "pk")
        )

    def get_permissions(self):
        if self.action == "answer":
            # Members answer their own invitations: the service checks which.
            return []
        return super().get_permissions()

    @extend_schema(request=AnswerSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer the invitation (attending, not attending, tentative), with attendees, a
        delegate and a note. Members until the deadline; the secretariat at any time."""
        if not permissions.can_read_directory(request.user):
            raise PermissionDenied
        invitation = get_object_or_404(self.get_queryset(), pk=pk)
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = data.validated_data
        result = services.record_rsvp(
            invitation,
            status=answer["status"],
            attendees=answer.get("attendees", []),
            delegate=answer.get("delegate"),
            note=answer.get("note", ""),
            actor=request.user,
            channel=Invitation.Channel.API,
        )
        invitation = self.get_queryset().get(pk=result.invitation.pk)
        return Response(InvitationSerializer(invitation).data)
