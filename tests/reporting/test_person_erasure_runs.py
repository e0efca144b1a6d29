"""After `erase_person` the next runs count the person no more: the incremental run serves what a full run does."""

import io

import pytest
from django.core.management import call_command

from reporting.models import TrajectoryFact
from trajectories.models import JobSeeker

from .test_incremental import in_group_trajectories, incremental, same_as_full, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_an_erased_person_is_no_longer_counted(world, same_as_full):  # noqa: F811
    person = in_group_trajectories(world, outflow_on__isnull=False).first().job_seeker
    assert TrajectoryFact.objects.filter(run=world.base, job_seeker_id=person.pk).exists()
    call_command("erase_person", person.insz, reason="art. 17 request", by="dpo", stdout=io.StringIO())
    assert not JobSeeker.objects.filter(pk=person.pk).exists()
    # The facts kept with the runs name the person no more either.
    assert not TrajectoryFact.objects.filter(job_seeker_id=person.pk).exists()
    # The residence status and the trajectory span most periods: (nearly) every block is touched.
    run = same_as_full(world, fewer_blocks=False)
    assert not TrajectoryFact.objects.filter(run=run, job_seeker_id=person.pk).exists()
