"""One populate run from a checked invocation: plan, prepare the target, load, summarize."""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from contextlib import ExitStack
from typing import IO, TYPE_CHECKING

from ..engine import TABLE_ORDER, Simulation
from ..engine.estimate import estimate, units
from .disk import disk_bytes, human
from .load import load_database, write_files
from .options import Options
from .progress import Progress
from .target import shown

if TYPE_CHECKING:
    from ..loaders.indexes import IndexGuard


def describe_target(options: Options, note: bool = False) -> str:
    """Where the rows go; with ``note``, also why when nothing named it (the SQLite default)."""
    if options.partitioned:
        text = f"{options.format} files per table and work unit at {options.output_location}"
    elif options.output_dir is not None:
        text = f"{options.format} files in {options.output_dir}"
    elif options.url is not None and options.url.get_backend_name() == "sqlite":
        text = f"SQLite file {options.url.database}"
    else:
        assert options.url is not None
        text = f"{shown(options.url)}, schema {options.schema}"
    return f"{text} ({options.target_note})" if note and options.target_note else text


def run_text(options: Options) -> str:
    """Where the work units run: local processes or a Dask cluster."""
    if options.dask is None:
        return f"{options.workers} worker(s)"
    if options.dask == "local":
        return f"local Dask cluster of {options.workers} worker(s)"
    return f"Dask scheduler {options.dask}"


def plan_text(options: Options) -> str:
    """The sizing table, from closed-form estimates: no simulation is built, so it answers at any size."""
    p = options.params
    all_units = units(p)
    shard_units = units(p, options.shard) if options.shard else all_units
    sizes = estimate(p)
    s = p.sized()
    lines = [
        f"dataset   customers={s.customers:,} products={s.products:,} orders={s.orders:,} days={s.days} "
        f"sessions/day={s.sessions_per_day:,} events/session={s.events_min}-{s.events_max} "
        f"warehouses={s.warehouses} seed={s.seed}",
        f"window    {p.start.date()} .. {(p.end - dt.timedelta(days=1)).date()} (end date {p.end_date}"
        f"{'' if options.end_date_given else ', today in UTC'})",
        f"key       {p.key()}",
        f"target    {describe_target(options, note=True)}",
        f"run       {run_text(options)}, batch size {options.batch_size:,}"
        + (f", shard {options.shard[0]}/{options.shard[1]}: {len(shard_units)} of {len(all_units)} work units"
           if options.shard else f", {len(shard_units)} work units"),
        "",
        f"{'table':<16} {'estimated rows':>15} {'estimated disk':>15}",
    ]
    kind = options.format if options.target_kind == "files" else options.target_kind
    rows = {t: sizes.get(t, 0) for t in TABLE_ORDER}
    disk = disk_bytes(kind, rows)
    for table in TABLE_ORDER:
        lines.append(f"{table:<16} {rows[table]:>15,} {human(disk[table]):>15}")
    lines.append(f"{'total':<16} {sum(rows.values()):>15,} {human(sum(disk.values())):>15}")
    what = "files" if options.target_kind == "files" else "tables and their indexes"
    lines.append(f"(disk: {kind} {what}, from bytes per row measured on this format; within about a third)")
    return "\n".join(lines)


def populate(options: Options, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run the invocation; raise ``TargetError``/``LoadError`` for runtime failures."""
    out = out or sys.stdout
    err = err or sys.stderr
    if options.plan:
        print(plan_text(options), file=out)
        return 0
    with ExitStack() as held:  # the directory lock, the dataset claim, the index duty: released on any exit
        return _populate(options, out, err, held)


def _populate(options: Options, out: IO[str], err: IO[str], held: ExitStack) -> int:
    from .target import advance_sequences, prepare_database, prepare_directory

    params = options.params
    for notice in options.notices:
        print(f"bronze-populate: {notice}", file=err)
    if not options.plan and not options.quiet:
        # First, before any check of the target can fail: a run always says where it writes (on
        # stdout, with the summary: stderr stays progress and the one line of an error).
        print(f"target: {describe_target(options, note=True)}", file=out, flush=True)
    # Everything that can be checked without the target is checked first (see options); the
    # simulation is built before touching the target too, so a failure there leaves nothing behind.
    if options.output_dir is not None and not options.partitioned:
        held.callback(prepare_directory(options.output_dir, options.format, options.shard).release)
    sim = Simulation(params)
    all_units = sim.units()
    units_ = sim.units(options.shard) if options.shard else all_units

    sizes = sim.estimate()
    if options.shard:  # the bars' totals: this shard's share, roughly
        share = len(units_) / max(1, len(all_units))
        sizes = {t: max(1, round(n * share)) for t, n in sizes.items()}
    totals = {t: sizes.get(t, 0) for t in TABLE_ORDER}

    guard = None
    claim = None
    if options.output_dir is None and options.output_url is None:
        assert options.url is not None
        url = options.url

        def claim_indexes(fresh: bool) -> None:
            nonlocal guard
            if url.get_backend_name() == "postgresql":
                from ..loaders.indexes import IndexGuard

                guard = IndexGuard(url, options.schema, TABLE_ORDER)
                held.callback(guard.close)
                guard.claim(fresh, sum(totals.values()))

        prepared = prepare_database(url, options.schema, params, options.reset, options.end_date_given,
                                    under_lock=claim_indexes)
        claim = prepared.claim
        if claim is not None:
            held.callback(claim.release)
        todo = [u for u in units_ if u not in prepared.done]
        if not todo and claim is not None:
            claim.release()
    else:
        todo = units_

    progress = Progress(totals, Progress.choose_mode(options.quiet, err), stream=err)
    if guard is not None and guard.dropped:
        progress.message(f"dropped {guard.dropped} secondary indexes of the empty tables for the load; "
                         "they are rebuilt at its end")
    progress.message(f"populating: {len(todo)} of {len(units_)} work units to load "
                     f"(end date {params.end_date}, seed {params.seed})")
    progress.skipped_units = len(units_) - len(todo)

    def on_unit(unit: str, counts: dict[str, int] | None) -> None:
        if counts is None:
            progress.skipped_units += 1
        else:
            progress.add(counts)
        if claim is not None:
            # The dataset's first ledger row is committed: from now on the check of any other run
            # sees it, so the claim taken with this run's check can go.
            claim.release()

    busy: dict[str, float] = {}
    rebuild_seconds = 0.0
    try:
        if options.partitioned:
            from .load import write_partitioned

            assert options.output_location is not None
            write_partitioned(sim, params, todo, options.output_location, options.format, options.workers,
                              options.batch_size, on_unit, options.dask)
        elif options.output_dir is not None:
            from ..loaders.files import FileSink
            from ..loaders.steps import holds, write_state

            kept = holds(options.output_dir, options.format, params)
            if kept is not None and options.extend_to is not None:
                progress.message(f"{options.output_dir} holds this dataset's files already (up to {kept['end']})")
            else:
                sink = FileSink(options.output_dir, options.format, options.shard)
                write_files(sim, params, todo, sink, options.workers, options.batch_size, on_unit, options.dask)
                if options.shard is None:  # the first window's files are whole: say so (keep a later end)
                    write_state(options.output_dir, options.format, params, kept["end"] if kept else
                                params.end.isoformat(), kept["steps"] if kept else [])
        else:
            assert options.url is not None
            load_database(sim, params, todo, options.url, options.schema, options.workers, options.batch_size,
                          on_unit, busy, options.dask, options.copy_streams)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: leave at once; the next run resumes and rebuilds
        progress.close(False)
        raise
    except BaseException:
        progress.close(False)
        if guard is not None and guard.duty:
            # A failed load still leaves the schema whole; if even that fails, the first error is
            # the one to report (the marker makes the next run rebuild).
            try:
                _settle_indexes(guard, progress)
            except Exception:
                pass
        raise
    progress.close(True)
    if options.output_dir is None and options.url is not None and options.url.get_backend_name() == "postgresql":
        skipped = advance_sequences(options.url, options.schema)
        if skipped:
            progress.message(f"could not advance {', '.join(skipped)} past the loaded ids (no UPDATE privilege on "
                             "them): the owner should run setval, or plain INSERTs will reuse ids")
    if guard is not None:
        rebuild_seconds = _settle_indexes(guard, progress)
    if not options.quiet:
        print(progress.summary(), file=out)
    if options.extend_to is not None or options.live:
        from .story import go_on, go_on_files

        say = progress.message if not options.quiet else lambda _line: None
        if options.output_dir is not None:
            go_on_files(options, say)
        else:
            go_on(options, err, say)
    if options.summary_json is not None:
        summary = {
            "params": params.identity(), "workers": options.workers, "batch_size": options.batch_size,
            "seconds": time.monotonic() - progress.started, "index_rebuild_seconds": rebuild_seconds,
            "tables": {t: {"rows": progress.rows.get(t, 0), "copy_seconds": busy.get(t)} for t in TABLE_ORDER},
            # Linux reports KiB: the main process, and the largest of its (finished) worker processes.
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "peak_rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        }
        options.summary_json.write_text(json.dumps(summary, indent=2))
    return 0


def _settle_indexes(guard: IndexGuard, progress: Progress) -> float:
    """Never end with secondary indexes missing: rebuild our duty, or wait for the run that has it
    (taking it over if that run died meanwhile). Returns the seconds the rebuild took."""
    from .load import LoadError
    from .target import db_error_reason

    try:
        if not guard.duty and guard.others_duty():
            progress.message("waiting for the run that dropped the secondary indexes to rebuild them")
            guard.wait_for_duty()
        if not guard.duty:
            return 0.0
        started = time.monotonic()
        progress.message(f"rebuilding {len(guard.duty)} secondary indexes")
        n = guard.rebuild(on_done=lambda i, m: progress.message(f"rebuilt index {i} of {m}"))
    except Exception as exc:
        raise LoadError(f"rebuilding the secondary indexes failed: {db_error_reason(exc)}; run the "
                        "same command again to retry (the loaded rows are kept)") from None
    seconds = time.monotonic() - started
    progress.message(f"rebuilt {n} secondary indexes in {seconds:.1f} s")
    return seconds
