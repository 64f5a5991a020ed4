"""The steps of each kind's lifecycle on ``/api/v1/agreements/{id}/…``: thin, each parses its
input and calls one service of ``agreements.kinds`` (or ``services``). The secretariat takes
the steps; a party's member also writes its intention's negotiation notes; everyone reads only
the agreements it may see (``get_object`` is scoped)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions as drf
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from agreements import kinds, lifecycles, services
from agreements.api import serializers as s
from agreements.models import Agreement, Delivery, NegotiationNote, WorkingMechanism
from liaison import permissions


class PartiesWrite(drf.BasePermission):
    """Signed-in roles read (scoped); the secretariat and members write (the service checks
    that the member's organisation is a party)."""

    def has_permission(self, request, view) -> bool:
        if request.method in drf.SAFE_METHODS:
            return permissions.can_read_directory(request.user)
        return permissions.is_secretariat(request.user) or permissions.is_member(request.user)


class AgreementKindActions:
    """Mixed into ``AgreementViewSet``."""

    def _answer(self, agreement: Agreement, status: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=agreement.pk)
        return Response(self.get_serializer(fresh).data, status=status)

    @extend_schema(
        methods=["GET"],
        responses=s.TransitionSerializer(many=True),
        description="The statuses this agreement may move to next, by its kind's lifecycle.",
    )
    @extend_schema(
        methods=["POST"],
        request=s.StatusChangeRequestSerializer,
        responses={201: s.StatusChangeSerializer},
        description="Take one of those steps (stalled, terminated, lapsed need a reason).",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def transitions(self, request, pk=None):
        agreement = self.get_object()
        if request.method == "POST":
            data = s.StatusChangeRequestSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.change_agreement_status(agreement, actor=request.user, **data.validated_data)
            change = agreement.status_changes.select_related("actor").last()
            return Response(s.StatusChangeSerializer(change).data, status=201)
        rows = [
            {
                "status": status,
                "label": str(Agreement.Status(status).label),
                "needs_reason": lifecycles.needs_reason(status),
                "recorded_by": lifecycles.RECORDED_BY_SERVICE.get(status),
            }
            for status in lifecycles.allowed_next(agreement)
        ]
        return Response(s.TransitionSerializer(rows, many=True).data)

    @extend_schema(request=s.RegisterProjectSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        """A project: record its company and land or site; it becomes registered."""
        agreement = self.get_object()
        data = s.RegisterProjectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kinds.register_project(agreement, actor=request.user, **data.validated_data)
        return self._answer(agreement)

    @extend_schema(methods=["GET"], responses=s.DeliverySerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": s.DeliveryRequestSerializer,
            "application/json": s.DeliveryRequestSerializer,
        },
        responses={201: s.DeliverySerializer},
        description="A purchase: record a delivery on one of its goods lines. More than "
        "contracted is refused unless ``is_supplement`` with a ``supplement_reason``.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JSONParser, MultiPartParser, FormParser],
        pagination_class=None,
        filter_backends=[],
    )
    def deliveries(self, request, pk=None):
        agreement = self.get_object()
        if request.method == "GET":
            rows = Delivery.objects.filter(goods_line__agreement=agreement).with_related()
            return Response(s.DeliverySerializer(rows, many=True).data)
        data = s.DeliveryRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        line = get_object_or_404(agreement.goods_lines.all(), pk=values.pop("goods_line"))
        delivery = kinds.record_delivery(agreement, actor=request.user, goods_line=line, **values)
        fresh = Delivery.objects.with_related().get(pk=delivery.pk)
        return Response(s.DeliverySerializer(fresh).data, status=201)

    @extend_schema(methods=["GET"], responses=s.WorkingMechanismSerializer)
    @extend_schema(
        methods=["POST"],
        request=s.WorkingMechanismSerializer,
        responses={201: s.WorkingMechanismSerializer},
        description="A framework or park-to-park agreement: set up its working mechanism.",
    )
    @action(detail=True, methods=["get", "post"], url_path="working-mechanism")
    def working_mechanism(self, request, pk=None):
        agreement = self.get_object()
        if request.method == "GET":
            mechanism = get_object_or_404(WorkingMechanism, agreement=agreement)
            return Response(s.WorkingMechanismSerializer(mechanism).data)
        data = s.WorkingMechanismSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mechanism = kinds.set_up_working_mechanism(
            agreement, actor=request.user, **data.validated_data
        )
        return Response(s.WorkingMechanismSerializer(mechanism).data, status=201)

    @extend_schema(methods=["GET"], responses=s.IntroducedProjectSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=s.IntroduceProjectSerializer,
        responses={201: s.IntroducedProjectSerializer},
        description="A framework: link a project agreement introduced under it.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="introduced-projects",
        pagination_class=None,
        filter_backends=[],
    )
    def introduced_projects(self, request, pk=None):
        agreement = self.get_object()
        if request.method == "GET":
            rows = Agreement.objects.visible_to(request.user).filter(introduced_under=agreement)
            return Response(s.IntroducedProjectSerializer(rows, many=True).data)
        data = s.IntroduceProjectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = get_object_or_404(self.get_queryset(), pk=data.validated_data["project"])
        project = kinds.introduce_project(
            agreement, actor=request.user, project=project, on=data.validated_data.get("on")
        )
        return Response(s.IntroducedProjectSerializer(project).data, status=201)

    @extend_schema(methods=["GET"], responses=s.NegotiationNoteSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=s.NegotiationNoteSerializer,
        responses={201: s.NegotiationNoteSerializer},
        description="An investment intention's progress report: a negotiation note (its "
        "parties' members or the secretariat). The first note starts the negotiation.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="negotiation-notes",
        permission_classes=[PartiesWrite],
        pagination_class=None,
        filter_backends=[],
    )
    def negotiation_notes(self, request, pk=None):
        agreement = self.get_object()
        if request.method == "GET":
            rows = NegotiationNote.objects.filter(agreement=agreement).select_related("author")
            return Response(s.NegotiationNoteSerializer(rows, many=True).data)
        kinds.check_can_note_negotiation(agreement, request.user)
        data = s.NegotiationNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = kinds.record_negotiation_note(
            agreement,
            actor=request.user,
            note=data.validated_data["note"],
            on=data.validated_data.get("noted_on"),
        )
        return Response(s.NegotiationNoteSerializer(note).data, status=201)

    @extend_schema(request=s.ConvertIntentionSerializer, responses={201: s.AgreementSerializer})
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """An intention under negotiation: convert it into a new project agreement (answered),
        linked to it; the intention becomes converted."""
        agreement = self.get_object()
        data = s.ConvertIntentionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = kinds.convert_intention(agreement, actor=request.user, **data.validated_data)
        return self._answer(project, status=201)
