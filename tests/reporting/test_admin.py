"""Admin screens of the monitoring inputs: writes go through the services (change records)."""

import datetime

import pytest
from django.test import Client

from reporting.catalogue import INDICATORS
from reporting.models import IndicatorDefinition, IndicatorRun, RunStatus, ToolUsage
from tests import factories
from trajectories import lexicon
from trajectories.models import ChangeRecord
from trajectories.services import today

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


# The runs list in Dutch, and "start a run" through the API's service ---------------------------


def _dutch(client):
    client.cookies["django_language"] = "nl-be"
    return client


def test_runs_list_and_catalogue_are_dutch_with_readable_dimensions(django_assert_max_num_queries):
    IndicatorRun.objects.create(
        as_of=today(), lexicon_version=lexicon.CURRENT_VERSION, code_version="x", status=RunStatus.SUCCEEDED
    )
    client = _dutch(staff("admin"))
    with django_assert_max_num_queries(12):
        body = client.get("/admin/reporting/indicatorrun/").content.decode()
    assert (
        "indicatorberekening" in body and "geslaagd" in body and ">succeeded<" not in body and "(succeeded)" not in body
    )
    assert 'data-action="start-run"' in body and "Een indicatorberekening starten" in body
    with django_assert_max_num_queries(12):
        body = client.get("/admin/reporting/indicatordefinition/").content.decode()
    assert "leeftijdsgroep" in body or "geslacht" in body
    assert '["' not in body  # no JSON arrays
    gendered = next(i for i in INDICATORS if "gender" in i.dimensions)
    page = client.get(f"/admin/reporting/indicatordefinition/{gendered.code}/change/").content.decode()
    assert "geslacht" in page and '"gender"' not in page


def test_admin_starts_a_run_from_the_runs_list_through_the_api_service():
    client = _dutch(staff("admin"))
    assert client.get("/admin/reporting/indicatorrun/start/").status_code == 200
    as_of = (today() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        "/admin/reporting/indicatorrun/start/",
        {"as_of": as_of, "lexicon_version": lexicon.CURRENT_VERSION, "publish": "on"},
    )
    run = IndicatorRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/reporting/indicatorrun/{run.pk}/change/"
    assert (run.kind, run.as_of.isoformat(), run.lexicon_version, run.publish) == (
        "full",
        as_of,
        lexicon.CURRENT_VERSION,
        True,
    )
    assert client.get(response["Location"]).status_code == 200
    # The same request again while it is queued: the run in flight, not a second one (as the API's 200).
    again = client.post(
        "/admin/reporting/indicatorrun/start/",
        {"as_of": as_of, "lexicon_version": lexicon.CURRENT_VERSION, "publish": "on"},
        follow=True,
    )
    assert IndicatorRun.objects.count() == 1 and "loopt al" in again.content.decode()
    # Other parameters while it is in flight: refused on the form (the API's 409), nothing created.
    clash = client.post("/admin/reporting/indicatorrun/start/", {"as_of": "", "lexicon_version": "", "publish": ""})
    assert clash.status_code == 200 and f"Berekening {run.pk} met andere parameters loopt al" in clash.content.decode()
    assert IndicatorRun.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"as_of": "2999-01-01"}, "De peildatum kan niet in de toekomst liggen."),
        ({"as_of": "gisteren"}, "Voer een geldige datum in"),
        ({"lexicon_version": "v999"}, "Selecteer een geldige keuze"),
    ],
)
def test_a_bad_run_request_is_a_form_error_not_a_run(data, message):
    client = _dutch(staff("admin"))
    response = client.post("/admin/reporting/indicatorrun/start/", {"publish": "on", **data})
    assert response.status_code == 200 and message in response.content.decode()
    assert not IndicatorRun.objects.exists()


def test_only_the_programme_team_starts_runs():
    for role in ("mediator", "complaints"):
        client = staff(role, office=factories.OfficeFactory() if role == "mediator" else None)
        assert client.get("/admin/reporting/indicatorrun/start/").status_code == 403
        assert client.post("/admin/reporting/indicatorrun/start/", {"publish": "on"}).status_code == 403
    reporting = staff("reporting")  # not staff of the admin at all: sent to its login
    assert reporting.post("/admin/reporting/indicatorrun/start/", {"publish": "on"}).status_code in (302, 403)
    assert not IndicatorRun.objects.exists()
