from django_filters import rest_framework as filters

from liaison.api.views import HistoryMixin
from liaison.api.viewsets import AuditedModelViewSet
from meetings import services
from meetings.api.serializers import MeetingSerializer
from meetings.models import Meeting


class MeetingFilter(filters.FilterSet):
    starts_after = filters.DateFilter(field_name="start", lookup_expr="date__gte")
    starts_before = filters.DateFilter(field_name="start", lookup_expr="date__lte")
    year = filters.NumberFilter(field_name="start", lookup_expr="year")

    class Meta:
        model = Meeting
        fields = ["kind", "status", "partnership", "mechanism", "year"]


class MeetingViewSet(HistoryMixin, AuditedModelViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    search_fields = ["title", "venue", "city"]
    ordering_fields = ["start", "title"]

    def get_queryset(self):
        return Meeting.objects.visible_to(self.request.user).with_related()

    def save(self, instance) -> None:
        services.save_meeting(instance, actor=self.request.user)
