"""Helpers of the populate tests: the small dataset, running the CLI, fresh databases, watching a run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from sqlalchemy.engine import URL

from bronze_factories.engine import TABLE_ORDER
from bronze_factories.testing import create_database, drop_database, psycopg2_dsn

#: Small enough for a fast suite, big enough for every table and several partitions' worth of days.
SMALL = ["--customers", "200", "--products", "100", "--orders", "400", "--days", "30", "--sessions-per-day", "60",
         "--end-date", "2026-01-01"]
SMALL_UNITS = 33  # customers, products, stock + 30 days

_counter = iter(range(10**6))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any BRONZE_* setting of the caller, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRONZE_")}
    env.update(extra)
    return env


def run_cli(args: Sequence[str], cwd: str | Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bronze_factories.populate", *args], cwd=cwd,
                          env=env if env is not None else clean_env(), capture_output=True, text=True, timeout=timeout)


def start_cli(args: Sequence[str], cwd: str | Path | None = None, new_session: bool = False
              ) -> subprocess.Popen[str]:
    """populate started with piped output; ``new_session``: in its own session, so that a signal to its
    process group reaches it and its workers, as Ctrl-C in a terminal does."""
    return subprocess.Popen([sys.executable, "-m", "bronze_factories.populate", *args], cwd=cwd, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=new_session)


@contextmanager
def fresh_database(server: URL, tag: str = "pop") -> Iterator[URL]:
    """An empty (unmigrated) database on the server, dropped afterwards."""
    name = f"bronze_{tag}_{os.getpid()}_{next(_counter)}"
    url = create_database(server, name)
    try:
        yield url
    finally:
        drop_database(server, name)


def pg_url(url: URL) -> str:
    """The URL as a user types it (plain ``postgresql://``, password included)."""
    return psycopg2_dsn(url)


def query(url: URL, sql: str, params: tuple = ()) -> list[tuple]:
    conn = psycopg2.connect(psycopg2_dsn(url))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def bronze_tables(url: URL, schema: str = "bronze") -> list[str]:
    return [r[0] for r in query(url, "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (schema,))]


def dataset_rows(path: Path) -> list[list[str]]:
    """A CSV file's rows without ``ingestion_timestamp``: the time of the load, not part of the dataset."""
    import csv

    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    at = rows[0].index("ingestion_timestamp")
    return [r[:at] + r[at + 1:] for r in rows]


def wait_for(proc: subprocess.Popen[str], ready: Callable[[], bool], timeout: float = 120) -> bool:
    """Poll ``ready`` while the run goes on: True once it holds; False if the run ends first or
    ``timeout`` seconds pass (the moment a test kills or signals a run is whatever ``ready`` waits for)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            return True
        time.sleep(0.01)
    return False


def partials(directory: Path) -> list[str]:
    """The partial files a files run is writing (or left behind) in ``directory``, by name."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".partial"))


def ledger_units(url: URL, schema: str = "bronze") -> int:
    """Work units in the ledger; 0 while the migration has not made it yet."""
    if not query(url, "SELECT to_regclass(%s) IS NOT NULL", (f"{schema}.bronze_load_ledger",))[0][0]:
        return 0
    return query(url, f"SELECT count(*) FROM {schema}.bronze_load_ledger")[0][0]


def assert_whole_units(url: URL, schema: str = "bronze") -> None:
    """Every row has its unit in the ledger: per table, the ledger's counts add up to exactly the
    rows there (what a kill, a signal or a lost worker must leave; nothing to check before the ledger)."""
    if not query(url, "SELECT to_regclass(%s) IS NOT NULL", (f"{schema}.bronze_load_ledger",))[0][0]:
        return
    ledger = [r[0] for r in query(url, f"SELECT row_counts FROM {schema}.bronze_load_ledger")]
    for table in TABLE_ORDER:
        assert query(url, f"SELECT count(*) FROM {schema}.{table}")[0][0] == sum(c[table] for c in ledger), table


def sqlite_indexes(db: Path) -> list[tuple[str, str]]:
    """Every index of a SQLite file, ``(name, CREATE statement)``, by name."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()
    finally:
        conn.close()
