import time
from reporting.models import RunFamily, IndicatorRun
from .test_incremental import *  # noqa

def test_prof(world, incremental, compute):
    t = in_group_trajectories(world, outflow_on__year=2023).first()
    case.trajectory_update(actor=world.actor, trajectory=t, outflow_on=D(2024, 2, 20), outflow_reason="work")
    t0 = time.monotonic(); run = incremental(); print("inc", time.monotonic() - t0, run.status)
    print(list(RunFamily.objects.filter(run=run).order_by("finished_at").values_list("family", "finished_at")), run.started_at)
    t0 = time.monotonic(); full = compute(AS_OF); print("full", time.monotonic() - t0)
    print(list(RunFamily.objects.filter(run=full).order_by("finished_at").values_list("family", "finished_at")), full.started_at)
