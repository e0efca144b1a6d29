"""Complementary suppression across indicators (privacy.md "Relations across indicators").

Cells of different indicators are equal or add up: outflow to work, the status
at the horizon and the first action within N months share their denominators
(and, once mature, with each other's horizons and the intake cell); durable
work and re-entry share theirs; outflow to work's numerator is the status's
work plus self-employment. The attacker here solves all of these at once,
with every indicator's own relations and each share's `denominator =
numerator + (denominator - numerator)`, one unknown number at a time.
"""

import io
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command

from reporting import selectors
from reporting.catalogue import BY_CODE
from reporting.engine.suppression import LINKED, Pattern, solve_linked
from reporting.models import IndicatorValue

from .helpers import D, person, trajectory
from .test_complementary_suppression import published_relations, served_cells

NUM, DEN, DIFF = 0, 1, 2


def breakdown(key) -> tuple:
    return tuple(sorted(zip(key[2], key[4], strict=True)))


def relations_of(group, truth: dict) -> list[tuple]:
    """Every (total, [parts]) over scalar unknowns (code, key, component) that holds in the true values."""
    relations = []
    for code, cells in truth.items():
        ind = BY_CODE[code]
        width = 3 if ind.unit == "percentage" else 1
        for total, members in published_relations(ind, cells):
            for c in range(width):
                relations.append(((code, total, c), [(code, m, c) for m in members]))
        if width == 3:
            relations += [((code, key, DEN), [(code, key, NUM), (code, key, DIFF)]) for key in cells]
    equal = defaultdict(list)
    for code, cells in truth.items():
        for key, (_vector, mature) in cells.items():
            cell = (key[0], key[1], breakdown(key))
            if code in group.members:
                equal[("at", *cell, key[3][0])].append((code, key, DEN))
            if code in group.counts:
                equal[("mature", *cell)].append((code, key, NUM))
            elif mature:
                equal[("mature", *cell)].append((code, key, DEN))
    for cells in equal.values():
        relations += [(cells[0], [other]) for other in cells[1:]]
    for total_code, parts_code, reasons in group.sums:
        parts = defaultdict(list)
        for key in truth.get(parts_code, {}):
            if key[3][1] in reasons:
                parts[(key[0], key[1], breakdown(key), key[3][0])].append((parts_code, key, NUM))
        for key in truth.get(total_code, {}):
            found = parts.get((key[0], key[1], breakdown(key), key[3][0]))
            if found:
                relations.append(((total_code, key, NUM), found))
    value = {(code, key, c): vec[c] for code, cells in truth.items() for key, (vec, _m) in cells.items()
             for c in range(len(vec))}  # fmt: skip
    held = [(t, ps) for t, ps in relations if value[t] == sum(value[p] for p in ps)]
    return held, value


def attack(group, shown: dict, truth: dict, k: int) -> list[str]:
    relations, value = relations_of(group, truth)
    known = {
        (code, key, c): vec[c]
        for code, cells in shown.items()
        for key, (vec, _m) in cells.items()
        if vec is not None
        for c in range(len(vec))
    }
    findings = []
    progress = True
    while progress:
        progress = False
        for total, parts in relations:
            unknown = [t for t in (total, *parts) if t not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            rest = sum(known.get(p, 0) for p in parts if p != cell)
            known[cell] = known[total] - rest if cell != total else rest
            assert known[cell] == value[cell]
            if 1 <= known[cell] <= k - 1:
                findings.append(f"{cell} = {known[cell]} from {total} = {parts}")
            progress = True
    return findings


def truth_and_shown(run, group):
    truth, shown = {}, {}
    for code in group.codes:
        if code in BY_CODE and BY_CODE[code].disclosive:
            truth[code] = served_cells(run, BY_CODE[code], suppress=False, with_mature=True)
            shown[code] = served_cells(run, BY_CODE[code], suppress=True, with_mature=True)
    return truth, shown


@pytest.fixture
def cohorts(region_office, compute):
    """Two regions' 2022 cohorts: one office of one region with a single self-employed outflow."""
    ant1, ant2 = region_office("ANT01"), region_office("ANT02")
    gnt = region_office("GNT01", "oost-vlaanderen")
    n = 0
    for office, size in [(ant1, 8), (ant2, 2), (gnt, 9)]:
        for i in range(size):
            n += 1
            reason = "self_employment" if n == 9 else "work" if n % 3 else "education"
            outflow = D(2022, 6 + n % 6, 10) if n % 4 else None
            trajectory(person(office), D(2022, 1 + n % 5, 1 + i), outflow=outflow, reason=reason if outflow else None)
    return compute(D(2025, 12, 31))


@pytest.mark.django_db
@pytest.mark.parametrize("group", LINKED, ids=lambda g: g.members[0])
def test_no_small_cell_comes_back_across_linked_indicators(cohorts, group):
    truth, shown = truth_and_shown(cohorts, group)
    assert truth, "the fixture computes the linked indicators"
    assert attack(group, shown, truth, settings.IDW_SUPPRESSION_THRESHOLD) == []


@pytest.mark.django_db
def test_the_links_are_real_equalities(cohorts):
    """The relations the pass links by hold in the values (else the links would only cost cells)."""
    group = LINKED[0]
    truth, _shown = truth_and_shown(cohorts, group)
    relations, _value = relations_of(group, truth)
    links = [(t, ps) for t, ps in relations if t[0] != ps[0][0]]  # across indicators
    assert {(t[0], ps[0][0]) for t, ps in links} >= {
        ("sd1.outflow_to_work", "sd1.status_at_horizon"),
        ("sd1.outflow_to_work", "td1.1.first_action_within"),
    }


@pytest.mark.django_db
def test_per_indicator_patterns_alone_would_give_cells_away(cohorts):
    """The attack is real: deciding each indicator's pattern by itself leaves a cross-indicator leak."""
    from django.db import connection

    from reporting.engine.suppression import _COLUMNS

    k = settings.IDW_SUPPRESSION_THRESHOLD
    group = LINKED[0]
    truth, _shown = truth_and_shown(cohorts, group)
    shown = {}
    for code in truth:
        ind = BY_CODE[code]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_COLUMNS.replace('v.complementary', 'false')} FROM reporting_indicatorvalue v "
                "WHERE v.run_id = %s AND v.indicator = %s",
                [cohorts.pk, code],
            )
            rows = cursor.fetchall()
        alone = Pattern(ind, rows, k)
        solve_linked({code: alone}, None)
        hidden_ids = {alone.ids[i] for i, h in enumerate(alone.hidden) if h}
        hidden_keys = set()
        for row in IndicatorValue.objects.filter(pk__in=hidden_ids).values_list(
            "period_type", "grouping", *selectors.VALUE_FIELDS
        ):
            period_type, grouping, period, horizon, a1, b1, b2 = row[:7]
            named = tuple(grouping.split(",")) if grouping else ()
            always = tuple(horizon if d == "horizon_months" else a1 for d in ind.always)
            hidden_keys.add((period_type, period, named, always, tuple((b1, b2)[: len(named)])))
        shown[code] = {key: (None if key in hidden_keys else vec, m) for key, (vec, m) in truth[code].items()}
    assert attack(group, shown, truth, k) != []


@pytest.mark.django_db
def test_a_synthetic_data_set_gives_nothing_away_across_indicators(compute):
    call_command(
        "generate_synthetic", scale=0.001, seed=5, start=D(2016, 1, 1), end=D(2018, 12, 31), stdout=io.StringIO()
    )
    run = compute(D(2018, 12, 31))
    assert run.status == "succeeded", run.error
    for group in LINKED:
        truth, shown = truth_and_shown(run, group)
        assert attack(group, shown, truth, settings.IDW_SUPPRESSION_THRESHOLD) == [], group.members
