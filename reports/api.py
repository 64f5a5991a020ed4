"""Reports through the API: ask for one (202, made in the background), follow its progress,
list and download the kept ones, remove one. The same rules as the reports pages: officials
and the secretariat only; the requester or the secretariat removes; validation is the page
form's (``ReportRequestForm``), so both refuse the same requests with the same words."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework import permissions as drf
from rest_framework.decorators import action
from rest_framework.response import Response

from agreements.excel import XLSX_CONTENT_TYPE
from liaison import permissions
from liaison.api.conventions import ModelSerializer
from reports.forms import ReportRequestForm
from reports.generation import delete_report, report_file_response, request_report
from reports.models import GeneratedReport


class ReportPermission(drf.BasePermission):
    def has_permission(self, request, view) -> bool:
        return permissions.can_read_all(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method == "DELETE":
            return permissions.can_delete_report(request.user, obj)
        return True


class GeneratedReportSerializer(ModelSerializer):
    status = serializers.SerializerMethodField(help_text="queued, running, done or failed")
    status_display = serializers.CharField(source="shown_status", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    requested_by = serializers.StringRelatedField()
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedReport
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "parameters",
            "parameters_text",
            "status",
            "status_display",
            "progress",
            "step",
            "error",
            "requested_by",
            "requested_at",
            "data_as_of",
            "finished_at",
            "pdf_url",
            "xlsx_url",
        ]
        read_only_fields = fields

    def get_status(self, report) -> str:
        return report.effective_status

    def _url(self, report, name: str) -> str | None:
        if not report.is_ready:
            return None
        return self.context["request"].build_absolute_uri(
            reverse(f"api-report-{name}", args=[report.pk])
        )

    def get_pdf_url(self, report) -> str | None:
        return self._url(report, "pdf")

    def get_xlsx_url(self, report) -> str | None:
        return self._url(report, "xlsx")


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GeneratedReport.Kind.choices)
    year = serializers.IntegerField(required=False, help_text="ledger (optional), annual")
    meeting = serializers.IntegerField(required=False, help_text="event: the event's id")

    def validate(self, data):
        form = ReportRequestForm(data, user=self.context["request"].user)
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [str(e) for e in errors] for field, errors in form.errors.items()}
            )
        return {"kind": form.cleaned_data["kind"], "parameters": form.parameters()}


class GeneratedReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Reports (签约项目台账, 年度工作报告, 督办报告, 活动报告), newest first. POST asks for one
    and answers 202 at once; poll the report until ``status`` is ``done``, then fetch
    ``pdf_url`` and ``xlsx_url``."""

    permission_classes = [ReportPermission]
    serializer_class = GeneratedReportSerializer
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return GeneratedReport.objects.select_related("requested_by").order_by(
            "-requested_at", "-pk"
        )

    @extend_schema(request=ReportRequestSerializer, responses={202: GeneratedReportSerializer})
    def create(self, request, *args, **kwargs):
        data = ReportRequestSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        report, _created = request_report(request.user, **data.validated_data)
        report.refresh_from_db()  # made already when the work runs in-process
        return Response(self.get_serializer(report).data, status=202)

    def perform_destroy(self, instance) -> None:
        if instance.is_pending:
            raise serializers.ValidationError(
                _("A report cannot be removed while it is being generated."), code="pending"
            )
        delete_report(instance, actor=self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_name="pdf")
    def pdf(self, request, pk=None):
        return report_file_response(self.get_object(), "pdf")

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_name="xlsx")
    def xlsx(self, request, pk=None):
        return report_file_response(self.get_object(), "xlsx")
