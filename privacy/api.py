"""`GET /api/v1/read-audit/`: the read audit, for admin only (every other role 403)."""

import django_filters as filters
from rest_framework import mixins, serializers, viewsets

from .models import ReadAccess


class ReadAccessSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, read_only=True)

    class Meta:
        model = ReadAccess
        fields = ["id", "at", "user", "user_id", "channel", "endpoint", "job_seeker_id", "referral_id"]
        read_only_fields = fields


class ReadAccessFilter(filters.FilterSet):
    job_seeker = filters.NumberFilter(field_name="job_seeker_id")
    user = filters.NumberFilter(field_name="user_id")
    referral = filters.UUIDFilter(field_name="referral_id")
    channel = filters.ChoiceFilter(choices=ReadAccess.Channel.choices)
    date_from = filters.DateFilter(field_name="at", lookup_expr="date__gte")
    date_to = filters.DateFilter(field_name="at", lookup_expr="date__lte")

    class Meta:
        model = ReadAccess
        fields = []


class ReadAccessViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who read which person's record: newest first; filters `job_seeker`, `user` (id), `referral`,
    `channel`, `date_from`, `date_to`. Admin only."""

    queryset = ReadAccess.objects.select_related("user").order_by("-at", "-id")
    serializer_class = ReadAccessSerializer
    filterset_class = ReadAccessFilter
    read_roles = frozenset()
    write_roles = frozenset()
