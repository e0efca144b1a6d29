"""trajectories.changes.model_update: the one way a service writes an update."""

import pytest

from employers import services
from employers.models import Employer
from tests import factories
from trajectories.models import AuditEntry, ChangeRecord

pytestmark = pytest.mark.django_db


def test_an_unchanged_save_writes_and_records_nothing(django_assert_num_queries):
    employer = factories.EmployerFactory()
    records = ChangeRecord.objects.count()
    with django_assert_num_queries(2):  # the savepoint of the service's transaction, nothing else
        services.employer_update(actor=None, employer=employer, name=employer.name)
    assert ChangeRecord.objects.count() == records


def test_only_the_changed_fields_are_saved_so_a_concurrent_write_to_another_survives():
    employer = factories.EmployerFactory(name="Bakkerij Janssens", nace_code="10.711")
    stale = Employer.objects.get(pk=employer.pk)
    services.employer_update(actor=None, employer=employer, name="Bakkerij Peeters")
    services.employer_update(actor=None, employer=stale, nace_code="10.712")
    employer.refresh_from_db()
    assert (employer.name, employer.nace_code) == ("Bakkerij Peeters", "10.712")
    entry = AuditEntry.objects.filter(model="employers.employer", row_id=str(employer.pk)).latest("id")
    assert entry.changes == {"nace_code": ["10.711", "10.712"]}


def test_fields_outside_the_table_are_ignored():
    employer = factories.EmployerFactory()
    services.employer_update(actor=None, employer=employer, id=employer.pk + 1000, name="Nieuw")
    assert Employer.objects.filter(pk=employer.pk, name="Nieuw").exists()
