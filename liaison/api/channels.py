"""``/api/v1/channels/`` (the secretariat's) and ``/api/v1/notices/`` (each user's own)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework import permissions as drf
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison import permissions
from liaison.api.conventions import ModelSerializer
from liaison.api.viewsets import AuditedModelViewSet
from liaison.channels import services
from liaison.models import Channel, Notice, NoticeKind


class IsSecretariat(drf.BasePermission):
    def has_permission(self, request, view) -> bool:
        return permissions.is_secretariat(request.user)


class ChannelSerializer(ModelSerializer):
    """A channel. ``target`` and ``secret`` are written, never read back: the address holds
    the robot's access key. ``target_shown`` is the address without it."""

    secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200, trim_whitespace=True
    )
    has_secret = serializers.BooleanField(read_only=True)
    target_shown = serializers.CharField(read_only=True)
    notice_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=NoticeKind.choices), required=False
    )

    class Meta:
        model = Channel
        fields = [
            "id",
            "kind",
            "name",
            "target",
            "target_shown",
            "secret",
            "has_secret",
            "audience",
            "partnership",
            "organisation",
            "person",
            "notice_kinds",
            "active",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"target": {"write_only": True}}


class ChannelViewSet(AuditedModelViewSet):
    serializer_class = ChannelSerializer
    permission_classes = [drf.IsAuthenticated, IsSecretariat]
    filterset_fields = ["kind", "audience", "active"]
    search_fields = ["name"]

    def get_queryset(self):
        return Channel.objects.order_by("kind", "name", "pk")

    def _save(self, serializer, instance: Channel) -> None:
        data = dict(serializer.validated_data)
        secret = data.pop("secret", None)
        for name, value in data.items():
            setattr(instance, name, value)
        services.save_channel(instance, secret=secret, actor=self.request.user)
        serializer.instance = instance

    def perform_create(self, serializer) -> None:
        self._save(serializer, Channel())

    def perform_update(self, serializer) -> None:
        self._save(serializer, serializer.instance)


class NoticeSerializer(ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, notice) -> bool:
        return notice.read_at is not None


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own notices, newest first; ``unread=true`` for the unread ones."""

    serializer_class = NoticeSerializer
    permission_classes = [drf.IsAuthenticated]
    filterset_fields = ["kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, written without a user
            return Notice.objects.none()
        notices = Notice.objects.filter(user=self.request.user).order_by("-created_at", "-pk")
        if self.request.query_params.get("unread") in ("1", "true"):
            notices = notices.unread()
        return notices

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = self.get_object()
        services.open_notice(notice)
        return Response(self.get_serializer(notice).data)
