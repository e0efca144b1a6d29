"""Complementary suppression (api.md): an attacker with a reporting key recovers no small cell by arithmetic.

The attacker downloads every breakdown of every disclosive additive indicator
for every period type, then solves every additive relation the API publishes
(indicators.md "Additive relations": total minus the shown cells, a region
minus its offices, a single dimension's cell minus the pair's cells, a
quarter minus its months, a year minus its quarters), substituting what it
learns until nothing new comes out.
"""

import io
import os
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command

from reporting import selectors, services
from reporting.catalogue import BY_CODE
from reporting.engine.suppression import ADDITIVE, protected_indicators
from reporting.models import IndicatorValue
from trajectories import services as case
from trajectories.models import Office
from trajectories.validators import make_insz

from .helpers import D, action, person, trajectory, values

PERIOD_TYPES = ("year", "quarter", "month")


def download(client, ind) -> dict:
    """(period_type, period, grouping, always-values, by-values) -> vector, None when suppressed.

    A share's vector is its numerator, denominator and their difference (each protected)."""
    cells = {}
    for period_type in PERIOD_TYPES:
        for grouping in ind.groupings:
            body = values(client, ind.code, period_type=period_type, by=",".join(grouping))
            for row in body["results"]:
                dims = row["dimensions"]
                key = (
                    period_type,
                    row["period"],
                    grouping,
                    tuple(dims[d] for d in ind.always),
                    tuple(dims[d] for d in grouping),
                )
                if row["suppressed"]:
                    cells[key] = None
                elif ind.unit == "percentage":
                    cells[key] = (row["numerator"], row["denominator"], row["denominator"] - row["numerator"])
                else:
                    cells[key] = (row["numerator"],)
    return cells


def _quarter(month: str) -> str:
    return f"{month[:4]}-Q{(int(month[5:7]) + 2) // 3}"


def published_relations(ind, keys) -> list[tuple[tuple, list[tuple]]]:
    """Every `total = Σ parts` the API publishes for the indicator, over the cells it serves."""
    additive = ADDITIVE[ind.code]
    summable = set(ind.by_dimensions) - additive.not_additive
    parts = defaultdict(list)
    for key in keys:
        period_type, period, grouping, fixed, by = key
        if len(grouping) == 1 and grouping[0] in summable:
            parts[((period_type, period, (), fixed, ()), grouping)].append(key)
        if len(grouping) == 2:
            if grouping[1] in summable:
                parts[((period_type, period, grouping[:1], fixed, by[:1]), grouping)].append(key)
            if grouping[0] in summable:
                parts[((period_type, period, grouping[1:], fixed, by[1:]), grouping)].append(key)
            if grouping == ("region", "office"):
                # A region minus its offices, the offices taken from the office breakdown.
                office = (period_type, period, ("office",), fixed, by[1:])
                parts[((period_type, period, ("region",), fixed, by[:1]), "offices")].append(office)
        if additive.dated and period_type == "month":
            parts[(("quarter", _quarter(period), grouping, fixed, by), "months")].append(key)
        if additive.dated and period_type == "quarter":
            parts[(("year", period[:4], grouping, fixed, by), "quarters")].append(key)
    relations = []
    for (total, _over), members in parts.items():
        relations.append((total, sorted(set(members))))
    return relations


def attack(ind, shown: dict, truth: dict, k: int) -> list[str]:
    """What the attacker learns about hidden cells: a list of findings (empty when nothing leaks)."""
    findings = []
    width = len(next(iter(truth.values())))
    for c in range(width):
        relations = []
        for total, members in published_relations(ind, truth):
            holds = truth[total][c] == sum(truth[m][c] for m in members if m in truth)
            # A count's relations hold on the unsuppressed values (else indicators.md would be wrong);
            # a share's cell with no unit in its state is not served, so its denominator may be missing.
            assert holds or ind.unit == "percentage", (ind.code, total)
            if holds:
                relations.append((total, members))
        # Absent cells are 0 and known to be.
        known = {key: vec[c] for key, vec in shown.items() if vec is not None}
        progress = True
        while progress:
            progress = False
            for total, members in relations:
                terms = [total, *members]
                unknown = [t for t in terms if t not in known and t in truth]
                if len(unknown) != 1:
                    continue
                (cell,) = unknown
                rest = sum(known.get(m, 0) for m in members if m != cell)
                known[cell] = known[total] - rest if cell != total else rest
                assert known[cell] == truth[cell][c]
                # Derived values help derive others; a small one is a finding (a 0 is never hidden
                # for itself: a share's hidden row may have a numerator known to be 0).
                if 1 <= known[cell] <= k - 1:
                    findings.append(f"{ind.code} {cell} component {c} = {known[cell]} derived from {total} {members}")
                progress = True
        # A shown total and its hidden parts: their sum is known, and must not be a small count.
        for total, members in relations:
            hidden = [m for m in members if m not in known and m in truth]
            if total in known and hidden:
                bound = known[total] - sum(known.get(m, 0) for m in members if m in known)
                if 1 <= bound <= k - 1:
                    findings.append(f"{ind.code} {total}: hidden parts {hidden} sum to {bound}")
    return findings


def check_no_small_cell_recoverable(reporting_client, admin_client, run) -> int:
    k = settings.IDW_SUPPRESSION_THRESHOLD
    findings = []
    complementary = 0
    for ind in protected_indicators():
        truth = download(admin_client, ind)
        if not truth:
            continue
        # Admin sees every stored value, unchanged.
        assert None not in truth.values(), ind.code
        assert len(truth) == IndicatorValue.objects.filter(run=run, indicator=ind.code).count(), ind.code
        shown = download(reporting_client, ind)
        assert shown.keys() == truth.keys()
        for key, vec in shown.items():
            if vec is not None:
                assert vec == truth[key]
            elif not any(1 <= n <= k - 1 for n in truth[key]):
                complementary += 1
        findings += attack(ind, shown, truth, k)
    assert findings == []
    return complementary


@pytest.fixture
def small_offices(region_office, compute):
    """2023: an office with one person beside a larger one in its region; months with few, quarters with more."""
    ant1, ant2 = region_office("ANT01"), region_office("ANT02")
    gnt1, gnt2 = region_office("GNT01", "oost-vlaanderen"), region_office("GNT02", "oost-vlaanderen")
    plan = [(ant1, 9), (ant2, 1), (gnt1, 7), (gnt2, 3)]
    n = 0
    for office, size in plan:
        for i in range(size):
            n += 1
            young = n % 4 == 0
            p = person(office, gender="m" if n % 3 else "f", born=D(2001, 1, 1) if young else D(1985, 6, 1))
            month = 1 + n % 7  # January to July: months hold 1 to 4, quarters more
            outflow = D(2023, month + 2, 15) if n % 2 else None
            t = trajectory(p, D(2023, month, 1 + i), outflow=outflow, reason="work" if outflow else None)
            action(t, D(2023, month, 2 + i))
    # 2021: the case, a region whose second office has a single person.
    for i in range(6):
        trajectory(person(ant1), D(2021, 2, 1 + i))
    trajectory(person(ant2), D(2021, 5, 3))
    return compute(D(2024, 6, 30))


def test_region_minus_offices_gives_nothing_back(reporting_client, admin_client, small_offices):
    by_pair = {
        (r["period"], r["dimensions"]["office"]): r
        for r in values(reporting_client, "sd1.intake", by="region,office")["results"]
    }
    assert by_pair[("2021", "ANT02")]["suppressed"] is True
    region = {
        r["period"]: r for r in values(reporting_client, "sd1.intake", by="region")["results"]
        if r["dimensions"]["region"] == "antwerpen"
    }  # fmt: skip
    # Without complementary suppression 7 - 6 = 1: one of the two others is hidden too.
    assert by_pair[("2021", "ANT01")]["suppressed"] or region["2021"]["suppressed"]
    admin = {
        (r["period"], r["dimensions"]["office"]): r["numerator"]
        for r in values(admin_client, "sd1.intake", by="region,office")["results"]
    }
    assert admin[("2021", "ANT01")] == 6 and admin[("2021", "ANT02")] == 1


def test_no_breakdown_of_any_disclosive_indicator_gives_a_small_cell_away(
    reporting_client, admin_client, small_offices
):
    assert check_no_small_cell_recoverable(reporting_client, admin_client, small_offices) > 0


def test_the_attacker_would_recover_cells_under_primary_suppression_alone(admin_client, small_offices):
    """The attack is real: on the same data, hiding only the small cells gives some back."""
    k = settings.IDW_SUPPRESSION_THRESHOLD
    ind = BY_CODE["sd1.intake"]
    truth = download(admin_client, ind)
    primary = {key: None if 1 <= vec[0] <= k - 1 else vec for key, vec in truth.items()}
    findings = attack(ind, primary, truth, k)
    assert any("'ANT02'" in f and "2021" in f for f in findings), findings


def test_incremental_run_keeps_the_pattern_consistent(
    reporting_client, admin_client, small_offices, django_capture_on_commit_callbacks
):
    actor = admin_client.user
    js = case.job_seeker_create(
        actor=actor, insz=make_insz(D(1995, 3, 4), 321), first_name="Nieuw", last_name="Persoon",
        birth_date=D(1995, 3, 4), gender="m", nationality="AF", birth_nationality="AF", mother_tongue="prs",
        office=Office.objects.get(code="GNT02"),
    )  # fmt: skip
    # One more in a small office and month the base run computed: its month, quarter and year are rewritten.
    case.trajectory_create(actor=actor, job_seeker=js, type="integrated", started_on=D(2023, 2, 20))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.incremental_run_now()
    assert run is not None
    run.refresh_from_db()
    assert (run.status, run.error) == ("succeeded", "")
    assert IndicatorValue.objects.filter(run=run, complementary=True).exists()
    k = settings.IDW_SUPPRESSION_THRESHOLD
    for ind in protected_indicators():
        truth = download(admin_client, ind)
        if truth:
            assert attack(ind, download(reporting_client, ind), truth, k) == [], ind.code


def served_cells(run, ind, *, suppress: bool, with_mature: bool = False) -> dict:
    """The cells the values API serves for the run, shaped by the serving code itself (no HTTP: many rows);
    with `with_mature`, each cell is (vector, mature)."""
    k = settings.IDW_SUPPRESSION_THRESHOLD
    cells = {}
    rows = IndicatorValue.objects.filter(run=run, indicator=ind.code).values_list(
        "period_type", "grouping", *selectors.VALUE_FIELDS
    )
    for period_type, grouping, *row in rows:
        named = tuple(grouping.split(",")) if grouping else ()
        shaped = selectors.shape_row(ind, tuple(row), selectors.Breakdown(named, list(named)), suppress=suppress, k=k)
        dims = shaped["dimensions"]
        key = (period_type, shaped["period"], named, tuple(dims[d] for d in ind.always), tuple(dims[d] for d in named))
        if shaped["suppressed"]:
            vector = None
        elif ind.unit == "percentage":
            vector = (shaped["numerator"], shaped["denominator"], shaped["denominator"] - shaped["numerator"])
        else:
            vector = (shaped["numerator"],)
        cells[key] = (vector, shaped["mature"]) if with_mature else vector
    return cells


def test_a_synthetic_data_set_gives_no_small_cell_away(reporting_client, compute):
    """Synthetic data (IDW_ATTACK_SCALE, default 0.001; 0.01 run by hand): every relation, no small cell back."""
    scale = float(os.environ.get("IDW_ATTACK_SCALE", "0.001"))
    call_command(
        "generate_synthetic", scale=scale, seed=3, start=D(2016, 1, 1), end=D(2018, 12, 31), stdout=io.StringIO()
    )
    run = compute(D(2018, 12, 31))
    assert run.status == "succeeded", run.error
    k = settings.IDW_SUPPRESSION_THRESHOLD
    marked = 0
    for ind in protected_indicators():
        truth = served_cells(run, ind, suppress=False)
        if not truth:
            continue
        shown = served_cells(run, ind, suppress=True)
        marked += sum(1 for key, vec in shown.items() if vec is None)
        assert attack(ind, shown, truth, k) == [], ind.code
    assert marked > 0
    # The HTTP answer is the one shaped here.
    ind = BY_CODE["sd1.intake"]
    over_http = {
        (r["period"], r["dimensions"]["office"]): r["suppressed"]
        for r in values(reporting_client, ind.code, by="office")["results"]
    }
    shaped = served_cells(run, ind, suppress=True)
    assert over_http == {
        (key[1], key[4][0]): vec is None for key, vec in shaped.items() if key[:3] == ("year", key[1], ("office",))
    }
