"""End to end against a fair floor: populate into PostgreSQL versus plain COPY of the same rows.

The floor is the fastest plain loading of the same rows that a competent user would script:

* the rows pre-generated to files, in the format populate sends (COPY text, made by
  :func:`bronze_factories.loaders.copytext.copy_text`), split between as many files per table as
  populate has workers (work units dealt round-robin, as populate's workers take them);
* loaded with ``psql \\copy ... FROM`` (``COPY ... FROM STDIN``) over as many concurrent sessions as
  populate uses, each with populate's session settings (``synchronous_commit = off``,
  ``maintenance_work_mem = '512MB'``);
* into the same freshly migrated schema and partitions, with the same secondary indexes dropped
  before and rebuilt after from their own ``pg_indexes.indexdef``, over as many sessions as
  populate rebuilds with, largest tables first, ``max_parallel_maintenance_workers = 2``.

**End to end** is ``populate`` into a fresh database (migration, partitions, load, index rebuild).
First one unmeasured run of each (``--warmup``): the first run on a server pays alone for what
later runs reuse (new WAL segment files, cold caches), which made whichever ran first several
seconds slower. Then each repetition runs both, in alternating order, each after ``sync``. For each
run: wall seconds, client CPU seconds (the populate process and its workers, or the psql processes
plus the rebuild threads) and server CPU seconds (user + system time of the PostgreSQL processes
serving the benchmark's database, read from ``/proc`` every 0.1 s; the shared background writer,
WAL writer and checkpointer are reported apart). Prints medians, ratios and the CPU split, and writes JSON.

    python benchmarks/bench_populate.py                       # default dataset, 3 repetitions
    python benchmarks/bench_populate.py --scale 0.1 --repeat 3 --json out.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
from sqlalchemy import text

from bronze_factories.config import make_engine
from bronze_factories.engine import TABLE_ORDER, Params, Simulation
from bronze_factories.engine.columns import COLUMNS
from bronze_factories.loaders.copytext import KINDS, NULLABLE, copy_text
from bronze_factories.migrate import upgrade
from bronze_factories.populate.target import create_partitions
from bronze_factories.testing import create_database, drop_database, psycopg2_dsn, resolve_server_url

END_DATE = "2026-01-01"
SESSION = ["SET synchronous_commit = off", "SET maintenance_work_mem = '512MB'"]
TICK = os.sysconf("SC_CLK_TCK")
BACKGROUND = ("walwriter", "checkpointer", "background writer")


class ServerCpu:
    """CPU seconds of the server processes working for one database, sampled from ``/proc``.

    A backend's counters are read until it exits, so up to one sampling interval of its life is
    missed; parallel workers are counted with the backend that started them. The shared
    background processes (WAL writer, checkpointer, background writer) also work for everyone
    else on the server, so their growth is kept apart.
    """

    def __init__(self, server_dsn: str, database: str, interval: float = 0.1) -> None:
        conn = psycopg2.connect(server_dsn)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                # Read while the backend lives: after close it may be gone before /proc is read.
                self.postmaster = _stat(cur.fetchone()[0])[0]
        finally:
            conn.close()
        self.needle = f" {database} "
        self.interval = interval
        self.seen: dict[int, int] = {}
        self.background: dict[int, int] = {}
        self.start_background: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                ppid, ticks = _stat(pid)
                if ppid != self.postmaster:
                    continue
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, ValueError):
                continue
            if self.needle in cmdline or ("parallel worker for PID" in cmdline and any(
                    cmdline.strip().endswith(f"PID {p}") for p in self.seen)):
                self.seen[pid] = max(ticks, self.seen.get(pid, 0))
            elif any(b in cmdline for b in BACKGROUND):
                self.background[pid] = ticks
                self.start_background.setdefault(pid, ticks)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> ServerCpu:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def seconds(self) -> float:
        return sum(self.seen.values()) / TICK

    @property
    def background_seconds(self) -> float:
        return sum(t - self.start_background.get(p, t) for p, t in self.background.items()) / TICK


def _stat(pid: int) -> tuple[int, int]:
    """Parent pid and utime + stime (clock ticks) of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def write_copy_files(params: Params, sessions: int, out: Path) -> dict[str, int]:
    """Every table's rows as COPY text, dealt unit by unit round-robin into ``sessions`` files per table."""
    out.mkdir(parents=True, exist_ok=True)
    sim = Simulation(params)
    files = {(t, s): open(out / f"{t}.{s}.txt", "w") for t in TABLE_ORDER for s in range(sessions)}
    rows = dict.fromkeys(TABLE_ORDER, 0)
    try:
        for i, unit in enumerate(sim.units()):
            for chunk in sim.generate_unit(unit, 50_000):
                files[chunk.table, i % sessions].write(copy_text(chunk.rows, KINDS[chunk.table], NULLABLE[chunk.table]))
                rows[chunk.table] += len(chunk.rows)
    finally:
        for f in files.values():
            f.close()
    return rows


def populate(server, size: list[str], workers: int, name: str) -> dict:
    """``populate`` into a fresh database: wall, client and server CPU seconds, its summary."""
    url = create_database(server, name)
    try:
        with tempfile.NamedTemporaryFile(suffix=".json") as summary, \
                ServerCpu(psycopg2_dsn(url), name) as server_cpu:
            cpu0 = _children_cpu()
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bronze_factories.populate", "--end-date", END_DATE, "--quiet",
                            "--summary-json", summary.name, *size, "--workers", str(workers), "--database-url",
                            psycopg2_dsn(url)], check=True)
            wall = time.perf_counter() - started
            client = _children_cpu() - cpu0
            data = json.loads(Path(summary.name).read_text())
    finally:
        drop_database(server, name)
    return {"wall_s": wall, "client_cpu_s": client, "server_cpu_s": server_cpu.seconds,
            "server_background_cpu_s": server_cpu.background_seconds,
            "index_rebuild_s": data["index_rebuild_seconds"],
            "peak_rss_mb": data["peak_rss_mb"] + data["peak_rss_worker_mb"],
            "rows": {t: data["tables"][t]["rows"] for t in TABLE_ORDER}}


def _index_definitions(conn) -> list[tuple[str, str]]:
    # The same selection populate's IndexGuard makes: every index that backs no constraint.
    return conn.execute(text(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
        "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname "
        "WHERE i.schemaname = 'bronze' AND i.tablename = ANY(:t) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) ORDER BY 1"),
        {"t": list(TABLE_ORDER)}).all()


def _rebuild(dsn: str, definitions: list[str], sizes: dict[str, int], sessions: int) -> float:
    """The definitions over ``sessions`` connections, largest tables first; client CPU seconds of the threads."""
    pending = sorted(definitions, key=lambda d: sizes[d], reverse=True)
    lock = threading.Lock()
    cpu: list[float] = []
    errors: list[BaseException] = []

    def work() -> None:
        started = time.thread_time()
        try:
            conn = psycopg2.connect(dsn)
            conn.autocommit = True
            with conn, conn.cursor() as cur:
                for statement in [*SESSION, "SET max_parallel_maintenance_workers = 2"]:
                    cur.execute(statement)
                while True:
                    with lock:
                        if not pending:
                            break
                        definition = pending.pop(0)
                    cur.execute(definition.replace(" ON ONLY ", " ON ", 1))
            conn.close()
        except BaseException as exc:  # re-raised below
            errors.append(exc)
        cpu.append(time.thread_time() - started)

    threads = [threading.Thread(target=work) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return sum(cpu)


def floor(server, files: Path, params: Params, sessions: int, name: str) -> dict:
    """COPY of the pre-generated files into a fresh schema, indexes dropped and rebuilt: wall and CPU seconds."""
    url = create_database(server, name)
    dsn = psycopg2_dsn(url)
    try:
        with ServerCpu(dsn, name) as server_cpu:
            cpu0 = _children_cpu()
            started = time.perf_counter()
            upgrade(url)
            engine = make_engine(url)
            with engine.connect() as conn:
                create_partitions(conn, "bronze", params)
                defs = _index_definitions(conn)
                for index, _ in defs:
                    conn.execute(text(f'DROP INDEX bronze."{index}"'))
                conn.commit()
            loading = time.perf_counter()
            procs = []
            for s in range(sessions):
                commands = [*SESSION, *(
                    f"\\copy bronze.{t} ({', '.join(COLUMNS[t])}) FROM '{files / f'{t}.{s}.txt'}'"
                    for t in TABLE_ORDER)]
                procs.append(subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", dsn,
                                               *(a for c in commands for a in ("-c", c))],
                                              stdout=subprocess.DEVNULL))
            if any(p.wait() for p in procs):
                raise RuntimeError("psql \\copy failed")
            copied = time.perf_counter()
            with engine.connect() as conn:
                sizes = {d: _table_bytes(conn, d) for _, d in defs}
            engine.dispose()
            rebuild_cpu = _rebuild(dsn, [d for _, d in defs], sizes, sessions)
            wall = time.perf_counter() - started
            client = _children_cpu() - cpu0 + rebuild_cpu
            rebuild = time.perf_counter() - copied
    finally:
        drop_database(server, name)
    return {"wall_s": wall, "client_cpu_s": client, "server_cpu_s": server_cpu.seconds,
            "server_background_cpu_s": server_cpu.background_seconds,
            "copy_s": copied - loading, "index_rebuild_s": rebuild}


def _table_bytes(conn, definition: str) -> int:
    table = definition.split(" ON ", 1)[1].replace("ONLY ", "", 1).split(" USING ", 1)[0].strip()
    return int(conn.execute(text(
        "SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM pg_class WHERE oid = CAST(:t AS regclass) "
        "OR oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = CAST(:t AS regclass))"), {"t": table}).scalar())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="1", help="dataset scale (0.1 for a quick run on a busy machine)")
    ap.add_argument("--workers", type=int, default=2, help="populate's --workers, and the floor's sessions")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each before the measured ones")
    ap.add_argument("--server", default=None, help="PostgreSQL server URL (default: $BRONZE_TEST_DATABASE_URL or local)")
    ap.add_argument("--json", default="benchmarks/results/populate.json")
    args = ap.parse_args()
    server = resolve_server_url(args.server)
    size = ["--scale", args.scale]
    params = Params(end_date=dt.date.fromisoformat(END_DATE), scale=float(args.scale))
    runs: dict[str, list[dict]] = {"end_to_end": [], "floor": []}
    tag = f"{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        rows = write_copy_files(params, args.workers, Path(tmp))
        print(f"floor files: {sum(rows.values()):,} rows in COPY text, {args.workers} per table, "
              f"written in {time.perf_counter() - started:.0f} s", flush=True)
        for i in range(args.warmup):  # not measured: see the module's docstring
            floor(server, Path(tmp), params, args.workers, f"bench_floor_{tag}_warmup{i}")
            populate(server, size, args.workers, f"bench_end_to_end_{tag}_warmup{i}")
            print(f"warm-up {i + 1}: one run of each, not counted", flush=True)
        for i in range(args.repeat):
            order = ("end_to_end", "floor") if i % 2 == 0 else ("floor", "end_to_end")
            for kind in order:
                name = f"bench_{kind}_{tag}_{i}"
                # Each run starts with nothing left to write back: the floor files just written (7 GB
                # at the default size) or the previous run's dropped database would otherwise be
                # flushed during the next run, which made every first run several seconds slower.
                os.sync()
                result = (populate(server, size, args.workers, name) if kind == "end_to_end"
                          else floor(server, Path(tmp), params, args.workers, name))
                runs[kind].append(result)
                print(f"run {i + 1} {kind:<10} {result['wall_s']:7.1f} s wall, client {result['client_cpu_s']:6.1f}"
                      f" CPU-s, server {result['server_cpu_s']:6.1f} CPU-s (+{result['server_background_cpu_s']:.1f}"
                      f" background), index rebuild {result['index_rebuild_s']:.1f} s", flush=True)
    assert runs["end_to_end"][0]["rows"] == rows, "populate and the floor files differ in row counts"

    keys = ("wall_s", "client_cpu_s", "server_cpu_s", "server_background_cpu_s", "index_rebuild_s")
    med = {k: {f: statistics.median(r[f] for r in v) for f in keys} for k, v in runs.items()}
    e2e, fl = med["end_to_end"], med["floor"]
    print(f"\nscale {args.scale}: {sum(rows.values()):,} rows; {args.workers} workers / sessions; "
          f"medians of {args.repeat} alternating run(s)")
    print(f"{'':<24}{'end to end':>12}{'floor':>10}{'ratio':>8}")
    for f, label in zip(keys, ("wall s", "client CPU s", "server CPU s", "server background CPU s",
                               "index rebuild s"), strict=True):
        print(f"{label:<24}{e2e[f]:>12.1f}{fl[f]:>10.1f}{e2e[f] / fl[f] if fl[f] else float('nan'):>8.2f}")
    print(f"{'floor COPY phase s':<24}{'':>12}{statistics.median(r['copy_s'] for r in runs['floor']):>10.1f}")
    print(f"client CPU / server CPU: end to end {e2e['client_cpu_s'] / e2e['server_cpu_s']:.2f}, "
          f"floor {fl['client_cpu_s'] / fl['server_cpu_s']:.2f}")
    print(f"peak RSS of populate (main process + largest worker): "
          f"{max(r['peak_rss_mb'] for r in runs['end_to_end']):.0f} MB")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"scale": args.scale, "workers": args.workers, "rows": rows,
                                           "runs": runs, "medians": med}, indent=2))
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
