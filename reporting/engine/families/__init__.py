"""Indicator families: one module per family, each computed by one Celery task.

A family module defines `FAMILY` (its name), `specs(d)` returning the `Spec`
of each indicator it computes (see `reporting.engine.sql`), and optionally
`EARLIEST`: SQL statements each giving the earliest date of the family's own
data, so the run's calendar reaches back to it. Add a module and list it in
`FAMILY_MODULES`; the catalogue's `family` field names the module.
"""

from importlib import import_module

# Heaviest first: the tasks are queued in this order, so the two longest
# start together and the short ones fill in behind them.
FAMILY_MODULES = ["td1_1_action_flow", "sd1", "sd1_sd2", "td1_1", "td4", "td2", "sd3_td3", "td4_1", "sd1_work"]


def load(name: str):
    if name not in FAMILY_MODULES:
        raise KeyError(name)
    return import_module(f"{__name__}.{name}")


def all_families():
    return [load(name) for name in FAMILY_MODULES]
