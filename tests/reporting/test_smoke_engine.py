import datetime

import pytest

from reporting.models import IndicatorValue, RunStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_run_computes_every_family(compute, region_office):
    office = region_office("ANT01")
    js = factories.JobSeekerFactory(office=office)
    t = factories.TrajectoryFactory(
        job_seeker=js, started_on=datetime.date(2023, 1, 31), personal_service_on=datetime.date(2023, 2, 10)
    )
    factories.ActionFactory(trajectory=t, started_on=datetime.date(2023, 3, 1))
    t.outflow_on = datetime.date(2023, 6, 1)
    t.outflow_reason = "work"
    t.save()
    run = compute(datetime.date(2024, 6, 30))
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.values_written > 0
    assert IndicatorValue.objects.filter(run=run, indicator="td1.1.duration").exists()
