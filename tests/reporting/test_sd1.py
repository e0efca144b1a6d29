"""SD1 indicators on small hand-built data sets; every expected value is worked out by hand."""

import pytest

from .helpers import D, action, outsider, person, residence, table, trajectory, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(region_office):
    return region_office("ANT01", "antwerpen"), region_office("GNT01", "oost-vlaanderen")


@pytest.fixture
def intake_data(offices):
    ant, gnt = offices
    a = person(
        ant,
        born=D(2000, 3, 15),
        education_level="high",
        dutch_level="a2",
        registration_channel="online",
        unaccompanied_minor=True,
    )
    residence(a, "recognised_refugee", D(2023, 1, 1))
    trajectory(a, D(2024, 3, 14))  # age 23: <25
    b = person(ant, born=D(1990, 1, 1), gender="m")
    trajectory(b, D(2021, 5, 5), outflow=D(2021, 12, 1))
    trajectory(b, D(2024, 2, 1), type="fast_mediation")
    b.office = gnt  # moved after intake: the indicators keep the intake office
    b.save()
    c = person(gnt, born=D(1974, 6, 30), gender="x")
    residence(c, "asylum_seeker", D(2024, 1, 1), D(2024, 6, 29), permit="card_c")  # ended the day before intake
    trajectory(c, D(2024, 6, 30), type="linear")  # on as_of; 50 that day: 50+
    d = person(ant, born=D(1985, 5, 5), nationality="FR", mother_tongue="fr")  # in the group under 2017 only
    trajectory(d, D(2024, 1, 10))
    e = person(ant, nationality="SY", mother_tongue="nl")  # in the group under 2014 only
    trajectory(e, D(2024, 1, 11))
    f = person(ant)
    trajectory(f, D(2024, 7, 1))  # after as_of: not yet happened
    g = outsider(ant)
    trajectory(g, D(2024, 1, 12))


def test_intake_counts_trajectories_started_in_each_period(admin_client, compute, intake_data):
    run = compute(D(2024, 6, 30))
    assert run.status == "succeeded", run.error
    assert table(admin_client, "sd1.intake") == {("2021",): (1, None, 1, True), ("2024",): (4, None, 4, True)}
    assert table(admin_client, "sd1.intake", period_type="quarter", period_from="2024-Q1") == {
        ("2024-Q1",): (3, None, 3, True),
        ("2024-Q2",): (1, None, 1, True),
    }
    body = values(admin_client, "sd1.intake", period_type="month", period_from="2024-03", period_to="2024-06")
    assert [(r["period"], r["value"], r["complete"]) for r in body["results"]] == [
        ("2024-03", 1, True),
        ("2024-06", 1, True),
    ]
    assert body["run"]["id"] == run.pk and body["run"]["as_of"] == "2024-06-30"
    assert body["run"]["lexicon_version"] == "2017"


def test_intake_breakdowns_use_attributes_at_intake(admin_client, compute, intake_data):
    compute(D(2024, 6, 30))
    p = {"period_from": "2024"}
    assert table(admin_client, "sd1.intake", by="region", **p) == {
        ("2024", "antwerpen"): (3, None, 3, True),
        ("2024", "oost-vlaanderen"): (1, None, 1, True),
    }
    assert table(admin_client, "sd1.intake", by="office", **p) == {
        ("2024", "ANT01"): (3, None, 3, True),
        ("2024", "GNT01"): (1, None, 1, True),
    }
    assert table(admin_client, "sd1.intake", by="age_band", **p) == {
        ("2024", "25-49"): (2, None, 2, True),
        ("2024", "50+"): (1, None, 1, True),
        ("2024", "<25"): (1, None, 1, True),
    }
    assert table(admin_client, "sd1.intake", by="residence_status", **p) == {
        ("2024", "recognised_refugee"): (1, None, 1, True),
        ("2024", "unknown"): (3, None, 3, True),
    }
    assert table(admin_client, "sd1.intake", by="education_level", **p) == {
        ("2024", "high"): (1, None, 1, True),
        ("2024", "unknown"): (3, None, 3, True),
    }
    assert table(admin_client, "sd1.intake", by="unaccompanied_minor", **p) == {
        ("2024", "false"): (3, None, 3, True),
        ("2024", "true"): (1, None, 1, True),
    }
    body = values(admin_client, "sd1.intake", by="gender,age_band", **p)
    assert [(r["dimensions"], r["value"]) for r in body["results"]] == [
        ({"gender": "f", "age_band": "25-49"}, 1),
        ({"gender": "f", "age_band": "<25"}, 1),
        ({"gender": "m", "age_band": "25-49"}, 1),
        ({"gender": "x", "age_band": "50+"}, 1),
    ]
    body = values(admin_client, "sd1.intake", by="age_band,region", **p)
    assert [(list(r["dimensions"].items()), r["value"]) for r in body["results"]] == [
        ([("age_band", "25-49"), ("region", "antwerpen")], 2),
        ([("age_band", "50+"), ("region", "oost-vlaanderen")], 1),
        ([("age_band", "<25"), ("region", "antwerpen")], 1),
    ]


def test_intake_under_the_2014_lexicon_counts_other_people(admin_client, compute, intake_data):
    compute(D(2024, 6, 30), lexicon_version="2014")
    # a, b, c and e (Syrian nationality, Dutch mother tongue); not d (French).
    assert table(admin_client, "sd1.intake") == {("2021",): (1, None, 1, True), ("2024",): (4, None, 4, True)}
    assert table(admin_client, "sd1.intake", by="dutch_level", period_from="2024") == {
        ("2024", "a2"): (1, None, 1, True),
        ("2024", "unknown"): (3, None, 3, True),
    }
    assert values(admin_client, "sd1.intake")["run"]["lexicon_version"] == "2014"


@pytest.fixture
def outflow_data(offices):
    ant, gnt = offices
    # Cohort 2022-12, as_of 2024-06-15.
    t1 = trajectory(person(ant), D(2022, 12, 31), outflow=D(2023, 6, 30), reason="work")  # 31 Dec + 6 m = 30 Jun
    trajectory(person(ant), D(2022, 12, 1), outflow=D(2023, 6, 2), reason="self_employment")  # month 7
    trajectory(person(ant), D(2022, 12, 15), outflow=D(2023, 1, 15), reason="education")
    trajectory(person(gnt), D(2022, 12, 20))  # open
    trajectory(person(ant), D(2022, 12, 10), outflow=D(2024, 7, 15), reason="work")  # after as_of: still open
    trajectory(outsider(ant), D(2022, 12, 5), outflow=D(2023, 1, 5), reason="work")
    # Cohort 2023-12: only the first has had 6 months by as_of.
    trajectory(person(ant), D(2023, 12, 15), outflow=D(2024, 1, 20), reason="work")
    trajectory(person(ant), D(2023, 12, 16))
    return t1


def test_outflow_to_work_per_horizon_with_maturity(admin_client, compute, outflow_data):
    compute(D(2024, 6, 15))
    rows = table(admin_client, "sd1.outflow_to_work", period_to="2023")
    assert rows == {
        ("2022", 6): (1, 5, 20.0, True),
        ("2022", 12): (2, 5, 40.0, True),
        # 18 months: started on 1, 10 and 15 Dec (20 and 31 Dec not yet 18 months ago)
        ("2022", 18): (1, 3, 33.3, False),
        ("2022", 24): (0, 0, None, False),
        ("2022", 30): (0, 0, None, False),
        ("2022", 36): (0, 0, None, False),
        ("2023", 6): (1, 1, 100.0, False),
        ("2023", 12): (0, 0, None, False),
        ("2023", 18): (0, 0, None, False),
        ("2023", 24): (0, 0, None, False),
        ("2023", 30): (0, 0, None, False),
        ("2023", 36): (0, 0, None, False),
    }
    body = values(admin_client, "sd1.outflow_to_work", period_from="2022", period_to="2022", by="region")
    assert [(r["dimensions"], r["numerator"], r["denominator"], r["value"], r["stats"]) for r in body["results"]][
        :2
    ] == [
        # mature cells: the cumulative incidence equals the value
        ({"horizon_months": 6, "region": "antwerpen"}, 1, 4, 25.0, {"cumulative_incidence": 25.0}),
        ({"horizon_months": 6, "region": "oost-vlaanderen"}, 0, 1, 0.0, {"cumulative_incidence": 0.0}),
    ]
    # horizon_months named in `by` is ignored there.
    body = values(admin_client, "sd1.outflow_to_work", period_from="2022", period_to="2022", by="horizon_months")
    assert [r["dimensions"] for r in body["results"]][:2] == [{"horizon_months": 6}, {"horizon_months": 12}]


def test_outflow_reasons_count_outflows_up_to_as_of(admin_client, compute, outflow_data):
    compute(D(2024, 6, 15))
    assert table(admin_client, "sd1.outflow_reasons", by="outflow_reason") == {
        ("2023", "education"): (1, None, 1, True),
        ("2023", "self_employment"): (1, None, 1, True),
        ("2023", "work"): (1, None, 1, True),
        ("2024", "work"): (1, None, 1, True),
    }
    assert table(admin_client, "sd1.outflow_reasons", period_type="quarter", by="region") == {
        ("2023-Q1", "antwerpen"): (1, None, 1, True),
        ("2023-Q2", "antwerpen"): (2, None, 2, True),
        ("2024-Q1", "antwerpen"): (1, None, 1, True),
    }


@pytest.fixture
def protected_data(offices):
    ant, gnt = offices
    p1 = person(ant)
    residence(p1, "recognised_refugee", D(2022, 1, 1))
    trajectory(p1, D(2023, 1, 1))
    p2 = person(ant)
    residence(p2, "subsidiary_protection", D(2022, 1, 1))
    trajectory(p2, D(2023, 5, 1), outflow=D(2023, 12, 31))  # not open on 31 Dec
    p3 = person(gnt)
    residence(p3, "asylum_seeker", D(2023, 1, 1), D(2024, 3, 31), permit="card_c")
    residence(p3, "other_third_country", D(2024, 4, 1))
    trajectory(p3, D(2023, 6, 1))
    p4 = person(ant)
    residence(p4, "asylum_seeker", D(2023, 1, 1), permit="none")
    trajectory(p4, D(2023, 2, 1))
    trajectory(person(ant), D(2023, 3, 1))  # no status: unknown
    p6 = outsider(ant)
    residence(p6, "recognised_refugee", D(2022, 1, 1))
    trajectory(p6, D(2023, 1, 1))


def test_protected_status_share_on_the_reference_date(admin_client, compute, protected_data):
    compute(D(2024, 6, 15))
    assert table(admin_client, "sd1.protected_status_share", period_from="2023") == {
        ("2023",): (2, 4, 50.0, True),
        ("2024",): (1, 4, 25.0, True),  # reference date = as_of
    }
    rows = table(admin_client, "sd1.protected_status_share", period_type="month", period_from="2023-11",
                 period_to="2023-12")  # fmt: skip
    assert rows == {("2023-11",): (3, 5, 60.0, True), ("2023-12",): (2, 4, 50.0, True)}
    assert table(admin_client, "sd1.protected_status_share", period_from="2024", by="residence_status") == {
        ("2024", "asylum_seeker"): (0, 1, 0.0, True),
        ("2024", "other_third_country"): (0, 1, 0.0, True),
        ("2024", "recognised_refugee"): (1, 1, 100.0, True),
        ("2024", "unknown"): (0, 1, 0.0, True),
    }
    assert table(admin_client, "sd1.protected_status_share", period_from="2024", by="region") == {
        ("2024", "antwerpen"): (1, 3, 33.3, True),
        ("2024", "oost-vlaanderen"): (0, 1, 0.0, True),
    }
    body = values(admin_client, "sd1.protected_status_share", period_type="month", period_from="2024-06")
    assert body["results"][0]["complete"] is False  # June ends after as_of


def test_percentages_round_half_away_from_zero_exactly(admin_client, compute, offices):
    ant, _ = offices
    for i in range(16):
        p = person(ant)
        if i == 0:
            residence(p, "recognised_refugee", D(2020, 1, 1))
        trajectory(p, D(2024, 1, 2))
    compute(D(2024, 6, 15))
    # 100 x 1 / 16 = 6.25: half away from zero gives 6.3 (round() on floats would give 6.2)
    assert table(admin_client, "sd1.protected_status_share", period_from="2024") == {("2024",): (1, 16, 6.3, True)}


def test_first_action_is_not_needed_for_intake(admin_client, compute, offices):
    ant, _ = offices
    t = trajectory(person(ant), D(2024, 1, 2))
    action(t, D(2024, 1, 3), status="planned")
    compute(D(2024, 6, 15))
    assert table(admin_client, "sd1.intake", period_from="2024") == {("2024",): (1, None, 1, True)}
