"""Partners, cooperation agreements (admin only) and projects (admin writes, every role reads)."""

import pytest

from accounts.models import Role
from accounts.permissions import EVERY_ROLE
from partners.models import Partner
from tests import factories
from trajectories.models import ChangeRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def agii(db):
    return factories.PartnerFactory(code="agii-gent", name="AgII Gent", kind="integration_agency")


@pytest.fixture
def spoor21(db):
    return factories.PartnerFactory(code="spoor21", name="Spoor 21", kind="training_provider")


def agreement_body(**overrides):
    body = {
        "partner": "agii-gent",
        "starts_on": "2023-01-01",
        "ends_on": "2025-12-31",
        "objectives": ["sd1", "td1.1"],
        "referral_target_per_year": 120,
        "targets": [],
    }
    body.update(overrides)
    return body


def test_admin_manages_agreements(admin_client, agii):
    r = admin_client.post("/api/v1/agreements/", agreement_body(), format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert {k: v for k, v in data.items() if k != "id"} == agreement_body()
    assert ChangeRecord.objects.filter(model="partners.partneragreement", row_id=str(data["id"])).count() == 1
    r = admin_client.patch(f"/api/v1/agreements/{data['id']}/", {"referral_target_per_year": None}, format="json")
    assert r.status_code == 200
    assert r.json()["referral_target_per_year"] is None
    listed = admin_client.get("/api/v1/agreements/").json()
    assert listed["count"] == 1 and listed["results"][0]["partner"] == "agii-gent"
    assert admin_client.delete(f"/api/v1/agreements/{data['id']}/").status_code == 204
    assert ChangeRecord.objects.filter(model="partners.partneragreement").count() == 3


def test_target_may_be_left_out(admin_client, agii):
    body = agreement_body()
    del body["referral_target_per_year"]
    r = admin_client.post("/api/v1/agreements/", body, format="json")
    assert r.status_code == 201
    assert r.json()["referral_target_per_year"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"partner": "nobody"}, "partner"),
        ({"ends_on": "2022-12-31"}, "ends_on"),
        ({"objectives": ["td9.9"]}, "objectives.0"),
        ({"objectives": ["sd1", "sd1"]}, "objectives"),
        ({"referral_target_per_year": -1}, "referral_target_per_year"),
        ({"starts_on": None}, "starts_on"),
    ],
)
def test_invalid_agreements_are_400(admin_client, agii, change, field):
    r = admin_client.post("/api/v1/agreements/", agreement_body(**change), format="json")
    assert r.status_code == 400
    assert field in r.json()


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARTNER, Role.REPORTING, Role.COMPLAINTS])
def test_agreements_are_admin_only(make_client, agii, role):
    client = make_client(role)
    assert client.get("/api/v1/agreements/").status_code == 403
    assert client.post("/api/v1/agreements/", agreement_body(), format="json").status_code == 403


def project_body(**overrides):
    body = {
        "code": "esf-jobkans",
        "name": "ESF Jobkans",
        "funding": "esf",
        "lead": "agii-gent",
        "partners": ["agii-gent", "spoor21"],
        "starts_on": "2022-01-01",
        "ends_on": "2024-12-31",
    }
    body.update(overrides)
    return body


def test_admin_creates_a_project_and_every_role_reads_it(admin_client, make_client, agii, spoor21):
    r = admin_client.post("/api/v1/projects/", project_body(), format="json")
    assert r.status_code == 201, r.json()
    assert r.json() == project_body()
    for role in EVERY_ROLE:  # every role but integration (imports only)
        client = make_client(role)
        assert client.get("/api/v1/projects/esf-jobkans/").json() == project_body()


def test_employment_service_led_project_has_no_lead(admin_client, agii, spoor21):
    body = project_body(code="reg.gent.1", lead=None, partners=[], funding="regional")
    r = admin_client.post("/api/v1/projects/", body, format="json")
    assert r.status_code == 201
    assert admin_client.get("/api/v1/projects/reg.gent.1/").json()["lead"] is None


def test_admin_updates_project_partners(admin_client, agii, spoor21):
    admin_client.post("/api/v1/projects/", project_body(), format="json")
    r = admin_client.patch("/api/v1/projects/esf-jobkans/", {"partners": ["spoor21"], "lead": None}, format="json")
    assert r.status_code == 200, r.json()
    assert (r.json()["partners"], r.json()["lead"]) == (["spoor21"], None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"funding": "eu"}, "funding"),
        ({"lead": "nobody"}, "lead"),
        ({"partners": ["nobody"]}, "partners"),
        ({"ends_on": "2021-12-31"}, "ends_on"),
    ],
)
def test_invalid_projects_are_400(admin_client, agii, spoor21, change, field):
    r = admin_client.post("/api/v1/projects/", project_body(**change), format="json")
    assert r.status_code == 400
    assert field in r.json()


def test_only_admin_writes_projects(mediator, agii, spoor21):
    assert mediator.post("/api/v1/projects/", project_body(), format="json").status_code == 403


def test_project_list_query_count_does_not_grow(admin_client, make_client, agii, spoor21, django_assert_num_queries):
    reader = make_client(Role.REPORTING)
    admin_client.post("/api/v1/projects/", project_body(), format="json")
    with django_assert_num_queries(4):
        assert reader.get("/api/v1/projects/").json()["count"] == 1
    for i in range(5):
        admin_client.post("/api/v1/projects/", project_body(code=f"p{i}"), format="json")
    with django_assert_num_queries(4):
        assert reader.get("/api/v1/projects/").json()["count"] == 6


def test_partners_endpoint_still_works(admin_client, make_client, spoor21):
    r = admin_client.post("/api/v1/partners/", {"code": "cvo-gent", "name": "CVO Gent", "kind": "education"})
    assert r.status_code == 201
    assert Partner.objects.filter(code="cvo-gent").exists()
    listed = make_client(Role.PARTNER).get("/api/v1/partners/").json()
    assert {p["code"] for p in listed["results"]} >= {"cvo-gent", "spoor21"}
    assert make_client(Role.MEDIATOR).get("/api/v1/partners/spoor21/").json()["kind"] == "training_provider"
