from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from liaison import permissions, uploads
from liaison.api import serializers as s
from liaison.api.views import HistoryMixin
from liaison.api.views import MechanismViewSet as LiaisonMechanismViewSet
from liaison.api.viewsets import AuditedModelViewSet
from liaison.filters import YearFilter
from liaison.models import Organisation, Person
from meetings import audience, services
from meetings.api.attendance import AttendanceMixin
from meetings.api.lifecycle import LifecycleMixin
from meetings.api.serializers import (
    AgendaItemSerializer,
    AgendaMaterialSerializer,
    AgendaOrderSerializer,
    AnswerSerializer,
    InvitationCountsSerializer,
    InvitationSerializer,
    InviteSerializer,
    MaterialUploadSerializer,
    MeetingSerializer,
    ScheduleNextSerializer,
)
from meetings.models import AgendaItem, Invitation, Meeting, invitation_counts


class MeetingFilter(filters.FilterSet):
    starts_after = filters.DateFilter(field_name="start", lookup_expr="date__gte")
    starts_before = filters.DateFilter(field_name="start", lookup_expr="date__lte")
    year = YearFilter(field_name="start")

    class Meta:
        model = Meeting
        fields = ["kind", "status", "partnership", "mechanism", "year"]


DIRECT_CHANGE_RULE = (
    "Time, place and a cancellation or postponement are not edited here: `start`, `end`, "
    "`venue`, `city` and `status_reason`, and a `status` of cancelled or postponed (or leaving "
    "postponed), are refused with 400 naming the field. Use the lifecycle actions "
    "`POST /api/v1/meetings/{id}/reschedule/`, `…/postpone/` and `…/cancel/`: they record the "
    "reason, raise SEQUENCE once and mail every invitee (or, with `notify: false`, nobody). "
    "Publishing a draft (`status: scheduled`), marking it held and closing stay editable here."
)


@extend_schema_view(
    update=extend_schema(description=DIRECT_CHANGE_RULE),
    partial_update=extend_schema(description=DIRECT_CHANGE_RULE),
)
class MeetingViewSet(AttendanceMixin, LifecycleMixin, HistoryMixin, AuditedModelViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["title", "venue", "city"]
    ordering_fields = ["start", "title"]

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).with_related()

    def save(self, instance) -> None:
        services.edit_meeting(instance, actor=self.request.user)

    def perform_create(self, serializer) -> None:
        if "answer_fields" not in serializer.validated_data:
            kind = serializer.validated_data.get("kind", "")
            serializer.validated_data["answer_fields"] = services.default_answer_fields(kind)
        super().perform_create(serializer)

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
        """Invite organisations and people in bulk (the association, both parties, a region,
        a sector, named organisations and people); those already invited are skipped. For a
        scheduled or postponed meeting the new invitations are mailed at once, as on the page."""
        meeting = self.get_object()
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = data.validated_data
        invitees = audience.resolve(
            meeting.partnership,
            with_association=chosen["association_members"],
            with_parties=chosen["parties"],
            region=chosen["region"],
            sector=chosen["sector"],
            organisations=Organisation.objects.filter(pk__in=chosen.get("organisations", [])),
            people=Person.objects.filter(pk__in=chosen.get("people", [])),
        )
        created = services.invite_and_mail(meeting, invitees, actor=request.user)
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
        # To check that the user may see it, and its invitee: the service reads the rest again,
        # with its meeting, under the meeting's lock.
        invitation = get_object_or_404(
            Invitation.objects.visible_to(request.user).select_related(
                "organisation", "person__organisation"
            ),
            pk=pk,
        )
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
        # The invitation as recorded, with its meeting, invitee and attendees (read once more).
        return Response(InvitationSerializer(result.invitation).data)


# --- Scheduling, agenda and attendance -------------------------------------------------------


class OccurrenceRangeSerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class MechanismViewSet(LiaisonMechanismViewSet):
    """The partnership's mechanisms, their expected occurrences matched to the meetings, and
    scheduling their next meeting."""

    @extend_schema(
        parameters=[OpenApiParameter("start", date), OpenApiParameter("end", date)],
        responses=s.OccurrenceSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as bounded
    def occurrences(self, request, pk=None):
        """Expected occurrences between ``start`` and ``end`` and whether each was held, is
        scheduled, is still due, or was missed."""
        mechanism = self.get_object()
        today = timezone.localdate()
        params = OccurrenceRangeSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        start = params.validated_data.get("start", mechanism.first_date)
        end = params.validated_data.get("end", date(today.year + 4, 12, 31))
        if end < start:
            raise ValidationError({"end": _("The end of the range is before its start.")})
        if (end - start).days > 366 * 100:
            raise ValidationError({"end": _("The range cannot be longer than 100 years.")})
        meetings = list(Meeting.objects.visible_to(request.user).filter(mechanism=mechanism))
        occurrences = mechanism.occurrences(start, end, meetings=meetings)
        return Response(s.OccurrenceSerializer(occurrences, many=True).data)

    @extend_schema(request=ScheduleNextSerializer, responses={201: MeetingSerializer})
    @action(detail=True, methods=["post"], url_path="schedule-next")
    def schedule_next(self, request, pk=None):
        """Schedule the next meeting of the mechanism from its cadence (secretariat). The body
        may change the plan: title, start, end, venue, city, deadline, capacity, co-hosts."""
        mechanism = self.get_object()
        if not permissions.can_manage_invitations(request.user):
            raise PermissionDenied
        data = ScheduleNextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "cohosts" in values:
            values["cohosts"] = list(Organisation.objects.filter(pk__in=values["cohosts"]))
        meeting = services.schedule_next_meeting(mechanism, actor=request.user, **values)
        return Response(MeetingSerializer(meeting).data, status=201)


class AgendaItemViewSet(HistoryMixin, AuditedModelViewSet):
    """Agenda items of the meetings the user can see (filter with ``?meeting=``); the
    secretariat adds, changes, reorders and removes them and uploads their materials."""

    serializer_class = AgendaItemSerializer
    filterset_fields = ["meeting"]
    ordering_fields = ["position"]

    def get_queryset(self):
        return (
            AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(self.request.user))
            .prefetch_related("materials")
            .order_by("meeting", "position", "pk")
        )

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        meeting = data.pop("meeting")
        serializer.instance = services.add_agenda_item(meeting, actor=self.request.user, **data)

    def perform_update(self, serializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("meeting", None)
        services.change_agenda_item(serializer.instance, actor=self.request.user, **data)

    def perform_destroy(self, instance) -> None:
        services.remove_agenda_item(instance, actor=self.request.user)

    @extend_schema(request=AgendaOrderSerializer, responses=AgendaItemSerializer(many=True))
    @action(
        detail=False,
        methods=["post"],
        url_path=r"reorder/(?P<meeting_pk>\d+)",
        pagination_class=None,  # the whole agenda, in its new order
    )
    def reorder(self, request, meeting_pk=None):
        """Put a meeting's agenda in the given order of item ids."""
        meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=meeting_pk)
        data = AgendaOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = services.reorder_agenda(meeting, data.validated_data["items"], actor=request.user)
        return Response(AgendaItemSerializer(items, many=True).data)

    @extend_schema(request=MaterialUploadSerializer, responses={201: AgendaMaterialSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def materials(self, request, pk=None):
        """Upload a material (PDF, JPEG or PNG) for the item (secretariat)."""
        item = self.get_object()
        data = MaterialUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        material = services.attach_agenda_material(
            item, actor=request.user, upload=data.validated_data["file"]
        )
        return Response(AgendaMaterialSerializer(material).data, status=201)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"materials/(?P<material_pk>\d+)")
    def material(self, request, pk=None, material_pk=None):
        """Download a material of an item of a meeting the user can see."""
        item = self.get_object()
        return uploads.file_response(get_object_or_404(item.materials, pk=material_pk))
