"""One populate run from a checked invocation: plan, prepare the target, load, summarize."""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from typing import IO

from ..engine import TABLE_ORDER, Simulation
from .load import load_database, write_files
from .options import Options
from .progress import Progress
from .target import shown


def describe_target(options: Options) -> str:
    if options.partitioned:
        return f"{options.format} files per table and work unit at {options.output_location}"
    if options.output_dir is not None:
        return f"{options.format} files in {options.output_dir}"
    assert options.url is not None
    if options.url.get_backend_name() == "sqlite":
        return f"SQLite file {options.url.database}"
    return f"{shown(options.url)}, schema {options.schema}"


def run_text(options: Options) -> str:
    """Where the work units run: local processes or a Dask cluster."""
    if options.dask is None:
        return f"{options.workers} worker(s)"
    if options.dask == "local":
        return f"local Dask cluster of {options.workers} worker(s)"
    return f"Dask scheduler {options.dask}"


def plan_text(options: Options, sim: Simulation, units: list[str], all_units: int) -> str:
    p = sim.params
    estimate = sim.estimate()
    lines = [
        f"dataset   customers={p.customers:,} products={p.products:,} orders={p.orders:,} days={p.days} "
        f"sessions/day={p.sessions_per_day:,} events/session={p.events_min}-{p.events_max} "
        f"warehouses={p.warehouses} seed={p.seed}",
        f"window    {p.start.date()} .. {(p.end - dt.timedelta(days=1)).date()} (end date {p.end_date}"
        f"{'' if options.end_date_given else ', today in UTC'})",
        f"key       {p.key()}",
        f"target    {describe_target(options)}",
        f"run       {run_text(options)}, batch size {options.batch_size:,}"
        + (f", shard {options.shard[0]}/{options.shard[1]}: {len(units)} of {all_units} work units"
           if options.shard else f", {len(units)} work units"),
        "",
        f"{'table':<16} {'estimated rows':>15}",
    ]
    for table in TABLE_ORDER:
        lines.append(f"{table:<16} {estimate.get(table, 0):>15,}")
    lines.append(f"{'total':<16} {sum(estimate.get(t, 0) for t in TABLE_ORDER):>15,}")
    return "\n".join(lines)


def populate(options: Options, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run the invocation; raise ``TargetError``/``LoadError`` for runtime failures."""
    from .target import prepare_database, prepare_directory

    out = out or sys.stdout
    err = err or sys.stderr
    params = options.params
    # Everything that can be checked without the target is checked first (see options); the
    # simulation is built before touching the target too, so a failure there leaves nothing behind.
    if options.output_dir is not None and not options.partitioned and not options.plan:
        prepare_directory(options.output_dir, options.format)
    sim = Simulation(params)
    all_units = sim.units()
    units = sim.units(options.shard) if options.shard else all_units
    if options.plan:
        print(plan_text(options, sim, units, len(all_units)), file=out)
        return 0

    estimate = sim.estimate()
    if options.shard:  # the bars' totals: this shard's share, roughly
        share = len(units) / max(1, len(all_units))
        estimate = {t: max(1, round(n * share)) for t, n in estimate.items()}
    totals = {t: estimate.get(t, 0) for t in TABLE_ORDER}

    guard = None
    if options.output_dir is None and options.output_url is None:
        assert options.url is not None
        url = options.url

        def claim_indexes(fresh: bool) -> None:
            nonlocal guard
            if url.get_backend_name() == "postgresql":
                from ..loaders.indexes import IndexGuard

                guard = IndexGuard(url, options.schema, TABLE_ORDER)
                guard.claim(fresh, sum(totals.values()))

        try:
            prepared = prepare_database(url, options.schema, params, options.reset, options.end_date_given,
                                        under_lock=claim_indexes)
        except BaseException:
            if guard is not None:
                guard.close()
            raise
        todo = [u for u in units if u not in prepared.done]
    else:
        todo = units

    progress = Progress(totals, Progress.choose_mode(options.quiet, err), stream=err)
    if guard is not None and guard.dropped:
        progress.message(f"dropped {guard.dropped} secondary indexes of the empty tables for the load; "
                         "they are rebuilt at its end")
    progress.message(f"populating {describe_target(options)}: {len(todo)} of {len(units)} work units to load "
                     f"(end date {params.end_date}, seed {params.seed})")
    progress.skipped_units = len(units) - len(todo)

    def on_unit(unit: str, counts: dict[str, int] | None) -> None:
        if counts is None:
            progress.skipped_units += 1
        else:
            progress.add(counts)

    busy: dict[str, float] = {}
    rebuild_seconds = 0.0
    completed = False
    try:
        if options.partitioned:
            from .load import write_partitioned

            assert options.output_location is not None
            write_partitioned(sim, params, todo, options.output_location, options.format, options.workers,
                              options.batch_size, on_unit, options.dask)
        elif options.output_dir is not None:
            from ..loaders.files import FileSink

            sink = FileSink(options.output_dir, options.format, options.shard)
            write_files(sim, params, todo, sink, options.workers, options.batch_size, on_unit, options.dask)
        else:
            assert options.url is not None
            load_database(sim, params, todo, options.url, options.schema, options.workers, options.batch_size,
                          on_unit, busy, options.dask, options.copy_streams)
        completed = True
    except KeyboardInterrupt:
        completed = None  # type: ignore[assignment]  # leave any index rebuild to the next run: it resumes
        raise
    finally:
        progress.close(bool(completed))
        if guard is not None:
            try:
                if completed is not None and guard.duty:
                    started = time.monotonic()
                    progress.message(f"rebuilding {len(guard.duty)} secondary indexes")
                    try:
                        n = guard.rebuild()
                    except Exception as exc:
                        from .load import LoadError
                        from .target import db_error_reason

                        raise LoadError(f"rebuilding the secondary indexes failed: {db_error_reason(exc)}; run the "
                                        "same command again to retry (the loaded rows are kept)") from None
                    rebuild_seconds = time.monotonic() - started
                    progress.message(f"rebuilt {n} secondary indexes in {rebuild_seconds:.1f} s")
            finally:
                guard.close()
    if not options.quiet:
        print(progress.summary(), file=out)
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
