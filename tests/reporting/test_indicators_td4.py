"""TD4.2 youth and unaccompanied minors, TD4.3 self-employment, TD4.4 language and interpreting,
TD4.5 mediator training; expected values by hand."""

import pytest

from accounts.models import Role
from reporting.models import MediatorTraining
from tests import factories
from trajectories.models import Action, ActionType

from .helpers import D, action, outsider, person, table, trajectory, values

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 12, 15)


@pytest.fixture
def offices(region_office):
    return region_office("ANT01", "antwerpen"), region_office("GNT01", "oost-vlaanderen")


def _rows(client, code, **params):
    body = values(client, code, **params)
    return [(r["period"], r["dimensions"], r["value"], r["suppressed"], r["stats"]) for r in body["results"]]


@pytest.fixture
def youth(offices):
    ant, _ = offices
    y1 = trajectory(person(ant, born=D(1999, 7, 1)), D(2024, 1, 2))
    action(y1, D(2024, 6, 30), type="mentoring")  # 24 that day: youth
    action(y1, D(2024, 7, 1), type="job_hunting")  # 25 on the day: no longer
    y2 = trajectory(person(ant, born=D(2004, 1, 1), unaccompanied_minor=True), D(2024, 1, 2))
    action(y2, D(2024, 4, 1), type="dutch_course")  # young and an unaccompanied minor: both groups
    action(y2, D(2024, 5, 1), type="dutch_course", status="planned")  # not started
    y3 = trajectory(person(ant, born=D(1990, 1, 1), unaccompanied_minor=True), D(2024, 1, 2))
    action(y3, D(2024, 5, 1), type="vocational_training")
    action(y3, D(2024, 12, 20), type="vocational_training")  # after as_of
    y4 = trajectory(outsider(ant, born=D(2004, 1, 1)), D(2024, 1, 2))
    action(y4, D(2024, 5, 1))  # outside the target group


def test_youth_actions_by_group_one_person_in_both(admin_client, compute, youth):
    compute(AS_OF)
    assert _rows(admin_client, "td4.2.youth_actions") == [
        ("2024", {"group": "unaccompanied_minor"}, 2, False, {}),
        ("2024", {"group": "youth"}, 2, False, {}),
    ]
    assert table(admin_client, "td4.2.youth_actions", by="action_category") == {
        ("2024", "unaccompanied_minor", "language"): (1, None, 1, True),
        ("2024", "unaccompanied_minor", "vocational_training"): (1, None, 1, True),
        ("2024", "youth", "language"): (1, None, 1, True),
        ("2024", "youth", "mentoring"): (1, None, 1, True),
    }
    july = _rows(admin_client, "td4.2.youth_actions", period_type="month", period_from="2024-07", period_to="2024-07")
    assert july == []


@pytest.fixture
def self_employment(offices):
    ant, gnt = offices
    s1 = trajectory(person(ant), D(2024, 1, 1), outflow=D(2024, 9, 1), reason="self_employment")
    action(s1, D(2024, 2, 1), type="self_employment_guidance")
    action(s1, D(2024, 3, 1), type="self_employment_guidance")  # the same person again
    s2 = trajectory(person(gnt), D(2024, 1, 1))
    action(s2, D(2024, 4, 1), type="self_employment_guidance")
    s3 = trajectory(person(ant), D(2024, 1, 1), outflow=D(2024, 12, 20), reason="self_employment")  # after as_of
    action(s3, D(2024, 5, 1), type="self_employment_guidance")
    s4 = trajectory(person(ant), D(2024, 1, 1), outflow=D(2024, 6, 1), reason="work")
    action(s4, D(2024, 2, 1), type="self_employment_guidance", status="planned")  # never started


def test_self_employment_guidance_and_outflow(admin_client, reporting_client, compute, self_employment):
    compute(AS_OF)
    assert _rows(admin_client, "td4.3.self_employment") == [
        ("2024", {}, 3, False, {"outflow_self_employment": 1}),
    ]
    assert _rows(admin_client, "td4.3.self_employment", by="region") == [
        ("2024", {"region": "antwerpen"}, 2, False, {"outflow_self_employment": 1}),
        ("2024", {"region": "oost-vlaanderen"}, 1, False, {"outflow_self_employment": 0}),
    ]
    # Distinct people: s1 twice in Q1 counts once.
    assert table(admin_client, "td4.3.self_employment", period_type="quarter") == {
        ("2024-Q1",): (1, None, 1, True),
        ("2024-Q2",): (2, None, 2, True),
    }
    assert _rows(reporting_client, "td4.3.self_employment") == [("2024", {}, None, True, None)]


@pytest.fixture
def language(offices):
    ant, gnt = offices
    cvo = factories.PartnerFactory(code="cvo1", kind="education")

    def act(t, code, started, status="ongoing", **kw):
        Action.objects.create(trajectory=t, action_type=ActionType.objects.get(code=code), started_on=started,
                              status=status, **kw)  # fmt: skip

    t1 = trajectory(person(ant), D(2024, 1, 2))
    t2 = trajectory(person(gnt), D(2024, 1, 2))
    act(t1, "dutch_course", D(2024, 2, 1), interpreter_used=True, language="ar")
    act(t2, "interpreting", D(2024, 3, 1), language="ti")
    act(t1, "job_hunting", D(2024, 3, 1), language="ar")  # no interpreter
    act(t2, "interpreting", D(2024, 3, 1), status="planned")  # not started
    act(t1, "interpreting", D(2024, 4, 1))  # language not recorded
    act(t1, "integrated_language_trajectory", D(2024, 2, 1), provider=cvo)
    act(t2, "integrated_language_trajectory", D(2024, 5, 1), provider=cvo)
    act(t2, "integrated_language_trajectory", D(2024, 6, 1))
    act(t1, "integrated_language_trajectory", D(2024, 6, 1), status="planned", provider=cvo)
    out = trajectory(outsider(ant), D(2024, 1, 2))
    act(out, "interpreting", D(2024, 3, 1), language="ar")  # outside the target group


def test_interpreter_use_by_language(admin_client, compute, language):
    compute(AS_OF)
    assert table(admin_client, "td4.4.interpreter_use") == {("2024",): (3, None, 3, True)}
    assert table(admin_client, "td4.4.interpreter_use", by="language") == {
        ("2024", "ar"): (1, None, 1, True),
        ("2024", "ti"): (1, None, 1, True),
        ("2024", "unknown"): (1, None, 1, True),
    }
    assert table(admin_client, "td4.4.interpreter_use", by="language,region") == {
        ("2024", "ar", "antwerpen"): (1, None, 1, True),
        ("2024", "ti", "oost-vlaanderen"): (1, None, 1, True),
        ("2024", "unknown", "antwerpen"): (1, None, 1, True),
    }


def test_integrated_language_by_provider(admin_client, compute, language):
    compute(AS_OF)
    assert table(admin_client, "td4.4.integrated_language", by="provider") == {
        ("2024", "cvo1"): (2, None, 2, True),
        ("2024", "none"): (1, None, 1, True),
    }


@pytest.fixture
def trainings(offices):
    m1 = factories.UserFactory(role=Role.MEDIATOR, username="m1", office=offices[0])
    m2 = factories.UserFactory(role=Role.MEDIATOR, username="m2", office=offices[1])
    spoor = factories.PartnerFactory(code="spoor21", kind="training_provider")
    MediatorTraining.objects.create(mediator=m1, course="a", provider=spoor, held_on=D(2024, 2, 1), hours=4)
    MediatorTraining.objects.create(mediator=m1, course="b", provider=spoor, held_on=D(2024, 3, 1), hours=4)
    MediatorTraining.objects.create(mediator=m2, course="b", provider=None, held_on=D(2024, 3, 1), hours=4)
    MediatorTraining.objects.create(mediator=m2, course="c", provider=spoor, held_on=D(2024, 12, 20), hours=4)


def test_mediator_training_is_not_suppressed(reporting_client, compute, trainings):
    compute(AS_OF)
    assert _rows(reporting_client, "td4.5.mediator_training") == [("2024", {}, 3, False, {"mediators": 2})]
    assert _rows(reporting_client, "td4.5.mediator_training", by="provider") == [
        ("2024", {"provider": "none"}, 1, False, {"mediators": 1}),
        ("2024", {"provider": "spoor21"}, 2, False, {"mediators": 1}),
    ]
    march = _rows(reporting_client, "td4.5.mediator_training", period_type="month", period_from="2024-03",
                  period_to="2024-03")  # fmt: skip
    assert march == [("2024-03", {}, 2, False, {"mediators": 2})]
