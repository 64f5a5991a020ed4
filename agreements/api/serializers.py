from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementImport,
    AgreementParty,
    Delivery,
    GoodsLine,
    NegotiationNote,
    ProgressReport,
    SigningUnit,
    StatusChange,
    WorkingMechanism,
)
from liaison.api.conventions import ModelSerializer
from liaison.api.serializers import ActorNameField
from liaison.models import Organisation, Sector


class SigningUnitSerializer(ModelSerializer):
    class Meta:
        model = SigningUnit
        fields = ["id", "name", "position", "organisation"]


class AgreementPartySerializer(ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = AgreementParty
        fields = [
            "organisation",
            "organisation_name",
            "role",
            "role_display",
            "signatory_name",
            "signatory_title",
        ]


class GoodsLineSerializer(ModelSerializer):
    class Meta:
        model = GoodsLine
        fields = ["commodity", "quantity", "unit"]


class StatusChangeSerializer(ModelSerializer):
    # Plain strings (the codes of Agreement.Status): one enum per choice set in the schema.
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    actor_name = ActorNameField()

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_on", "note", "actor", "actor_name"]


class AgreementSerializer(ModelSerializer):
    """An agreement with its parties and goods lines. The status, the funds in place and the
    percent complete are read-only here: they change through status changes and approved
    progress reports."""

    parties = AgreementPartySerializer(many=True, required=False)
    goods_lines = GoodsLineSerializer(many=True, required=False)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    signing_unit_name = serializers.CharField(
        source="signing_unit.name", read_only=True, default=""
    )
    sector_name = serializers.CharField(source="sector.name", read_only=True, default="")
    status = serializers.CharField(read_only=True, help_text="Changed with POST …/status/.")
    lifecycle = serializers.CharField(
        read_only=True, help_text="project, purchase, framework or intention (by the kind)"
    )
    has_landed = serializers.BooleanField(read_only=True, help_text="落实落地 for its kind.")
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "partnership",
            "signed_at_meeting",
            "signed_on",
            "signing_unit",
            "signing_unit_name",
            "sector",
            "sector_name",
            "amount",
            "status",
            "status_display",
            "status_reason",
            "funds_in_place",
            "percent_complete",
            "description",
            "is_illustrative",
            "parties",
            "goods_lines",
            "lifecycle",
            "has_landed",
            "project_company",
            "project_site",
            "introduced_under",
            "converted_from",
        ]
        read_only_fields = [
            "status",
            "status_reason",
            "funds_in_place",
            "percent_complete",
            "project_company",
            "project_site",
            "introduced_under",
            "converted_from",
        ]
        # Uniqueness is checked by the model (full_clean), with our own translated messages.
        validators = []
        extra_kwargs = {"title": {"validators": []}}


class StatusChangeRequestSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Agreement.Status.choices)
    on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressReportSerializer(ModelSerializer):
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.all())
    agreement_title = serializers.CharField(source="agreement.title", read_only=True)
    status = serializers.CharField(read_only=True, help_text="submitted, approved or returned")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    funds_in_place = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    percent_complete = serializers.IntegerField(min_value=0, max_value=100)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "agreement",
            "agreement_title",
            "period_start",
            "period_end",
            "funds_in_place",
            "percent_complete",
            "milestone",
            "narrative",
            "status",
            "status_display",
            "reviewer_comment",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = [
            "status",
            "reviewer_comment",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A member can only name the agreements it may see.
            self.fields["agreement"].queryset = Agreement.objects.visible_to(request.user)


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    funds_in_place = serializers.DecimalField(max_digits=18, decimal_places=2)
    funds_ratio = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    landed_count = serializers.IntegerField()
    landed_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class GoodsFiguresSerializer(serializers.Serializer):
    commodity = serializers.CharField()
    unit = serializers.CharField()
    contracted = serializers.DecimalField(max_digits=18, decimal_places=3)
    delivered = serializers.DecimalField(max_digits=18, decimal_places=3)
    delivered_ratio = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    delivered_value = serializers.DecimalField(max_digits=18, decimal_places=2)


class PurchaseFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    delivered_count = serializers.IntegerField(help_text="Purchases delivered in full (landed).")
    delivered_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    delivered_value = serializers.DecimalField(max_digits=18, decimal_places=2)
    goods = GoodsFiguresSerializer(many=True)


class FrameworkFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    mechanism_count = serializers.IntegerField()
    landed_count = serializers.IntegerField(help_text="Frameworks with a project introduced.")
    landed_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    projects_introduced = serializers.IntegerField()
    introduced_amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class IntentionFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    negotiating_count = serializers.IntegerField()
    converted_count = serializers.IntegerField()
    lapsed_count = serializers.IntegerField()
    conversion_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    converted_amount = serializers.DecimalField(max_digits=18, decimal_places=2)


class KindStatisticsSerializer(serializers.Serializer):
    """What 落实落地 means for each kind: ``agreements.statistics.kind_statistics``."""

    projects = ProjectFiguresSerializer()
    purchases = PurchaseFiguresSerializer()
    frameworks = FrameworkFiguresSerializer()
    intentions = IntentionFiguresSerializer()


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    funds_in_place = serializers.DecimalField(max_digits=18, decimal_places=2)
    funds_ratio = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    funds_in_place = serializers.DecimalField(max_digits=18, decimal_places=2)
    funds_ratio = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    project_count = serializers.IntegerField()
    landed_count = serializers.IntegerField()
    landed_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    by_unit = StatisticsRowSerializer(many=True)
    by_sector = StatisticsRowSerializer(many=True)
    by_kind = StatisticsRowSerializer(many=True)
    by_status = StatisticsRowSerializer(many=True)
    by_year = StatisticsRowSerializer(many=True)
    by_meeting = StatisticsRowSerializer(many=True)
    landed_by_year = StatisticsRowSerializer(
        many=True, help_text="The landed agreements (in operation or completed) by signing year."
    )
    kinds = serializers.SerializerMethodField()

    @extend_schema_field(KindStatisticsSerializer)
    def get_kinds(self, stats) -> dict:
        """What each kind has achieved, from the same agreements (given in the context)."""
        return KindStatisticsSerializer(self.context["kinds"]).data


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF, JPEG or PNG, checked by content and size.")


class AgreementDocumentSerializer(ModelSerializer):
    """The signed document scan's description; its bytes are at ``url`` (GET)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = AgreementDocument
        fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at", "url"]

    def get_url(self, document) -> str:
        path = reverse("api-agreement-document", args=[document.agreement_id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="An .xlsx 签约项目清单 with the template's header row (at most 5 MB, 2000 rows)."
    )


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(source="line", help_text="The row number in the sheet.")
    status = serializers.ChoiceField(choices=["new", "unchanged", "invalid"])
    cells = serializers.DictField(child=serializers.CharField(allow_blank=True))
    problems = serializers.ListField(child=serializers.CharField())


class ImportCountsSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    new = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invalid = serializers.IntegerField()


class AgreementImportSerializer(ModelSerializer):
    """An import and how far it has come: ``stage`` check then commit, each ``queued``,
    ``running``, ``done`` or ``failed``; once the check is done, its counts and rows."""

    file_name = serializers.CharField(source="original_name", read_only=True)
    status = serializers.SerializerMethodField(help_text="queued, running, done or failed")
    status_display = serializers.CharField(source="shown_status", read_only=True)
    counts = serializers.SerializerMethodField()
    rows = ImportRowSerializer(many=True, read_only=True)
    can_commit = serializers.BooleanField(read_only=True)
    created = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="The ids of the agreements recorded once the commit is done.",
    )

    class Meta:
        model = AgreementImport
        fields = [
            "id",
            "file_name",
            "stage",
            "status",
            "status_display",
            "progress",
            "step",
            "error",
            "requested_at",
            "finished_at",
            "counts",
            "can_commit",
            "rows",
            "created",
        ]
        read_only_fields = fields

    def get_status(self, agreement_import) -> str:
        return agreement_import.effective_status

    @extend_schema_field(ImportCountsSerializer(allow_null=True))
    def get_counts(self, agreement_import) -> dict | None:
        return agreement_import.counts or None


# --- Each kind's own steps (agreements.kinds) ------------------------------------------------


class TransitionSerializer(serializers.Serializer):
    """A status the agreement may move to next."""

    status = serializers.CharField()
    label = serializers.CharField()
    needs_reason = serializers.BooleanField()
    recorded_by = serializers.CharField(
        allow_null=True,
        help_text="The endpoint that takes this step with its facts, when it is not "
        "``transitions/`` itself: deliveries, working-mechanism, introduced-projects, convert.",
    )


class RegisterProjectSerializer(serializers.Serializer):
    company = serializers.CharField(max_length=200)
    site = serializers.CharField(max_length=200)
    on = serializers.DateField(required=False)


class DeliverySerializer(ModelSerializer):
    commodity = serializers.CharField(source="goods_line.commodity", read_only=True)
    unit = serializers.CharField(source="goods_line.unit", read_only=True)
    receipt_name = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "goods_line",
            "commodity",
            "unit",
            "delivered_on",
            "quantity",
            "amount",
            "is_supplement",
            "supplement_reason",
            "receipt_name",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_receipt_name(self, delivery) -> str:
        receipt = getattr(delivery, "receipt", None)
        return receipt.original_name if receipt is not None else ""


class DeliveryRequestSerializer(serializers.Serializer):
    goods_line = serializers.IntegerField(help_text="The id of one of the agreement's goods lines.")
    delivered_on = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    receipt = serializers.FileField(required=False)
    is_supplement = serializers.BooleanField(required=False, default=False)
    supplement_reason = serializers.CharField(required=False, allow_blank=True, default="")


class WorkingMechanismSerializer(ModelSerializer):
    class Meta:
        model = WorkingMechanism
        fields = ["our_contact", "their_contact", "first_activity", "first_activity_on"]


class IntroducedProjectSerializer(ModelSerializer):
    # A plain string (a code of Agreement.Status): one enum per choice set in the schema.
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "title", "amount", "signed_on", "status", "status_display"]
        read_only_fields = fields


class IntroduceProjectSerializer(serializers.Serializer):
    project = serializers.IntegerField(help_text="The id of a project agreement.")
    on = serializers.DateField(required=False)


class NegotiationNoteSerializer(ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = NegotiationNote
        fields = ["id", "noted_on", "note", "author", "author_name", "recorded_at"]
        read_only_fields = ["id", "author", "author_name", "recorded_at"]
        extra_kwargs = {"noted_on": {"required": False}}

    def get_author_name(self, note) -> str:
        return str(note.author) if note.author_id else ""


class ConvertIntentionSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    on = serializers.DateField(required=False)
    signing_unit = serializers.PrimaryKeyRelatedField(
        queryset=SigningUnit.objects.all(), required=False, allow_null=True
    )
    sector = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ProgressImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="An .xlsx 进展报送表: 项目名称, and per kind 报告期起/报告期止/到位资金(亿元)/"
        "完成进度(%)/进展情况, or 交货日期/货物/数量/金额(元)/补充交货原因, or 洽谈日期/洽谈记录."
    )


class ProgressImportSerializer(serializers.Serializer):
    progress_reports = serializers.IntegerField()
    deliveries = serializers.IntegerField()
    negotiation_notes = serializers.IntegerField()
