"""Monitoring inputs: admin writes, reporting reads (mediator trainings: admin only), change records."""

import pytest

from accounts.models import Role
from tests import factories
from trajectories.models import ChangeRecord

pytestmark = pytest.mark.django_db


def test_admin_records_tool_usage_and_reporting_reads_it(admin_client, reporting_client):
    r = admin_client.post("/api/v1/tool-usage/", {"tool": "website", "month": "2024-03", "count": 120})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body == {"id": body["id"], "tool": "website", "month": "2024-03", "count": 120}
    record = ChangeRecord.objects.get(model="reporting.toolusage")
    assert record.before is None and record.after["month"] == "2024-03-01"
    r = admin_client.patch(f"/api/v1/tool-usage/{body['id']}/", {"count": 130}, format="json")
    assert r.status_code == 200 and r.json()["count"] == 130
    assert ChangeRecord.objects.filter(model="reporting.toolusage").count() == 2
    r = reporting_client.get("/api/v1/tool-usage/")
    assert r.status_code == 200 and r.json()["count"] == 1 and r.json()["results"][0]["count"] == 130
    assert (
        reporting_client.post("/api/v1/tool-usage/", {"tool": "app", "month": "2024-03", "count": 1}).status_code == 403
    )
    assert admin_client.delete(f"/api/v1/tool-usage/{body['id']}/").status_code == 204
    assert ChangeRecord.objects.filter(model="reporting.toolusage", after__isnull=True).count() == 1


def test_tool_usage_is_one_row_per_tool_and_month_and_validated(admin_client):
    assert admin_client.post("/api/v1/tool-usage/", {"tool": "app", "month": "2024-03", "count": 1}).status_code == 201
    r = admin_client.post("/api/v1/tool-usage/", {"tool": "app", "month": "2024-03", "count": 2})
    assert r.status_code == 400
    r = admin_client.post("/api/v1/tool-usage/", {"tool": "fax", "month": "2024-3", "count": -1})
    assert r.status_code == 400 and {"tool", "month", "count"} <= set(r.json())


def test_perception_surveys(admin_client, reporting_client, mediator):
    body = {"measured_on": "2024-05-01", "question": "Migranten verrijken de arbeidsmarkt", "agree_share": 61.5,
            "sample_size": 1000, "source": "Survey bureau"}  # fmt: skip
    r = admin_client.post("/api/v1/perception-surveys/", body)
    assert r.status_code == 201, r.json()
    assert r.json()["agree_share"] == 61.5 and r.json()["sample_size"] == 1000
    assert reporting_client.get("/api/v1/perception-surveys/").status_code == 200
    assert mediator.get("/api/v1/perception-surveys/").status_code == 403
    r = admin_client.post("/api/v1/perception-surveys/", {**body, "agree_share": 101, "sample_size": 0})
    assert r.status_code == 400 and {"agree_share", "sample_size"} <= set(r.json())
    assert ChangeRecord.objects.filter(model="reporting.perceptionsurvey").count() == 1


def test_mediator_trainings_are_admin_only_and_name_a_mediator(admin_client, reporting_client, mediator):
    provider = factories.PartnerFactory(code="spoor21", kind="training_provider")
    body = {"mediator": mediator.user.username, "course": "Interculturele communicatie", "provider": "spoor21",
            "held_on": "2024-04-10", "hours": 7.5}  # fmt: skip
    r = admin_client.post("/api/v1/mediator-trainings/", body)
    assert r.status_code == 201, r.json()
    assert r.json()["mediator"] == mediator.user.username and r.json()["provider"] == provider.code
    assert r.json()["hours"] == 7.5
    assert reporting_client.get("/api/v1/mediator-trainings/").status_code == 403
    assert mediator.get("/api/v1/mediator-trainings/").status_code == 403
    other = factories.UserFactory(role=Role.REPORTING)
    r = admin_client.post("/api/v1/mediator-trainings/", {**body, "mediator": other.username})
    assert r.status_code == 400 and "mediator" in r.json()
    r = admin_client.post("/api/v1/mediator-trainings/", {**body, "mediator": "nobody"})
    assert r.status_code == 400 and "mediator" in r.json()
    assert ChangeRecord.objects.filter(model="reporting.mediatortraining").count() == 1


def test_monitoring_lists_take_a_constant_number_of_queries(admin_client, django_assert_max_num_queries):
    mediators = [factories.UserFactory(role=Role.MEDIATOR, office=factories.OfficeFactory()) for _ in range(3)]
    for i, user in enumerate(mediators):
        admin_client.post("/api/v1/mediator-trainings/", {"mediator": user.username, "course": f"c{i}",
                                                           "held_on": "2024-04-10", "hours": 3})  # fmt: skip
    with django_assert_max_num_queries(5):
        r = admin_client.get("/api/v1/mediator-trainings/")
    assert r.status_code == 200 and r.json()["count"] == 3
