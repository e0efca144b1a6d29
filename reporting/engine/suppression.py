"""Complementary suppression, decided when a run is published (api.md, indicators.md "Additive relations").

Primary suppression hides a cell of 1 to k-1 when it is served. That is not
enough when the cell is a term of an additive relation whose other terms are
shown: the region's total minus its other offices gives back the 1 in an
office. This pass marks further rows `complementary` so that no relation the
API publishes gives a hidden value away.

The method is the greedy one of the statistical offices' simplified hypercube
(tau-argus' HiTaS without its optimisation step): every published relation is
`T = P1 + ... + Pn` (a total and a dimension's cells, a single dimension's
cell and the pair's cells under it, a quarter and its months, a year and its
quarters). A relation is unsafe when

- exactly one of its terms is hidden (it is then derived exactly), or
- `T` is shown and the hidden parts sum (numerator, denominator or their
  difference) to 1..k-1 (their total would be a small count);

an unsafe relation gets its smallest non-zero shown part hidden (or `T` when
no part is left), and the relations of that cell are checked again, to a
fixed point. Cells are aggregates, never persons: the pass reads one
indicator and one year (a year's months and quarters are its only relations
across periods) at a time, so its memory stays that of the largest year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from ..catalogue import BY_CODE, Indicator


@dataclass(frozen=True)
class Additive:
    """How an indicator's cells add up: `dated` when quarters and years are sums of months."""

    dated: bool
    not_additive: frozenset[str] = frozenset()


# indicators.md "Additive relations": counts whose units have one value of each
# dimension, and the percentages whose units are trajectories or referrals
# (their always-carried barrier, horizon_months, segment, outflow_reason are
# never summed over: they are fixed within a relation). Distinct counts and
# snapshots (a period's value is that on its reference date) are not sums of
# months.
ADDITIVE: dict[str, Additive] = {
    "sd1.intake": Additive(dated=True),
    "sd1.outflow_reasons": Additive(dated=True),
    "td2.1.technical_screenings": Additive(dated=True),
    "td3.1.complaints_received": Additive(dated=True, not_additive=frozenset({"ground"})),
    "td4.1.referrals_received": Additive(dated=True),
    "td4.2.school_leavers": Additive(dated=True),
    "td4.3.self_employment": Additive(dated=False),
    "td4.4.interpreter_use": Additive(dated=True),
    "td4.4.integrated_language": Additive(dated=True),
    "td3.2.mentoring": Additive(dated=True),
    "sd2.target_group_size": Additive(dated=False),
    "sd1.outflow_to_work": Additive(dated=True),
    "sd1.status_at_horizon": Additive(dated=True),
    "sd1.durable_work": Additive(dated=True),
    "sd1.reentry": Additive(dated=True),
    "sd1.barriers": Additive(dated=False),
    "td1.1.first_action_within": Additive(dated=True),
    "td4.1.referral_registration_rate": Additive(dated=True),
}
UPDATE_BATCH = 2000


def protected_indicators() -> list[Indicator]:
    return [BY_CODE[code] for code in ADDITIVE if code in BY_CODE and BY_CODE[code].disclosive]


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) + 2) // 3}"


def _small(n: int, k: int) -> bool:
    return 1 <= n <= k - 1


class Pattern:
    """The cells of one indicator and year, the relations between them, and which are hidden."""

    def __init__(self, ind: Indicator, rows: list[tuple], k: int):
        self.ind = ind
        self.k = k
        additive = ADDITIVE[ind.code]
        # Python's order (code points) on every database, so both dialects decide alike.
        rows.sort(key=lambda r: tuple("" if v is None else str(v) for v in r[1:8]))
        self.ids = [r[0] for r in rows]
        self.keys = [r[1:8] for r in rows]  # period_type, period, grouping, horizon, a1, b1, b2
        percentage = ind.unit == "percentage"
        self.vectors = [(r[8] or 0, r[9] or 0, (r[9] or 0) - (r[8] or 0)) if percentage else (r[8] or 0,) for r in rows]
        self.size = [v[1] if percentage else v[0] for v in self.vectors]
        self.hidden = [bool(r[10]) or any(_small(n, k) for n in vec) for r, vec in zip(rows, self.vectors, strict=True)]
        self.stored = [bool(r[10]) for r in rows]
        # (total, parts, the components of the cells' vectors for which total = Σ parts)
        self.relations: list[tuple[int, list[int], tuple[int, ...]]] = []
        self._build(additive)

    def _build(self, additive: Additive) -> None:
        index = {key: i for i, key in enumerate(self.keys)}
        ok = set(self.ind.by_dimensions) - additive.not_additive
        # (total cell, what its parts break it down by) -> the parts
        parts: dict[tuple, list[int]] = defaultdict(list)
        for i, (ptype, period, grouping, horizon, a1, b1, b2) in enumerate(self.keys):
            dims = grouping.split(",") if grouping else []
            base = (ptype, period)
            fixed = (horizon, a1)
            if len(dims) == 1 and dims[0] in ok:
                parts[((*base, "", *fixed, None, None), grouping)].append(i)
            elif len(dims) == 2:
                if dims[1] in ok:  # the first dimension's cell = the pair's cells under it
                    parts[((*base, dims[0], *fixed, b1, None), grouping)].append(i)
                if dims[0] in ok:
                    parts[((*base, dims[1], *fixed, b2, None), grouping)].append(i)
            if additive.dated and ptype == "month":
                parts[(("quarter", _quarter(period), grouping, *fixed, b1, b2), "months")].append(i)
            elif additive.dated and ptype == "quarter":
                parts[(("year", period[:4], grouping, *fixed, b1, b2), "quarters")].append(i)
        for (total_key, _over), members in parts.items():
            total = index.get(total_key)
            # Only published relations: a total with no row is 0 and would contradict its parts.
            if total is None:
                continue
            # And only the components that add up in the values (a share's cell without a unit
            # in its state is not stored, so its denominator is missing from the parts' sum).
            sums = [sum(self.vectors[p][c] for p in members) for c in range(len(self.vectors[total]))]
            holds = tuple(c for c, n in enumerate(sums) if n == self.vectors[total][c])
            if holds:
                self.relations.append((total, members, holds))

    def _unsafe(self, total: int, members: list[int], holds: tuple[int, ...]) -> bool:
        hidden_parts = [p for p in members if self.hidden[p]]
        if self.hidden[total]:
            return not hidden_parts
        if not hidden_parts:
            return False
        if len(hidden_parts) == 1:
            return True
        sums = [sum(self.vectors[p][c] for p in hidden_parts) for c in holds]
        return any(_small(n, self.k) for n in sums)

    def _pick(self, total: int, members: list[int]) -> int | None:
        shown = [p for p in members if not self.hidden[p] and any(self.vectors[p])]
        if shown:
            return min(shown, key=lambda p: (self.size[p], p))
        return None if self.hidden[total] else total

    def solve(self) -> None:
        of_cell: dict[int, list[int]] = defaultdict(list)
        for r, (total, members, _holds) in enumerate(self.relations):
            of_cell[total].append(r)
            for p in members:
                of_cell[p].append(r)
        queue = list(range(len(self.relations)))
        queued = [True] * len(self.relations)
        while queue:
            r = queue.pop()
            queued[r] = False
            total, members, holds = self.relations[r]
            while self._unsafe(total, members, holds):
                cell = self._pick(total, members)
                if cell is None:
                    break
                self.hidden[cell] = True
                for other in of_cell[cell]:
                    if not queued[other] and other != r:
                        queued[other] = True
                        queue.append(other)

    def newly_complementary(self) -> list[int]:
        """Ids of the rows hidden by this pattern and not by primary suppression nor already stored."""
        return [
            self.ids[i]
            for i, vec in enumerate(self.vectors)
            if self.hidden[i] and not self.stored[i] and not any(_small(n, self.k) for n in vec)
        ]


# The rows served for one indicator and year: a run's own blocks, or the served ones.
_ROWS = (
    "SELECT v.id, v.period_type, v.period, v.grouping, v.horizon, v.a1, v.b1, v.b2, "
    "v.numerator, v.denominator, v.complementary FROM {blocks} b JOIN reporting_indicatorvalue v "
    "ON v.run_id = b.run_id AND v.indicator = b.indicator AND v.period_type = b.period_type AND v.period = b.period "
    "WHERE b.indicator = %s AND b.period >= %s AND b.period < %s{own}"
)


def _years(run) -> list[str]:
    """The years of the periods the run computed (an incremental run's are the touched ones)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT period FROM reporting_runperiod WHERE run_id = %s", [run.pk])
        return sorted({row[0][:4] for row in cursor.fetchall()})


def complementary_suppress(run, *, served: bool) -> int:
    """Decide the pattern for a run being published (caller's transaction); returns the rows marked.

    `served=False` (a full run): over the run's own blocks. `served=True` (an
    incremental run, after its blocks were pointed at it): over the served
    blocks of the years it rewrote, keeping the rows already marked hidden,
    so that its months, quarters and years stay consistent with the served
    ones it did not rewrite.
    """
    k = settings.IDW_SUPPRESSION_THRESHOLD
    blocks = "reporting_servedblock" if served else "reporting_indicatorblock"
    own = "" if served else " AND b.run_id = %s"
    marked = 0
    years = _years(run)
    with connection.cursor() as cursor:
        for ind in protected_indicators():
            for year in years:
                params = [ind.code, year, str(int(year) + 1)] + ([] if served else [run.pk])
                cursor.execute(_ROWS.format(blocks=blocks, own=own), params)
                rows = cursor.fetchall()
                if not rows:
                    continue
                pattern = Pattern(ind, rows, k)
                pattern.solve()
                ids = pattern.newly_complementary()
                for start in range(0, len(ids), UPDATE_BATCH):
                    batch = ids[start : start + UPDATE_BATCH]
                    marks = ", ".join(["%s"] * len(batch))
                    cursor.execute(
                        f"UPDATE reporting_indicatorvalue SET complementary = %s WHERE id IN ({marks})", [True, *batch]
                    )
                marked += len(ids)
    return marked
