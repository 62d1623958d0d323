"""Generation only: the engine producing load-ready chunks and discarding them.

Prints rows/s per table and in total, with one worker and with two, and the peak RSS of the
generating processes, at scale 1 and scale 5. Each configuration runs in a fresh process so
its peak memory is its own.

    python benchmarks/bench_engine.py                      # default dataset at scales 0.1 to 5
    python benchmarks/bench_engine.py --scales 1 --workers 1 --json out.json
    python benchmarks/bench_engine.py --executors --scales 0.5 --repeat 3   # local pool vs Dask, side by side

Every multi-worker figure goes through ``bronze_factories.executor``, the executor populate uses
(``--executors``: the local process pool against ``--dask local`` with 1 and 2 workers; the time
to start the cluster is reported apart, the rows/s are for mapping the units).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

EXECUTORS = [("local pool", 2, None), ("dask local", 1, "local"), ("dask local", 2, "local")]


def run_executor(scale: float, workers: int, dask: str | None, end_date: str) -> dict:
    """Generation only through one executor of populate: start it, map every unit, count rows."""
    from bronze_factories.engine import Params
    from bronze_factories.engine.simulation import count_rows
    from bronze_factories.executor import open_runner

    params = Params(end_date=dt.date.fromisoformat(end_date), scale=scale)
    started = time.perf_counter()
    runner = open_runner(workers, dask)
    startup = time.perf_counter() - started
    started = time.perf_counter()
    rows = count_rows(params, runner=runner)  # the simulation is built in here, as populate does
    wall = time.perf_counter() - started
    runner.close()
    return {"scale": scale, "workers": workers, "dask": dask, "startup_s": startup, "wall_s": wall,
            "total_rows": sum(rows.values()), "rows_per_s": sum(rows.values()) / wall}


def compare_executors(scale: float, repeat: int, end_date: str, json_path: str) -> None:
    import statistics

    results: dict[int, list[dict]] = defaultdict(list)
    for r in range(repeat):  # alternating, so a slow moment of the machine hits every executor alike
        for i, (name, workers, _) in enumerate(EXECUTORS):
            out = subprocess.run(
                [sys.executable, __file__, "--one-executor", str(i), "--scales", str(scale), "--end-date", end_date],
                check=True, capture_output=True, text=True).stdout
            res = json.loads(out.strip().splitlines()[-1])
            results[i].append(res)
            print(f"run {r + 1}: {name}, {workers} worker(s): {res['rows_per_s']:,.0f} rows/s "
                  f"(start {res['startup_s']:.1f} s)", flush=True)
    print(f"\nscale {scale:g}, {results[0][0]['total_rows']:,} rows, medians of {repeat}")
    print("| executor | workers | rows/s | start (s) |")
    print("|---|---:|---:|---:|")
    for i, (name, workers, _) in enumerate(EXECUTORS):
        rate = statistics.median(x["rows_per_s"] for x in results[i])
        start = statistics.median(x["startup_s"] for x in results[i])
        print(f"| {name} | {workers} | {rate:,.0f} | {start:.1f} |")
    Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    Path(json_path).write_text(json.dumps({str(i): v for i, v in results.items()}, indent=2))
    print(f"\nwritten {json_path}")


def run_one(scale: float, workers: int, end_date: str) -> dict:
    from bronze_factories.engine import Params, generate
    from bronze_factories.engine.simulation import count_rows

    params = Params(end_date=dt.date.fromisoformat(end_date), scale=scale)
    rows: dict[str, int] = defaultdict(int)
    seconds: dict[str, float] = defaultdict(float)
    started = last = time.perf_counter()
    if workers == 1:
        for chunk in generate(params):
            now = time.perf_counter()
            rows[chunk.table] += len(chunk.rows)
            seconds[chunk.table] += now - last  # time since the previous chunk: the work that produced this one
            last = time.perf_counter()
    else:  # workers generate and discard; only counts come back (per-table time is not separable)
        rows.update(count_rows(params, workers=workers))
    wall = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "scale": scale, "workers": workers, "wall_s": wall, "rows": dict(rows), "table_s": dict(seconds),
        "total_rows": sum(rows.values()), "rows_per_s": sum(rows.values()) / wall,
        "peak_rss_mb": own / 1024, "peak_rss_worker_mb": children / 1024,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="0.1,0.5,1,2,5")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--end-date", default="2026-01-01")
    ap.add_argument("--json", default="benchmarks/results/engine.json")
    ap.add_argument("--executors", action="store_true",
                    help="compare the local pool with --dask local (1 and 2 workers) at the first scale")
    ap.add_argument("--repeat", type=int, default=3, help="runs per executor with --executors (medians)")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--one-executor", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_executor is not None:
        _, workers, dask = EXECUTORS[args.one_executor]
        print(json.dumps(run_executor(float(args.scales), workers, dask, args.end_date)))
        return
    if args.executors:
        path = args.json if args.json != "benchmarks/results/engine.json" else "benchmarks/results/executors.json"
        compare_executors(float(args.scales.split(",")[0]), args.repeat, args.end_date, path)
        return
    if args.one:
        print(json.dumps(run_one(float(args.scales), int(args.workers), args.end_date)))
        return
    results = []
    for scale in [float(s) for s in args.scales.split(",")]:
        for workers in [int(w) for w in args.workers.split(",")]:
            out = subprocess.run(
                [sys.executable, __file__, "--one", "--scales", str(scale), "--workers", str(workers),
                 "--end-date", args.end_date], check=True, capture_output=True, text=True,
            ).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
            r = results[-1]
            print(f"scale {scale:g}, {workers} worker(s): {r['total_rows']:,} rows in {r['wall_s']:.1f} s = "
                  f"{r['rows_per_s']:,.0f} rows/s; peak RSS {r['peak_rss_mb']:.0f} MB "
                  f"(largest worker {r['peak_rss_worker_mb']:.0f} MB)", flush=True)
    single = [r for r in results if r["workers"] == 1]
    print("\nrows/s per table, one worker (time between chunks, attributed to the chunk's table)")
    print(f"{'table':<18}{'rows':>14}" + "".join(f"{'scale ' + format(r['scale'], 'g'):>16}" for r in single))
    for table in single[0]["rows"]:
        cells = "".join(f"{r['rows'][table] / max(r['table_s'][table], 1e-9):>14,.0f}/s" for r in single)
        print(f"{table:<18}{single[0]['rows'][table]:>14,}{cells}")
    print(f"{'total':<18}{single[0]['total_rows']:>14,}" + "".join(f"{r['rows_per_s']:>14,.0f}/s" for r in single))
    for scale in sorted({r["scale"] for r in results}):
        by_w = {r["workers"]: r for r in results if r["scale"] == scale}
        if 1 in by_w and len(by_w) > 1:
            for w, r in sorted(by_w.items()):
                if w > 1:
                    print(f"scale {scale:g}: {w} workers / 1 worker = {r['rows_per_s'] / by_w[1]['rows_per_s']:.2f}x")
    print("\ntime per row, one worker:")
    for r in single:
        per_row = 1e6 * r["wall_s"] / r["total_rows"]
        print(f"  scale {r['scale']:g}: {per_row:.2f} us/row, peak RSS {r['peak_rss_mb']:.0f} MB")
    flat = [1e6 * r["wall_s"] / r["total_rows"] for r in single if 0.1 <= r["scale"] <= 2]
    if len(flat) > 1:
        print(f"  slowest / fastest per row over scales 0.1-2: {max(flat) / min(flat):.2f}x")
    by_scale = {r["scale"]: r for r in single}
    if 1.0 in by_scale and 5.0 in by_scale:
        print(f"  peak RSS scale 5 / scale 1: {by_scale[5.0]['peak_rss_mb'] / by_scale[1.0]['peak_rss_mb']:.2f}x")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2))
    print(f"\nwritten {args.json}")


if __name__ == "__main__":
    main()
