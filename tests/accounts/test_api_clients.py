"""`create_api_client` / `revoke_api_keys` and Token authentication."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import ApiKey, User
from tests import factories

pytestmark = pytest.mark.django_db


def create(*args) -> str:
    out = StringIO()
    call_command("create_api_client", *args, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()[-1]


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_mediator_key_is_the_last_line_and_works(office):
    key = create("amina", "--role", "mediator", "--office", office.code)
    user = User.objects.get(username="amina")
    assert (user.role, user.office_id, user.partner_id, user.is_staff) == ("mediator", office.code, None, True)
    response = client_with(key).get("/api/v1/jobseekers/")
    assert response.status_code == 200


def test_keys_are_stored_hashed_never_in_clear(office):
    key = create("amina", "--role", "mediator", "--office", office.code)
    stored = ApiKey.objects.get(user__username="amina")
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
    for field in stored._meta.concrete_fields:
        assert getattr(stored, field.attname) != key
    assert key.startswith(stored.prefix) and len(stored.prefix) < len(key)


def test_mediator_needs_an_existing_office(office):
    with pytest.raises(CommandError, match="--office"):
        create("amina", "--role", "mediator")
    with pytest.raises(CommandError, match="--office"):
        create("amina", "--role", "mediator", "--office", "NOPE")
    assert not User.objects.filter(username="amina").exists()


def test_partner_needs_an_existing_partner():
    with pytest.raises(CommandError, match="--partner"):
        create("agii", "--role", "partner")
    with pytest.raises(CommandError, match="--partner"):
        create("agii", "--role", "partner", "--partner", "nobody")
    partner = factories.PartnerFactory()
    key = create("agii", "--role", "partner", "--partner", partner.code)
    assert User.objects.get(username="agii").partner_id == partner.code
    # A partner system has no access to person data.
    assert client_with(key).get("/api/v1/jobseekers/").status_code == 403
    assert client_with(key).get("/api/v1/offices/").status_code == 200


def test_unknown_role_is_refused():
    with pytest.raises(CommandError):
        create("x", "--role", "superhero")


def test_running_again_updates_the_role_and_earlier_keys_stay_valid(office):
    first = create("sam", "--role", "reporting")
    assert client_with(first).get("/api/v1/jobseekers/").status_code == 403
    second = create("sam", "--role", "mediator", "--office", office.code)
    assert first != second
    assert User.objects.get(username="sam").role == "mediator"
    assert ApiKey.objects.filter(user__username="sam").count() == 2
    # Both keys now act as the mediator.
    assert client_with(first).get("/api/v1/jobseekers/").status_code == 200
    assert client_with(second).get("/api/v1/jobseekers/").status_code == 200
    create("sam", "--role", "admin")
    user = User.objects.get(username="sam")
    assert (user.role, user.office_id) == ("admin", None)


def test_revoke_makes_every_key_401(office):
    first = create("sam", "--role", "admin")
    second = create("sam", "--role", "admin")
    other = create("kim", "--role", "admin")
    out = StringIO()
    call_command("revoke_api_keys", "sam", stdout=out)
    assert "2" in out.getvalue()
    for key in (first, second):
        response = client_with(key).get("/api/v1/offices/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    assert client_with(other).get("/api/v1/offices/").status_code == 200
    with pytest.raises(CommandError):
        call_command("revoke_api_keys", "nobody", stdout=StringIO())


def test_inactive_user_key_is_401():
    key = create("gone", "--role", "admin")
    User.objects.filter(username="gone").update(is_active=False)
    assert client_with(key).get("/api/v1/offices/").status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Bearer abc", "Token \u00e9\u00e9"])
def test_malformed_headers_are_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/offices/")
    assert response.status_code == 401


def test_session_login_works_for_the_browsable_api(office):
    user = factories.UserFactory(role="mediator", office=office)
    client = APIClient()
    client.force_login(user)
    assert client.get("/api/v1/jobseekers/").status_code == 200
