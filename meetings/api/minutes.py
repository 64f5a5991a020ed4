"""The API of minutes, their versions, decisions and follow-ups: reads scoped with
``visible_to``, writes through ``meetings.minutes`` (the same services as the pages)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework import permissions as drf
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison import permissions
from liaison.api.conventions import ModelSerializer, as_id
from liaison.filters import IdFilter
from liaison.models import Organisation, User
from meetings import minutes as workflow
from meetings.minutes.word import MIME_TYPE as DOCX
from meetings.models import (
    Comment,
    Decision,
    FollowUp,
    Meeting,
    Minutes,
    MinutesVersion,
)

# --- Serializers -----------------------------------------------------------------------------


class MinutesSerializer(ModelSerializer):
    document_number = serializers.CharField(read_only=True)
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Minutes
        fields = [
            "id",
            "meeting",
            "year",
            "serial",
            "document_number",
            "chairs",
            "recorder",
            "approver_a",
            "approver_b",
            "versions",
            "created_at",
        ]
        read_only_fields = ["meeting", "created_at"]

    def get_versions(self, minutes) -> list[int]:
        return [v.pk for v in minutes.versions.all()]


class DraftMinutesSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    chairs = serializers.CharField(required=False, allow_blank=True, default="")
    recorder = serializers.CharField(required=False, allow_blank=True, default="")
    approver_a = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, default=None
    )
    approver_b = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, default=None
    )


class ApprovalSerializer(serializers.Serializer):
    party = serializers.IntegerField(source="party_id")
    approver = serializers.IntegerField(source="approver_id")
    approved_at = serializers.DateTimeField()


class MinutesVersionSerializer(ModelSerializer):
    # Plain strings (the codes of MinutesVersion.Status): one enum per choice set in the schema.
    status = serializers.CharField(read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)

    class Meta:
        model = MinutesVersion
        fields = [
            "id",
            "minutes",
            "number",
            "status",
            "content",
            "correction_reason",
            "created_at",
            "circulated_at",
            "published_at",
            "superseded_at",
            "approvals",
        ]
        read_only_fields = [f for f in fields if f != "content"]


class CommentSerializer(ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "version", "author", "quote", "body", "created_at"]
        read_only_fields = ["version", "author", "created_at"]


class CorrectionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class FollowUpSerializer(ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "decision", "date", "text", "reported_by", "recorded_by", "created_at"]
        read_only_fields = ["decision", "recorded_by", "created_at"]


class DecisionSerializer(ModelSerializer):
    responsible_units = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organisation.objects.all()
    )
    status = serializers.CharField(read_only=True)  # a code of Decision.Status
    is_overdue = serializers.SerializerMethodField()
    latest_follow_up = serializers.SerializerMethodField()
    document_number = serializers.CharField(source="minutes.document_number", read_only=True)
    meeting = serializers.IntegerField(source="minutes.meeting_id", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "minutes",
            "meeting",
            "document_number",
            "number",
            "text",
            "responsible_units",
            "deadline",
            "status",
            "status_reason",
            "is_overdue",
            "latest_follow_up",
        ]
        read_only_fields = ["minutes", "number", "status", "status_reason"]

    def get_is_overdue(self, decision) -> bool:
        return decision.is_overdue()

    def get_latest_follow_up(self, decision) -> dict | None:
        latest = decision.latest_follow_up
        return FollowUpSerializer(latest).data if latest else None


class DecisionStatusSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="open, in_progress, done or dropped")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- Viewsets --------------------------------------------------------------------------------


class ReviewerPermission(drf.BasePermission):
    """Signed-in roles read and may act: approvers, liaison persons and responsible units act
    here too, so the services decide who may make each change (PermissionDenied → 403)."""

    def has_permission(self, request, view) -> bool:
        return permissions.can_read_directory(request.user)


class MinutesViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Minutes: created by drafting (POST: meeting, chairs, recorder, approvers); the basic
    facts are changed with PATCH; decisions are added with POST …/decisions/."""

    permission_classes = [ReviewerPermission]
    serializer_class = MinutesSerializer
    filterset_fields = ["meeting", "year"]

    def get_queryset(self):
        return (
            Minutes.objects.visible_to(self.request.user)
            .with_related()
            .prefetch_related("versions")
        )

    @extend_schema(request=DraftMinutesSerializer, responses=MinutesSerializer)
    def create(self, request, *args, **kwargs):
        workflow.check_can_draft_minutes(request.user)  # before the body says which fields exist
        data = DraftMinutesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting = values.pop("meeting")
        minutes = workflow.draft_minutes(meeting, actor=request.user, **values)
        return Response(MinutesSerializer(minutes).data, status=201)

    def perform_update(self, serializer) -> None:
        workflow.save_minutes_facts(
            serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=DecisionSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        """Add the next decision, from the version being drafted."""
        minutes = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = workflow.add_decision(
            minutes,
            actor=request.user,
            text=data.validated_data["text"],
            responsible_units=data.validated_data["responsible_units"],
            deadline=data.validated_data.get("deadline"),
        )
        return Response(DecisionSerializer(decision).data, status=201)


class MinutesVersionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Versions of minutes. PATCH ``content`` changes a draft; the actions move it on."""

    permission_classes = [ReviewerPermission]
    serializer_class = MinutesVersionSerializer
    filterset_fields = ["minutes", "status"]

    def get_queryset(self):
        return (
            MinutesVersion.objects.visible_to(self.request.user)
            .with_related()
            .prefetch_related("approvals")
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = workflow.update_draft(
            serializer.instance,
            actor=self.request.user,
            content=serializer.validated_data.get("content", {}),
        )

    def _done(self, version):
        version = self.get_queryset().get(pk=version.pk)
        return Response(MinutesVersionSerializer(version).data)

    @extend_schema(request=None, responses=MinutesVersionSerializer)
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        return self._done(workflow.circulate_minutes(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=MinutesVersionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        version = self.get_object()
        workflow.approve_minutes(version, actor=request.user)
        return self._done(version)

    @extend_schema(request=None, responses=MinutesVersionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._done(workflow.publish_minutes(self.get_object(), actor=request.user))

    @extend_schema(request=CorrectionReasonSerializer, responses=MinutesVersionSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        version = self.get_object()
        workflow.check_can_draft_minutes(request.user)
        data = CorrectionReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = workflow.correct_minutes(
            version, actor=request.user, reason=data.validated_data["reason"]
        )
        return Response(MinutesVersionSerializer(new).data, status=201)

    @extend_schema(request=CommentSerializer, responses=CommentSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        """The version's comments (reviewers), or a new comment with its quoted text."""
        version = self.get_object()
        if not permissions.can_review_minutes(request.user, version.minutes):
            raise PermissionDenied
        if request.method == "POST":
            data = CommentSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = workflow.comment_on_minutes(
                version, actor=request.user, **data.validated_data
            )
            return Response(CommentSerializer(comment).data, status=201)
        return Response(CommentSerializer(version.comments.all(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("against", int, description="the other version's id")],
        responses={200: dict},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        """The changed lines from another version (by default the previous one) to this one."""
        version = self.get_object()
        others = self.get_queryset().filter(minutes=version.minutes).exclude(pk=version.pk)
        against = request.query_params.get("against")
        other = (
            get_object_or_404(others, pk=as_id(against))
            if against
            else others.filter(number__lt=version.number).order_by("-number").first()
        )
        changes = workflow.diff_versions(other, version) if other else []
        return Response({"from": other.pk if other else None, "to": version.pk, "changes": changes})

    @extend_schema(
        parameters=[OpenApiParameter("archival", bool, description="PDF/A-3b (published)")],
        responses={(200, "application/pdf"): bytes},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        version = self.get_object()
        archival = request.query_params.get("archival") in ("1", "true")
        pdf = workflow.minutes_pdf(version, archival=archival)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, workflow.pdf_filename(version, archival=archival)
        )
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(responses={(200, DOCX): bytes})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        """The version as an editable Word copy (.docx), for whoever may read it."""
        version = self.get_object()
        response = HttpResponse(workflow.minutes_docx(version), content_type=DOCX)
        response["Content-Disposition"] = content_disposition_header(
            True, workflow.docx_filename(version)
        )
        response["Cache-Control"] = "private, no-store"
        return response


class DecisionFilter(filters.FilterSet):
    unit = IdFilter(method="filter_unit", label="responsible unit")
    overdue = filters.BooleanFilter(method="filter_overdue")
    meeting = IdFilter(field_name="minutes__meeting")

    class Meta:
        model = Decision
        fields = ["status", "minutes", "meeting"]

    def filter_unit(self, queryset, name, value):
        return queryset.for_unit(value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class DecisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Decisions across all meetings (filters: unit, status, overdue, meeting, minutes)."""

    permission_classes = [ReviewerPermission]
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["deadline", "number"]

    def get_queryset(self):
        return (
            Decision.objects.visible_to(self.request.user)
            .with_related()
            .order_by("-minutes__meeting__start", "number")
        )

    def perform_update(self, serializer) -> None:
        data = serializer.validated_data
        workflow.change_decision(
            serializer.instance,
            actor=self.request.user,
            text=data.get("text"),
            responsible_units=data.get("responsible_units"),
            deadline=data.get("deadline", serializer.instance.deadline),
        )

    @extend_schema(request=DecisionStatusSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        decision = self.get_object()
        workflow.check_can_manage_decisions(request.user)
        data = DecisionStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decision = workflow.change_decision_status(
            decision,
            actor=request.user,
            to=data.validated_data["status"],
            reason=data.validated_data["reason"],
        )
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)

    @extend_schema(request=FollowUpSerializer, responses=FollowUpSerializer)
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request, pk=None):
        decision = self.get_object()
        workflow.check_can_follow_up(decision, request.user)
        data = FollowUpSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        follow_up = workflow.add_follow_up(decision, actor=request.user, **data.validated_data)
        return Response(FollowUpSerializer(follow_up).data, status=201)


class FollowUpViewSet(viewsets.ReadOnlyModelViewSet):
    """Follow-ups of the decisions the user may see (recorded via …/decisions/{id}/follow-ups/)."""

    permission_classes = [ReviewerPermission]
    serializer_class = FollowUpSerializer
    filterset_fields = ["decision"]

    def get_queryset(self):
        return FollowUp.objects.filter(
            decision__in=Decision.objects.visible_to(self.request.user)
        ).order_by("-date", "-pk")
