"""Cohort statistics: the Aalen-Johansen cumulative incidence of outflow to work
(`sd1.outflow_to_work` stats) and `sd1.status_at_horizon`; expected values by hand."""

import calendar
import datetime
import random
from fractions import Fraction

import pytest

from .helpers import D, outsider, person, trajectory, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 3, 15)


@pytest.fixture
def cohort_2023(region_office):
    """Cohort 2023 at as_of 2024-03-15, with whole months from each start:

    | who | start      | outcome                     | event month  | m_observed |
    | A   | 2023-01-01 | work 2023-03-01             | 2 work       | 14 |
    | B   | 2023-01-01 | education 2023-04-10        | 4 competing  | 14 |
    | C   | 2023-06-01 | open                        | 9 censored   | 9  |
    | D   | 2023-07-01 | work 2023-11-01             | 4 work       | 8  |
    | E   | 2023-09-15 | self-employment 2024-01-15  | 4 work       | 6  |
    | F   | 2023-11-15 | open                        | 4 censored   | 4  |  tie with D, E, B
    | G   | 2023-03-01 | work 2023-12-20             | 10 work      | 12 |
    | H   | 2023-12-01 | open (Ghent)                | 3 censored   | 3  |
    | I   | 2023-10-01 | work 2024-05-01 > as_of     | 5 censored   | 5  |
    """
    ant = region_office("ANT01", "antwerpen")
    gnt = region_office("GNT01", "oost-vlaanderen")
    trajectory(person(ant), D(2023, 1, 1), outflow=D(2023, 3, 1), reason="work")
    trajectory(person(ant), D(2023, 1, 1), outflow=D(2023, 4, 10), reason="education")
    trajectory(person(ant), D(2023, 6, 1))
    trajectory(person(ant), D(2023, 7, 1), outflow=D(2023, 11, 1), reason="work")
    trajectory(person(ant), D(2023, 9, 15), outflow=D(2024, 1, 15), reason="self_employment")
    trajectory(person(ant), D(2023, 11, 15))
    trajectory(person(ant), D(2023, 3, 1), outflow=D(2023, 12, 20), reason="work")
    trajectory(person(gnt), D(2023, 12, 1))
    trajectory(person(ant), D(2023, 10, 1), outflow=D(2024, 5, 1), reason="work")
    trajectory(outsider(ant), D(2023, 1, 1), outflow=D(2023, 1, 2), reason="work")  # outside the group


def _rows(body):
    return [
        (r["period"], r["dimensions"], r["numerator"], r["denominator"], r["value"], r["mature"], r["stats"])
        for r in body["results"]
    ]


def test_cumulative_incidence_with_a_competing_outflow_censoring_and_a_tie(admin_client, compute, cohort_2023):
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    body = values(admin_client, "sd1.outflow_to_work", period_from="2023", period_to="2023")
    # n0 = 9. Month 2: A, F = 1/9, S = 8/9; month 3: H censored (n 8 -> 7);
    # month 4: n = 7 (F is censored after the events of its month): 2 to work,
    # 1 competing: F = 1/9 + 8/9 x 2/7 = 23/63, S = 8/9 x 4/7 = 32/63; months 5
    # and 9: I and C censored (n 3 -> 1); month 10: G: F = 23/63 + 32/63 = 55/63.
    # 23/63 = 36.507.. %, 55/63 = 87.301.. %; the plateau holds after month 10.
    ci = {6: 36.5, 12: 87.3, 18: 87.3, 24: 87.3, 30: 87.3, 36: 87.3}
    # value: horizon 6: eligible A B C D E G, to work A D E; horizon 12: A B G, to work A G.
    expected = {6: (3, 6, 50.0), 12: (2, 3, 66.7), 18: (0, 0, None), 24: (0, 0, None), 30: (0, 0, None),
                36: (0, 0, None)}  # fmt: skip
    assert _rows(body) == [
        ("2023", {"horizon_months": h}, *expected[h], False, {"cumulative_incidence": ci[h]}) for h in ci
    ]


def test_cumulative_incidence_per_cell(admin_client, compute, cohort_2023):
    compute(AS_OF)
    body = values(admin_client, "sd1.outflow_to_work", period_from="2023", period_to="2023", by="region")
    got = {(r["dimensions"]["horizon_months"], r["dimensions"]["region"]): r["stats"] for r in body["results"]}
    # Antwerp without H: n0 = 8; month 2: F = 1/8, S = 7/8; month 4: n = 7,
    # F = 1/8 + 7/8 x 2/7 = 3/8, S = 1/2; month 10: n = 1, F = 3/8 + 1/2 = 7/8.
    assert got[(6, "antwerpen")] == {"cumulative_incidence": 37.5}
    assert got[(12, "antwerpen")] == {"cumulative_incidence": 87.5}
    # Ghent: H alone, censored in month 3: no event, no estimate above zero.
    assert got[(6, "oost-vlaanderen")] == {"cumulative_incidence": 0.0}
    assert got[(36, "oost-vlaanderen")] == {"cumulative_incidence": 0.0}
    # Month cohorts: 2023-01 holds A and B only, both mature at 12 months.
    body = values(admin_client, "sd1.outflow_to_work", period_type="month", period_from="2023-01", period_to="2023-01")
    assert [(r["dimensions"]["horizon_months"], r["value"], r["stats"]) for r in body["results"]][:2] == [
        (6, 50.0, {"cumulative_incidence": 50.0}),
        (12, 50.0, {"cumulative_incidence": 50.0}),
    ]


def test_on_a_mature_cohort_the_cumulative_incidence_equals_the_value(admin_client, compute, region_office):
    ant = region_office("ANT01", "antwerpen")
    # 80 trajectories from 2022-01-03 (29 months observed by 2024-06-15): one
    # competing outflow in month 1, three to work in month 2, the rest open.
    for i in range(80):
        if i == 0:
            trajectory(person(ant), D(2022, 1, 3), outflow=D(2022, 2, 1), reason="moved")
        elif i <= 3:
            trajectory(person(ant), D(2022, 1, 3), outflow=D(2022, 3, 1), reason="work")
        else:
            trajectory(person(ant), D(2022, 1, 3))
    compute(D(2024, 6, 15))
    body = values(admin_client, "sd1.outflow_to_work", period_from="2022", period_to="2022")
    got = [(r["dimensions"]["horizon_months"], r["value"], r["mature"], r["stats"]) for r in body["results"]]
    # 3 / 80 = 3.75 %: half away from zero 3.8; the estimate rounds identically.
    assert got == [
        (6, 3.8, True, {"cumulative_incidence": 3.8}),
        (12, 3.8, True, {"cumulative_incidence": 3.8}),
        (18, 3.8, True, {"cumulative_incidence": 3.8}),
        (24, 3.8, True, {"cumulative_incidence": 3.8}),
        (30, None, False, {"cumulative_incidence": 3.8}),
        (36, None, False, {"cumulative_incidence": 3.8}),
    ]


def test_status_at_horizon_rows_share_the_cohort_denominator(admin_client, compute, cohort_2023):
    compute(AS_OF)
    body = values(admin_client, "sd1.status_at_horizon", period_from="2023", period_to="2023")
    got = [
        (r["dimensions"]["horizon_months"], r["dimensions"]["outflow_reason"], r["numerator"], r["denominator"],
         r["value"], r["mature"])
        for r in body["results"]
    ]  # fmt: skip
    # At 6 months: eligible A B C D E G: work A D, self-employment E, education
    # B, open C and G (G flows out in month 10). At 12: A B G: work A G,
    # education B; E is in state self-employment but not eligible: 0 of 3.
    # Later horizons: nobody eligible yet.
    assert got[:8] == [
        (6, "education", 1, 6, 16.7, False),
        (6, "open", 2, 6, 33.3, False),
        (6, "self_employment", 1, 6, 16.7, False),
        (6, "work", 2, 6, 33.3, False),
        (12, "education", 1, 3, 33.3, False),
        (12, "open", 0, 3, 0.0, False),
        (12, "self_employment", 0, 3, 0.0, False),
        (12, "work", 2, 3, 66.7, False),
    ]
    assert all(row[3] == 0 and row[4] is None for row in got[8:])
    for horizon in (6, 12):
        assert abs(sum(row[4] for row in got if row[0] == horizon) - 100) <= 0.2


def test_status_at_horizon_by_region_and_suppression(admin_client, reporting_client, compute, cohort_2023):
    compute(AS_OF)
    body = values(admin_client, "sd1.status_at_horizon", period_from="2023", period_to="2023", by="region")
    first = [(r["dimensions"], r["numerator"], r["denominator"]) for r in body["results"][:2]]
    assert first == [
        ({"horizon_months": 6, "outflow_reason": "education", "region": "antwerpen"}, 1, 6),
        ({"horizon_months": 6, "outflow_reason": "open", "region": "antwerpen"}, 2, 6),
    ]
    # Ghent's cohort (H) has nobody eligible: rows of zero, never suppressed.
    ghent = [r for r in body["results"] if r["dimensions"]["region"] == "oost-vlaanderen"]
    assert {(r["numerator"], r["denominator"], r["value"]) for r in ghent} == {(0, 0, None)}
    # A reporting client: numerators of 1 and 2 of 6 are disclosive.
    rows = values(reporting_client, "sd1.status_at_horizon", period_from="2023", period_to="2023")["results"]
    assert [(r["suppressed"], r["value"]) for r in rows[:4]] == [(True, None)] * 4
    assert all(r["stats"] is None for r in rows[:4])


def test_yearly_and_quarterly_cohorts_of_the_status(admin_client, compute, cohort_2023):
    compute(AS_OF)
    body = values(admin_client, "sd1.status_at_horizon", period_type="quarter", period_from="2023-Q1",
                  period_to="2023-Q1")  # fmt: skip
    # Q1 cohort: A, B (Jan) and G (Mar), all observed at least 12 months.
    got = [(r["dimensions"]["horizon_months"], r["dimensions"]["outflow_reason"], r["value"], r["mature"])
           for r in body["results"] if r["dimensions"]["horizon_months"] in (6, 12)]  # fmt: skip
    assert got == [
        (6, "education", 33.3, True),
        (6, "open", 33.3, True),
        (6, "work", 33.3, True),
        (12, "education", 33.3, True),
        (12, "work", 66.7, True),
    ]


def _add_months(d, n):
    """d + n months, the day clamped to the month's end (indicators.md "Month arithmetic")."""
    year, month = divmod(d.month - 1 + n, 12)
    year += d.year
    return D(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def _aalen_johansen(cohort, as_of, horizon):
    """An exact oracle in fractions: the cumulative incidence of outflow to work at `horizon` months,
    rounded half away from zero to tenths of a percent."""
    events = []  # (month, kind): kind 1 work, 2 competing, 0 censored
    for started, outflow, reason in cohort:
        if outflow is not None and outflow <= as_of:
            m = next(m for m in range(0, 999) if outflow <= _add_months(started, m))
            events.append((m, 1 if reason in ("work", "self_employment") else 2))
        else:
            events.append((max(m for m in range(0, 999) if _add_months(started, m) <= as_of), 0))
    at_risk, survival, incidence = len(events), Fraction(1), Fraction(0)
    for month in range(0, horizon + 1):
        d1 = sum(1 for m, k in events if m == month and k == 1)
        d2 = sum(1 for m, k in events if m == month and k == 2)
        c = sum(1 for m, k in events if m == month and k == 0)
        if at_risk:
            incidence += survival * Fraction(d1, at_risk)
            survival *= Fraction(at_risk - d1 - d2, at_risk)
        at_risk -= d1 + d2 + c
    tenths = (2000 * incidence.numerator + incidence.denominator) // (2 * incidence.denominator)
    return tenths / 10


def test_cumulative_incidence_matches_an_exact_oracle_on_random_cohorts(admin_client, compute, region_office):
    rng = random.Random(6)
    ant = region_office("ANT01", "antwerpen")
    as_of = D(2024, 6, 15)
    cohorts = {"2022": [], "2023": [], "2024": []}
    for _ in range(150):
        year, month = rng.randint(2022, 2024), rng.randint(1, 12)
        started = D(year, month, rng.choice([1, 14, 28, calendar.monthrange(year, month)[1]]))
        if started > as_of:
            continue
        outflow = started + datetime.timedelta(days=rng.randint(0, 900)) if rng.random() < 0.7 else None
        reason = rng.choice(["work", "self_employment", "education", "moved"]) if outflow else None
        trajectory(person(ant), started, outflow=outflow, reason=reason)
        cohorts[str(year)].append((started, outflow, reason))
    compute(as_of)
    body = values(admin_client, "sd1.outflow_to_work")
    got = {
        (r["period"], r["dimensions"]["horizon_months"]): r["stats"]["cumulative_incidence"] for r in body["results"]
    }
    assert got == {
        (year, h): _aalen_johansen(cohort, as_of, h) for year, cohort in cohorts.items() for h in range(6, 37, 6)
    }


def test_the_estimate_of_a_small_cohort_is_suppressed(admin_client, reporting_client, compute, region_office):
    ant = region_office("ANT01", "antwerpen")
    # Cohort 2024-01: six to work in month 2, six open (censored in month 5).
    for i in range(12):
        trajectory(person(ant), D(2024, 1, 2), outflow=D(2024, 3, 1) if i < 6 else None)
    # Cohort 2024-02: one to work, three open: four people.
    for i in range(4):
        trajectory(person(ant), D(2024, 2, 2), outflow=D(2024, 3, 1) if i < 1 else None)
    compute(D(2024, 6, 15))
    month = {"period_type": "month", "period_from": "2024-01", "period_to": "2024-02"}

    def first_horizon(client):
        rows = values(client, "sd1.outflow_to_work", **month)["results"]
        return [
            (r["period"], r["value"], r["suppressed"], r["stats"])
            for r in rows
            if r["dimensions"]["horizon_months"] == 6
        ]

    # Nobody has had six months yet: the rows are 0 of 0, not suppressed; the
    # estimate of the small cohort would tell its outcomes, so it is hidden.
    assert first_horizon(reporting_client) == [
        ("2024-01", None, False, {"cumulative_incidence": 50.0}),
        ("2024-02", None, False, {"cumulative_incidence": None}),
    ]
    assert first_horizon(admin_client) == [
        ("2024-01", None, False, {"cumulative_incidence": 50.0}),
        ("2024-02", None, False, {"cumulative_incidence": 25.0}),
    ]
