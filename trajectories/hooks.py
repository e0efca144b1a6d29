"""Trajectory hooks: how other apps act inside a trajectory write without
`trajectories` importing them (dependencies point one way).

`partners` registers, in its AppConfig.ready(): a callback that registers the
referrals a new trajectory qualifies, in the creating transaction; and guards
that refuse to move or delete a trajectory that qualifies a registered
referral, by raising django's ValidationError on a field (a 400).
"""

from collections.abc import Callable
from typing import Any

CreatedCallback = Callable[..., None]  # (*, trajectory, actor) -> None
UpdateGuard = Callable[..., None]  # (*, trajectory, changes: dict[str, Any]) -> None
DeleteGuard = Callable[..., None]  # (*, trajectory) -> None

_created: list[CreatedCallback] = []
_update_guards: list[UpdateGuard] = []
_delete_guards: list[DeleteGuard] = []


def register_created(callback: CreatedCallback) -> CreatedCallback:
    if callback not in _created:
        _created.append(callback)
    return callback


def register_update_guard(guard: UpdateGuard) -> UpdateGuard:
    if guard not in _update_guards:
        _update_guards.append(guard)
    return guard


def register_delete_guard(guard: DeleteGuard) -> DeleteGuard:
    if guard not in _delete_guards:
        _delete_guards.append(guard)
    return guard


def trajectory_created(*, trajectory, actor) -> None:
    for callback in _created:
        callback(trajectory=trajectory, actor=actor)


def guard_update(*, trajectory, changes: dict[str, Any]) -> None:
    for guard in _update_guards:
        guard(trajectory=trajectory, changes=changes)


def guard_delete(*, trajectory) -> None:
    for guard in _delete_guards:
        guard(trajectory=trajectory)
