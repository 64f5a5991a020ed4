from django.urls import reverse
from rest_framework import serializers

from liaison.api.conventions import ModelSerializer
from liaison.models import Region, Sector
from meetings.models import AgendaItem, AgendaMaterial, Attendee, Invitation, Meeting
from meetings.services import ANSWERS, ATTENDEE_FIELDS


def answer_fields_field() -> serializers.ListField:
    """What the answer form asks of each attendee; left out, the kind's defaults."""
    return serializers.ListField(
        child=serializers.ChoiceField(choices=Meeting.AnswerField.choices), required=False
    )


class MeetingSerializer(ModelSerializer):
    answer_fields = answer_fields_field()
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
            "number",
            "start",
            "end",
            "venue",
            "city",
            "online_url",
            "rsvp_deadline",
            "capacity",
            "answer_fields",
            "status",
            "status_display",
            "description",
            "sequence",
            "answers_from_sequence",
            "is_illustrative",
        ]
        read_only_fields = ["uid", "sequence", "answers_from_sequence"]


class AttendeeSerializer(ModelSerializer):
    dietary_display = serializers.CharField(source="get_dietary_display", read_only=True)

    class Meta:
        model = Attendee
        fields = [*ATTENDEE_FIELDS, "dietary_display", "attendance"]
        read_only_fields = ["attendance"]


class DelegateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, allow_blank=True, required=False)
    title = serializers.CharField(max_length=128, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False)


class InvitationSerializer(ModelSerializer):
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    invitee = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    # Empty until the invitation is answered: the schema lists "" beside the channels.
    answered_via = serializers.ChoiceField(
        choices=Invitation._meta.get_field("answered_via").choices, allow_blank=True, read_only=True
    )
    answered_via_display = serializers.CharField(source="get_answered_via_display", read_only=True)
    delegate = serializers.SerializerMethodField()
    attendees = AttendeeSerializer(many=True, read_only=True)
    answers_current_version = serializers.SerializerMethodField(
        help_text="Whether the answer still counts: given for the meeting's current time and "
        "place (answer_sequence ≥ the meeting's answers_from_sequence); null: no answer yet."
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "meeting",
            "meeting_title",
            "organisation",
            "person",
            "invitee",
            "status",
            "status_display",
            "waitlist_position",
            "note",
            "answered_at",
            "answered_via",
            "answered_via_display",
            "answer_sequence",
            "answer_stamp",
            "answers_current_version",
            "delegate",
            "attendees",
        ]
        read_only_fields = fields

    def get_answers_current_version(self, invitation) -> bool | None:
        if invitation.answer_sequence is None:
            return None
        return invitation.answer_sequence >= invitation.meeting.answers_from_sequence

    def get_delegate(self, invitation) -> dict | None:
        if not invitation.delegate_name:
            return None
        return {
            "name": invitation.delegate_name,
            "title": invitation.delegate_title,
            "phone": invitation.delegate_phone,
        }


class AnswerSerializer(serializers.Serializer):
    """An answer (回执): the same fields as the answer page."""

    status = serializers.ChoiceField(choices=list(ANSWERS))
    attendees = AttendeeSerializer(many=True, required=False)
    delegate = DelegateSerializer(required=False)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class InviteSerializer(serializers.Serializer):
    organisations = serializers.ListField(child=serializers.IntegerField(), required=False)
    people = serializers.ListField(child=serializers.IntegerField(), required=False)
    association_members = serializers.BooleanField(required=False, default=False)
    parties = serializers.BooleanField(required=False, default=False)
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True, default=None
    )
    sector = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(), required=False, allow_null=True, default=None
    )


class InvitationCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    headcount = serializers.IntegerField()
    pending = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    tentative = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    to_confirm = serializers.IntegerField()


# --- Scheduling, agenda and attendance -------------------------------------------------------


class ScheduleNextSerializer(serializers.Serializer):
    """Changes to the plan of the next meeting; everything left out comes from the plan."""

    title = serializers.CharField(max_length=200, required=False)
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=64, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    rsvp_deadline = serializers.DateTimeField(required=False, allow_null=True)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    online_url = serializers.URLField(required=False, allow_blank=True)
    cohosts = serializers.ListField(child=serializers.IntegerField(), required=False)
    answer_fields = answer_fields_field()


class AgendaMaterialSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AgendaMaterial
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, material) -> str:
        return reverse("api-agenda-item-material", args=[material.item_id, material.pk])


class AgendaItemSerializer(ModelSerializer):
    materials = AgendaMaterialSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "position",
            "title",
            "presenter",
            "duration_minutes",
            "description",
            "materials",
        ]
        read_only_fields = ["position"]


class AgendaOrderSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.IntegerField())


class MaterialUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class AttendanceSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()
    unknown = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class CheckInSerializer(serializers.Serializer):
    attendee = serializers.IntegerField()
    attendance = serializers.ChoiceField(choices=Attendee.Attendance.choices)
