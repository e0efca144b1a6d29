"""The values endpoint's small helpers: CSV and XLSX files, ETags and conditional requests."""

from __future__ import annotations

import csv
import hashlib
import io

from openpyxl import Workbook

from ..catalogue import Indicator


def neutralise(cell):
    """Text that a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


def flat(ind: Indicator, results: list[dict], dims: list[str]) -> tuple[list[str], list[list]]:
    """The results as a header and rows of cells (api.md's column order)."""
    stat_keys = [s.key for s in ind.stat_keys]
    header = ["period", *dims, "numerator", "denominator", "value", "suppressed", "mature", "complete"]
    header += [f"stats.{k}" for k in stat_keys]
    rows = []
    for r in results:
        stats = r["stats"] or {}
        row = [r["period"], *[r["dimensions"].get(d) for d in dims], r["numerator"], r["denominator"], r["value"]]
        row += [r["suppressed"], r["mature"], r["complete"], *[stats.get(k) for k in stat_keys]]
        rows.append(row)
    return header, rows


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = []
        for cell in row:
            if cell is None:
                cells.append("")
            elif isinstance(cell, bool):
                cells.append("true" if cell else "false")
            else:
                cells.append(neutralise(cell))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def etag(*parts) -> str:
    return '"' + hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32] + '"'


def not_modified(request, tag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return tag in [t.strip() for t in header.split(",")] or header.strip() == "*"


def with_cache_headers(response, tag: str):
    response["ETag"] = tag
    response["Vary"] = "Authorization"
    return response
