import datetime

import pytest

from tests import factories
from trajectories.models import ActionType


@pytest.fixture
def job_seeker(office):
    return factories.JobSeekerFactory(office=office)


@pytest.fixture
def trajectory(job_seeker):
    return factories.TrajectoryFactory(job_seeker=job_seeker, started_on=datetime.date(2024, 1, 8))


@pytest.fixture
def employer(db):
    return factories.EmployerFactory(name="Bakkerij Peeters")


@pytest.fixture
def ibo(trajectory, employer):
    """An ongoing IBO (workplace learning) from 5 Feb 2024 to 31 May 2024."""
    return factories.ActionFactory(
        trajectory=trajectory,
        action_type=ActionType.objects.get(code="ibo"),
        employer=employer,
        started_on=datetime.date(2024, 2, 5),
        ended_on=datetime.date(2024, 5, 31),
        status="completed",
    )


@pytest.fixture
def training(trajectory):
    """A vocational training given by the provider `vdab-opleiding`."""
    provider = factories.PartnerFactory(code="vdab-opleiding", kind="training_provider")
    return factories.ActionFactory(
        trajectory=trajectory,
        action_type=ActionType.objects.get(code="vocational_training"),
        provider=provider,
        started_on=datetime.date(2024, 6, 3),
        status="ongoing",
    )
