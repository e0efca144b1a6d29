"""The access contract of every API resource (tests/contract.py): 401, 403 per role, 404 outside the
caller's office, and list query counts that do not depend on the number of rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from accounts.models import Role
from tests import factories

from .contract import NOT_LISTS, OFFICE_SCOPED, READERS

pytestmark = pytest.mark.django_db


def _api_routes() -> set[str]:
    """Every route under /api/v1/ without a path parameter, as `READERS` names them."""
    found = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
            elif route.startswith("api/v1/") and "<" not in route and "format" not in route:
                name = re.sub(r"[\^$]", "", route.removeprefix("api/v1/")).strip("/")
                if name:
                    found.add(name)

    walk(get_resolver().url_patterns)
    return found


def test_every_route_declares_its_contract():
    assert _api_routes() - NOT_LISTS == set(READERS)


@pytest.mark.parametrize("route", sorted(READERS))
def test_anonymous_is_401(client, route):
    response = client.get(f"/api/v1/{route}/")
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("route", sorted(READERS))
def test_each_role_reads_exactly_what_the_contract_says(make_client, route, role):
    response = make_client(role).get(f"/api/v1/{route}/")
    if role in READERS[route]:
        # Objectives answer 404 until a run is published; everything else lists.
        assert response.status_code == (404 if route == "reporting/objectives" else 200), response.content
    else:
        assert response.status_code == 403, response.content
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("route", sorted(OFFICE_SCOPED))
def test_another_offices_record_is_404_for_a_mediator_and_visible_to_admin(make_client, route):
    mine, theirs = factories.OfficeFactory(), factories.OfficeFactory()
    own, other = OFFICE_SCOPED[route](mine), OFFICE_SCOPED[route](theirs)
    mediator = make_client(Role.MEDIATOR, office=mine)
    assert mediator.get(f"/api/v1/{route}/{own.pk}/").status_code == 200
    assert mediator.get(f"/api/v1/{route}/{other.pk}/").status_code == 404
    assert mediator.patch(f"/api/v1/{route}/{other.pk}/", {}, format="json").status_code == 404
    assert mediator.delete(f"/api/v1/{route}/{other.pk}/").status_code == 404
    listed = {row["id"] for row in mediator.get(f"/api/v1/{route}/").json()["results"]}
    assert listed == {own.pk}
    assert make_client(Role.ADMIN).get(f"/api/v1/{route}/{other.pk}/").status_code == 200


def _list_queries(client, route) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/{route}/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("route", sorted(OFFICE_SCOPED))
def test_a_list_costs_the_same_queries_for_one_row_as_for_many(make_client, route):
    office = factories.OfficeFactory()
    mediator = make_client(Role.MEDIATOR, office=office)
    OFFICE_SCOPED[route](office)
    _list_queries(mediator, route)  # the first request warms the key's cache entries
    one = _list_queries(mediator, route)
    for _ in range(4):
        OFFICE_SCOPED[route](office)
    assert _list_queries(mediator, route) == one
