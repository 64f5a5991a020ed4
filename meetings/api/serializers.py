from rest_framework import serializers

from meetings.models import Meeting


class MeetingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    mechanism_name = serializers.CharField(source="mechanism.name", read_only=True, default="")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "uid",
            "title",
            "kind",
            "kind_display",
            "partnership",
            "mechanism",
            "mechanism_name",
            "start",
            "end",
            "venue",
            "city",
            "status",
            "status_display",
            "description",
            "sequence",
            "is_illustrative",
        ]
        read_only_fields = ["uid", "sequence"]
