from django.contrib import admin

from liaison.admin import AuditedAdmin
from meetings.models import Meeting


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["title", "kind", "start", "city", "status", "mechanism"]
    list_filter = ["kind", "status", "mechanism", "partnership"]
    search_fields = ["title", "venue", "city"]
    date_hierarchy = "start"
    list_select_related = ["mechanism"]
    readonly_fields = ["uid", "sequence"]
