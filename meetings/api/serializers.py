from rest_framework import serializers

from meetings.models import Attendee, Invitation, Meeting
from meetings.services import ANSWERS, ATTENDEE_FIELDS


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
            "is_illustrative",
        ]
        read_only_fields = ["uid", "sequence"]


class AttendeeSerializer(serializers.ModelSerializer):
    dietary_display = serializers.CharField(source="get_dietary_display", read_only=True)

    class Meta:
        model = Attendee
        fields = [*ATTENDEE_FIELDS, "dietary_display", "attendance"]
        read_only_fields = ["attendance"]


class DelegateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, allow_blank=True, required=False)
    title = serializers.CharField(max_length=128, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False)


class InvitationSerializer(serializers.ModelSerializer):
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    invitee = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    answered_via_display = serializers.CharField(source="get_answered_via_display", read_only=True)
    delegate = serializers.SerializerMethodField()
    attendees = AttendeeSerializer(many=True, read_only=True)

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
            "delegate",
            "attendees",
        ]
        read_only_fields = fields

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


class InvitationCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    headcount = serializers.IntegerField()
    pending = serializers.IntegerField()
    accepted = serializers.IntegerField()
    declined = serializers.IntegerField()
    tentative = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
