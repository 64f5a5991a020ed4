from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, renderers, viewsets
from rest_framework import permissions as drf
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings

from agreements import excel, services
from agreements.api import serializers as s
from agreements.api.kinds import AgreementKindActions
from agreements.excel import progress as progress_import
from agreements.filters import AgreementFilter
from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementImport,
    ProgressReport,
    SigningUnit,
)
from agreements.statistics import agreement_statistics, kind_statistics
from liaison import permissions, uploads
from liaison.api.conventions import as_id
from liaison.api.views import HistoryMixin
from liaison.api.viewsets import AuditedModelViewSet
from liaison.xlsx import xlsx_response


class XlsxRenderer(renderers.BaseRenderer):
    """Lets a client ask for the Excel downloads with ``Accept: <xlsx type>``."""

    media_type = excel.XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)  # an error answered to such a client


class SigningUnitViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = SigningUnit.objects.select_related("organisation")
    serializer_class = s.SigningUnitSerializer
    search_fields = ["name"]


class AgreementViewSet(AgreementKindActions, HistoryMixin, AuditedModelViewSet):
    """Agreements: the secretariat writes, officials read, members read the agreements their
    organisation is a party to. Parties and goods lines are written with the agreement; each
    kind's own steps are in ``agreements.api.kinds``."""

    serializer_class = s.AgreementSerializer
    filterset_class = AgreementFilter
    search_fields = ["title", "description"]
    ordering_fields = ["signed_on", "amount", "title", "status", "funds_in_place"]
    NESTED = ("parties", "goods_lines")

    def get_queryset(self):
        return Agreement.objects.visible_to(self.request.user).with_related().with_parties()

    def _pop_nested(self, serializer) -> None:
        self._nested = {name: serializer.validated_data.pop(name, None) for name in self.NESTED}

    def perform_create(self, serializer) -> None:
        self._pop_nested(serializer)
        super().perform_create(serializer)

    def perform_update(self, serializer) -> None:
        self._pop_nested(serializer)
        super().perform_update(serializer)

    def save(self, instance) -> None:
        nested = getattr(self, "_nested", {})
        services.save_agreement(
            instance,
            actor=self.request.user,
            parties=nested.get("parties"),
            goods_lines=nested.get("goods_lines"),
        )

    @extend_schema(request=s.StatusChangeRequestSerializer, responses=s.AgreementSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Move the agreement along its lifecycle (stalled and terminated need a reason)."""
        agreement = self.get_object()
        data = s.StatusChangeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_agreement_status(agreement, actor=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=agreement.pk)).data)

    @extend_schema(
        methods=["GET"],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        description="The signed document scan (PDF, JPEG or PNG) as a download.",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.AgreementDocumentSerializer},
        description="Upload or replace the signed document scan (the secretariat).",
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def document(self, request, pk=None):
        agreement = self.get_object()
        if request.method == "GET":
            return uploads.file_response(
                get_object_or_404(AgreementDocument.objects.filter(agreement=agreement))
            )
        data = s.DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.attach_agreement_document(
            agreement, actor=request.user, upload=data.validated_data["file"]
        )
        return Response(
            s.AgreementDocumentSerializer(document, context={"request": request}).data, status=201
        )

    @extend_schema(responses=s.StatusChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="status-changes", pagination_class=None)
    def status_changes(self, request, pk=None):
        agreement = self.get_object()
        changes = agreement.status_changes.select_related("actor")
        return Response(s.StatusChangeSerializer(changes, many=True).data)

    @extend_schema(responses=s.StatisticsSerializer)
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        """Counts and Decimal amounts of the (filtered) agreements by signing unit, sector,
        kind, status, year and signing event; funds in place and the landed rate; and under
        ``kinds`` what each kind has achieved (delivered, introduced, converted)."""
        agreements = self.filter_queryset(self.get_queryset())
        stats = agreement_statistics(agreements)
        context = {"kinds": kind_statistics(agreements)}
        return Response(s.StatisticsSerializer(stats, context=context).data)

    # --- Excel in and out (agreements.excel) --------------------------------------------------

    @extend_schema(responses={(200, excel.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(
        detail=False,
        methods=["get"],
        renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, XlsxRenderer],
    )
    def export(self, request):
        """The (filtered) agreements as .xlsx with a totals row equal to the statistics."""
        agreements = self.filter_queryset(Agreement.objects.visible_to(request.user))
        return xlsx_response(excel.export_agreements(agreements), "签约项目台账")

    @extend_schema(responses={(200, excel.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(
        detail=False,
        methods=["get"],
        url_path="import/template",
        renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, XlsxRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def import_template(self, request):
        """An empty 签约项目清单 with an example row and a sheet of instructions."""
        return xlsx_response(excel.import_template(), "签约项目清单模板")

    @extend_schema(request=s.ImportUploadSerializer, responses={202: s.AgreementImportSerializer})
    @action(
        detail=False,
        methods=["post"],
        url_path="import/preview",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_preview(self, request):
        """Step 1 (secretariat): send an .xlsx; a file that cannot be imported is refused at
        once (400), else its rows are checked in the background (202): follow
        ``/api/v1/agreement-imports/{id}/`` until ``status`` is ``done``, read its rows, then
        confirm with ``…/commit/``. Nothing is written before."""
        data = s.ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement_import = excel.start_import(data.validated_data["file"], actor=request.user)
        agreement_import.refresh_from_db()  # checked already when the work runs in-process
        return Response(s.AgreementImportSerializer(agreement_import).data, status=202)


class SecretariatOnly(drf.BasePermission):
    def has_permission(self, request, view) -> bool:
        return permissions.can_write(request.user)


class AgreementImportViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own Excel imports (secretariat): follow one, and confirm a checked one."""

    serializer_class = s.AgreementImportSerializer
    permission_classes = [SecretariatOnly]

    queryset = AgreementImport.objects.all()

    def get_queryset(self):
        return self.queryset.filter(requested_by=self.request.user.pk)

    @extend_schema(request=None, responses={202: s.AgreementImportSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Step 2: record every new row of the checked file in the background, or nothing;
        follow the import until ``stage`` is ``commit`` and ``status`` is ``done``."""
        agreement_import = excel.confirm_import(self.get_object(), actor=request.user)
        agreement_import.refresh_from_db()  # recorded already when the work runs in-process
        return Response(self.get_serializer(agreement_import).data, status=202)


class ProgressPermission(drf.BasePermission):
    """Signed-in roles read (scoped); the secretariat and members submit (the service checks
    the member's organisation is a party); only the secretariat reviews."""

    def has_permission(self, request, view) -> bool:
        if request.method in drf.SAFE_METHODS:
            return permissions.can_read_directory(request.user)
        if view.action == "create":
            return permissions.is_secretariat(request.user) or permissions.is_member(request.user)
        return permissions.can_review_progress(request.user)


class ProgressReportViewSet(
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Progress reports: a member submits them for its own agreements; the secretariat
    approves or returns them."""

    serializer_class = s.ProgressReportSerializer
    permission_classes = [ProgressPermission]
    filterset_fields = ["agreement", "status"]
    ordering_fields = ["period_end", "submitted_at"]

    def get_queryset(self):
        return ProgressReport.objects.visible_to(self.request.user).with_related()

    def create(self, request, *args, **kwargs):
        # Whether the user may report on the named agreement is answered before the body is
        # validated, so that an outsider learns nothing from the field errors.
        named = as_id(request.data.get("agreement"))
        if named is not None:
            agreement = get_object_or_404(Agreement.objects.visible_to(request.user), pk=named)
            services.check_can_report_progress(agreement, request.user)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer) -> None:
        data = dict(serializer.validated_data)
        agreement = data.pop("agreement")
        serializer.instance = services.submit_progress_report(
            agreement, actor=self.request.user, **data
        )

    def _review(self, request, service):
        report = self.get_object()
        data = s.ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        service(report, actor=request.user, comment=data.validated_data["comment"])
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request={"multipart/form-data": s.ProgressImportUploadSerializer},
        responses={201: s.ProgressImportSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_progress(self, request):
        """The secretariat sends a 进展报送表 (.xlsx): each row is what fits its agreement's
        kind (a progress report, a delivery, a negotiation note); all rows are recorded, or
        none and the refused rows are listed (400)."""
        data = s.ProgressImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = progress_import.import_progress(data.validated_data["file"], actor=request.user)
        return Response(s.ProgressImportSerializer(result).data, status=201)

    @extend_schema(request=s.ReviewSerializer, responses=s.ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve; the agreement's funds in place and percent complete follow."""
        return self._review(request, services.approve_progress_report)

    @extend_schema(request=s.ReviewSerializer, responses=s.ProgressReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        """Return to the author with a comment (required)."""
        return self._review(request, services.return_progress_report)
