"""Running a populate: work units from the engine, through the run's executor, into one target.

The work unit is the grain of everything here. A database target loads each unit, with its ledger
row, in one transaction, and skips units the ledger already has: re-running adds nothing, a
killed run resumes. Units run in groups of one kind (customers, products, stock, days) with a
barrier between groups (:mod:`bronze_factories.executor`), so that a partial load never shows
children whose parents are missing.

PostgreSQL workers generate *and* COPY over their own connections (the parent only counts), on a
local pool or on Dask workers; with Dask a cluster-wide semaphore caps the COPY streams open at
once. Partitioned files (:mod:`bronze_factories.loaders.partitioned`) are written by the workers
too, one file per table and unit. SQLite has one writer and a plain directory has one file per
table, so there the workers generate and the parent writes, in unit order, which keeps files
byte-identical between runs.
"""

from __future__ import annotations

import errno
import functools
import gc
import itertools
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from sqlalchemy.engine import URL

from ..engine import TABLE_ORDER, Params, Simulation
from ..engine.simulation import remember, simulation_for, unit_chunks
from ..executor import ExecutorError, UnitRunner, dask_client, open_runner

#: Default cap on the COPY streams a Dask cluster opens into one PostgreSQL server at once.
DEFAULT_COPY_STREAMS = 8


class LoadError(RuntimeError):
    """Loading failed at runtime (exit status 1); the message says what and what to do."""


def without_cycle_collector(task: Callable[..., Any]) -> Callable[..., Any]:
    """Run a worker task with Python's cyclic garbage collector paused.

    A unit makes millions of row tuples and strings, which never form reference cycles and are
    freed by reference counting as each chunk is loaded; but every few hundred new tuples the
    cyclic collector starts a pass, and now and then one that walks every live object of the
    process. That was a fifth of a worker's CPU (27.2 against 21.3 CPU-s for the default dataset's
    generation and COPY text). Memory stays bounded by the chunk; the collector runs again after
    the task, for whatever cycles the task may have left.
    """

    @functools.wraps(task)
    def run(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return task(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


# Loaders of the worker tasks, one per target and thread (a Dask worker may run several tasks at
# once, and a connection serves one COPY at a time), reused by every unit the thread runs.
_LOADERS: dict[tuple[str, str, str, int], Any] = {}


def _loader(url: URL, schema: str, params: Params) -> Any:
    key = (url.render_as_string(hide_password=False), schema, params.key(), threading.get_ident())
    loader = _LOADERS.get(key)
    if loader is None:
        from ..loaders.postgres import PostgresLoader

        loader = _LOADERS[key] = PostgresLoader(url, schema, params)
    return loader


def close_loaders() -> None:
    """Close this process's connections (the parent after an inline run; Dask workers after a run)."""
    while _LOADERS:
        _, loader = _LOADERS.popitem()
        try:
            loader.close()
        except Exception:  # a broken connection is closed anyway
            pass


@without_cycle_collector
def copy_unit(params: Params, url: URL, schema: str, batch_size: int, streams: Any,
              unit: str) -> tuple[str, dict[str, int] | None, dict[str, float]]:
    """Task: load one unit; also the COPY seconds per table it took (for the summary).

    ``streams`` is a Dask semaphore (or ``None``) held while the unit's COPY runs.
    """
    try:
        loader = _loader(url, schema, params)
        before = dict(loader.busy)
        chunks = simulation_for(params).generate_unit(unit, batch_size, loader.lines)
        if streams is None:
            counts = loader.load_unit(unit, chunks)
        else:
            with streams:
                counts = loader.load_unit(unit, chunks)
        return unit, counts, {t: s - before[t] for t, s in loader.busy.items()}
    except Exception as exc:  # errors cross the process boundary as one line of text
        close_loaders()  # a connection in an unknown state is not reused (the run stops anyway)
        raise LoadError(_describe(unit, exc)) from None


@without_cycle_collector
def _generate_unit(params: Params, batch_size: int, unit: str) -> tuple[str, list]:
    return unit, unit_chunks(params, batch_size, unit)


@without_cycle_collector
def _pack_unit(params: Params, batch_size: int, unit: str) -> tuple[str, Any]:
    """Task: one unit as a serialized in-memory SQLite database (the writer attaches and copies it)."""
    from ..loaders.sqlite import pack

    return unit, pack(simulation_for(params).generate_unit(unit, batch_size))


def _describe(unit: str, exc: BaseException) -> str:
    from .target import db_error_reason

    return f"loading work unit {unit} failed: {db_error_reason(exc)}"


def unit_groups(units: list[str]) -> list[list[str]]:
    """Consecutive units of one kind (``customers:``, ``day:``...): the barriers of a parallel run."""
    return [list(g) for _, g in itertools.groupby(units, key=lambda u: u.split(":", 1)[0])]


def start_runner(sim: Simulation, workers: int, dask: str | None) -> UnitRunner:
    """The run's executor; local workers fork after this and inherit ``sim``."""
    remember(sim)
    try:
        return open_runner(workers, dask)
    except ExecutorError as exc:
        raise LoadError(str(exc)) from None


def _results(runner: UnitRunner, task: Callable[[str], Any], units: list[str], ordered: bool) -> Iterator[Any]:
    try:
        yield from runner.map_groups(task, unit_groups(units), ordered)
    except ExecutorError as exc:
        raise LoadError(str(exc)) from None


def load_database(
    sim: Simulation, params: Params, units: list[str], url: URL, schema: str, workers: int, batch_size: int,
    on_unit: Callable[[str, dict[str, int] | None], None], busy: dict[str, float] | None = None,
    dask: str | None = None, copy_streams: int = DEFAULT_COPY_STREAMS,
) -> None:
    """Load ``units`` (those not yet in the ledger) into PostgreSQL or SQLite.

    ``busy`` (if given) accumulates the seconds spent in COPY per table, summed over workers.
    """
    with start_runner(sim, workers, dask) as runner:
        if url.get_backend_name() == "postgresql":
            streams = None
            if runner.kind == "dask":
                import distributed

                # One name per server: every run of any dataset into it shares the cap.
                streams = distributed.Semaphore(max_leases=copy_streams,
                                                name=f"bronze-copy-streams:{url.host}:{url.port or 5432}")
            try:
                task = partial(copy_unit, params, url, schema, batch_size, streams)
                for unit, counts, seconds in _results(runner, task, units, ordered=False):
                    on_unit(unit, counts)
                    if busy is not None:
                        for table, s in seconds.items():
                            busy[table] = busy.get(table, 0.0) + s
            finally:
                if runner.kind == "dask":
                    try:
                        dask_client(runner).run(close_loaders)
                    except Exception:  # workers that are gone have nothing to close
                        pass
                close_loaders()
            return
        _load_sqlite(runner, params, units, url, batch_size, on_unit)


def _load_sqlite(runner: UnitRunner, params: Params, units: list[str], url: URL, batch_size: int,
                 on_unit: Callable[[str, dict[str, int] | None], None]) -> None:
    import sqlite3

    from ..loaders.sqlite import SqliteLoader

    loader = SqliteLoader(url, params)
    try:
        for unit, packed in _results(runner, partial(_pack_unit, params, batch_size), units, ordered=True):
            try:
                counts = loader.load_packed(unit, packed)
            except sqlite3.Error as exc:
                raise LoadError(f"loading work unit {unit} into {url.database} failed: {exc}") from None
            on_unit(unit, counts)
        try:
            loader.finish()  # the indexes a bulk load dropped
        except sqlite3.Error as exc:
            raise LoadError(f"building the indexes of {url.database} failed: {exc}; run the same command again "
                            "to retry (the loaded rows are kept)") from None
    finally:
        loader.close()


def write_files(
    sim: Simulation, params: Params, units: list[str], sink: Any, workers: int, batch_size: int,
    on_unit: Callable[[str, dict[str, int] | None], None], dask: str | None = None,
) -> None:
    """Write every unit's chunks through ``sink`` (a ``loaders.files.FileSink``), then make the files visible."""
    try:
        with start_runner(sim, workers, dask) as runner:
            for unit, chunks in _results(runner, partial(_generate_unit, params, batch_size), units, ordered=True):
                counts = dict.fromkeys(TABLE_ORDER, 0)
                for chunk in chunks:
                    sink.write(chunk)
                    counts[chunk.table] += len(chunk.rows)
                on_unit(unit, counts)
        sink.commit()
    except OSError as exc:
        sink.abort()
        what = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or str(exc))
        raise LoadError(f"cannot write to --output-dir {str(sink.dir)!r}: {what}; free some space or choose "
                        "another --output-dir (partial files were removed)") from None
    except BaseException:
        sink.abort()
        raise


@without_cycle_collector
def _write_unit(params: Params, url: str, fmt: str, batch_size: int, unit: str) -> tuple[str, dict[str, int]]:
    from ..loaders.partitioned import PartitionedFiles

    try:
        files = PartitionedFiles(url, fmt, params)
        return unit, files.write_unit(unit, simulation_for(params).generate_unit(unit, batch_size))
    except OSError as exc:  # crosses the process boundary as one line
        raise LoadError(f"writing work unit {unit} to {url} failed: {exc.strerror or exc}") from None


def write_partitioned(
    sim: Simulation, params: Params, units: list[str], url: str, fmt: str, workers: int, batch_size: int,
    on_unit: Callable[[str, dict[str, int] | None], None], dask: str | None = None,
) -> None:
    """Workers write one file per table and unit at ``url`` (:mod:`bronze_factories.loaders.partitioned`).

    Units that already have their record are skipped (a rerun resumes); the ``_SUCCESS`` manifest is
    written last, once every unit of the dataset (all shards) is there.
    """
    from ..loaders.partitioned import OtherDatasetError, PartitionedFiles

    try:
        files = PartitionedFiles(url, fmt, params)
        done = files.done_units()
    except OtherDatasetError as exc:
        raise LoadError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise LoadError(f"cannot write to --output-dir {url}: {getattr(exc, 'strerror', None) or exc}") from None
    for unit in units:
        if unit in done:
            on_unit(unit, None)
    todo = [u for u in units if u not in done]
    if todo:
        with start_runner(sim, workers, dask) as runner:
            for unit, counts in _results(runner, partial(_write_unit, params, url, fmt, batch_size), todo,
                                         ordered=False):
                done[unit] = counts
                on_unit(unit, counts)
    every = sim.units()
    if all(u in done for u in every):
        rows = {t: sum(done[u].get(t, 0) for u in every) for t in TABLE_ORDER}
        try:
            files.write_manifest(rows, len(every))
        except OSError as exc:
            raise LoadError(f"writing the manifest to {url} failed: {exc.strerror or exc}") from None
