"""Incremental runs equal full runs after employment spells, barriers, re-entries and prior_education change."""
# ruff: noqa: F811  (the fixtures of test_incremental are imported and used by name)

import pytest

from reporting.models import IndicatorRun
from tests.reporting.test_incremental import in_group_trajectories, incremental, same_as_full, world  # noqa: F401
from trajectories import services as case
from trajectories.imports.batch import run_import
from trajectories.imports.employment import EmploymentSpellImporter
from trajectories.models import JobSeeker, Trajectory

from .helpers import D

pytestmark = pytest.mark.django_db


def _rebase(world):
    """The next incremental run builds on the full run the last check computed."""
    world.base = IndicatorRun.objects.filter(kind="full", status="succeeded").latest("pk")


def _work_outflows(world, year):
    return in_group_trajectories(world, outflow_reason="work", outflow_on__year=year)


def test_spells_imported_corrected_and_cancelled(world, same_as_full):
    people = [t.job_seeker for t in _work_outflows(world, 2023)[:3]]
    assert len(people) == 3
    items = [
        {"external_id": f"DIM-{p.pk}", "insz": p.insz, "kind": "employee", "started_on": "2023-01-01"} for p in people
    ]
    run_import(EmploymentSpellImporter(), actor=world.actor, raw_items=items)
    same_as_full(world)
    _rebase(world)
    corrected = [{**items[0], "ended_on": "2023-12-31"}, {**items[1], "cancelled": True}]
    run_import(EmploymentSpellImporter(), actor=world.actor, raw_items=corrected)
    same_as_full(world)


def test_barriers_noted_and_resolved(world, same_as_full):
    t = in_group_trajectories(world, outflow_on__isnull=True, started_on__lt=D(2023, 1, 1)).first()
    barrier = case.barrier_create(actor=world.actor, trajectory=t, barrier="language", noted_on=D(2023, 3, 1))
    case.barrier_create(actor=world.actor, trajectory=t, barrier="housing", noted_on=D(2023, 5, 1))
    same_as_full(world)
    _rebase(world)
    case.barrier_update(actor=world.actor, barrier=barrier, resolved_on=D(2024, 2, 29))
    same_as_full(world)


def test_a_new_trajectory_after_work_is_a_reentry(world, same_as_full):
    closed = _work_outflows(world, 2023).filter(outflow_on__lt=D(2023, 12, 1)).first()
    assert not Trajectory.objects.filter(job_seeker=closed.job_seeker, started_on__gt=closed.started_on).exists()
    case.trajectory_create(actor=world.actor, job_seeker=closed.job_seeker, type="linear", started_on=D(2024, 1, 8))
    same_as_full(world)


def test_prior_education_changed(world, same_as_full):
    young = JobSeeker.objects.filter(birth_date__gte=D(2001, 1, 1), trajectories__started_on__gte=D(2022, 1, 1))
    js = young.first() or JobSeeker.objects.filter(trajectories__isnull=False).first()
    case.job_seeker_update(actor=world.actor, job_seeker=js, prior_education="okan")
    same_as_full(world)
