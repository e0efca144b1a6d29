from rest_framework import serializers

from ..models import Partner, Project


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["code", "name", "kind"]


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["code", "name"]
