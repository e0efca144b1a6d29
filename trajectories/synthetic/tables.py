"""Weighted draws with one uniform number: cumulative weights and the index a number falls on."""

from __future__ import annotations

import bisect
from collections.abc import Sequence


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    out = [c / total for c in out]
    out[-1] = 1.0  # so that bisect_right(cumulative, x) < len for every x in [0, 1)
    return out


def _pick_index(cumulative: list[float], x: float) -> int:
    return min(bisect.bisect_right(cumulative, x), len(cumulative) - 1)


def _table(pairs):
    """(values, cumulative weights) for weighted draws with one uniform number."""
    return [v for v, _ in pairs], _cumulative([w for _, w in pairs])


def _draw(table, x: float):
    values, cumulative = table
    return values[_pick_index(cumulative, x)]
