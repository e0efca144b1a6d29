"""sd2.register_coverage (question 2): the share of target-group job seekers in a trajectory on the reference date
whose residence-status period covering that date comes from the national register."""

import pytest

from trajectories.models import ResidenceStatus

from .helpers import D, outsider, person, residence, trajectory, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 6, 15)
CODE = "sd2.register_coverage"


def imported(js, status, valid_from, valid_to=None):
    return ResidenceStatus.objects.create(job_seeker=js, status=status, valid_from=valid_from, valid_to=valid_to,
                                          source="national_register")  # fmt: skip


@pytest.fixture
def statuses(region_office):
    ant = region_office("ANT01", "antwerpen")
    gnt = region_office("GNT01", "oost-vlaanderen")
    a = person(ant)  # imported, covering the reference dates
    trajectory(a, D(2023, 1, 1))
    imported(a, "recognised_refugee", D(2022, 1, 1))
    b = person(ant)  # typed by hand
    trajectory(b, D(2023, 1, 1))
    residence(b, "recognised_refugee", D(2022, 1, 1))
    c = person(gnt)  # no status at all
    trajectory(c, D(2023, 1, 1))
    d = person(gnt)  # imported until March 2024, then a manual period
    trajectory(d, D(2023, 1, 1))
    imported(d, "asylum_seeker", D(2022, 1, 1), D(2024, 3, 31))
    residence(d, "subsidiary_protection", D(2024, 4, 1))
    e = person(gnt)  # imported, but no trajectory open on the reference date
    trajectory(e, D(2023, 1, 1), outflow=D(2023, 6, 1))
    imported(e, "recognised_refugee", D(2022, 1, 1))
    trajectory(outsider(ant), D(2023, 1, 1))  # not in the target group


def _rows(client, **params):
    body = values(client, CODE, **params)
    return [(r["period"], r["dimensions"], r["numerator"], r["denominator"], r["value"]) for r in body["results"]]


def test_register_coverage_on_the_reference_date(admin_client, compute, statuses):
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    # 2023 (31 Dec): a and d imported of a, b, c, d; 2024 (as_of): only a.
    assert _rows(admin_client) == [("2023", {}, 2, 4, 50.0), ("2024", {}, 1, 4, 25.0)]
    assert _rows(admin_client, by="region", period_from="2024") == [
        ("2024", {"region": "antwerpen"}, 1, 2, 50.0),
        ("2024", {"region": "oost-vlaanderen"}, 0, 2, 0.0),
    ]
    months = _rows(admin_client, period_type="month", period_from="2024-03", period_to="2024-04")
    assert months == [("2024-03", {}, 2, 4, 50.0), ("2024-04", {}, 1, 4, 25.0)]


def test_register_coverage_is_suppressed_for_a_reporting_key(reporting_client, compute, statuses):
    compute(AS_OF)
    body = values(reporting_client, CODE, period_from="2024")
    assert [(r["value"], r["suppressed"]) for r in body["results"]] == [(None, True)]
