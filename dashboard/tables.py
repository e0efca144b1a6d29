"""The values API's results as chart series and table cells, with ui.md's data-* hooks.

Nothing here reads the database: the views pass results that came through
`reporting.selectors` (with the caller's suppression), and these functions
only arrange them. A cell's `data-value` is the API's `value` as JSON writes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .charts import Series


@dataclass
class Cell:
    period: str
    series: str
    value: float | int | None
    suppressed: bool
    complete: bool
    mature: bool
    extra: dict = field(default_factory=dict)  # data-<dimension> of the always-carried dimensions
    estimate: float | None = None

    @property
    def data_value(self) -> str:
        return "" if self.value is None else json.dumps(self.value)

    @property
    def attrs(self) -> dict[str, str]:
        attrs = {"data-period": self.period, "data-series": self.series, "data-value": self.data_value}
        if self.suppressed:
            attrs["data-suppressed"] = "true"
        for dim, value in self.extra.items():
            attrs[f"data-{dim}"] = str(value)
        return attrs


@dataclass
class Table:
    """Rows (one per period, or per period and always-carried value) by series columns."""

    columns: list[str]
    rows: list[tuple[str, dict, list[Cell | None]]]  # (row label, its always-carried values, cells)
    headers: list[str] = field(default_factory=list)  # the columns as a reader names them (labels.py)


def series_key(result: dict, dims: list[str]) -> str:
    if not dims:
        return "total"
    return ", ".join(str(result["dimensions"].get(d)) for d in dims)


def always_key(result: dict, always: tuple[str, ...]) -> tuple:
    return tuple(result["dimensions"].get(d) for d in always)


def cell_of(result: dict, series: str, always: tuple[str, ...]) -> Cell:
    stats = result.get("stats") or {}
    return Cell(
        period=result["period"],
        series=series,
        value=result["value"],
        suppressed=result["suppressed"],
        complete=result["complete"],
        mature=result["mature"],
        extra={d: result["dimensions"].get(d) for d in always},
        estimate=stats.get("cumulative_incidence"),
    )


def arrange(results: list[dict], *, always: tuple[str, ...], named: list[str]) -> Table:
    """Every result as one cell: rows by (period, always-carried values), columns by the named dimension."""
    columns: list[str] = []
    rows: dict[tuple, dict[str, Cell]] = {}
    for result in results:
        series = series_key(result, named)
        if series not in columns:
            columns.append(series)
        rows.setdefault((result["period"], always_key(result, always)), {})[series] = cell_of(result, series, always)
    out = []
    for (period, fixed), cells in rows.items():
        out.append((period, dict(zip(always, fixed, strict=True)), [cells.get(c) for c in columns]))
    return Table(columns, out)


def chart_series(results: list[dict], *, always: tuple[str, ...], fixed: tuple, named: list[str]):
    """(periods, series) of the results whose always-carried values are `fixed`; a suppressed cell is a gap."""
    periods: list[str] = []
    points: dict[str, dict[str, Cell]] = {}
    for result in results:
        if always and always_key(result, always) != fixed:
            continue
        if result["period"] not in periods:
            periods.append(result["period"])
        series = series_key(result, named)
        points.setdefault(series, {})[result["period"]] = cell_of(result, series, always)
    series_list = []
    for name, cells in points.items():
        values = [cells[p].value if p in cells and not cells[p].suppressed else None for p in periods]
        marked = [p in cells and not (cells[p].complete and cells[p].mature) for p in periods]
        series_list.append(Series(name, values, marked=marked))
    return periods, series_list
