from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

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
            stored = Meeting.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
            try:
                services.check_status_transition(stored.first(), cleaned["status"])
            except ValidationError as error:
                self.add_error("status", error.message_dict["status"])
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    form = MeetingAdminForm
    list_display = ["title", "kind", "start", "city", "status", "mechanism"]
    list_filter = ["kind", "status", "mechanism", "partnership"]
    search_fields = ["title", "venue", "city"]
    date_hierarchy = "start"
    list_select_related = ["mechanism"]
    readonly_fields = ["uid", "sequence"]

    def save_model(self, request, obj, form, change):
        # The same service as the API: checks the transition and raises the calendar revision.
        services.save_meeting(obj, actor=request.user, note=str(self.back_office_note))
