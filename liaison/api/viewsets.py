from rest_framework import viewsets
from rest_framework.response import Response

from liaison import services


class AuditedModelViewSet(viewsets.ModelViewSet):
    """A model viewset whose writes go through ``liaison.services`` (validated and audited).

    Subclasses set ``queryset``/``get_queryset`` scoped to the user and may override ``save``
    to call a more specific service."""

    def save(self, instance) -> None:
        services.save_object(instance, actor=self.request.user)

    def perform_create(self, serializer) -> None:
        model = serializer.Meta.model
        instance = model(**serializer.validated_data)
        self.save(instance)
        serializer.instance = instance

    def perform_update(self, serializer) -> None:
        instance = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(instance, name, value)
        self.save(instance)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        # Answer the whole object, after a partial update too: a partial serializer leaves out
        # the read-only fields that follow a relation which is empty (such as mechanism_name).
        return Response(self.get_serializer(self.get_object()).data)

    def perform_destroy(self, instance) -> None:
        services.delete_object(instance, actor=self.request.user)

    def destroy(self, request, *args, **kwargs):
        self.perform_destroy(self.get_object())
        return Response(status=204)
