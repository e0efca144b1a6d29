"""`GET /api/v1/ping/`: the smallest authenticated JSON answer.

Clients use it to check their key; the benchmark uses it as the baseline
("hello") that the values endpoint is measured against.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import EVERY_ROLE


class PingView(APIView):
    read_roles = EVERY_ROLE

    @extend_schema(responses={200: inline_serializer("Ping", {"ok": serializers.BooleanField()})})
    def get(self, request):
        return Response({"ok": True})
