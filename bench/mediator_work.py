"""A stretch of mediator work, recorded through the services like the API does.

Half new actions, half changed ones, spread over open trajectories of every
intake cohort (every k-th open trajectory by id), all dated on or before the
benchmark's as_of so that they change served values.
"""

import datetime

from django.db import transaction

from trajectories import services
from trajectories.models import Action, ActionStatus, ActionType, Trajectory

AS_OF = datetime.date(2018, 12, 31)
NEW_ACTION_TYPES = ["job_hunting", "mentoring", "dutch_course", "application_training"]


def _spread(queryset, count: int) -> list:
    total = queryset.count()
    if total == 0:
        return []
    step = max(1, total // count)
    ids = list(queryset.order_by("id").values_list("id", flat=True)[::step][:count])
    return list(queryset.model.objects.filter(id__in=ids).order_by("id"))


def record(changes: int) -> None:
    open_trajectories = Trajectory.objects.filter(outflow_on__isnull=True, started_on__lte=AS_OF)
    types = {t.code: t for t in ActionType.objects.filter(code__in=NEW_ACTION_TYPES)}
    new = changes // 2
    for i, trajectory in enumerate(_spread(open_trajectories, new)):
        with transaction.atomic():
            services.action_create(
                actor=None,
                trajectory=trajectory,
                action_type=types[NEW_ACTION_TYPES[i % len(NEW_ACTION_TYPES)]],
                started_on=max(trajectory.started_on, AS_OF - datetime.timedelta(days=20)),
                status=ActionStatus.ONGOING,
            )
    changed = Action.objects.filter(trajectory__outflow_on__isnull=True, status=ActionStatus.ONGOING)
    for action in _spread(changed, changes - new):
        with transaction.atomic():
            services.action_update(
                actor=None, action=action, status=ActionStatus.COMPLETED, ended_on=max(action.started_on, AS_OF)
            )
