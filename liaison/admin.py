from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison import audit
from liaison.models import (
    Association,
    AuditEntry,
    FocusArea,
    Mechanism,
    Membership,
    Organisation,
    Partnership,
    Person,
    Region,
    Sector,
    User,
)


class AuditedAdmin(admin.ModelAdmin):
    """Admin whose saves and deletions are written to the audit trail like every other write."""

    back_office_note = _("back office")
    # A link typed without a scheme is taken as https://, as on the pages (and as Django 6 will).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        audit.save_audited(obj, actor=request.user, note=str(self.back_office_note))

    def delete_model(self, request, obj):
        audit.delete_audited(obj, actor=request.user, note=str(self.back_office_note))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ["name", "name_en", "position"]
    search_fields = ["name", "name_en"]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["name", "title", "phone", "email", "is_liaison"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = [
        "name",
        "short_name",
        "kind",
        "region",
        "sector",
        "credit_code",
        "is_illustrative",
    ]
    list_filter = ["kind", "sector", "region", "is_illustrative"]
    search_fields = ["name", "short_name", "name_en", "credit_code"]
    autocomplete_fields = ["region"]
    list_select_related = ["region", "sector"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "title", "organisation", "phone", "is_liaison"]
    list_filter = ["is_liaison", "organisation__kind"]
    search_fields = ["name", "title", "organisation__name", "phone", "email"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation"]


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "party_a", "party_b", "started_on", "status"]
    list_filter = ["status"]
    search_fields = ["name", "party_a__name", "party_b__name"]
    autocomplete_fields = ["party_a", "party_b"]


@admin.register(Mechanism)
class MechanismAdmin(AuditedAdmin):
    list_display = ["name", "partnership", "kind", "rrule", "first_date"]
    list_filter = ["kind", "partnership"]
    search_fields = ["name"]
    inlines = [FocusAreaInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation", "liaison"]


@admin.register(Association)
class AssociationAdmin(AuditedAdmin):
    list_display = ["name", "partnership", "founded_on"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["organisation", "association", "role", "status", "joined_on", "liaison"]
    list_filter = ["status", "role", "association"]
    search_fields = ["organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation", "liaison"]
    list_select_related = ["organisation", "association", "liaison"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor__username", "actor__name"]
    list_select_related = ["actor", "content_type"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Role"), {"fields": ["name", "role", "organisation"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ["name", "role", "organisation"]}),
    ]
