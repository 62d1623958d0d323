"""End to end against the floor: populate into PostgreSQL versus ``psql \\copy`` of the same rows.

In one run, on one machine, for each repetition (order alternating):

* **end to end**: ``populate`` into a fresh database (migrate, partitions, load, indexes), wall
  time and peak RSS of the populate process and its workers, COPY seconds per table;
* **the floor**: the same rows, written once by populate's CSV target, loaded by ``psql \\copy``
  into a fresh migrated schema with the same partitions, secondary indexes dropped before and
  rebuilt after (one psql session per step), wall time per table and in total.

Prints medians and the ratios end-to-end / floor, per table and in total, and writes JSON.

    python benchmarks/bench_populate.py                       # default dataset, 3 repetitions
    python benchmarks/bench_populate.py --scale 0.1 --repeat 1 --json out.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bronze_factories.config import make_engine
from bronze_factories.engine import TABLE_ORDER, Params
from bronze_factories.migrate import upgrade
from bronze_factories.populate.target import create_partitions
from bronze_factories.testing import create_database, drop_database, psycopg2_dsn, resolve_server_url

END_DATE = "2026-01-01"


def populate(args: list[str]) -> tuple[float, float, dict]:
    """Run populate; wall seconds, peak RSS (MB) of the process plus its largest worker, its summary JSON."""
    with tempfile.NamedTemporaryFile(suffix=".json") as summary:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bronze_factories.populate", "--end-date", END_DATE, "--quiet",
                        "--summary-json", summary.name, *args], check=True)
        wall = time.perf_counter() - started
        data = json.loads(Path(summary.name).read_text())
        return wall, data["peak_rss_mb"] + data["peak_rss_worker_mb"], data


def psql(dsn: str, command: str) -> float:
    started = time.perf_counter()
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", dsn, "-c", command], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def end_to_end(server, size: list[str], workers: int, name: str) -> dict:
    url = create_database(server, name)
    try:
        wall, rss, summary = populate([*size, "--workers", str(workers), "--database-url",
                                       url.set(drivername="postgresql").render_as_string(hide_password=False)])
    finally:
        drop_database(server, name)
    tables = {t: summary["tables"][t]["copy_seconds"] for t in TABLE_ORDER}
    return {"wall_s": wall, "peak_rss_mb": rss, "tables_s": tables, "index_rebuild_s": summary["index_rebuild_seconds"],
            "rows": {t: summary["tables"][t]["rows"] for t in TABLE_ORDER}}


def floor(server, csv_dir: Path, params: Params, name: str) -> dict:
    url = create_database(server, name)
    try:
        upgrade(url)
        engine = make_engine(url)
        with engine.connect() as conn:
            create_partitions(conn, "bronze", params)
            defs = conn.execute(text(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
                "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname "
                "WHERE i.schemaname = 'bronze' AND i.tablename = ANY(:t) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)"),
                {"t": list(TABLE_ORDER)}).all()
            for index, _ in defs:
                conn.execute(text(f'DROP INDEX bronze."{index}"'))
            conn.commit()
        engine.dispose()
        dsn = psycopg2_dsn(url)
        started = time.perf_counter()
        tables = {}
        for table in TABLE_ORDER:
            files = sorted(csv_dir.glob(f"{table}*.csv"))
            tables[table] = sum(
                psql(dsn, f"\\copy bronze.{table} FROM '{f}' WITH (FORMAT csv, HEADER true)")
                for f in files)
        script = ";\n".join(d.replace(" ON ONLY ", " ON ", 1) for _, d in defs) + ";"
        rebuild = psql(dsn, script)
        wall = time.perf_counter() - started
    finally:
        drop_database(server, name)
    return {"wall_s": wall, "tables_s": tables, "index_rebuild_s": rebuild}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="1")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--server", default=None, help="PostgreSQL server URL (default: $BRONZE_TEST_DATABASE_URL or local)")
    ap.add_argument("--json", default="benchmarks/results/populate.json")
    args = ap.parse_args()
    server = resolve_server_url(args.server)
    size = ["--scale", args.scale]
    params = Params(end_date=__import__("datetime").date.fromisoformat(END_DATE), scale=float(args.scale))
    runs: dict[str, list[dict]] = {"end_to_end": [], "floor": []}
    with tempfile.TemporaryDirectory() as tmp:
        csv_dir = Path(tmp) / "csv"
        populate([*size, "--output-dir", str(csv_dir), "--format", "csv"])
        for i in range(args.repeat):
            order = ("end_to_end", "floor") if i % 2 == 0 else ("floor", "end_to_end")
            for kind in order:
                name = f"bench_{kind}_{i}"
                result = (end_to_end(server, size, args.workers, name) if kind == "end_to_end"
                          else floor(server, csv_dir, params, name))
                runs[kind].append(result)
                print(f"run {i + 1} {kind:<10} {result['wall_s']:7.1f} s", flush=True)

    med = {k: {"wall_s": statistics.median(r["wall_s"] for r in v),
               "index_rebuild_s": statistics.median(r["index_rebuild_s"] for r in v),
               "tables_s": {t: statistics.median(r["tables_s"][t] for r in v) for t in TABLE_ORDER}}
           for k, v in runs.items()}
    rows = runs["end_to_end"][0]["rows"]
    e2e, fl = med["end_to_end"], med["floor"]
    print(f"\nscale {args.scale}, {args.workers} workers, {args.repeat} repetition(s), medians")
    print(f"{'table':<18}{'rows':>12}{'populate s':>12}{'psql s':>10}{'ratio':>8}")
    for t in TABLE_ORDER:
        ratio = e2e["tables_s"][t] / fl["tables_s"][t] if fl["tables_s"][t] else float("nan")
        print(f"{t:<18}{rows[t]:>12,}{e2e['tables_s'][t]:>12.1f}{fl['tables_s'][t]:>10.1f}{ratio:>8.2f}")
    print(f"{'index rebuild':<18}{'':>12}{e2e['index_rebuild_s']:>12.1f}{fl['index_rebuild_s']:>10.1f}")
    print(f"{'total (wall)':<18}{sum(rows.values()):>12,}{e2e['wall_s']:>12.1f}{fl['wall_s']:>10.1f}"
          f"{e2e['wall_s'] / fl['wall_s']:>8.2f}")
    print(f"peak RSS of populate (main process + largest worker): "
          f"{max(r['peak_rss_mb'] for r in runs['end_to_end']):.0f} MB")
    print("(populate's per-table seconds are COPY time summed over its workers, generation included)")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"scale": args.scale, "workers": args.workers, "runs": runs,
                                           "medians": med}, indent=2))
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
