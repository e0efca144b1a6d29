from rest_framework import mixins

from idw.api.viewsets import ReferenceViewSet

from ..models import Partner, Project
from .serializers import PartnerSerializer, ProjectSerializer


class PartnerViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReferenceViewSet):
    """Partners: every role reads; admin manages them."""

    queryset = Partner.objects.all()
    serializer_class = PartnerSerializer


class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReferenceViewSet):
    """Projects: every role reads; admin manages them."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
