"""Base ViewSets: declare `queryset`, `serializer_class`, `filterset_class` and roles.

`ScopedMixin` narrows every read and write to the caller through the model's
one scoping method (`for_user`), so another office's or partner's object is a
404. `ServiceCreateMixin`/`ServiceUpdateMixin` route writes through a
service and answer with the stored object as the read serializer shows it.
"""

from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts.permissions import EVERY_ROLE


class ScopedMixin:
    def get_queryset(self):
        return super().get_queryset().for_user(self.request.user)


class ReferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reference data: every role reads, admin writes (where writes exist)."""

    read_roles = EVERY_ROLE
    write_roles = frozenset()
    lookup_value_regex = r"[^/]+"


class ServiceWriteMixin:
    """Writes go through services; the response re-reads the object through the scoped queryset.

    A ViewSet defines `perform_service_create(serializer)` and
    `perform_service_update(serializer, instance)`, each returning the object.
    """

    read_serializer_class = None

    def get_read_serializer(self, instance):
        refreshed = self.get_queryset().get(pk=instance.pk)
        return (self.read_serializer_class or self.get_serializer_class())(
            refreshed, context=self.get_serializer_context()
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_create(serializer)
        return Response(self.get_read_serializer(instance).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_update(serializer, instance)
        return Response(self.get_read_serializer(instance).data)
