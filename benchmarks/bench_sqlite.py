"""The Quick start's main job: ``python -m bronze_factories.populate`` with no arguments, into ``bronze.db``.

Runs the command in a fresh directory (so the embedded default, ``sqlite:///bronze.db``, is a new
file) and reports its wall time, peak RSS (the main process and its largest worker, as populate's
``--summary-json`` reports them), CPU seconds of the main process (the one SQLite writer) and of its
workers, the rows, and the file's size. ``--scale`` runs a smaller dataset on a busy machine;
``--repeat`` gives medians. ``--end-date`` is fixed so that every run loads the same rows.

    python benchmarks/bench_sqlite.py                  # the default dataset, as the Quick start runs it
    python benchmarks/bench_sqlite.py --scale 0.1 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bronze_factories.engine import TABLE_ORDER

END_DATE = "2026-01-01"


def run(scale: str | None, workers: int | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_sqlite_") as tmp:
        args = [sys.executable, "-m", "bronze_factories.populate", "--end-date", END_DATE, "--quiet",
                "--summary-json", "summary.json"]
        if scale is not None:
            args += ["--scale", scale]
        if workers is not None:
            args += ["--workers", str(workers)]
        started = time.perf_counter()
        proc = psutil.Popen(args, cwd=tmp)
        main_cpu = children_cpu = 0.0
        while proc.poll() is None:  # the main process's own CPU and its finished workers', until it exits
            try:
                t = proc.cpu_times()
                main_cpu, children_cpu = t.user + t.system, t.children_user + t.children_system
            except psutil.Error:
                pass
            time.sleep(0.2)
        wall = time.perf_counter() - started
        if proc.returncode:
            raise SystemExit(f"populate failed with exit status {proc.returncode}")
        summary = json.loads((Path(tmp) / "summary.json").read_text())
        db = Path(tmp) / "bronze.db"
        conn = sqlite3.connect(db)
        try:
            rows = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLE_ORDER}
        finally:
            conn.close()
        return {"wall_s": wall, "peak_rss_mb": summary["peak_rss_mb"], "peak_rss_worker_mb": summary["peak_rss_worker_mb"],
                "main_cpu_s": main_cpu, "workers_cpu_s": children_cpu, "rows": rows,
                "file_mb": db.stat().st_size / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default=None, help="populate's --scale (default: none, the Quick start's dataset)")
    ap.add_argument("--workers", type=int, default=None, help="populate's --workers (default: populate's own)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", default="benchmarks/results/sqlite.json")
    args = ap.parse_args()
    runs = []
    for i in range(args.repeat):
        r = run(args.scale, args.workers)
        runs.append(r)
        print(f"run {i + 1}: {r['wall_s']:.1f} s wall, peak RSS {r['peak_rss_mb']:.0f} MB main / "
              f"{r['peak_rss_worker_mb']:.0f} MB largest worker, CPU {r['main_cpu_s']:.1f} s main (writer) + "
              f"{r['workers_cpu_s']:.1f} s workers, {sum(r['rows'].values()):,} rows, {r['file_mb']:.0f} MB file",
              flush=True)
    med = {k: statistics.median(r[k] for r in runs)
           for k in ("wall_s", "peak_rss_mb", "peak_rss_worker_mb", "main_cpu_s", "workers_cpu_s", "file_mb")}
    print(f"\nmedians of {args.repeat}: wall {med['wall_s']:.1f} s; peak RSS {med['peak_rss_mb']:.0f} MB main, "
          f"{med['peak_rss_worker_mb']:.0f} MB largest worker; CPU {med['main_cpu_s']:.1f} s main + "
          f"{med['workers_cpu_s']:.1f} s workers; bronze.db {med['file_mb']:.0f} MB")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"scale": args.scale, "runs": runs, "medians": med}, indent=2))
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
