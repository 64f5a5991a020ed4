from django.contrib import admin

from agreements.models import (
    Agreement,
    AgreementParty,
    Delivery,
    GoodsLine,
    NegotiationNote,
    SigningUnit,
    WorkingMechanism,
)
from liaison.admin import AuditedAdmin


@admin.register(SigningUnit)
class SigningUnitAdmin(AuditedAdmin):
    list_display = ["name", "position", "organisation"]
    search_fields = ["name"]


class ReadOnlyInline(admin.TabularInline):
    """Parties and goods change through ``agreements.services`` (the API), which records each
    change on the agreement's history; the back office shows them."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PartyInline(ReadOnlyInline):
    model = AgreementParty
    fields = ["role", "organisation", "signatory_name", "signatory_title"]


class GoodsLineInline(ReadOnlyInline):
    model = GoodsLine
    fields = ["commodity", "quantity", "unit"]


class WorkingMechanismInline(ReadOnlyInline):
    model = WorkingMechanism
    fields = ["our_contact", "their_contact", "first_activity", "first_activity_on"]


class NegotiationNoteInline(ReadOnlyInline):
    model = NegotiationNote
    fields = ["noted_on", "note", "author"]


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["title", "kind", "signing_unit", "sector", "amount", "status", "signed_on"]
    list_filter = ["kind", "status", "signing_unit", "sector"]
    search_fields = ["title"]
    date_hierarchy = "signed_on"
    inlines = [PartyInline, GoodsLineInline, WorkingMechanismInline, NegotiationNoteInline]
    # The lifecycle, its facts and the figures change only through the services
    # (``agreements.services`` and ``agreements.kinds``) and progress reports.
    readonly_fields = [
        "status",
        "status_reason",
        "funds_in_place",
        "percent_complete",
        "project_company",
        "project_site",
        "introduced_under",
        "converted_from",
    ]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Deliveries are recorded through ``agreements.kinds.record_delivery`` (the API), which
    moves the purchase along; the back office reads them."""

    list_display = ["goods_line", "delivered_on", "quantity", "amount", "is_supplement"]
    list_select_related = ["goods_line__agreement"]
    search_fields = ["goods_line__agreement__title", "goods_line__commodity"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
