import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from liaison import audit
from liaison.admin import AuditedAdmin
from meetings import services
from meetings.models import Meeting


class MeetingAdminForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "partnership",
            "mechanism",
            "title",
            "kind",
            "start",
            "end",
            "venue",
            "city",
            "status",
            "status_reason",
            "description",
            "is_illustrative",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "status" in cleaned:
            stored = Meeting.objects.get(pk=self.instance.pk)
            changed = copy.copy(stored)
            changed.status = cleaned["status"]
            try:
                services.check_direct_change(changed, audit.snapshot(stored))
                services.check_status_transition(stored.status, cleaned["status"])
            except ValidationError as error:
                self.add_error("status", error.message_dict["status"])
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    """The back office edits a meeting's description and classification. Its time, place and
    a cancellation or postponement are read-only here: the meeting page's actions make them,
    through the lifecycle service that tells the invitees."""

    form = MeetingAdminForm
    list_display = ["title", "kind", "start", "city", "status", "mechanism"]
    list_filter = ["kind", "status", "mechanism", "partnership"]
    search_fields = ["title", "venue", "city"]
    date_hierarchy = "start"
    list_select_related = ["mechanism"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["uid", "sequence"]
        return ["uid", "sequence", *services.LIFECYCLE_FIELDS, "lifecycle_actions"]

    def get_fields(self, request, obj=None):
        fields = list(MeetingAdminForm.Meta.fields)
        if obj is not None:
            fields.insert(fields.index("start"), "lifecycle_actions")
        return [*fields, "uid", "sequence"]

    @admin.display(description=_("Time, place and status"))
    def lifecycle_actions(self, obj):
        return format_html(
            '<a href="{}#lifecycle">{}</a>',
            reverse("meeting-detail", args=[obj.pk]),
            _("Reschedule, postpone or cancel on the meeting page: the invitees are told there."),
        )

    def save_model(self, request, obj, form, change):
        # The same service as the API: checks the transition and raises the calendar revision.
        services.edit_meeting(obj, actor=request.user, note=str(self.back_office_note))
