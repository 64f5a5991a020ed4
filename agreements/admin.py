from django.contrib import admin

from agreements.models import Agreement, AgreementParty, GoodsLine, SigningUnit
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


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["title", "kind", "signing_unit", "sector", "amount", "status", "signed_on"]
    list_filter = ["kind", "status", "signing_unit", "sector"]
    search_fields = ["title"]
    date_hierarchy = "signed_on"
    inlines = [PartyInline, GoodsLineInline]
    # The lifecycle and the figures change only through status changes and progress reports.
    readonly_fields = ["status", "status_reason", "funds_in_place", "percent_complete"]
