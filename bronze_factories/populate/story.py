"""The story goes on: take a loaded dataset on in time (``--extend-to``), or keep it going (``--live``).

A dataset is loaded to its end date first, as any run does. A *step* then takes it from ending at
``since`` to ending at ``until`` (:mod:`bronze_factories.engine.steps`): the new rows of the days in
between and the orders whose state moved on meanwhile, merged on their primary key with the load
time as ``ingestion_timestamp``. The result equals, row for row, the dataset made at once up to
``until``.

``--extend-to`` runs a step as work units over the run's executor, each unit in its own
transaction with its ledger row, and writes the step's own ledger row last: a killed extension is
finished by the next run (whatever end it asks for), and a dataset's end is its latest complete step.

``--live`` runs small steps on a clock: every tick it takes the dataset to ``speed`` times the wall
time since it started, from where the ledger says it ends, in one transaction per tick (rows and
the step's ledger row together). Ctrl-C or SIGTERM ends it between or inside a tick, cleanly; the
next start goes on from the last tick. The simulation keeps only the recent days it needs, so memory
stays flat however long it runs.

One run at a time takes a dataset on: the target's claim (:class:`.target.Claim`) is held throughout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator
from itertools import chain
from typing import IO, Any

from ..engine import TABLE_ORDER, Chunk, Params, Simulation
from ..engine.steps import dataset_end, moment, pending_step, seconds, stamp, step_unit
from .load import LoadError, load_database
from .options import Options
from .target import Claim, TargetError, connection_error, extend_partitions, loaded_units

#: SQLite page cache of a live run, KiB.
LIVE_CACHE_KIB = 8192


def go_on(options: Options, err: IO[str], say: Callable[[str], None]) -> None:
    """After the dataset is loaded to its end date: finish an interrupted step, extend, go live."""
    assert options.url is not None
    params, url, schema = options.params, options.url, options.schema
    try:
        claim = Claim(url, schema)
    except Exception as exc:
        raise connection_error(url, exc) from None
    try:
        done = loaded_units(url, schema, params)
        end = dataset_end(params, done)
        pending = pending_step(done)
        if pending is not None:
            since, until = pending
            if since != end:
                raise TargetError(f"the ledger holds an unfinished step from {moment(since)} to {moment(until)}, but "
                                  f"the dataset ends at {moment(end)}; add --reset to load it again")
            say(f"finishing the interrupted extension to {moment(until)}")
            _step(options, since, until, done, say)
            end = until
        if options.extend_to is not None:
            target = seconds(options.extend_to)
            if target > end:
                _step(options, end, target, done, say)
                end = target
            elif target < end:
                say(f"the dataset already ends at {moment(end)}, after --extend-to {options.extend_to}: nothing to do")
        if options.live:
            _live(options, end, say)
    finally:
        claim.release()


def go_on_files(options: Options, say: Callable[[str], None]) -> None:
    """``--extend-to`` into a plain ``--output-dir``: a step's new rows and changed rows as files of their
    own per table (:mod:`bronze_factories.loaders.steps`); the directory lock is held by the run."""
    from ..loaders.steps import StepSink, holds, remove_unrecorded, write_state
    from .load import write_files

    assert options.output_dir is not None and options.extend_to is not None
    state = holds(options.output_dir, options.format, options.params)
    assert state is not None  # the run wrote (or found) the first window's files
    since, until = seconds(dt.datetime.fromisoformat(state["end"])), seconds(options.extend_to)
    if until <= since:
        if until < since:
            say(f"the files already end at {moment(since)}, after --extend-to {options.extend_to}: nothing to do")
        return
    params = dataclasses.replace(options.params, until=moment(until))
    sim = Simulation(params)
    units = sim.step_units(since)
    step = step_unit(since, until).removeprefix("step:")
    remove_unrecorded(options.output_dir, options.format, stamp(since))
    say(f"extending from {moment(since)} to {moment(until)}: {len(units)} work units, into files "
        f"*.{step}.{options.format} (new rows) and *.{step}.changes.{options.format} (rows brought up to date)")
    write_files(sim, params, units, StepSink(options.output_dir, options.format, step), options.workers,
                options.batch_size, lambda _unit, _counts: None, options.dask)
    write_state(options.output_dir, options.format, options.params, moment(until).isoformat(), [*state["steps"], step])
    say(f"extended to {moment(until)}")


def _loader(options: Options, params: Params) -> Any:
    assert options.url is not None
    if options.url.get_backend_name() == "postgresql":
        from ..loaders.postgres import PostgresLoader

        return PostgresLoader(options.url, options.schema, params)
    from ..loaders.sqlite import SqliteLoader

    return SqliteLoader(options.url, params)


def _step(options: Options, since: int, until: int, done: set[str], say: Callable[[str], None]) -> None:
    """Load one step as work units over the executor, then its ledger row."""
    assert options.url is not None
    params = dataclasses.replace(options.params, until=moment(until))
    extend_partitions(options.url, options.schema, params)
    sim = Simulation(params)
    units = sim.step_units(since)
    todo = [u for u in units if u not in done]
    say(f"extending from {moment(since)} to {moment(until)}: {len(todo)} of {len(units)} work units to load")
    rows = dict.fromkeys(TABLE_ORDER, 0)

    def on_unit(unit: str, counts: dict[str, int] | None) -> None:
        for table, n in (counts or {}).items():
            rows[table] += n

    load_database(sim, params, todo, options.url, options.schema, options.workers, options.batch_size, on_unit,
                  dask=options.dask, copy_streams=options.copy_streams)
    loader = _loader(options, params)
    try:
        loader.mark(step_unit(since, until))
    finally:
        loader.close()
    done.add(step_unit(since, until))
    say(f"extended to {moment(until)}: rows loaded (new, and orders brought up to date): "
        + ", ".join(f"{t} {n:,}" for t, n in rows.items() if n))


def _tick_chunks(sim: Simulation, since: int, tally: dict[tuple[str, bool], int]) -> Iterator[Chunk]:
    """A tick's chunks, counted into ``tally`` per (table, upsert) as the loader takes them."""
    for chunk in chain.from_iterable(sim.generate_unit(unit) for unit in sim.step_units(since)):
        tally[chunk.table, chunk.upsert] = tally.get((chunk.table, chunk.upsert), 0) + len(chunk.rows)
        yield chunk


def _tally_text(tally: dict[tuple[str, bool], int]) -> str:
    """``orders +3 (5 changed)``...: new rows per table, and the rows a tick brought up to date."""
    parts = []
    for table in TABLE_ORDER:
        new, changed = tally.get((table, False), 0), tally.get((table, True), 0)
        if new or changed:
            parts.append(f"{table.removeprefix('raw_')} +{new:,}" + (f" ({changed:,} changed)" if changed else ""))
    return ", ".join(parts) or "nothing new"


def _live(options: Options, since: int, say: Callable[[str], None]) -> None:
    """Ticks until interrupted: each loads what happened since the last one, in one transaction."""
    params = dataclasses.replace(options.params, until=moment(since))
    sim = Simulation(params, bounded=True)
    assert options.url is not None
    loader = _loader(options, params)
    sqlite = options.url is not None and options.url.get_backend_name() == "sqlite"
    if sqlite:  # a tick writes a few pages: the bulk load's large page cache would only fill up over hours
        loader.conn.execute(f"PRAGMA cache_size=-{LIVE_CACHE_KIB}")
    started, origin = time.monotonic(), since
    say(f"live from {moment(since)} at {options.speed:g}x, a tick every {options.tick:g} s (Ctrl-C stops)")
    try:
        while True:
            now = time.monotonic()
            wake = started + (int((now - started) / options.tick) + 1) * options.tick
            time.sleep(max(0.0, wake - now))
            until = origin + int(options.speed * (time.monotonic() - started))
            if until <= since:
                continue
            if moment(until).month != moment(since).month:
                extend_partitions(options.url, options.schema, dataclasses.replace(params, until=moment(until)))
            sim.advance(until)
            unit = step_unit(since, until)
            tally: dict[tuple[str, bool], int] = {}
            chunks = _tick_chunks(sim, since, tally)
            if sqlite:
                from ..loaders.sqlite import pack

                counts = loader.load_packed(unit, pack(chunks))
            else:
                counts = loader.load_unit(unit, chunks)
            if counts is None:
                raise LoadError(f"another run loaded the tick to {moment(until)} first; run one live loader at a time")
            since = until
            say(f"live: {moment(until)}: {_tally_text(tally)}")
    except KeyboardInterrupt:
        say(f"live: stopped at {moment(since)}; run the same command again to go on from there")
    finally:
        loader.close()

