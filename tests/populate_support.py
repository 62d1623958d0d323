"""Helpers of the populate tests: the small dataset, running the CLI, fresh databases."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from sqlalchemy.engine import URL

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


def start_cli(args: Sequence[str], cwd: str | Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bronze_factories.populate", *args], cwd=cwd, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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
