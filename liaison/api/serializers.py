from rest_framework import serializers

from liaison import permissions
from liaison.api.conventions import ModelSerializer
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
)
from liaison.validators import normalise_credit_code


class ActorNameField(serializers.CharField):
    """Who made a recorded change, by name; empty when no one did (a command, the system)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return str(instance.actor) if instance.actor_id else ""


class RegionSerializer(ModelSerializer):
    path = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["id", "name", "code", "level", "parent", "path"]


class SectorSerializer(ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "name_en", "position"]


class OrganisationSerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region_path = serializers.CharField(source="region.path", read_only=True, default="")
    sector_name = serializers.CharField(source="sector.name", read_only=True, default="")
    # No length limit here: typed with spaces a code is longer; the model's check says the
    # length in its own message.
    credit_code = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "name_en",
            "kind",
            "kind_display",
            "region",
            "region_path",
            "sector",
            "sector_name",
            "credit_code",
            "address",
            "phone",
            "email",
            "website",
            "description",
            "is_illustrative",
        ]
        # Uniqueness is checked by the model (full_clean), with our own translated messages.
        validators = []
        extra_kwargs = {"name": {"validators": []}}

    def validate_credit_code(self, value):
        return normalise_credit_code(value or "") or None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request and not permissions.can_see_contact_details(request.user, instance):
            for name in ("phone", "email"):
                data[name] = ""
        return data


class PersonSerializer(ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "title",
            "organisation",
            "organisation_name",
            "phone",
            "email",
            "is_liaison",
            "user",
            "is_illustrative",
        ]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request and not permissions.can_see_contact_details(request.user, instance.organisation):
            data["user"] = None
        return data


class PartnershipSerializer(ModelSerializer):
    party_a_name = serializers.CharField(source="party_a.name", read_only=True)
    party_b_name = serializers.CharField(source="party_b.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "name",
            "party_a",
            "party_a_name",
            "party_b",
            "party_b_name",
            "started_on",
            "status",
            "status_display",
            "description",
        ]
        validators = []
        extra_kwargs = {"name": {"validators": []}}


class FocusAreaSerializer(ModelSerializer):
    class Meta:
        model = FocusArea
        fields = ["id", "name", "position"]


class MechanismSerializer(ModelSerializer):
    focus_areas = FocusAreaSerializer(many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Mechanism
        fields = [
            "id",
            "partnership",
            "kind",
            "kind_display",
            "name",
            "rrule",
            "first_date",
            "description",
            "focus_areas",
        ]
        validators = []


class OccurrenceSerializer(serializers.Serializer):
    date = serializers.DateField()
    state = serializers.CharField()
    state_display = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField()

    def get_state_display(self, occurrence) -> str:
        return str(Mechanism.OCCURRENCE_STATES[occurrence.state])

    def get_meeting(self, occurrence) -> int | None:
        return occurrence.meeting.pk if occurrence.meeting else None


class AssociationSerializer(ModelSerializer):
    class Meta:
        model = Association
        fields = ["id", "partnership", "name", "founded_on", "description"]
        validators = []
        extra_kwargs = {"name": {"validators": []}}


class MembershipSerializer(ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    liaison_name = serializers.CharField(source="liaison.name", read_only=True, default="")

    class Meta:
        model = Membership
        fields = [
            "id",
            "association",
            "organisation",
            "organisation_name",
            "joined_on",
            "status",
            "status_display",
            "role",
            "role_display",
            "liaison",
            "liaison_name",
            "is_illustrative",
        ]
        validators = []


class AuditEntrySerializer(ModelSerializer):
    actor_name = ActorNameField()
    action_display = serializers.CharField(source="get_action_display", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "action",
            "action_display",
            "actor",
            "actor_name",
            "object_repr",
            "changes",
            "note",
        ]
