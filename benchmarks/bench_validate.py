"""``python -m bronze_factories.validate`` against a loaded database: wall time and CPU seconds.

Runs the validator's command (every rule, dataset parameters from the load ledger) ``--repeat``
times and reports medians: wall seconds, the client's CPU seconds (on SQLite that is all the work:
the database runs inside the client) and, on PostgreSQL, the server's: the validator's backend and
its parallel workers, read from ``/proc`` while the run goes on (the server must run on this
machine; the backend is found by its ``application_name`` in ``pg_stat_activity``). With
``--compare REF`` the validator of a git ref (e.g. ``main``) runs too, alternating with this
checkout's, and both columns are shown side by side.

    python benchmarks/bench_validate.py --database-url sqlite:///bronze.db
    python benchmarks/bench_validate.py --database-url postgresql://postgres@127.0.0.1/bronze --compare main \
        --before-each "psql -h 127.0.0.1 -U postgres bronze -f forget_statistics.sql"

``--before-each`` runs a shell command before every run, e.g. to put the database back in the state
populate leaves it in: a PostgreSQL run analyzes the tables that lack statistics inside its own
transaction and rolls that back, but ANALYZE's row-count estimates in pg_class stay (as after any
ANALYZE or VACUUM), and they help the plans of the runs that follow. As superuser::

    DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'bronze'::regnamespace);
    UPDATE pg_class SET reltuples = -1, relpages = 0
    WHERE relnamespace = 'bronze'::regnamespace AND relkind IN ('r', 'p');

The default dataset is ``python -m bronze_factories.populate --end-date 2026-01-01`` (7.0 million
rows); validate it where it was loaded. On a shared machine, quote the load average with a figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

import psutil
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bronze_factories.config import make_engine

REPO = Path(__file__).resolve().parent.parent
APP = "bronze_bench_validate"
#: ``python -m bronze_factories.validate``, saying first (on stderr) where the package was imported from.
RUN = ("import sys, bronze_factories.validate as v; print(v.__file__, file=sys.stderr); "
       "sys.argv[0] = 'bronze-validate'; sys.exit(v.main())")


class ServerCpu:
    """CPU seconds of the PostgreSQL backend named ``APP`` and of its parallel workers, sampled from /proc."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.seen: dict[int, float] = {}
        self.backend: int | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ServerCpu:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.engine.dispose()

    def _find_backend(self) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :a LIMIT 1"),
                                {"a": APP}).scalar()

    def _sample(self) -> None:
        while not self.stop.is_set():
            if self.backend is None:
                self.backend = self._find_backend()
            if self.backend is not None:
                worker = f"parallel worker for PID {self.backend}"
                for proc in psutil.process_iter(["pid", "cmdline"]):
                    try:
                        if proc.pid == self.backend or worker in " ".join(proc.info["cmdline"] or ()):
                            t = proc.cpu_times()
                            self.seen[proc.pid] = t.user + t.system
                    except psutil.Error:
                        pass
            self.stop.wait(0.05)

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


def source_of(ref: str, into: Path) -> Path:
    """The package as it is at ``ref``, unpacked under ``into`` (for ``PYTHONPATH``)."""
    archive = into / "src.tar"
    subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", "-o", str(archive), ref, "bronze_factories"],
                   check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def absolute(url: str) -> str:
    """A SQLite URL with an absolute path: the runs work in their own source tree."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return url
    return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)


def run(url: str, path: Path | None) -> dict[str, float]:
    """One validation run; ``path`` is a source tree to import the package from (else this checkout).

    The command runs in that tree: ``python -m`` puts the working directory first on ``sys.path``.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = str(path or REPO)
    backend = make_url(url).get_backend_name()
    named = url
    if backend == "postgresql":
        named = make_url(url).update_query_dict({"application_name": APP}).render_as_string(hide_password=False)
    args = [sys.executable, "-c", RUN, "--database-url", named]
    server = ServerCpu(url) if backend == "postgresql" else None
    before = psutil.Process().cpu_times()
    started = time.perf_counter()
    if server is not None:
        with server:
            done = subprocess.run(args, env=env, cwd=path or REPO, capture_output=True, text=True)
    else:
        done = subprocess.run(args, env=env, cwd=path or REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = psutil.Process().cpu_times()
    if done.returncode not in (0, 1):
        raise SystemExit(f"validate failed with exit status {done.returncode}: {done.stderr.strip()[-500:]}")
    imported = Path(done.stderr.splitlines()[0]).resolve()
    if not imported.is_relative_to((path or REPO).resolve()):
        raise SystemExit(f"the run imported {imported}, not the package under {path or REPO}")
    client = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    return {"wall_s": wall, "client_cpu_s": client, "server_cpu_s": server.seconds if server else float("nan"),
            "summary": done.stdout.strip().splitlines()[-1]}  # type: ignore[dict-item]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a loaded database (e.g. the default dataset)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each validator (default 3)")
    parser.add_argument("--compare", metavar="REF", help="also run the validator of this git ref, alternating")
    parser.add_argument("--before-each", metavar="COMMAND", help="shell command to run before each run (not timed)")
    args = parser.parse_args()
    url = absolute(args.database_url)
    with tempfile.TemporaryDirectory(prefix="bench_validate_") as tmp:
        sources: dict[str, Path | None] = {"this checkout": None}
        if args.compare:
            sources[args.compare] = source_of(args.compare, Path(tmp))
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in sources}
        for i in range(args.repeat):
            for name, path in sources.items():
                if args.before_each:
                    subprocess.run(args.before_each, shell=True, check=True, stdout=subprocess.DEVNULL)
                r = run(url, path)
                runs[name].append(r)
                server = "" if r["server_cpu_s"] != r["server_cpu_s"] else f", server {r['server_cpu_s']:.1f} CPU-s"
                print(f"run {i + 1} {name}: {r['wall_s']:.1f} s wall, client {r['client_cpu_s']:.1f} CPU-s{server}; "
                      f"{r['summary']}", file=sys.stderr, flush=True)
    print(f"validation of {make_url(args.database_url).render_as_string(hide_password=True)}, "
          f"median of {args.repeat} (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    print(f"{'':<16}" + "".join(f"{name:>18}" for name in sources))
    rows = [("wall_s", "wall s"), ("client_cpu_s", "client CPU s")]
    if make_url(url).get_backend_name() == "postgresql":
        rows.append(("server_cpu_s", "server CPU s"))
    for key, label in rows:
        print(f"{label:<16}" + "".join(f"{statistics.median(r[key] for r in runs[n]):>18.1f}" for n in sources))


if __name__ == "__main__":
    main()
