from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from liaison import audit, auth, permissions
from liaison.api import serializers as s
from liaison.api.viewsets import AuditedModelViewSet
from liaison.models import (
    Association,
    Mechanism,
    Membership,
    Organisation,
    Partnership,
    Person,
    Region,
    Sector,
)


class HistoryMixin:
    """``GET …/{id}/history/``: the object's audit trail, for the secretariat and officials."""

    @extend_schema(responses=s.AuditEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        obj = self.get_object()
        if not permissions.can_see_history(request.user):
            return Response(
                {
                    "detail": _("You do not have permission to perform this action."),
                    "code": "permission_denied",
                },
                status=403,
            )
        page = self.paginate_queryset(audit.history(obj))
        return self.get_paginated_response(s.AuditEntrySerializer(page, many=True).data)


class RegionViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = Region.objects.select_related("parent__parent__parent")
    serializer_class = s.RegionSerializer
    filterset_fields = ["level", "parent"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]


class SectorViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = Sector.objects.all()
    serializer_class = s.SectorSerializer
    search_fields = ["name", "name_en"]


class OrganisationFilter(filters.FilterSet):
    region = filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        help_text="The region or any region inside it.",
    )

    class Meta:
        model = Organisation
        fields = ["kind", "sector", "region", "is_illustrative"]

    def filter_region(self, queryset, name, region):
        return queryset.filter(region__in=region.with_descendants())


class OrganisationViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = Organisation.objects.for_directory()
    serializer_class = s.OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "short_name", "name_en", "credit_code"]
    ordering_fields = ["name", "kind", "created_at"]


class PersonViewSet(HistoryMixin, AuditedModelViewSet):
    serializer_class = s.PersonSerializer
    filterset_fields = ["organisation", "is_liaison"]
    search_fields = ["name", "title", "organisation__name"]
    ordering_fields = ["name", "organisation__name"]

    def get_queryset(self):
        return Person.objects.visible_to(self.request.user).select_related("organisation")


class PartnershipViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = Partnership.objects.select_related("party_a", "party_b")
    serializer_class = s.PartnershipSerializer
    filterset_fields = ["status"]
    search_fields = ["name"]


class MechanismViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = Mechanism.objects.prefetch_related("focus_areas")
    serializer_class = s.MechanismSerializer
    filterset_fields = ["partnership", "kind"]
    search_fields = ["name"]


class AssociationViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = Association.objects.all()
    serializer_class = s.AssociationSerializer
    filterset_fields = ["partnership"]
    search_fields = ["name"]


class MembershipViewSet(HistoryMixin, AuditedModelViewSet):
    queryset = Membership.objects.with_related().by_rank()
    serializer_class = s.MembershipSerializer
    filterset_fields = ["association", "status", "role", "organisation"]
    search_fields = ["organisation__name", "organisation__short_name"]
    ordering_fields = ["joined_on", "role", "organisation__name"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
@api_view(["POST"])
@permission_classes([drf_permissions.AllowAny])
def obtain_token(request):
    """Exchange a user name and password for an API token (the sign-in lockout applies)."""
    data = TokenRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        user = auth.sign_in(
            request, data.validated_data["username"], data.validated_data["password"]
        )
    except ValidationError as error:
        if error.code == "locked":
            return Response({"detail": error.messages[0], "code": error.code}, status=429)
        raise
    token, _created = Token.objects.get_or_create(user=user)
    return Response({"token": token.key})


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([drf_permissions.AllowAny])
def not_found(request, *args, **kwargs):
    """Any other address under the API (such as a word where an id belongs): 404 in the API's
    error shape rather than the HTML page."""
    raise NotFound
