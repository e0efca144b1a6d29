"""Admin screens of the monitoring inputs: writes go through the services (change records)."""

import pytest
from django.test import Client

from reporting.catalogue import INDICATORS
from reporting.models import IndicatorDefinition, ToolUsage
from tests import factories
from trajectories.models import ChangeRecord

pytestmark = pytest.mark.django_db


def staff(role, office=None):
    user = factories.UserFactory(role=role, office=office, is_staff=True)
    client = Client()
    client.force_login(user)
    return client


def test_admin_adds_and_changes_tool_usage_with_change_records():
    client = staff("admin")
    r = client.post("/admin/reporting/toolusage/add/", {"tool": "website", "month": "2024-03-01", "count": "10"})
    assert r.status_code == 302, r.content.decode()[:2000]
    usage = ToolUsage.objects.get()
    assert usage.count == 10
    r = client.post(f"/admin/reporting/toolusage/{usage.pk}/change/", {"tool": "website", "month": "2024-03-01",
                                                                      "count": "12"})  # fmt: skip
    assert r.status_code == 302
    usage.refresh_from_db()
    assert usage.count == 12
    records = ChangeRecord.objects.filter(model="reporting.toolusage").order_by("id")
    assert [(r.before or {}).get("count") for r in records] == [None, 10]
    r = client.post(f"/admin/reporting/toolusage/{usage.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302 and not ToolUsage.objects.exists()
    assert ChangeRecord.objects.filter(model="reporting.toolusage").count() == 3


def test_catalogue_and_runs_are_read_only_in_the_admin():
    client = staff("admin")
    assert client.get("/admin/reporting/indicatordefinition/").status_code == 200
    assert client.get("/admin/reporting/indicatorrun/").status_code == 200
    assert client.get("/admin/reporting/indicatordefinition/add/").status_code == 403
    assert IndicatorDefinition.objects.count() == len(INDICATORS)


def test_mediators_cannot_open_the_monitoring_screens():
    client = staff("mediator", office=factories.OfficeFactory())
    assert client.get("/admin/reporting/mediatortraining/").status_code == 403
