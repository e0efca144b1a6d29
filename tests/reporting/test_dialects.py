"""The same data, as_of and lexicon give identical values on PostgreSQL and on SQLite.

The run is computed on PostgreSQL (GROUPING SETS, percentile_cont); the same
rows are then copied into a second, in-memory SQLite database, where the same
builder computes with its SQLite dialect (UNION ALL of GROUP BYs, window
functions); every value row must match.
"""

import calendar
import datetime
import random

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

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
from reporting.engine import families, runner
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

from .helpers import D, action, copy_rows, person, residence, trajectory

pytestmark = pytest.mark.django_db

SOURCE_MODELS = [
    Region,
    Office,
    JobSeeker,
    ResidenceStatus,
    Trajectory,
    ActionType,
    Action,
    # read by the durable-work family (sd1.durable_work, sd1.reentry, sd1.barriers)
    EmploymentSpell,
    Barrier,
    Partner,
    Project,
    ToolUsage,
    # read by the other families (tests/reporting/test_indicators_dialects.py fills them)
    CompetenceScreening,
    CompetenceScore,
    DiscriminationComplaint,
    DiscriminationComplaintGround,
    VacancyCheck,
    Campaign,
    PartnerAgreement,
    Referral,
    PerceptionSurvey,
    MediatorTraining,
]
ENGINE_MODELS = [IndicatorRun, RunPeriod, TrajectoryFact, IndicatorValue, IndicatorBlock]
VALUE_COLUMNS = (
    "indicator, period_type, period, grouping, horizon, a1, b1, b2, numerator, denominator, value_tenths, "
    "s1, s2, s3, s4, s5, mature, complete"
)


def _varied_data(region_office) -> None:
    rng = random.Random(20240615)
    offices = [region_office("ANT01"), region_office("GNT01", "oost-vlaanderen"), region_office("BRU01", "brussel")]
    ocmw = factories.PartnerFactory(code="ocmw-a", kind="local_authority")  # leads PRJA; the service leads PRJB
    projects = [None, factories.ProjectFactory(code="PRJA", lead=ocmw), factories.ProjectFactory(code="PRJB")]
    types = ["dutch_course", "vocational_training", "ibo", "mentoring", "job_hunting"]
    types = [t for t in types if ActionType.objects.filter(code=t).exists()]
    for _ in range(160):
        nationality, tongue = rng.choice([("SY", "ar"), ("FR", "fr"), ("BE", "nl"), ("SY", "nl"), (None, "ar")])
        born = D(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28))
        p = person(
            rng.choice(offices), born=born, gender=rng.choice(["f", "m", "x", None]), nationality=nationality,
            mother_tongue=tongue, education_level=rng.choice(["low", "medium", "high", None]),
            dutch_level=rng.choice(["a1", "b2", None]), registration_channel=rng.choice(["online", None]),
            unaccompanied_minor=rng.random() < 0.1,
        )  # fmt: skip
        if rng.random() < 0.6:
            start = D(rng.randint(2019, 2023), rng.randint(1, 12), 1)
            residence(p, rng.choice(["recognised_refugee", "asylum_seeker", "other_third_country"]), start,
                      permit=rng.choice(["none", "card_c"]))  # fmt: skip
        year, month = rng.randint(2020, 2024), rng.randint(1, 12)
        started = D(year, month, rng.choice([1, 15, 28, calendar.monthrange(year, month)[1]]))
        if started > D(2024, 6, 15):
            started = D(2024, 6, 15)
        closed = rng.random() < 0.6
        outflow = None
        if closed:
            outflow = started + datetime.timedelta(days=rng.randint(0, 900))
        ps = started + datetime.timedelta(days=rng.randint(0, 60)) if rng.random() < 0.7 else None
        if outflow and ps and ps > outflow:
            ps = outflow
        reason = rng.choice(["work", "self_employment", "education", "moved", "unknown"]) if outflow else None
        kind = rng.choice(["fast_mediation", "integrated", "combined", "linear"])
        t = trajectory(p, started, outflow=outflow, personal_service=ps, reason=reason, type=kind)
        for _ in range(rng.randint(0, 3)):
            limit = (outflow - started).days if outflow else 1000
            a_start = started + datetime.timedelta(days=rng.randint(0, max(limit, 0)))
            action(t, a_start, status=rng.choice(["planned", "ongoing", "completed"]),
                   type=rng.choice(types), project=rng.choice(projects))  # fmt: skip
    for month in range(1, 13):
        ToolUsage.objects.create(tool="website", month=D(2023, month, 1), count=rng.randint(0, 500))
        ToolUsage.objects.create(tool="app", month=D(2024, month, 1), count=rng.randint(0, 50))


def _values(conn, run_id) -> list[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT {VALUE_COLUMNS} FROM reporting_indicatorvalue WHERE run_id = %s", [run_id])
        rows = cursor.fetchall()
    return sorted(tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows)


@pytest.mark.postgres
def test_postgres_and_sqlite_compute_the_same_values(region_office, compute):
    _varied_data(region_office)
    run = compute(D(2024, 6, 15))
    assert run.status == "succeeded", run.error
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    sqlite = handler["default"]
    try:
        with sqlite.schema_editor() as editor:
            for model in [*SOURCE_MODELS, *ENGINE_MODELS, Competence, Employer]:
                editor.create_model(model)
        sqlite.disable_constraint_checking()  # only the tables the engine reads are copied
        copy_rows(SOURCE_MODELS, connection, sqlite)
        copy_rows([IndicatorRun], connection, sqlite)
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
        for module in families.all_families():
            runner.compute_family(run, module.FAMILY, sqlite)
        postgres_rows = _values(connection, run.pk)
        sqlite_rows = _values(sqlite, run.pk)
    finally:
        sqlite.close()
    assert len(postgres_rows) > 1000
    indicators = {row[0] for row in postgres_rows}
    assert indicators >= {
        "sd1.intake", "sd1.outflow_to_work", "sd1.outflow_reasons", "sd1.protected_status_share",
        "td1.1.duration", "td1.1.first_action_within", "td1.1.action_flow", "td1.1.tool_usage",
    }  # fmt: skip
    assert sqlite_rows == postgres_rows
