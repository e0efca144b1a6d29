"""The cohort statistics and the employer, complaint, referral and TD4 families give
identical values on PostgreSQL and SQLite, on varied random data; and question (c)
(`/objectives/`) lists every objective with yearly totals of every indicator."""

import calendar
import datetime
import decimal
import json
import random
import uuid

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from accounts.models import Role
from employers.models import (
    Campaign,
    Competence,
    CompetenceScore,
    CompetenceScreening,
    DiscriminationComplaint,
    DiscriminationComplaintGround,
    Employer,
    VacancyCheck,
)
from partners.models import Partner, PartnerAgreement, Project, Referral
from reporting.catalogue import INDICATORS, OBJECTIVE_ORDER
from reporting.engine import runner
from reporting.engine.facts import build_trajectory_facts
from reporting.models import (
    IndicatorBlock,
    IndicatorRun,
    IndicatorValue,
    MediatorTraining,
    PerceptionSurvey,
    RunPeriod,
    ToolUsage,
    TrajectoryFact,
)
from tests import factories
from trajectories.models import (
    Action,
    ActionType,
    Barrier,
    EmploymentSpell,
    JobSeeker,
    Office,
    Region,
    ResidenceStatus,
    Trajectory,
)

from .helpers import D, copy_rows, person, residence, trajectory

pytestmark = pytest.mark.django_db
AS_OF = D(2024, 6, 15)
MY_FAMILIES = ["sd1", "sd1_sd2", "td2", "sd3_td3", "td4_1", "td4", "sd1_work"]
SOURCE_MODELS = [
    Region, Office, JobSeeker, ResidenceStatus, Trajectory, ActionType, Action, EmploymentSpell, Barrier,
    Partner, Project, Employer,
    Competence, CompetenceScreening, CompetenceScore, DiscriminationComplaint, DiscriminationComplaintGround,
    VacancyCheck, Campaign, PartnerAgreement, Referral, PerceptionSurvey, MediatorTraining, ToolUsage,
]  # fmt: skip
ENGINE_MODELS = [IndicatorRun, RunPeriod, TrajectoryFact, IndicatorValue, IndicatorBlock]
VALUE_COLUMNS = (
    "indicator, period_type, period, grouping, horizon, a1, b1, b2, numerator, denominator, value_tenths, "
    "s1, s2, s3, s4, s5, mature, complete"
)
TYPES = [
    "dutch_course", "integrated_language_trajectory", "vocational_training", "ibo", "mentoring", "job_hunting",
    "self_employment_guidance", "interpreting",
]  # fmt: skip


def _day(rng, start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, days))


def _work_and_barriers(rng, p, t) -> None:
    """Spells, barriers and prior education (its own random stream, so the rest stays as it was)."""
    if rng.random() < 0.5:
        prior = rng.choice(["okan", "part_time_education", "secondary_unqualified", "secondary_qualified", None])
        JobSeeker.objects.filter(pk=p.pk).update(prior_education=prior)
    if t.outflow_on and t.outflow_reason in ("work", "self_employment"):
        start = t.outflow_on + datetime.timedelta(days=rng.choice([-30, 0, 1, 20]))
        end = rng.choice([None, start + datetime.timedelta(days=rng.randint(0, 500))])
        EmploymentSpell.objects.create(external_id=f"d{t.pk}", job_seeker=p, kind="employee", started_on=start,
                                       ended_on=end)  # fmt: skip
    for kind in rng.sample(["language", "health", "diploma_recognition", "childcare"], rng.choice([0, 0, 1, 2])):
        last = t.outflow_on or AS_OF
        noted = t.started_on + datetime.timedelta(days=rng.randint(0, max(0, (last - t.started_on).days)))
        resolved = rng.choice([None, noted + datetime.timedelta(days=rng.randint(0, 400))])
        Barrier.objects.create(trajectory=t, barrier=kind, noted_on=noted, resolved_on=resolved)


def _varied_data(region_office) -> None:
    rng = random.Random(20261129)
    extra = random.Random(13)
    offices = [region_office("ANT01"), region_office("GNT01", "oost-vlaanderen"), region_office("BRU01", "brussel")]
    partners = [
        factories.PartnerFactory(code="agii", kind="integration_agency"),
        factories.PartnerFactory(code="ocmw", kind="local_authority"),
        factories.PartnerFactory(code="cvo", kind="education"),
    ]
    employer = factories.EmployerFactory()
    competences = list(Competence.objects.values_list("code", flat=True)[:6])
    for _ in range(150):
        nationality, tongue = rng.choice([("SY", "ar"), ("FR", "fr"), ("BE", "nl"), ("ER", "ti")])
        p = person(rng.choice(offices), born=D(rng.randint(1965, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                   nationality=nationality, mother_tongue=tongue, unaccompanied_minor=rng.random() < 0.15)  # fmt: skip
        if rng.random() < 0.6:
            status = rng.choice(["recognised_refugee", "asylum_seeker", "subsidiary_protection"])
            since = D(rng.randint(2019, 2023), rng.randint(1, 12), 1)
            residence(p, status, since, permit=rng.choice(["none", "card_c"]))
        year, month = rng.randint(2020, 2024), rng.randint(1, 12)
        started = min(D(year, month, rng.choice([1, 15, 28, calendar.monthrange(year, month)[1]])), AS_OF)
        outflow = _day(rng, started, 1200) if rng.random() < 0.6 else None
        reason = rng.choice(["work", "self_employment", "education", "moved", "not_available"]) if outflow else None
        t = trajectory(p, started, outflow=outflow, reason=reason,
                       type=rng.choice(["fast_mediation", "integrated", "linear"]))  # fmt: skip
        _work_and_barriers(extra, p, t)
        for _ in range(rng.randint(0, 3)):
            code = rng.choice(TYPES)
            a_start = _day(rng, started, (outflow - started).days if outflow else 900)
            a = Action.objects.create(
                trajectory=t, action_type=ActionType.objects.get(code=code), started_on=a_start,
                status=rng.choice(["planned", "ongoing", "completed"]),
                employer=employer if code == "ibo" else None,
                provider=rng.choice([None, *partners]) if code != "ibo" else None,
                interpreter_used=rng.random() < 0.3, language=rng.choice([None, "ar", "ti"]),
            )  # fmt: skip
            if code in ("ibo", "vocational_training") and a.status != "planned":
                s = CompetenceScreening.objects.create(
                    action=a, screened_on=_day(rng, a_start, 200), employer=employer if code == "ibo" else None,
                    provider=partners[2] if code != "ibo" else None,
                )  # fmt: skip
                for c in rng.sample(competences, rng.randint(1, 4)):
                    CompetenceScore.objects.create(screening=s, competence_id=c, score=rng.randint(0, 3))
    grounds = ["origin", "religion", "language", "age"]
    for i in range(60):
        received = _day(rng, D(2022, 1, 1), 950)
        ack = _day(rng, received, 12) if rng.random() < 0.8 else None
        closed = _day(rng, ack, 40) if ack and rng.random() < 0.7 else None
        k = DiscriminationComplaint.objects.create(
            channel=rng.choice(["website", "office", "partner"]), received_on=received, description="x",
            status="closed" if closed else ("acknowledged" if ack else "received"), acknowledged_on=ack,
            closed_on=closed, outcome="withdrawn" if closed else None,
            acknowledge_due=received + datetime.timedelta(days=7), close_due=received + datetime.timedelta(days=30),
        )  # fmt: skip
        for g in rng.sample(grounds, rng.randint(1, 3)):
            DiscriminationComplaintGround.objects.create(complaint=k, ground=g)
        VacancyCheck.objects.create(vacancy_reference=f"v{i}", checked_on=received, discriminatory=rng.random() < 0.3,
                                    measure=rng.choice(["none", "adjusted", "removed"]))  # fmt: skip
        campaign = Campaign.objects.create(
            objective=rng.choice(["td2.2", "td3.1"]), title="c", held_on=received,
            audience=rng.choice(["employers", "public"]), potential_reach=rng.randint(0, 999),
            measured_reach=rng.choice([None, rng.randint(0, 99)]),
        )  # fmt: skip
        campaign.partners.set(rng.sample(partners, rng.choice([0, 0, 1, 2])))  # joint campaigns too
        PerceptionSurvey.objects.create(measured_on=received, question="q", source="s", sample_size=rng.randint(1, 999),
                                        agree_share=decimal.Decimal(rng.randint(0, 1000)) / 10)  # fmt: skip
    for month in range(1, 13):
        ToolUsage.objects.create(tool="website", month=D(2023, month, 1), count=rng.randint(0, 500))
    mediator = factories.UserFactory(role=Role.MEDIATOR, office=offices[0])
    for _ in range(20):
        MediatorTraining.objects.create(mediator=mediator, course="c", provider=rng.choice([None, partners[2]]),
                                        held_on=_day(rng, D(2022, 1, 1), 950), hours=3)  # fmt: skip
    for p in partners[:2]:
        PartnerAgreement.objects.create(partner=p, starts_on=D(2022, 3, 1), ends_on=D(2023, 6, 30),
                                        referral_target_per_year=rng.randint(10, 99))  # fmt: skip
        targets = [{"indicator": code, "year": year, "value": rng.randint(0, 500) / 10}
                   for code in ("td4.1.referrals_received", "td4.1.referral_registration_rate",
                                "td2.2.employer_campaigns", "td3.1.campaigns") for year in (2023, 2024)]  # fmt: skip
        PartnerAgreement.objects.create(partner=p, starts_on=D(2023, 7, 1), ends_on=D(2025, 6, 30),
                                        referral_target_per_year=rng.randint(10, 99), targets=targets)  # fmt: skip
    for i in range(80):
        referred = _day(rng, D(2022, 1, 1), 950)
        history = [{"status": "received", "on": referred.isoformat(), "at": "2024-01-01T00:00:00+00:00"}]
        if rng.random() < 0.7:
            decided = _day(rng, referred, 40)
            if rng.random() < 0.2:
                history.append({"status": "rejected", "on": decided.isoformat(), "at": "2024-01-01T00:00:00+00:00"})
            else:
                history.append({"status": "accepted", "on": decided.isoformat(), "at": "2024-01-01T00:00:00+00:00"})
                if rng.random() < 0.7:
                    history.append({"status": "registered", "on": _day(rng, referred, 60).isoformat(),
                                    "at": "2024-01-01T00:00:00+00:00"})  # fmt: skip
        Referral.objects.create(partner=rng.choice(partners[:2]), external_id=f"e{i}", body_hash="0" * 64,
                                referred_on=referred, person={"insz": "x"}, status=history[-1]["status"],
                                housing=rng.choice([None, "own_housing", "reception_centre"]),
                                status_history=history)  # fmt: skip


def _plain(value):
    """A value read from PostgreSQL as SQLite stores it."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _values(conn, run_id, codes) -> list[tuple]:
    marks = ", ".join(["%s"] * len(codes))
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT {VALUE_COLUMNS} FROM reporting_indicatorvalue WHERE run_id = %s AND indicator IN ({marks})",
            [run_id, *codes],
        )
        rows = cursor.fetchall()
    return sorted(tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows)


@pytest.mark.postgres
def test_postgres_and_sqlite_compute_the_same_values(region_office, compute):
    _varied_data(region_office)
    run = compute(AS_OF)
    assert run.status == "succeeded", run.error
    codes = [i.code for i in INDICATORS if i.family in MY_FAMILIES]
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    sqlite = handler["default"]
    try:
        with sqlite.schema_editor() as editor:
            for model in [*SOURCE_MODELS, *ENGINE_MODELS]:
                editor.create_model(model)
        sqlite.disable_constraint_checking()  # only the tables the engine reads are copied
        copy_rows([*SOURCE_MODELS, Campaign.partners.through, IndicatorRun], connection, sqlite, convert=_plain)
        with connection.cursor() as read, sqlite.cursor() as write:
            read.execute(
                "SELECT run_id, period_type, period, starts_on, ends_on FROM reporting_runperiod WHERE run_id = %s",
                [run.pk],
            )
            write.executemany(
                "INSERT INTO reporting_runperiod (run_id, period_type, period, starts_on, ends_on) "
                "VALUES (%s, %s, %s, %s, %s)",
                read.fetchall(),
            )
        assert build_trajectory_facts(run, sqlite) == TrajectoryFact.objects.filter(run=run).count()
        for family in MY_FAMILIES:
            runner.compute_family(run, family, sqlite)
        postgres_rows = _values(connection, run.pk, codes)
        sqlite_rows = _values(sqlite, run.pk, codes)
    finally:
        sqlite.close()
    assert {row[0] for row in postgres_rows} == set(codes)
    assert len(postgres_rows) > 3000
    # The estimate is there, and differs from the value in some immature cells.
    estimates = [r for r in postgres_rows if r[0] == "sd1.outflow_to_work" and r[11] is not None]
    assert estimates and any(r[10] != r[11] for r in estimates)
    assert sqlite_rows == postgres_rows


def test_objectives_list_every_objective_with_yearly_totals(reporting_client, region_office, compute):
    _varied_data(region_office)
    compute(AS_OF)
    r = reporting_client.get("/api/v1/reporting/objectives/")
    assert r.status_code == 200
    body = r.json()
    assert [o["code"] for o in body] == OBJECTIVE_ORDER
    indicators = {i["code"]: i for o in body for i in o["indicators"]}
    assert set(indicators) == {i.code for i in INDICATORS}
    # sd4 has no indicator of its own (its tactical objectives carry them).
    assert next(o for o in body if o["code"] == "sd4")["indicators"] == []
    for ind in INDICATORS:
        rows = indicators[ind.code]["rows"]
        assert rows, ind.code
        assert {row["period"] for row in rows} <= {"2021", "2022", "2023", "2024"}, ind.code
        assert all(set(row["dimensions"]) == set(ind.always) for row in rows), ind.code
    # One row per always-carried value: horizons, and horizon x state for the status.
    status = indicators["sd1.status_at_horizon"]["rows"]
    assert {row["dimensions"]["horizon_months"] for row in status} == {6, 12, 18, 24, 30, 36}
    campaigns = [row for row in indicators["td2.2.employer_campaigns"]["rows"] if row["period"] == "2023"]
    assert len(campaigns) == 1 and campaigns[0]["suppressed"] is False and campaigns[0]["value"] > 0
