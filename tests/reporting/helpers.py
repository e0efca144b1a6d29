"""Hand-built case records for indicator tests (rows written directly: the engine reads tables)."""

import datetime

from trajectories.models import Action, ActionType, JobSeeker, ResidenceStatus, Trajectory
from trajectories.validators import make_insz

D = datetime.date
_seq = {"n": 0}
DEFAULT_BIRTH = D(1990, 5, 17)


def person(
    office,
    *,
    born=DEFAULT_BIRTH,
    gender="f",
    nationality="SY",
    birth_nationality=None,
    mother_tongue="ar",
    education_level=None,
    dutch_level=None,
    registration_channel=None,
    unaccompanied_minor=False,
):
    _seq["n"] += 1
    return JobSeeker.objects.create(
        insz=make_insz(born, _seq["n"] % 997 + 1),
        first_name=f"P{_seq['n']}",
        last_name="Test",
        birth_date=born,
        gender=gender,
        nationality=nationality,
        birth_nationality=birth_nationality or nationality,
        mother_tongue=mother_tongue,
        education_level=education_level,
        dutch_level=dutch_level,
        registration_channel=registration_channel,
        unaccompanied_minor=unaccompanied_minor,
        office=office,
    )


def outsider(office, **kw):
    """Belgian with Dutch as mother tongue: outside the target group under both lexicon versions."""
    return person(office, nationality="BE", mother_tongue="nl", **kw)


def trajectory(js, started, *, outflow=None, reason=None, type="integrated", personal_service=None, office=None):
    return Trajectory.objects.create(
        job_seeker=js,
        type=type,
        started_on=started,
        outflow_on=outflow,
        outflow_reason=reason or ("work" if outflow else None),
        personal_service_on=personal_service,
        intake_office=office or js.office,
        intake_education_level=js.education_level,
    )


def action(t, started, *, status="ongoing", type="dutch_course", project=None):
    return Action.objects.create(
        trajectory=t,
        action_type=ActionType.objects.get(code=type),
        started_on=started,
        status=status,
        project=project,
    )


def residence(js, status, valid_from, valid_to=None, permit="none"):
    return ResidenceStatus.objects.create(
        job_seeker=js, status=status, work_permit=permit, valid_from=valid_from, valid_to=valid_to
    )


def values(client, code, **params):
    """GET the values API; returns the JSON body (asserting 200)."""
    params.setdefault("period_type", "year")
    r = client.get(f"/api/v1/reporting/indicators/{code}/values/", params)
    assert r.status_code == 200, r.content
    return r.json()


def table(client, code, **params):
    """{(period, *dimension values): (numerator, denominator, value, mature)} of a values answer."""
    body = values(client, code, **params)
    return {
        (row["period"], *row["dimensions"].values()): (
            row["numerator"],
            row["denominator"],
            row["value"],
            row["mature"],
        )
        for row in body["results"]
    }


def copy_rows(models, source, target, convert=lambda value: value) -> None:
    """Copy every row of `models` from one database connection to another (the dialect tests)."""
    with source.cursor() as read, target.cursor() as write:
        for model in models:
            table = model._meta.db_table
            columns = [f.column for f in model._meta.concrete_fields]
            read.execute(f"SELECT {', '.join(columns)} FROM {table}")
            rows = [tuple(convert(v) for v in row) for row in read.fetchall()]
            if rows:
                marks = ", ".join(["%s"] * len(columns))
                write.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
