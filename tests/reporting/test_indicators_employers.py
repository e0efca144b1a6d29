"""SD2, TD2.1, TD2.2, SD3, TD3.1 and TD3.2 on small hand-built data sets; expected values by hand."""

import pytest

from employers.models import Campaign, Competence, CompetenceScore, CompetenceScreening, VacancyCheck
from reporting.models import PerceptionSurvey
from tests import factories
from trajectories.models import Action, ActionType

from .helpers import D, action, outsider, person, residence, table, trajectory, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 12, 15)


@pytest.fixture
def offices(region_office):
    return region_office("ANT01", "antwerpen"), region_office("GNT01", "oost-vlaanderen")


@pytest.fixture
def people(offices):
    """p1 Antwerp refugee, p2 Ghent (asylum seeker with card C until May), p3 Antwerp, p4 Antwerp (closed in June)."""
    ant, gnt = offices
    p1 = person(ant, born=D(1990, 1, 1))
    residence(p1, "recognised_refugee", D(2023, 1, 1))
    p2 = person(gnt, born=D(1999, 6, 15))  # 24 on 31 May 2024, 25 on 15 Dec 2024
    residence(p2, "asylum_seeker", D(2024, 1, 1), D(2024, 5, 31), permit="card_c")
    residence(p2, "other_third_country", D(2024, 6, 1))
    p3 = person(ant, born=D(1970, 3, 3))
    p4 = person(ant, born=D(1990, 1, 1))
    t = {
        "p1": trajectory(p1, D(2024, 1, 1)),
        "p2": trajectory(p2, D(2024, 1, 1)),
        "p3": trajectory(p3, D(2024, 1, 1)),
        "p4": trajectory(p4, D(2024, 2, 1), outflow=D(2024, 6, 30)),
        "out": trajectory(outsider(ant), D(2024, 1, 1)),
    }
    return t


def test_target_group_size_on_the_reference_date(admin_client, reporting_client, compute, people):
    compute(AS_OF)
    # 2024: reference date = as_of; p4 left on 30 June (not open that day).
    assert table(admin_client, "sd2.target_group_size") == {("2024",): (3, None, 3, True)}
    assert table(admin_client, "sd2.target_group_size", by="age_band") == {
        ("2024", "25-49"): (2, None, 2, True),
        ("2024", "50+"): (1, None, 1, True),
    }
    assert table(admin_client, "sd2.target_group_size", by="residence_status") == {
        ("2024", "other_third_country"): (1, None, 1, True),
        ("2024", "recognised_refugee"): (1, None, 1, True),
        ("2024", "unknown"): (1, None, 1, True),
    }
    # May: reference date 31 May: p4 open, p2 24 years old and an asylum seeker.
    may = {"period_type": "month", "period_from": "2024-05", "period_to": "2024-05"}
    assert table(admin_client, "sd2.target_group_size", by="age_band", **may) == {
        ("2024-05", "25-49"): (2, None, 2, True),
        ("2024-05", "50+"): (1, None, 1, True),
        ("2024-05", "<25"): (1, None, 1, True),
    }
    assert table(admin_client, "sd2.target_group_size", by="region,residence_status", **may) == {
        ("2024-05", "antwerpen", "recognised_refugee"): (1, None, 1, True),
        ("2024-05", "antwerpen", "unknown"): (2, None, 2, True),
        ("2024-05", "oost-vlaanderen", "asylum_seeker"): (1, None, 1, True),
    }
    # June ends on 30 June: p4 is no longer open.
    june = {"period_type": "month", "period_from": "2024-06", "period_to": "2024-06"}
    assert table(admin_client, "sd2.target_group_size", **june) == {("2024-06",): (3, None, 3, True)}
    # Disclosive: 3 people is a small cell for a reporting client.
    rows = values(reporting_client, "sd2.target_group_size")["results"]
    assert [(r["value"], r["suppressed"]) for r in rows] == [(None, True)]


@pytest.fixture
def screenings(people):
    employer = factories.EmployerFactory()
    provider = factories.PartnerFactory(code="cvo-x", kind="education")
    codes = list(Competence.objects.order_by("code").values_list("code", flat=True)[:4])

    def act(t, code, started, **kw):
        return Action.objects.create(
            trajectory=t, action_type=ActionType.objects.get(code=code), started_on=started, status="ongoing", **kw
        )

    def screen(a, on, scores, **kw):
        s = CompetenceScreening.objects.create(action=a, screened_on=on, **kw)
        for code, score in zip(codes, scores, strict=False):
            CompetenceScore.objects.create(screening=s, competence_id=code, score=score)

    ibo = act(people["p1"], "ibo", D(2024, 2, 1), employer=employer)
    training = act(people["p2"], "vocational_training", D(2024, 3, 1), provider=provider)
    screen(ibo, D(2024, 3, 1), [0, 2, 3], employer=employer)
    screen(training, D(2024, 4, 1), [0, 0, 1, 2], provider=provider)
    screen(ibo, D(2024, 5, 1), [2], employer=employer)
    screen(ibo, D(2024, 12, 20), [0, 0], employer=employer)  # after as_of: not yet happened
    other = act(people["out"], "ibo", D(2024, 2, 1), employer=employer)
    screen(other, D(2024, 3, 1), [0], employer=employer)  # outside the target group


def test_technical_screenings_and_the_competence_gap(admin_client, compute, screenings):
    compute(AS_OF)
    assert table(admin_client, "td2.1.technical_screenings") == {("2024",): (3, None, 3, True)}
    assert table(admin_client, "td2.1.technical_screenings", by="action_type") == {
        ("2024", "ibo"): (2, None, 2, True),
        ("2024", "vocational_training"): (1, None, 1, True),
    }
    assert table(admin_client, "td2.1.technical_screenings", by="region") == {
        ("2024", "antwerpen"): (2, None, 2, True),
        ("2024", "oost-vlaanderen"): (1, None, 1, True),
    }
    # 8 scores, 3 of them 0: 37.5 %; per form: 1 of 4 and 2 of 4.
    assert table(admin_client, "td2.1.competence_gap_share") == {("2024",): (3, 8, 37.5, True)}
    assert table(admin_client, "td2.1.competence_gap_share", by="action_type") == {
        ("2024", "ibo"): (1, 4, 25.0, True),
        ("2024", "vocational_training"): (2, 4, 50.0, True),
    }
    quarters = table(admin_client, "td2.1.competence_gap_share", period_type="quarter", period_from="2024-Q1")
    assert quarters == {("2024-Q1",): (1, 3, 33.3, True), ("2024-Q2",): (2, 5, 40.0, True)}


@pytest.fixture
def monitoring(db):
    def campaign(objective, held_on, audience, potential, measured):
        Campaign.objects.create(objective=objective, title="c", held_on=held_on, audience=audience,
                                potential_reach=potential, measured_reach=measured)  # fmt: skip

    campaign("td2.2", D(2024, 3, 1), "employers", 1000, 400)
    campaign("td2.2", D(2024, 6, 1), "employers", 500, None)
    campaign("td2.2", D(2024, 7, 1), "public", 200, 50)
    campaign("td3.1", D(2024, 5, 1), "public", 10000, 3000)
    campaign("td2.2", D(2024, 12, 20), "employers", 99, 99)  # after as_of
    campaign("sd3", D(2024, 5, 1), "public", 7, 7)  # another objective
    PerceptionSurvey.objects.create(measured_on=D(2024, 2, 1), question="q", agree_share="62.3", sample_size=7,
                                    source="s")  # fmt: skip
    PerceptionSurvey.objects.create(measured_on=D(2024, 9, 1), question="q", agree_share="50.0", sample_size=1000,
                                    source="s")  # fmt: skip
    PerceptionSurvey.objects.create(measured_on=D(2024, 12, 20), question="q", agree_share="10.0", sample_size=50,
                                    source="s")  # fmt: skip
    VacancyCheck.objects.create(vacancy_reference="v1", checked_on=D(2024, 2, 1), discriminatory=True,
                                measure="adjusted")  # fmt: skip
    VacancyCheck.objects.create(vacancy_reference="v2", checked_on=D(2024, 3, 1), discriminatory=False, measure="none")
    VacancyCheck.objects.create(vacancy_reference="v3", checked_on=D(2024, 4, 1), discriminatory=True,
                                measure="removed")  # fmt: skip
    VacancyCheck.objects.create(vacancy_reference="v4", checked_on=D(2024, 12, 20), discriminatory=True,
                                measure="removed")  # fmt: skip


def _rows(client, code, **params):
    body = values(client, code, **params)
    return [(r["period"], r["dimensions"], r["value"], r["suppressed"], r["stats"]) for r in body["results"]]


def test_campaigns_with_reach_are_not_suppressed(reporting_client, compute, monitoring):
    compute(AS_OF)
    assert _rows(reporting_client, "td2.2.employer_campaigns") == [
        ("2024", {}, 3, False, {"potential_reach": 1700, "measured_reach": 450, "target": None}),
    ]
    assert _rows(reporting_client, "td2.2.employer_campaigns", by="audience") == [
        ("2024", {"audience": "employers"}, 2, False, {"potential_reach": 1500, "measured_reach": 400, "target": None}),
        ("2024", {"audience": "public"}, 1, False, {"potential_reach": 200, "measured_reach": 50, "target": None}),
    ]
    assert _rows(reporting_client, "td3.1.campaigns") == [
        ("2024", {}, 1, False, {"potential_reach": 10000, "measured_reach": 3000, "target": None}),
    ]
    # June holds one campaign whose reach was not measured: the sum is null.
    june = {"period_type": "month", "period_from": "2024-06", "period_to": "2024-06"}
    assert _rows(reporting_client, "td2.2.employer_campaigns", **june) == [
        ("2024-06", {}, 1, False, {"potential_reach": 500, "measured_reach": None, "target": None}),
    ]


def test_perception_is_a_sample_weighted_share(reporting_client, compute, monitoring):
    compute(AS_OF)
    body = values(reporting_client, "sd3.perception")
    # (62.3 x 7 + 50.0 x 1000) / 1007 = 504.361 / 1007 = 50.0855.. % -> 50.1;
    # numerator: 504.361 agreeing respondents, rounded to 504.
    assert [(r["period"], r["numerator"], r["denominator"], r["value"], r["suppressed"]) for r in body["results"]] == [
        ("2024", 504, 1007, 50.1, False),
    ]
    quarter = values(reporting_client, "sd3.perception", period_type="quarter", period_from="2024-Q1",
                     period_to="2024-Q1")  # fmt: skip
    # 62.3 x 7 / 100 = 4.361 respondents of 7 (not disclosive)
    assert [(r["numerator"], r["denominator"], r["value"]) for r in quarter["results"]] == [(4, 7, 62.3)]


def test_vacancy_checks_count_discriminatory_ones(reporting_client, compute, monitoring):
    compute(AS_OF)
    assert _rows(reporting_client, "td3.1.vacancy_checks") == [("2024", {}, 3, False, {"discriminatory": 2})]
    assert _rows(reporting_client, "td3.1.vacancy_checks", by="measure") == [
        ("2024", {"measure": "adjusted"}, 1, False, {"discriminatory": 1}),
        ("2024", {"measure": "none"}, 1, False, {"discriminatory": 0}),
        ("2024", {"measure": "removed"}, 1, False, {"discriminatory": 1}),
    ]


@pytest.fixture
def complaints(admin_client):
    """Complaints through the API, so that the service sets the due dates (working days)."""

    def post(channel, received_on, grounds, ack=None, close=None):
        r = admin_client.post("/api/v1/complaints/", {"channel": channel, "received_on": received_on.isoformat(),
                              "grounds": grounds, "description": "x"}, format="json")  # fmt: skip
        assert r.status_code == 201, r.content
        body = r.json()
        if ack:
            r = admin_client.post(f"/api/v1/complaints/{body['id']}/acknowledge/", {"on": ack.isoformat()},
                                  format="json")  # fmt: skip
            assert r.status_code == 200, r.content
        if close:
            r = admin_client.post(f"/api/v1/complaints/{body['id']}/close/",
                                  {"on": close.isoformat(), "outcome": "substantiated"}, format="json")  # fmt: skip
            assert r.status_code == 200, r.content
            body = r.json()
        return body

    # K1, Friday 25 Oct: 5 working days skip the weekend and All Saints (Fri 1 Nov): due Mon 4 Nov.
    k1 = post("website", D(2024, 10, 25), ["origin", "religion"], ack=D(2024, 11, 4), close=D(2024, 11, 20))
    assert (k1["acknowledge_due"], k1["close_due"], k1["timely"]) == ("2024-11-04", "2024-11-24", True)
    # K2, Monday 4 Nov: Armistice (Mon 11 Nov) moves the due date to 12 Nov; acknowledged a day late.
    k2 = post("office", D(2024, 11, 4), ["origin"], ack=D(2024, 11, 13), close=D(2024, 11, 30))
    assert (k2["acknowledge_due"], k2["timely"]) == ("2024-11-12", False)
    # K3: closed before its closing deadline (20 Dec, after as_of): counts.
    post("website", D(2024, 11, 20), ["language"], ack=D(2024, 11, 21), close=D(2024, 12, 10))
    # K4: still open, closing deadline 25 Dec after as_of: not yet due.
    post("service_line", D(2024, 11, 25), ["age"], ack=D(2024, 11, 26))
    # K5: closed on 20 Dec, after as_of, 30-day deadline (31 Oct) passed: due and not timely.
    post("partner", D(2024, 10, 1), ["gender"], ack=D(2024, 10, 2), close=D(2024, 12, 20))
    post("website", D(2024, 12, 16), ["origin"])  # received after as_of
    post("website", D(2023, 6, 1), ["origin"], ack=D(2023, 6, 2), close=D(2023, 6, 10))


def test_complaints_received_with_several_grounds(admin_client, reporting_client, compute, complaints):
    compute(AS_OF)
    assert table(admin_client, "td3.1.complaints_received") == {
        ("2023",): (1, None, 1, True),
        ("2024",): (5, None, 5, True),
    }
    # K1 counts under both of its grounds: the ground cells add up to 6, not 5.
    assert table(admin_client, "td3.1.complaints_received", period_from="2024", by="ground") == {
        ("2024", "age"): (1, None, 1, True),
        ("2024", "gender"): (1, None, 1, True),
        ("2024", "language"): (1, None, 1, True),
        ("2024", "origin"): (2, None, 2, True),
        ("2024", "religion"): (1, None, 1, True),
    }
    assert table(admin_client, "td3.1.complaints_received", period_from="2024", by="channel,ground") == {
        ("2024", "office", "origin"): (1, None, 1, True),
        ("2024", "partner", "gender"): (1, None, 1, True),
        ("2024", "service_line", "age"): (1, None, 1, True),
        ("2024", "website", "language"): (1, None, 1, True),
        ("2024", "website", "origin"): (1, None, 1, True),
        ("2024", "website", "religion"): (1, None, 1, True),
    }
    # Disclosive: five complaints are shown, two (website) are not.
    assert _rows(reporting_client, "td3.1.complaints_received") == [
        ("2023", {}, None, True, None),
        ("2024", {}, 5, False, {}),
    ]
    by_channel = _rows(reporting_client, "td3.1.complaints_received", period_from="2024", by="channel")
    assert [(r[1]["channel"], r[2], r[3]) for r in by_channel] == [
        ("office", None, True),
        ("partner", None, True),
        ("service_line", None, True),
        ("website", None, True),
    ]


def test_complaints_handled_on_time(admin_client, compute, complaints):
    compute(AS_OF)
    # Due by as_of: K1, K2, K3 (closed) and K5 (deadline passed); on time: K1, K3.
    assert table(admin_client, "td3.1.complaints_timely", period_from="2024") == {("2024",): (2, 4, 50.0, False)}
    assert table(admin_client, "td3.1.complaints_timely", period_from="2024", by="channel") == {
        ("2024", "office"): (0, 1, 0.0, True),
        ("2024", "partner"): (0, 1, 0.0, True),
        ("2024", "service_line"): (0, 0, None, False),
        ("2024", "website"): (2, 2, 100.0, True),
    }
    assert table(admin_client, "td3.1.complaints_timely", period_to="2023") == {("2023",): (1, 1, 100.0, True)}


def test_complaint_steps_after_as_of_have_not_happened(admin_client, compute, complaints):
    compute(D(2024, 11, 10))
    # Received by 10 Nov: K1, K2, K5. K1 closes on 20 Nov (deadline 24 Nov): not
    # yet due; K2 not yet due; K5's deadline (31 Oct) passed, its closure is later.
    assert table(admin_client, "td3.1.complaints_received", period_from="2024") == {("2024",): (3, None, 3, True)}
    assert table(admin_client, "td3.1.complaints_timely", period_from="2024") == {("2024",): (0, 1, 0.0, False)}


@pytest.fixture
def mentoring(people):
    action(people["p1"], D(2024, 3, 1), type="mentoring")  # recognised refugee
    action(people["p2"], D(2024, 5, 15), type="mentoring")  # asylum seeker with card C
    action(people["p2"], D(2024, 6, 15), type="mentoring", status="completed")  # other third country by then
    action(people["p3"], D(2024, 7, 1), type="mentoring", status="planned")  # not started
    action(people["p1"], D(2024, 12, 20), type="mentoring")  # after as_of
    action(people["p3"], D(2024, 7, 1), type="dutch_course")  # another type
    action(people["out"], D(2024, 7, 1), type="mentoring")  # outside the group


def test_mentoring_with_protected_status_on_the_start(admin_client, reporting_client, compute, mentoring):
    compute(AS_OF)
    assert _rows(admin_client, "td3.2.mentoring") == [("2024", {}, 3, False, {"protected": 2})]
    assert _rows(admin_client, "td3.2.mentoring", by="residence_status") == [
        ("2024", {"residence_status": "asylum_seeker"}, 1, False, {"protected": 1}),
        ("2024", {"residence_status": "other_third_country"}, 1, False, {"protected": 0}),
        ("2024", {"residence_status": "recognised_refugee"}, 1, False, {"protected": 1}),
    ]
    assert _rows(admin_client, "td3.2.mentoring", by="region") == [
        ("2024", {"region": "antwerpen"}, 1, False, {"protected": 1}),
        ("2024", {"region": "oost-vlaanderen"}, 2, False, {"protected": 1}),
    ]
    assert _rows(reporting_client, "td3.2.mentoring") == [("2024", {}, None, True, None)]
