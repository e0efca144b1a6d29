"""Phase 2's load: people drawn in chunks (in forked producers on PostgreSQL) and written in bulk."""

from __future__ import annotations

import gc

from django.db import models

from .cases import _CaseGenerator
from .synth import Synth, _q

JOB_SEEKER_COLUMNS = [
    "id", "insz", "first_name", "last_name", "birth_date", "gender", "nationality", "birth_nationality",
    "country_of_birth", "parent_foreign_birth_nationality", "mother_tongue", "dutch_level", "education_level",
    "unaccompanied_minor", "municipality_nis", "office", "registration_channel",
]  # fmt: skip
STATUS_COLUMNS = ["job_seeker", "status", "work_permit", "valid_from", "valid_to", "source"]
TRAJECTORY_COLUMNS = [
    "id", "job_seeker", "type", "started_on", "personal_service_on", "outflow_on", "outflow_reason",
    "intake_office", "intake_education_level", "first_action_on", "last_action_on",
]  # fmt: skip
ACTION_COLUMNS = [
    "id", "trajectory", "action_type", "started_on", "ended_on", "status", "provider", "project", "employer",
    "interpreter_used", "language",
]  # fmt: skip

CHUNK = 25_000  # people per round of COPYs: bounds the memory (~250,000 actions) and keeps COPYs large
PRODUCERS = 2  # processes drawing chunks on PostgreSQL (the machine has two cores; the server gets its share)
AHEAD = 4  # chunks drawn beyond the one being written: bounds the memory of the pipeline


def case_models() -> list[type[models.Model]]:
    """The tables phase 2 fills."""
    from ..models import Action, JobSeeker, ResidenceStatus, Trajectory

    return [JobSeeker, ResidenceStatus, Trajectory, Action, Action.competences.through]


def generate_case_records(synth: Synth) -> None:
    """Phase 2 on its own: the case rows (milestones included), with foreign keys and indexes put back."""
    with synth.bulk_load(case_models()):
        write_case_rows(synth)


class _Chunk:
    """People lo..hi-1, drawn with chunk-local trajectory and action ids (from 0) and without INSZ."""

    def __init__(self, generator: _CaseGenerator, lo: int, hi: int, first_js: int) -> None:
        self.people, self.insz_keys, self.statuses, self.trajectories, self.actions, self.links = [], [], [], [], [], []
        trajectory_id = action_id = 0
        for k in range(lo, hi):
            person, key, statuses, trajectories, actions, links, trajectory_id, action_id = generator.person(
                k, first_js + k, trajectory_id, action_id
            )
            self.people.append(person)
            self.insz_keys.append(key)
            self.statuses += statuses
            self.trajectories += trajectories
            self.actions += actions
            self.links += links

    def rows(self, insz: list[str], trajectory_offset: int, action_offset: int) -> list[list[tuple]]:
        """The chunk's rows per table of `case_tables`, with their INSZ and final ids."""
        t, a = trajectory_offset, action_offset
        return [
            [(p[0], number, *p[2:]) for p, number in zip(self.people, insz, strict=True)],
            self.statuses,
            [(row[0] + t, *row[1:]) for row in self.trajectories],
            [(row[0] + a, row[1] + t, *row[2:]) for row in self.actions],
            [(action + a, competence) for action, competence in self.links],
        ]


def case_tables() -> list[tuple[type[models.Model], list[str]]]:
    from ..models import Action, JobSeeker, ResidenceStatus, Trajectory

    return [
        (JobSeeker, JOB_SEEKER_COLUMNS),
        (ResidenceStatus, STATUS_COLUMNS),
        (Trajectory, TRAJECTORY_COLUMNS),
        (Action, ACTION_COLUMNS),
        (Action.competences.through, ["action", "competence"]),
    ]


def write_case_rows(synth: Synth, producers: int = PRODUCERS) -> None:
    """Job seekers, statuses, trajectories, actions and action competences, in chunks of CHUNK people.

    Every person is drawn from its own stream, so chunks can be drawn
    independently; only two things run through all people in order: the
    ids of trajectories and actions (a chunk's are offset by the counts of
    the chunks before it) and the INSZ counter. On PostgreSQL, PRODUCERS
    forked processes draw chunks and format them as COPY text while this
    process hands out offsets and INSZ in chunk order and streams the text
    into the server: the same rows, in the same order, as drawing them one
    by one (which SQLite does, and PostgreSQL with `producers=0`). The
    caller holds Synth.bulk_load.
    Trajectories carry their milestones (first/last_action_on), drawn with
    their actions.
    """
    from ..models import Action, JobSeeker, Trajectory

    Competence = Action._meta.get_field("competences").related_model
    competences = sorted(Competence.objects.values_list("pk", flat=True))
    generator = _CaseGenerator(synth, competences)
    n = synth.count(1_000_000)
    first_js, first_tr, first_ac = synth.next_id(JobSeeker), synth.next_id(Trajectory), synth.next_id(Action)
    bounds = [(lo, min(n, lo + CHUNK)) for lo in range(0, n, CHUNK)]
    # Millions of small tuples that live until their chunk is written: the cyclic collector would scan
    # them over and over (a third of the time) and can find no cycles among them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if synth.vendor == "postgresql" and producers:
            trajectories, actions = _copy_drawn_in_parallel(
                synth, generator, bounds, first_js, first_tr, first_ac, producers
            )
        else:
            trajectories = actions = 0
            for lo, hi in bounds:
                chunk = _Chunk(generator, lo, hi, first_js)
                rows = chunk.rows(generator.insz_numbers(chunk.insz_keys), first_tr + trajectories, first_ac + actions)
                for (model, fields), table_rows in zip(case_tables(), rows, strict=True):
                    synth.insert(model, fields, table_rows)
                trajectories, actions = trajectories + len(chunk.trajectories), actions + len(chunk.actions)
    finally:
        if collecting:
            gc.enable()
    synth.job_seeker_ids = range(first_js, first_js + n)
    synth.trajectory_ids = range(first_tr, first_tr + trajectories)
    synth.action_ids = range(first_ac, first_ac + actions)


def _copy_drawn_in_parallel(synth, generator, bounds, first_js, first_tr, first_ac, producers) -> tuple[int, int]:
    """PostgreSQL: chunks drawn and formatted by forked producers, COPYed here in order; returns the counts.

    Chunk c goes to producer c % producers, which draws it, reports its
    INSZ keys and row counts, gets back its INSZ and id offsets (known once
    every earlier chunk has reported) and returns its COPY text. A
    producer's error is raised here; the producers are ended on the way out.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    tables = case_tables()
    formatters = [synth.row_formatter(model, fields) for model, fields in tables]
    context = multiprocessing.get_context("fork")  # the producers inherit the generator; no database use
    pipes, processes = [], []
    for p in range(producers):
        ours, theirs = context.Pipe()
        mine = bounds[p::producers]
        process = context.Process(
            target=_produce, args=(theirs, generator, mine, first_js, formatters), name=f"synthetic-producer-{p}"
        )
        process.daemon = True
        process.start()
        theirs.close()
        pipes.append(ours)
        processes.append(process)
    reported: dict[int, tuple] = {}
    texts: dict[int, list[tuple[str, int]]] = {}
    # Messages of each kind come in the producer's chunk order; a producer with all its texts sent is done.
    seen = {p: 0 for p in range(producers)}
    texts_from = {p: 0 for p in range(producers)}
    placed = written = 0
    trajectories = actions = 0
    try:
        while written < len(bounds):
            for pipe in wait([pipe for p, pipe in enumerate(pipes) if len(bounds[p::producers]) > texts_from[p]]):
                kind, payload = pipe.recv()
                p = pipes.index(pipe)
                if kind == "error":
                    raise RuntimeError(f"A synthetic-data producer failed:\n{payload}")
                if kind == "drawn":
                    reported[p + producers * seen[p]] = payload
                else:
                    texts[p + producers * (seen[p] - 1)] = payload
                    texts_from[p] += 1
                seen[p] += kind == "drawn"
            # Write before placing: placing waits on `written`, and once every producer
            # waits for its offsets no message comes to start another turn of this loop.
            while written in texts:
                for (model, fields), (text, rows) in zip(tables, texts.pop(written), strict=True):
                    if rows:
                        synth.copy_text(model, fields, text, rows)
                written += 1
            while placed in reported and placed < written + AHEAD:
                insz_keys, chunk_trajectories, chunk_actions = reported.pop(placed)
                offsets = (generator.insz_numbers(insz_keys), first_tr + trajectories, first_ac + actions)
                pipes[placed % producers].send(offsets)
                trajectories, actions = trajectories + chunk_trajectories, actions + chunk_actions
                placed += 1
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for pipe in pipes:
            pipe.close()
    for model, _ in tables:
        synth.reset_sequence(model)
    return trajectories, actions


def _produce(pipe, generator, bounds, first_js, formatters) -> None:
    """A producer process: draw each of its chunks, get its INSZ and offsets, send back its COPY text."""
    import traceback

    try:
        for lo, hi in bounds:
            chunk = _Chunk(generator, lo, hi, first_js)
            pipe.send(("drawn", (chunk.insz_keys, len(chunk.trajectories), len(chunk.actions))))
            insz, trajectory_offset, action_offset = pipe.recv()
            rows = chunk.rows(insz, trajectory_offset, action_offset)
            pipe.send(("text", [("".join(map(f, r)), len(r)) for f, r in zip(formatters, rows, strict=True)]))
    except BaseException:  # handed to the parent, which raises it
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def refresh_milestones_of_later_actions(synth: Synth) -> None:
    """first/last_action_on of the trajectories that other apps gave started actions, in one UPDATE.

    Phase 2 writes the milestones with the trajectories; actions written
    later (ids past `synth.action_ids`) can only move them outwards. Reads
    those actions by primary key range: instant when there are none (the
    employers app adds only planned ones).
    """
    from ..models import Action, ActionStatus, Trajectory

    t, a = _q(Trajectory._meta.db_table), _q(Action._meta.db_table)
    synth.execute(
        f"""UPDATE {t} AS t SET
              first_action_on = CASE WHEN t.first_action_on IS NULL OR m.first < t.first_action_on
                                     THEN m.first ELSE t.first_action_on END,
              last_action_on = CASE WHEN t.last_action_on IS NULL OR m.last > t.last_action_on
                                    THEN m.last ELSE t.last_action_on END
            FROM (SELECT trajectory_id, MIN(started_on) AS first, MAX(started_on) AS last
                  FROM {a} WHERE id >= %s AND status <> %s GROUP BY trajectory_id) AS m
            WHERE t.id = m.trajectory_id""",
        [synth.action_ids.stop, ActionStatus.PLANNED],
    )
