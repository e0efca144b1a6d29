"""Reference data: every role reads, admin writes; lists ordered, paginated, with a fixed query count."""

import pytest

from accounts.models import Role
from tests import factories
from trajectories.models import Office, Region

pytestmark = pytest.mark.django_db


def test_action_types_are_loaded_with_their_categories(make_client):
    client = make_client(Role.REPORTING)
    response = client.get("/api/v1/action-types/", {"page_size": 100})
    assert response.status_code == 200
    categories = {row["code"]: row["category"] for row in response.json()["results"]}
    assert categories == {
        "career_orientation": "orientation",
        "dutch_course": "language",
        "integrated_language_trajectory": "language",
        "vocational_training": "vocational_training",
        "training_internship": "workplace_learning",
        "exploratory_internship": "workplace_learning",
        "ibo": "workplace_learning",
        "bio": "workplace_learning",
        "activation_internship": "workplace_learning",
        "work_experience_internship": "workplace_learning",
        "mentoring": "mentoring",
        "job_hunting": "mediation",
        "job_date": "mediation",
        "application_training": "mediation",
        "competence_strengthening": "competence",
        "social_orientation": "social",
        "diploma_recognition": "recognition",
        "self_employment_guidance": "self_employment",
        "interpreting": "support",
    }
    codes = [row["code"] for row in response.json()["results"]]
    assert codes == sorted(codes)
    first = response.json()["results"][0]
    assert set(first) == {"code", "category", "name_nl", "name_en"}


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARTNER, Role.COMPLAINTS, Role.REPORTING, Role.ADMIN])
@pytest.mark.parametrize(
    "path",
    ["/api/v1/offices/", "/api/v1/action-types/", "/api/v1/competences/", "/api/v1/partners/", "/api/v1/projects/"],
)
def test_every_role_reads_reference_data(make_client, role, path):
    assert make_client(role).get(path).status_code == 200


def test_offices_are_addressed_by_code_and_written_by_admin_only(admin_client, mediator, office):
    response = mediator.get(f"/api/v1/offices/{office.code}/")
    assert response.json() == {"code": office.code, "name": office.name, "region": "antwerpen"}
    new = {"code": "GNT.01", "name": "Gent Centrum", "region": "oost-vlaanderen"}
    assert mediator.post("/api/v1/offices/", new).status_code == 403
    response = admin_client.post("/api/v1/offices/", new)
    assert response.status_code == 201
    assert response.json() == new
    # Codes may contain dots.
    assert admin_client.get("/api/v1/offices/GNT.01/").json()["name"] == "Gent Centrum"
    response = admin_client.patch("/api/v1/offices/GNT.01/", {"name": "Gent"})
    assert (response.status_code, response.json()["name"]) == (200, "Gent")
    assert admin_client.post("/api/v1/offices/", {**new, "code": "GNT02", "region": "atlantis"}).status_code == 400


def test_regions_are_loaded():
    assert set(Region.objects.values_list("code", flat=True)) == {
        "antwerpen",
        "limburg",
        "oost-vlaanderen",
        "vlaams-brabant",
        "west-vlaanderen",
        "brussel",
    }


def test_page_size_is_clamped_to_500(admin_client):
    region = Region.objects.get(code="limburg")
    Office.objects.bulk_create(Office(code=f"X{n:04d}", name=f"Kantoor {n}", region=region) for n in range(510))
    response = admin_client.get("/api/v1/offices/", {"page_size": 1000})
    data = response.json()
    assert (data["count"], len(data["results"])) == (510, 500)
    assert data["next"] is not None and data["previous"] is None
    assert len(admin_client.get("/api/v1/offices/").json()["results"]) == 50
    assert len(admin_client.get("/api/v1/offices/", {"page_size": 7}).json()["results"]) == 7
    codes = [row["code"] for row in data["results"]]
    assert codes == sorted(codes)


def _seed(path, n):
    for _ in range(n):
        if path == "/api/v1/offices/":
            factories.OfficeFactory()
        elif path == "/api/v1/partners/":
            factories.PartnerFactory()
        elif path == "/api/v1/projects/":
            factories.ProjectFactory()
        elif path == "/api/v1/employers/":
            factories.EmployerFactory()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/offices/",
        "/api/v1/action-types/",
        "/api/v1/competences/",
        "/api/v1/partners/",
        "/api/v1/projects/",
        "/api/v1/employers/",
    ],
)
def test_list_query_count_does_not_grow_with_rows(admin_client, path, django_assert_max_num_queries):
    _seed(path, 2)
    # Key, count, page (and a prefetch where the resource has nested lists).
    with django_assert_max_num_queries(5) as small:
        assert admin_client.get(path).status_code == 200
    _seed(path, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(path)
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 19


def test_pagination_envelope(admin_client):
    data = admin_client.get("/api/v1/competences/", {"page_size": 10, "page": 2}).json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 45
    assert len(data["results"]) == 10
    assert data["previous"] is not None and data["next"] is not None
