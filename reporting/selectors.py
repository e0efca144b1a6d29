"""Reads of the reporting API: served blocks and precomputed value rows, as plain dicts.

The hot path builds rows from `values_list` (no model serializer): one query
for the blocks, one for the runs, one for the rows, through the
`value_serving` index.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Collate

from accounts.models import Role, role_of

from .catalogue import BY_CODE, OBJECTIVE_ORDER, OBJECTIVES, Indicator, Stat
from .models import IndicatorBlock, IndicatorRun, IndicatorValue, RunKind, RunStatus, ServedBlock
from .objectives import monitoring

MAX_ROWS = 50_000  # api.md: a larger answer is a 400 asking for a narrower range
PERIOD_PATTERNS = {
    "year": re.compile(r"^[0-9]{4}$"),
    "quarter": re.compile(r"^[0-9]{4}-Q[1-4]$"),
    "month": re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
}
VALUE_FIELDS = (
    "period", "horizon", "a1", "b1", "b2", "numerator", "denominator", "value_tenths",
    "s1", "s2", "s3", "s4", "s5", "mature", "complete", "complementary",
)  # fmt: skip


class NotServed(Exception):
    """Nothing to serve: no published run, an unknown `run=`, or an indicator the run did not compute."""


def succeeded_full_run(run_id) -> IndicatorRun:
    run = IndicatorRun.objects.filter(pk=run_id, kind=RunKind.FULL, status=RunStatus.SUCCEEDED).first()
    if run is None:
        raise NotServed
    return run


def block_runs(
    code: str, period_type: str, period_from: str | None, period_to: str | None, run: IndicatorRun | None
) -> dict[str, int]:
    """period -> the run whose values serve that block (served blocks, or one run's blocks)."""
    blocks = ServedBlock.objects.all() if run is None else IndicatorBlock.objects.filter(run=run)
    blocks = blocks.filter(indicator=code)
    if not blocks.exists():
        raise NotServed
    blocks = blocks.filter(period_type=period_type)
    if period_from:
        blocks = blocks.filter(period__gte=period_from)
    if period_to:
        blocks = blocks.filter(period__lte=period_to)
    return dict(blocks.values_list("period", "run_id"))


def served_generation() -> str:
    """Names what is served: the latest published run and its publication time.

    Every publication makes its run the latest published one (as
    `services.served_run` orders them), so this changes with every
    publication; the time keeps it from repeating on a recreated database
    whose run ids start again.
    """
    latest = (
        IndicatorRun.objects.filter(status=RunStatus.SUCCEEDED, publish=True)
        .order_by("-finished_at", "-pk")
        .values_list("pk", "finished_at")
        .first()
    )
    if latest is None:
        return "none"
    run_id, finished_at = latest
    assert finished_at is not None, "a succeeded run has finished"
    return f"{run_id}@{finished_at.isoformat()}"


def run_summaries(run_ids) -> list[dict[str, Any]]:
    runs = (
        IndicatorRun.objects.filter(pk__in=run_ids)
        .order_by("finished_at", "pk")
        .values("id", "as_of", "lexicon_version", "finished_at")
    )
    return [dict(run) for run in runs]


def _collated(field: str):
    return Collate(F(field), "C" if connection.vendor == "postgresql" else "BINARY")


@dataclass
class Breakdown:
    """A request's `by`: the stored grouping and, per named dimension, its column."""

    grouping: tuple[str, ...]
    named: list[str]

    def column(self, dim: str) -> str:
        return "b1" if self.grouping[0] == dim else "b2"


def value_rows(ind: Indicator, period_type: str, blocks: dict[str, int], breakdown: Breakdown) -> list[tuple]:
    """The stored rows of the served blocks, ordered as the contract says; at most MAX_ROWS + 1."""
    by_run: dict[int, list[str]] = defaultdict(list)
    for period, run_id in blocks.items():
        by_run[run_id].append(period)
    if not by_run:
        return []
    served = Q()
    for run_id, periods in by_run.items():
        served |= Q(run_id=run_id, period__in=periods)
    order = ["period"]
    for dim in ind.always:
        order.append("horizon" if dim == "horizon_months" else _collated("a1"))
    order += [_collated(breakdown.column(d)) for d in breakdown.named]
    qs = (
        IndicatorValue.objects.filter(
            indicator=ind.code, period_type=period_type, grouping=",".join(breakdown.grouping)
        )
        .filter(served)
        .order_by(*order)
        .values_list(*VALUE_FIELDS)
    )
    return list(qs[: MAX_ROWS + 1])


def _tenths(value: int | None) -> float | None:
    return None if value is None else value / 10


def _small(n: int | None, k: int) -> bool:
    return n is not None and 1 <= n <= k - 1


def shape_row(ind: Indicator, row: tuple, breakdown: Breakdown, *, suppress: bool, k: int) -> dict:
    """One result of the values API, with small cells suppressed when `suppress`."""
    period, horizon, a1, b1, b2, num, den, tenths, s1, s2, s3, s4, s5, mature, complete, complementary = row
    slots = {"numerator": num, "value": tenths, "s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5}
    dimensions: dict = {}
    for dim in ind.always:
        dimensions[dim] = horizon if dim == "horizon_months" else a1
    for dim in breakdown.named:
        dimensions[dim] = b1 if breakdown.column(dim) == "b1" else b2
    value = num if ind.unit == "count" else _tenths(tenths)
    if suppress:
        if ind.unit == "count":
            hidden = _small(num, k)
        elif ind.unit == "percentage":
            hidden = _small(num, k) or _small(den, k) or (num is not None and den is not None and _small(den - num, k))
        else:
            hidden = _small(num, k)
        # Or hidden at publication, lest it give a small cell away by subtraction (engine/suppression.py).
        if hidden or complementary:
            # An agreement's target is not about people: shown in a suppressed row too.
            kept = {t.key: _target(slots[t.slot]) for t in ind.stat_keys if t.kind == "target"}
            return {
                "period": period, "dimensions": dimensions, "numerator": None, "denominator": None,
                "value": None, "suppressed": True, "mature": mature, "complete": complete,
                "stats": {**{t.key: None for t in ind.stat_keys}, **kept} if kept else None,
            }  # fmt: skip
    stats = {}
    for stat in ind.stat_keys:
        stats[stat.key] = _stat_value(stat, slots, num, suppress=suppress, k=k)
    return {
        "period": period, "dimensions": dimensions, "numerator": num, "denominator": den, "value": value,
        "suppressed": False, "mature": mature, "complete": complete, "stats": stats,
    }  # fmt: skip


def _target(tenths: int | None) -> int | float | None:
    """A target stored in tenths: an integer when it is whole."""
    if tenths is None:
        return None
    return tenths // 10 if tenths % 10 == 0 else tenths / 10


def _stat_value(stat: Stat, slots: dict, n: int | None, *, suppress: bool, k: int):
    raw = slots[stat.slot]
    if stat.kind == "target":
        return _target(raw)
    if stat.kind == "n":
        return raw
    if stat.kind in ("p25", "p75"):
        # Quartiles only from 2k units for callers whose cells are suppressed.
        if suppress and (n is None or n < 2 * k):
            return None
        return _tenths(raw)
    if stat.kind in ("median", "tenths"):
        return _tenths(raw)
    if stat.kind == "estimate":
        # A share estimated over a cohort (cumulative incidence) would tell a
        # small cohort's outcomes even where the row itself is not suppressed.
        assert stat.guard is not None, "an estimate names its guard slots"
        units, events = (slots[g] for g in stat.guard)
        if suppress and (_small(units, k) or _small(events, k) or _small((units or 0) - (events or 0), k)):
            return None
        return _tenths(raw)
    if stat.kind == "person_count" and suppress and _small(raw, k):
        return None
    return raw


# The values and objectives reads, shared by the API and the dashboard -------------------


class TooManyRows(Exception):
    """More than MAX_ROWS rows: the caller asks for a narrower range."""


def suppressed_for(user, ind: Indicator) -> bool:
    """Whether `user` sees `ind`'s small cells suppressed: the one place this is decided (api.md)."""
    return ind.disclosive and role_of(user) != Role.ADMIN


@dataclass(frozen=True)
class ValuesQuery:
    """A valid values request, normalised."""

    ind: Indicator
    period_type: str
    period_from: str | None = None
    period_to: str | None = None
    named: tuple[str, ...] = ()
    run_id: int | None = None

    @property
    def grouping(self) -> tuple[str, ...]:
        return tuple(self.ind.canonical(list(self.named)) or ())

    @property
    def breakdown(self) -> Breakdown:
        return Breakdown(self.grouping, list(self.named))

    def selection(self) -> tuple:
        return (self.period_type, self.period_from, self.period_to, self.named, self.run_id)


@dataclass(frozen=True)
class Served:
    """Which runs serve a values query: per period, and all of them (for the ETag)."""

    blocks: dict[str, int]
    run_ids: list[int]


def values_served(query: ValuesQuery) -> Served:
    """The blocks that serve `query`; raises NotServed (nothing published, unknown run or indicator)."""
    code = query.ind.code
    run = succeeded_full_run(query.run_id) if query.run_id else None
    blocks = block_runs(code, query.period_type, query.period_from, query.period_to, run)
    run_ids = sorted(set(blocks.values())) or [run.pk if run else 0]
    if not blocks and run is None:
        run_ids = sorted(set(ServedBlock.objects.filter(indicator=code).values_list("run_id", flat=True)))
    return Served(blocks, run_ids)


def values_results(query: ValuesQuery, served: Served, *, suppress: bool) -> list[dict]:
    """The results of the values API for `query`, suppressed when `suppress`; raises TooManyRows."""
    breakdown = query.breakdown
    rows = value_rows(query.ind, query.period_type, served.blocks, breakdown)
    if len(rows) > MAX_ROWS:
        raise TooManyRows
    k = settings.IDW_SUPPRESSION_THRESHOLD
    return [shape_row(query.ind, row, breakdown, suppress=suppress, k=k) for row in rows]


def values_for(query: ValuesQuery, *, user) -> tuple[dict | None, list[dict]]:
    """(the served run's summary, the results) as `user` may see them: what the dashboard shows."""
    served = values_served(query)
    results = values_results(query, served, suppress=suppressed_for(user, query.ind))
    summaries = run_summaries(served.run_ids)
    return (summaries[-1] if summaries else None), results


OBJECTIVE_ROW_KEYS = ("period", "dimensions", "value", "suppressed", "mature", "complete")


def objectives_for(*, user, from_year: int | None = None, to_year: int | None = None) -> list[dict]:
    """Question (c): each objective's yearly totals, in plan order, as `user` may see them.

    Without years: the three years before the served run's `as_of`, and its year.
    Raises NotServed before any publication.
    """
    blocks = {
        (indicator, period): run_id
        for indicator, period, run_id in ServedBlock.objects.filter(period_type="year").values_list(
            "indicator", "period", "run_id"
        )
    }
    if not blocks:
        raise NotServed
    latest = run_summaries(set(blocks.values()))[-1]
    to_year = to_year if to_year is not None else latest["as_of"].year
    from_year = from_year if from_year is not None else latest["as_of"].year - 3
    periods = [str(y) for y in range(from_year, to_year + 1)]
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=list(BY_CODE),
            period_type="year",
            grouping="",
            run_id__in=set(blocks.values()),
            period__in=periods,
        )
        .order_by("indicator", "period", "horizon", "a1")
        .values_list("indicator", "run_id", *VALUE_FIELDS)
    )
    k = settings.IDW_SUPPRESSION_THRESHOLD
    by_indicator: dict[str, list[dict]] = {}
    totals = Breakdown((), [])
    for indicator, run_id, *row in rows:
        ind = BY_CODE.get(indicator)
        if ind is None or blocks.get((indicator, row[0])) != run_id:
            continue
        shaped = shape_row(ind, tuple(row), totals, suppress=suppressed_for(user, ind), k=k)
        by_indicator.setdefault(indicator, []).append({key: shaped[key] for key in OBJECTIVE_ROW_KEYS})
    body = []
    for code, name_nl, name_en in sorted(OBJECTIVES, key=lambda o: OBJECTIVE_ORDER.index(o[0])):
        indicators = [
            {"code": ind.code, "unit": ind.unit, "rows": by_indicator.get(ind.code, [])}
            for ind in BY_CODE.values()
            if ind.objective == code
        ]
        body.append(
            {"code": code, "name_nl": name_nl, "name_en": name_en, **monitoring(code), "indicators": indicators}
        )
    return body
