"""The whole run: phase 1, then phases 2 and 3 in one bulk load, then the milestones."""

from __future__ import annotations

from typing import Any

from .loading import case_models, refresh_milestones_of_later_actions, write_case_rows
from .reference import generate_reference
from .synth import Synth


def other_generators() -> list[tuple[Any, Any]]:
    """(app config, its synthetic module) of every other installed app that has `<app>/synthetic.py`."""
    import importlib
    import importlib.util

    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.name == "trajectories" or "." in config.name:
            continue
        module_name = f"{config.name}.synthetic"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        if hasattr(module, "generate"):
            found.append((config, module))
    return found


def generate(synth: Synth) -> dict[str, int]:
    """Phases 1-3 (the caller holds the transaction); returns rows written per model.

    Phases 2 and 3 run inside one Synth.bulk_load over the case tables and
    every table of the apps with a generator, so that foreign keys are
    checked and indexes built once, set-based, after everything is loaded;
    the milestones (first/last_action_on) come with the trajectories and are
    moved last for the started actions other apps added, if any.
    """
    import time

    from django.db import connection

    began = time.monotonic()
    generate_reference(synth)
    synth.log(f"reference data: {time.monotonic() - began:.1f} s")
    generators = other_generators()
    existing = set(connection.introspection.table_names())
    loaded = case_models() + [
        model
        for config, _ in generators
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in existing
    ]
    with synth.bulk_load(loaded):
        write_case_rows(synth)
        synth.analyze(case_models())  # phase 3 reads these tables
        synth.log(f"case records: {time.monotonic() - began:.1f} s")
        for config, module in generators:
            module.generate(synth)
            synth.log(f"{config.label}: {time.monotonic() - began:.1f} s")
        refresh_milestones_of_later_actions(synth)
        synth.log(f"milestones: {time.monotonic() - began:.1f} s")
    synth.log(f"foreign keys and indexes back: {time.monotonic() - began:.1f} s")
    return synth.counts
