from rest_framework import viewsets

from accounts.models import Role
from idw.api.viewsets import ReferenceViewSet

from ..models import Competence, Employer
from .serializers import CompetenceSerializer, EmployerSerializer


class CompetenceViewSet(ReferenceViewSet):
    queryset = Competence.objects.all()
    serializer_class = CompetenceSerializer


class EmployerViewSet(viewsets.ModelViewSet):
    """Employers: mediators and admin write; complaints officers read."""

    queryset = Employer.objects.order_by("id")
    serializer_class = EmployerSerializer
    read_roles = frozenset({Role.MEDIATOR, Role.COMPLAINTS})
    write_roles = frozenset({Role.MEDIATOR})
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
