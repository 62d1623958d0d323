"""Running a populate: work units from the engine, spread over worker processes, into one target.

The work unit is the grain of everything here. A database target loads each unit, with its ledger
row, in one transaction, and skips units the ledger already has: re-running adds nothing, a
killed run resumes. Units run in groups of one kind (customers, products, stock, days) with a
barrier between groups, so that a partial load never shows children whose parents are missing.

PostgreSQL workers generate *and* COPY over their own connections (the parent only counts);
SQLite has one writer and files have one writer per table, so there the workers generate and the
parent writes, in unit order, which keeps files byte-identical between runs.
"""

from __future__ import annotations

import errno
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

from sqlalchemy.engine import URL

from ..engine import TABLE_ORDER, Chunk, Params, Simulation


class LoadError(RuntimeError):
    """Loading failed at runtime (exit status 1); the message says what and what to do."""


# Per-process state of a worker. With the ``fork`` start method the parent's simulation is
# inherited (its order-ledger pass is not redone); otherwise the initializer builds it.
_SIM: Simulation | None = None
_LOADER: Any = None
_TARGET: tuple[URL, str, Params] | None = None
_BATCH = 50_000


def _init_worker(params: Params, url: URL | None, schema: str, batch_size: int, connect: bool) -> None:
    # No connection here: an initializer that raises makes a Pool respawn workers forever.
    global _SIM, _LOADER, _BATCH, _TARGET
    if _SIM is None or _SIM.params != params.sized():
        _SIM = Simulation(params)
    _BATCH = batch_size
    _LOADER = None
    _TARGET = (url, schema, params) if connect and url is not None else None


def _copy_task(unit: str) -> tuple[str, dict[str, int] | None, dict[str, float]]:
    """Load one unit; also the COPY seconds per table it took (for the summary)."""
    global _LOADER
    assert _SIM is not None and _TARGET is not None
    try:
        if _LOADER is None:
            from ..loaders.postgres import PostgresLoader

            _LOADER = PostgresLoader(*_TARGET)
        before = dict(_LOADER.busy)
        counts = _LOADER.load_unit(unit, _SIM.generate_unit(unit, _BATCH))
        return unit, counts, {t: s - before[t] for t, s in _LOADER.busy.items()}
    except Exception as exc:  # errors cross the process boundary as text
        raise LoadError(_describe(unit, exc)) from None


def _generate_task(unit: str) -> tuple[str, list[Chunk]]:
    assert _SIM is not None
    return unit, list(_SIM.generate_unit(unit, _BATCH))


def _pack_task(unit: str) -> tuple[str, Any]:
    from ..loaders.sqlite import pack

    assert _SIM is not None
    return unit, pack(_SIM.generate_unit(unit, _BATCH))


def _describe(unit: str, exc: BaseException) -> str:
    from .target import db_error_reason

    return f"loading work unit {unit} failed: {db_error_reason(exc)}"


def unit_groups(units: list[str]) -> list[list[str]]:
    """Consecutive units of one kind (``customers:``, ``day:``...): the barriers of a parallel run."""
    return [list(g) for _, g in itertools.groupby(units, key=lambda u: u.split(":", 1)[0])]


def _parallel(
    sim: Simulation, params: Params, units: list[str], workers: int, task: Callable[[str], Any], ordered: bool,
    url: URL | None, schema: str, batch_size: int, connect: bool,
) -> Iterator[Any]:
    """Results of ``task`` over ``units``, from ``workers`` processes, one group at a time.

    Callers close it (``contextlib.closing``) so that an error in the consumer terminates the
    pool at once, instead of leaving it to garbage collection and interpreter exit.
    """
    global _SIM
    _SIM = sim  # in this process, and inherited by forked workers
    if workers <= 1 or len(units) <= 1:
        _init_worker(params, url, schema, batch_size, connect)
        try:
            for unit in units:
                yield task(unit)
        finally:
            if _LOADER is not None:
                _LOADER.close()
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ctx.Pool(workers, initializer=_init_worker, initargs=(params, url, schema, batch_size, connect)) as pool:
        for group in unit_groups(units):
            if not ordered:
                yield from pool.imap_unordered(task, group, chunksize=1)
                continue
            # In order, with at most two units per worker in flight: a slower consumer (a file
            # writer) holds workers back instead of letting generated chunks pile up in memory.
            pending: deque = deque()
            for unit in group:
                pending.append(pool.apply_async(task, (unit,)))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()


def load_database(
    sim: Simulation, params: Params, units: list[str], url: URL, schema: str, workers: int, batch_size: int,
    on_unit: Callable[[str, dict[str, int] | None], None], busy: dict[str, float] | None = None,
) -> None:
    """Load ``units`` (those not yet in the ledger) into PostgreSQL or SQLite.

    ``busy`` (if given) accumulates the seconds spent in COPY per table, summed over workers.
    """
    if url.get_backend_name() == "postgresql":
        with closing(_parallel(sim, params, units, workers, _copy_task, False, url, schema, batch_size,
                               connect=True)) as results:
            for unit, counts, seconds in results:
                on_unit(unit, counts)
                if busy is not None:
                    for table, s in seconds.items():
                        busy[table] = busy.get(table, 0.0) + s
        return

    import sqlite3

    from ..loaders.sqlite import SqliteLoader

    loader = SqliteLoader(url, params)
    try:
        with closing(_parallel(sim, params, units, workers, _pack_task, True, None, schema, batch_size,
                               connect=False)) as results:
            for unit, packed in results:
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
    on_unit: Callable[[str, dict[str, int] | None], None],
) -> None:
    """Write every unit's chunks through ``sink`` (a ``loaders.files.FileSink``), then make the files visible."""
    try:
        with closing(_parallel(sim, params, units, workers, _generate_task, True, None, "", batch_size,
                               connect=False)) as results:
            for unit, chunks in results:
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
