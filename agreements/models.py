"""Signed agreements and their implementation until they land (落实落地).

An agreement has parties (甲方, 乙方 …), goods lines for purchase agreements, a lifecycle whose
every change is kept (``StatusChange``), and progress reports that member enterprises submit and
the secretariat approves; the latest approved report drives the agreement's figures.
Money is ``Decimal`` yuan throughout.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison import permissions
from liaison.models import BackgroundJob, Organisation, Partnership, PrivateFile, Sector
from liaison.uploads import private_storage, private_upload_to

MONEY = {"max_digits": 16, "decimal_places": 2}
CENT = Decimal("0.01")


class SigningUnit(models.Model):
    """The Turpan-side unit a signed agreement counts under, such as 高昌区 or 市直单位.

    Not an organisation: 市直单位 groups several city-level units, so the organisation is
    optional."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_units",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("signing unit")
        verbose_name_plural = _("signing units")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Secretariat and officials read every agreement; a member reads the agreements its
        organisation is a party to; anyone else none."""
        if permissions.can_read_all(user):
            return self
        if permissions.is_member(user):
            return self.filter(
                Exists(
                    AgreementParty.objects.filter(
                        agreement=OuterRef("pk"), organisation_id=user.organisation_id
                    )
                )
            )
        return self.none()

    def with_related(self):
        return self.select_related("partnership", "signed_at_meeting", "signing_unit", "sector")

    def with_parties(self):
        return self.prefetch_related(
            models.Prefetch(
                "parties", queryset=AgreementParty.objects.select_related("organisation")
            ),
            "goods_lines",
        )

    def projects(self):
        return self.filter(kind=Agreement.Kind.PROJECT)

    def of_lifecycle(self, lifecycle: str):
        kinds = [k for k, life in Agreement.LIFECYCLE_OF_KIND.items() if life == lifecycle]
        return self.filter(kind__in=kinds)

    def landed(self):
        return self.filter(status__in=Agreement.LANDED_STATUSES)


class Agreement(models.Model):
    """A signed agreement: what was signed, by whom, for how much, and whether it has landed."""

    class Kind(models.TextChoices):
        STRATEGIC = "strategic", _("strategic cooperation")
        PROJECT = "project", _("project cooperation")
        PURCHASE = "purchase", _("purchase")
        PARK = "park", _("park-to-park cooperation")
        INTENTION = "intention", _("investment intention")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        SIGNED = "signed", _("signed")
        # project (项目协议)
        REGISTERED = "registered", _("registered (company and site)")
        UNDER_CONSTRUCTION = "under_construction", _("under construction")
        IN_OPERATION = "in_operation", _("in operation (landed)")
        COMPLETED = "completed", _("completed")
        # purchase (采购协议)
        PARTLY_DELIVERED = "partly_delivered", _("partly delivered")
        DELIVERED = "delivered", _("delivered (landed)")
        # framework and park-to-park (合作框架/园区共建)
        MECHANISM_SET_UP = "mechanism_set_up", _("working mechanism set up")
        PROJECTS_INTRODUCED = "projects_introduced", _("projects introduced (landed)")
        # investment intention (投资意向)
        NEGOTIATING = "negotiating", _("under negotiation")
        CONVERTED = "converted", _("converted to a project (landed)")
        LAPSED = "lapsed", _("lapsed")
        # any kind
        STALLED = "stalled", _("stalled")
        TERMINATED = "terminated", _("terminated")

    class Lifecycle(models.TextChoices):
        """Which life a kind of agreement follows (``agreements.lifecycles``)."""

        PROJECT = "project", _("project")
        PURCHASE = "purchase", _("purchase")
        FRAMEWORK = "framework", _("framework")
        INTENTION = "intention", _("investment intention")

    LIFECYCLE_OF_KIND = {
        Kind.STRATEGIC: Lifecycle.FRAMEWORK,
        Kind.PROJECT: Lifecycle.PROJECT,
        Kind.PURCHASE: Lifecycle.PURCHASE,
        Kind.PARK: Lifecycle.FRAMEWORK,
        Kind.INTENTION: Lifecycle.INTENTION,
        Kind.OTHER: Lifecycle.PROJECT,
    }
    # A project has landed (落地) once it operates; a completed one has landed too.
    LANDED_STATUSES = (Status.IN_OPERATION, Status.COMPLETED)
    # What counts as 落实落地 for each lifecycle.
    LANDED_BY_LIFECYCLE = {
        Lifecycle.PROJECT: LANDED_STATUSES,
        Lifecycle.PURCHASE: (Status.DELIVERED,),
        Lifecycle.FRAMEWORK: (Status.PROJECTS_INTRODUCED,),
        Lifecycle.INTENTION: (Status.CONVERTED,),
    }
    STATUSES_NEEDING_REASON = (Status.STALLED, Status.TERMINATED, Status.LAPSED)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("agreement", "title"), max_length=200, unique=True)
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("partnership"),
    )
    signed_at_meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("signed at"),
    )
    signed_on = models.DateField(_("signed on"))
    signing_unit = models.ForeignKey(
        SigningUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("signing unit"),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("industry sector"),
    )
    amount = models.DecimalField(
        _("signed amount (yuan)"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("In yuan; purchase agreements and intentions may have none."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SIGNED
    )
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the agreement is stalled or terminated.")
    )
    funds_in_place = models.DecimalField(
        _("funds in place (yuan)"), **MONEY, default=Decimal("0.00")
    )
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    description = models.TextField(_("description"), blank=True)
    project_company = models.CharField(
        _("project company"),
        max_length=200,
        blank=True,
        help_text=_("The company set up for a project; needed to register it."),
    )
    project_site = models.CharField(
        _("land or site"),
        max_length=200,
        blank=True,
        help_text=_("The land or site of a project; needed to register it."),
    )
    introduced_under = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="introduced_projects",
        verbose_name=_("introduced under"),
        help_text=_("The framework or park-to-park agreement that introduced this project."),
    )
    converted_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="converted_to",
        verbose_name=_("converted from"),
        help_text=_("The investment intention this project agreement was converted from."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_("Demo data that the source article does not state."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="agreement_amount_not_negative",
                violation_error_message=_("The signed amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(funds_in_place__gte=0),
                name="agreement_funds_not_negative",
                violation_error_message=_("Funds in place cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="agreement_percent_0_100",
                violation_error_message=_("Percent complete must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["stalled", "terminated", "lapsed"]) | ~Q(status_reason=""),
                name="agreement_stalled_terminated_have_reason",
                violation_error_message=_(
                    "A stalled, terminated or lapsed agreement needs a reason."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(converted_from=models.F("pk")),
                name="agreement_not_converted_from_itself",
            ),
            models.CheckConstraint(
                condition=~Q(introduced_under=models.F("pk")),
                name="agreement_not_introduced_under_itself",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def lifecycle(self) -> str:
        return self.LIFECYCLE_OF_KIND.get(self.kind, self.Lifecycle.PROJECT)

    @property
    def has_landed(self) -> bool:
        return self.status in self.LANDED_BY_LIFECYCLE[self.lifecycle]

    def clean(self) -> None:
        # Stored with two decimals: keep the same value in memory, so the audit sees no change.
        if self.amount is not None:
            self.amount = Decimal(self.amount).quantize(CENT)
        self.funds_in_place = Decimal(self.funds_in_place).quantize(CENT)
        if (
            self.signed_at_meeting_id
            and self.partnership_id
            and self.signed_at_meeting.partnership_id != self.partnership_id
        ):
            raise ValidationError(
                {"signed_at_meeting": _("The meeting belongs to another partnership.")}
            )


class AgreementParty(models.Model):
    """A party to an agreement with its role (甲方, 乙方 …) and who signed for it."""

    class Role(models.TextChoices):
        A = "a", _("party A")
        B = "b", _("party B")
        C = "c", _("party C")
        D = "d", _("party D")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=1, choices=Role.choices)
    signatory_name = models.CharField(_("signatory"), max_length=64, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["agreement", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                name="agreement_party_unique_organisation",
                violation_error_message=_("This organisation is already a party."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "role"],
                name="agreement_party_unique_role",
                violation_error_message=_("Another party already has this role."),
            ),
        ]

    def __str__(self) -> str:
        signatory = f"（{self.signatory_name}）" if self.signatory_name else ""
        return f"{self.get_role_display()} {self.organisation}{signatory}"


class GoodsLine(models.Model):
    """A commodity of a purchase agreement: 肉苁蓉 20 吨."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="goods_lines",
        verbose_name=_("agreement"),
    )
    commodity = models.CharField(_("commodity"), max_length=64)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=16)

    class Meta:
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")
        ordering = ["agreement", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="goods_line_quantity_positive",
                violation_error_message=_("The quantity must be positive."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "commodity"],
                name="goods_line_unique_commodity",
                violation_error_message=_("This commodity is already listed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commodity} {self.quantity.normalize():f} {self.unit}"


class StatusChange(models.Model):
    """One step of an agreement's lifecycle: from, to, when, why and who."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("agreement"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Agreement.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Agreement.Status.choices)
    changed_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["agreement", "changed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="status_change_changes_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(agreement__in=Agreement.objects.visible_to(user))

    def with_related(self):
        return self.select_related("agreement", "submitted_by", "reviewed_by")


class ProgressReport(models.Model):
    """A report on an agreement's implementation for a period, submitted by a party and
    approved or returned by the secretariat. Figures are cumulative as of the period's end."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("agreement"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    funds_in_place = models.DecimalField(_("funds in place (yuan)"), **MONEY)
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"))
    milestone = models.CharField(_("milestone reached"), max_length=200, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewer_comment = models.TextField(_("reviewer's comment"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["agreement", "-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funds_in_place__gte=0),
                name="progress_report_funds_not_negative",
                violation_error_message=_("Funds in place cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100),
                name="progress_report_percent_0_100",
                violation_error_message=_("Percent complete must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="progress_report_period_ordered",
                violation_error_message=_("The period ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.period_start:%Y-%m-%d}—{self.period_end:%Y-%m-%d}"

    def clean(self) -> None:
        if self.funds_in_place is not None:
            self.funds_in_place = Decimal(self.funds_in_place).quantize(CENT)


class PrivateFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The files of the agreements the user may read."""
        return self.filter(
            **{f"{self.model.AGREEMENT_PATH}__in": Agreement.objects.visible_to(user)}
        )


class AgreementFile(PrivateFile):
    """A private file of an agreement, readable by whoever may read the agreement."""

    objects = PrivateFileQuerySet.as_manager()

    class Meta:
        abstract = True


class AgreementDocument(AgreementFile):
    """The scan of the signed agreement (签约文本扫描件). Replacing it keeps the old and new
    name in the agreement's history."""

    UPLOAD_FOLDER = "agreements"
    AGREEMENT_PATH = "agreement"

    agreement = models.OneToOneField(
        Agreement, on_delete=models.CASCADE, related_name="document", verbose_name=_("agreement")
    )

    class Meta:
        verbose_name = _("signed document scan")
        verbose_name_plural = _("signed document scans")


class ProgressReportAttachment(AgreementFile):
    """A PDF or image attached to a progress report (photos of the site, a bank statement …)."""

    UPLOAD_FOLDER = "progress"
    AGREEMENT_PATH = "report__agreement"

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("progress report"),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "id"]


class AgreementImport(BackgroundJob):
    """A 签约项目清单 (.xlsx) being imported, in two steps made in the background: the check,
    whose preview (every row with its problems) the secretariat reads, then, once confirmed,
    the import of every new row, all or nothing. ``agreements.excel.imports`` moves it along."""

    class Stage(models.TextChoices):
        CHECK = "check", pgettext_lazy("import", "check")
        COMMIT = "commit", pgettext_lazy("import", "import")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import", "waiting")
        RUNNING = "running", pgettext_lazy("import", "in progress")
        DONE = "done", pgettext_lazy("import", "done")
        FAILED = "failed", pgettext_lazy("import", "failed")

    PENDING = (Status.QUEUED, Status.RUNNING)
    UPLOAD_FOLDER = "agreement-imports"

    stage = models.CharField(_("step"), max_length=16, choices=Stage.choices, default=Stage.CHECK)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=private_upload_to, max_length=200, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200)
    rows = models.JSONField(_("checked rows"), default=list, blank=True)
    counts = models.JSONField(_("row counts"), default=dict, blank=True)
    created = models.JSONField(_("agreements created"), default=list, blank=True)

    class Meta:
        verbose_name = _("agreement import")
        verbose_name_plural = _("agreement imports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="agreement_import_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_checked(self) -> bool:
        """The preview is ready and waits for the secretariat's confirmation."""
        return self.stage == self.Stage.CHECK and self.status == self.Status.DONE

    @property
    def is_imported(self) -> bool:
        return self.stage == self.Stage.COMMIT and self.status == self.Status.DONE

    @property
    def can_commit(self) -> bool:
        return (
            self.is_checked
            and bool(self.file)
            and not self.counts.get("invalid")
            and bool(self.counts.get("new"))
        )


# --- What each kind of agreement records on its way to landing ------------------------------

QUANTITY = {"max_digits": 14, "decimal_places": 3}
GRAM = Decimal("0.001")


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(goods_line__agreement__in=Agreement.objects.visible_to(user))

    def with_related(self):
        return self.select_related("goods_line", "recorded_by", "receipt")


class Delivery(models.Model):
    """One delivery on a goods line of a purchase agreement: 12.500 吨 肉苁蓉 on a date, for an
    amount, with its receipt. Delivering more than contracted is a supplement with a reason."""

    goods_line = models.ForeignKey(
        GoodsLine,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("goods line"),
    )
    delivered_on = models.DateField(_("delivered on"))
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    is_supplement = models.BooleanField(_("supplement"), default=False)
    supplement_reason = models.TextField(_("reason for the supplement"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["goods_line", "delivered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="delivery_quantity_positive",
                violation_error_message=_("The quantity delivered must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="delivery_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(is_supplement=False) | ~Q(supplement_reason=""),
                name="delivery_supplement_has_reason",
                violation_error_message=_("A supplement needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        line = self.goods_line
        return f"{line.commodity} {self.quantity.normalize():f} {line.unit} · {self.delivered_on}"

    def clean(self) -> None:
        if self.quantity is not None:
            self.quantity = Decimal(self.quantity).quantize(GRAM)
        if self.amount is not None:
            self.amount = Decimal(self.amount).quantize(CENT)


class DeliveryReceipt(AgreementFile):
    """The receipt of a delivery (签收单), a PDF or an image."""

    UPLOAD_FOLDER = "deliveries"
    AGREEMENT_PATH = "delivery__goods_line__agreement"

    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, related_name="receipt", verbose_name=_("delivery")
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")


class WorkingMechanism(models.Model):
    """The working mechanism of a framework or park-to-park agreement: a named contact on each
    side and the first joint activity. Setting it up moves the agreement on."""

    agreement = models.OneToOneField(
        Agreement,
        on_delete=models.CASCADE,
        related_name="working_mechanism",
        verbose_name=_("agreement"),
    )
    our_contact = models.CharField(_("contact on the Turpan side"), max_length=64)
    their_contact = models.CharField(_("contact on the Hunan side"), max_length=64)
    first_activity = models.CharField(_("first joint activity"), max_length=200)
    first_activity_on = models.DateField(_("date of the first joint activity"))

    class Meta:
        verbose_name = _("working mechanism")
        verbose_name_plural = _("working mechanisms")

    def __str__(self) -> str:
        return f"{self.our_contact} · {self.their_contact} · {self.first_activity}"


class NegotiationNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(agreement__in=Agreement.objects.visible_to(user))


class NegotiationNote(models.Model):
    """What an investment intention's negotiation reached on a day: its progress report."""

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="negotiation_notes",
        verbose_name=_("agreement"),
    )
    noted_on = models.DateField(_("date"))
    note = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = NegotiationNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("negotiation note")
        verbose_name_plural = _("negotiation notes")
        ordering = ["agreement", "noted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="negotiation_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.noted_on}"
