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


@dataclass(frozen=True)
class Linked:
    """Indicators whose cells are equal across indicators, so that one pattern must hold over them all.

    The percentage `members` share their denominators: at the same period,
    breakdown and horizon; and, once a row is mature (every unit had the full
    horizon), across horizons and with the `counts` cell of the same period
    and breakdown (the whole cohort). `sums`: (total indicator, parts
    indicator, the parts' always-carried values): the total's numerator is the
    sum of the parts' numerators at the same period, breakdown and horizon.
    """

    members: tuple[str, ...]
    counts: tuple[str, ...] = ()
    sums: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return self.members + self.counts


# privacy.md "Relations across indicators".
LINKED = (
    Linked(
        members=("sd1.outflow_to_work", "sd1.status_at_horizon", "td1.1.first_action_within"),
        counts=("sd1.intake",),
        sums=(("sd1.outflow_to_work", "sd1.status_at_horizon", ("work", "self_employment")),),
    ),
    Linked(members=("sd1.durable_work", "sd1.reentry")),
)


def protected_indicators() -> list[Indicator]:
    return [BY_CODE[code] for code in ADDITIVE if code in BY_CODE and BY_CODE[code].disclosive]


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) + 2) // 3}"


def _small(n: int, k: int) -> bool:
    return 1 <= n <= k - 1


class Pattern:
    """The cells of one indicator and year, the relations between them, and which are hidden.

    `linked`: the indicator shares its denominators with other cells (LINKED).
    A row hidden only for its numerator (its denominator is no small count)
    then has its denominator known from a shown row it equals: for the
    denominator's relations it counts as shown (`den_known`).
    """

    def __init__(self, ind: Indicator, rows: list[tuple], k: int, *, linked: bool = False):
        self.ind = ind
        self.k = k
        additive = ADDITIVE[ind.code]
        # Python's order (code points) on every database, so both dialects decide alike.
        rows.sort(key=lambda r: (r[1], r[2], r[3], -1 if r[4] is None else r[4], r[5] or "", r[6] or "", r[7] or ""))
        self.ids = [r[0] for r in rows]
        percentage = ind.unit == "percentage"
        self.vectors: list[tuple[int, ...]]
        if percentage:
            self.vectors = [(r[8] or 0, r[9] or 0, (r[9] or 0) - (r[8] or 0)) for r in rows]
            self.size = [v[1] for v in self.vectors]
        else:
            self.vectors = [(r[8] or 0,) for r in rows]
            self.size = [v[0] for v in self.vectors]
        self.stored = [bool(r[10]) for r in rows]
        self.mature = [bool(r[11]) for r in rows]
        self.keys = [r[1:8] for r in rows]
        self.primary = [any(1 <= n < k for n in vec) for vec in self.vectors]
        self.hidden = [a or b for a, b in zip(self.primary, self.stored, strict=True)]
        self.linked = linked and percentage
        self.den_known = [
            self.linked and primary and not stored and not _small(vec[1], k)
            for primary, stored, vec in zip(self.primary, self.stored, self.vectors, strict=True)
        ]
        # Relation r: totals[r] = Σ members[r], for the vector components holds[r] (decided when first checked).
        self.totals: list[int] = []
        self.members: list[list[int]] = []
        self.holds: list[tuple[int, ...] | None] = []
        self._build([r[1:8] for r in rows], additive)

    def _build(self, keys: list[tuple], additive: Additive) -> None:
        index = {key: i for i, key in enumerate(keys)}
        ok = set(self.ind.by_dimensions) - additive.not_additive
        split = {g: tuple(g.split(",")) if g else () for g in {key[2] for key in keys}}
        dated = additive.dated
        # (total cell, what its parts break it down by) -> the parts
        parts: dict[tuple, list[int]] = defaultdict(list)
        for i, (ptype, period, grouping, horizon, a1, b1, b2) in enumerate(keys):
            dims = split[grouping]
            if len(dims) == 1:
                if dims[0] in ok:
                    parts[(ptype, period, "", horizon, a1, None, None, grouping)].append(i)
            elif len(dims) == 2:
                if dims[1] in ok:  # the first dimension's cell = the pair's cells under it
                    parts[(ptype, period, dims[0], horizon, a1, b1, None, grouping)].append(i)
                if dims[0] in ok:
                    parts[(ptype, period, dims[1], horizon, a1, b2, None, grouping)].append(i)
            if dated:
                if ptype == "month":
                    parts[("quarter", _quarter(period), grouping, horizon, a1, b1, b2, "months")].append(i)
                elif ptype == "quarter":
                    parts[("year", period[:4], grouping, horizon, a1, b1, b2, "quarters")].append(i)
        for key, members in parts.items():
            total = index.get(key[:7])
            # Only published relations: a total with no row is 0 and would contradict its parts.
            if total is not None:
                self.totals.append(total)
                self.members.append(members)
                self.holds.append(None)

    def _holds(self, r: int) -> tuple[int, ...]:
        """The components that add up in the values (a share's cell without a unit in its
        state is not stored, so its denominator is missing from the parts' sum)."""
        if self.holds[r] is None:
            vectors, members, total = self.vectors, self.members[r], self.vectors[self.totals[r]]
            self.holds[r] = tuple(c for c in range(len(total)) if sum(vectors[p][c] for p in members) == total[c])
        return self.holds[r] or ()

    def _hid(self, i: int, component: int) -> bool:
        """Whether cell i's component is unknown to a caller (a known denominator is the second one)."""
        return self.hidden[i] and not (component == 1 and self.den_known[i])

    def _unsafe(self, r: int) -> int | None:
        """The first component in which relation r gives a hidden value away, or None."""
        if not any(self.hidden[p] for p in self.members[r]) and not self.hidden[self.totals[r]]:
            return None
        for c in self._holds(r):
            hidden_parts = [p for p in self.members[r] if self._hid(p, c)]
            if self._hid(self.totals[r], c):
                if not hidden_parts:
                    return c
            elif len(hidden_parts) == 1 or (
                hidden_parts and _small(sum(self.vectors[p][c] for p in hidden_parts), self.k)
            ):
                return c
        return None

    def _pick(self, r: int, component: int) -> int | None:
        shown = [p for p in self.members[r] if not self.hidden[p] and any(self.vectors[p])]
        if shown:
            return min(shown, key=lambda p: (self.size[p], p))
        total = self.totals[r]
        if component == 1:
            # Every cell hidden, some with their denominator known: hide that too (with the cells it equals).
            known = [p for p in (*self.members[r], total) if self.hidden[p] and self.den_known[p]]
            if known:
                return min(known, key=lambda p: (self.size[p], p))
        return None if self.hidden[total] else total

    def hide(self, i: int, *, den_known: bool = False) -> bool:
        """Hide cell i (with its denominator unless `den_known`); whether anything changed."""
        if self.hidden[i] and (den_known or not self.den_known[i]):
            return False
        self.den_known[i] = den_known
        self.hidden[i] = True
        return True

    def solve(self) -> None:
        of_cell: dict[int, list[int]] = defaultdict(list)
        for r, members in enumerate(self.members):
            of_cell[self.totals[r]].append(r)
            for p in members:
                of_cell[p].append(r)
        # Only a relation with a hidden cell can be unsafe; others join when one of their cells is hidden.
        queued = [False] * len(self.members)
        queue = []
        for cell, hidden in enumerate(self.hidden):
            if hidden:
                for r in of_cell[cell]:
                    if not queued[r]:
                        queued[r] = True
                        queue.append(r)
        queue.sort(reverse=True)  # relations in build order, for determinism
        while queue:
            r = queue.pop()
            queued[r] = False
            while (component := self._unsafe(r)) is not None:
                chosen = self._pick(r, component)
                if chosen is None:
                    break
                # Hidden for a numerator (or the difference), a linked share's row keeps its denominator
                # known from the cells it equals; hidden for a denominator, it hides them too.
                self.hide(chosen, den_known=self.linked and component != 1)
                for other in of_cell[chosen]:
                    if not queued[other] and other != r:
                        queued[other] = True
                        queue.append(other)

    def newly_complementary(self) -> list[int]:
        """Ids of the rows hidden by this pattern and not by primary suppression nor already stored."""
        return [
            self.ids[i] for i, hidden in enumerate(self.hidden) if hidden and not self.stored[i] and not self.primary[i]
        ]


def _breakdown(key: tuple) -> tuple:
    """A row key's breakdown as (dimension, value) pairs: the same cell under another indicator's order."""
    grouping = key[2]
    return tuple(sorted(zip(grouping.split(","), key[5:7], strict=False))) if grouping else ()


def solve_linked(patterns: dict[str, Pattern], linked: Linked | None) -> None:
    """Solve each pattern, then make the linked ones agree, to a fixed point: a cell hidden with its
    denominator hides every cell equal to it; a sum across indicators with exactly one hidden term
    gets another term hidden (for its numerator: the denominators stay known)."""
    for pattern in patterns.values():
        pattern.solve()
    if linked is None:
        return
    equal: dict[tuple, list[tuple[Pattern, int]]] = defaultdict(list)
    for code, pattern in patterns.items():
        for i, key in enumerate(pattern.keys):
            ptype, period, *_rest = key
            cell = (ptype, period, _breakdown(key))
            if code in linked.members:
                equal[("at", *cell, key[3])].append((pattern, i))
            if code in linked.counts or pattern.mature[i]:
                equal[("mature", *cell)].append((pattern, i))
    sums = []
    for total_code, parts_code, parts_values in linked.sums:
        if total_code not in patterns or parts_code not in patterns:
            continue
        totals, parts = patterns[total_code], patterns[parts_code]
        by_cell: dict[tuple, list[int]] = defaultdict(list)
        for j, key in enumerate(parts.keys):
            if key[4] in parts_values:
                by_cell[(key[0], key[1], _breakdown(key), key[3])].append(j)
        for i, key in enumerate(totals.keys):
            found = by_cell.get((key[0], key[1], _breakdown(key), key[3]))
            if found:
                sums.append((totals, i, parts, found))
    while True:
        changed = set()
        for cells in equal.values():
            if any(p.hidden[i] and not p.den_known[i] for p, i in cells):
                changed |= {id(p) for p, i in cells if p.hide(i)}
        for totals, i, parts, part_rows in sums:
            terms = [(totals, i)] + [(parts, j) for j in part_rows]
            hidden = [(p, j) for p, j in terms if p.hidden[j]]
            if len(hidden) == 1:
                # A shown part (its denominator stays known from the parts beside it), else the total.
                shown = [(p, j) for p, j in terms[1:] if not p.hidden[j]] or [terms[0]]
                p, j = min(shown, key=lambda t: (t[0].size[t[1]], t[1]))
                if p.hide(j, den_known=True):
                    changed.add(id(p))
        if not changed:
            return
        for pattern in patterns.values():
            if id(pattern) in changed:
                pattern.solve()


_COLUMNS = (
    "v.id, v.period_type, v.period, v.grouping, v.horizon, v.a1, v.b1, v.b2, v.numerator, v.denominator, "
    "v.complementary, v.mature"
)
# The rows of one indicator and year: a run's own (through `value_run_indicator`), or the served ones.
_OWN_ROWS = (
    f"SELECT {_COLUMNS} FROM reporting_indicatorvalue v "
    "WHERE v.run_id = %s AND v.indicator = %s AND v.period >= %s AND v.period < %s"
)
_SERVED_ROWS = (
    f"SELECT {_COLUMNS} FROM reporting_servedblock b JOIN reporting_indicatorvalue v "
    "ON v.run_id = b.run_id AND v.indicator = b.indicator AND v.period = b.period AND v.period_type = b.period_type "
    "WHERE b.indicator = %s AND b.period >= %s AND b.period < %s"
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
    marked = 0
    years = _years(run)
    protected = {ind.code: ind for ind in protected_indicators()}
    groups: list[tuple[Linked | None, list[Indicator]]] = [
        (group, [protected[c] for c in group.codes if c in protected]) for group in LINKED
    ]
    linked = {code for group in LINKED for code in group.codes}
    groups += [(None, [ind]) for code, ind in protected.items() if code not in linked]
    with connection.cursor() as cursor:
        for group, indicators in groups:
            for year in years:
                patterns = {}
                for ind in indicators:
                    bounds = [ind.code, year, str(int(year) + 1)]
                    cursor.execute(_SERVED_ROWS if served else _OWN_ROWS, bounds if served else [run.pk, *bounds])
                    rows = cursor.fetchall()
                    if rows:
                        patterns[ind.code] = Pattern(ind, rows, k, linked=group is not None)
                solve_linked(patterns, group)
                ids = [i for pattern in patterns.values() for i in pattern.newly_complementary()]
                for start in range(0, len(ids), UPDATE_BATCH):
                    batch = ids[start : start + UPDATE_BATCH]
                    marks = ", ".join(["%s"] * len(batch))
                    cursor.execute(
                        f"UPDATE reporting_indicatorvalue SET complementary = %s WHERE id IN ({marks})", [True, *batch]
                    )
                marked += len(ids)
    return marked
