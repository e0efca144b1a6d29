"""/login/ and /logout/ (ui.md "Login"): every role lands where its work is; one message for every refusal."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from accounts.models import Role
from tests import factories

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def no_failures_of_an_earlier_test():
    cache.clear()


def user(role, **kw):
    if role == Role.MEDIATOR:
        kw.setdefault("office", factories.OfficeFactory())
    if role == Role.PARTNER:
        kw.setdefault("partner", factories.PartnerFactory())
    u = factories.UserFactory(role=role, **kw)
    u.set_password(PASSWORD)
    u.save()
    return u


def post(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.MEDIATOR, "/admin/"),
        (Role.COMPLAINTS, "/admin/"),
        (Role.REPORTING, "/dashboard/"),
        (Role.ADMIN, "/dashboard/"),
        (Role.PARTNER, "/api/docs/"),
    ],
)
def test_every_role_logs_in_and_lands_where_its_work_is(role, landing):
    client = Client()
    response = post(client, user(role).username)
    assert response.status_code == 302 and response["Location"] == landing
    # Logged in: /login/ sends the user on.
    assert client.get("/login/")["Location"] == landing


@pytest.mark.django_db
def test_the_login_page_is_dutch_by_default_and_english_on_request():
    assert "Aanmelden" in Client().get("/login/").content.decode()
    assert "Log in" in Client().get("/login/?lang=en").content.decode()


@pytest.mark.django_db
def test_wrong_password_unknown_user_and_no_role_get_the_same_message():
    ok = user(Role.REPORTING)
    inactive = user(Role.REPORTING, is_active=False)
    no_role = user(Role.REPORTING)
    type(no_role).objects.filter(pk=no_role.pk).update(role="")
    bodies = []
    for username, password in [
        (ok.username, "wrong"),
        ("nobody", PASSWORD),
        (inactive.username, PASSWORD),
        (no_role.username, PASSWORD),
    ]:
        response = post(Client(), username, password)
        assert response.status_code == 200
        assert "_auth_user_id" not in response.client.session
        body = response.content.decode()
        bodies.append(body[body.index("data-login-error") :].split("</p>")[0])
    assert len(set(bodies)) == 1


@pytest.mark.django_db
def test_next_is_followed_only_on_this_site():
    u = user(Role.REPORTING)
    assert post(Client(), u.username, next="/dashboard/cohorts/")["Location"] == "/dashboard/cohorts/"
    assert post(Client(), u.username, next="https://evil.example/")["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_failed_logins_are_rate_limited_per_user_name():
    u = user(Role.REPORTING)
    for _ in range(settings.IDW_LOGIN_MAX_FAILURES):
        assert post(Client(), u.username, "wrong").status_code == 200
    # Now even the right password is refused, from another address too, until the window passes.
    refused = post(Client(REMOTE_ADDR="10.0.0.9"), u.username)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.client.session


@pytest.mark.django_db
def test_logout_needs_a_post():
    u = user(Role.REPORTING)
    client = Client()
    post(client, u.username)
    assert client.get("/logout/").status_code == 200
    assert "_auth_user_id" in client.session
    assert client.post("/logout/")["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_browsable_apis_401_links_to_the_login_page():
    response = Client().get("/api/v1/ping/", HTTP_ACCEPT="text/html")
    assert response.status_code == 401
    assert "href='/login/?next=/api/v1/ping/'" in response.content.decode()


@pytest.mark.django_db
def test_failed_logins_are_rate_limited_per_address():
    u = user(Role.REPORTING)
    for i in range(settings.IDW_LOGIN_MAX_FAILURES_PER_ADDRESS):
        post(Client(REMOTE_ADDR="10.0.0.7"), f"guess{i}", "wrong")
    assert post(Client(REMOTE_ADDR="10.0.0.7"), u.username).status_code == 429
    assert post(Client(REMOTE_ADDR="10.0.0.8"), u.username).status_code == 302
