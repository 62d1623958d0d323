"""populate without a URL: the embedded SQLite file bronze.db in the working directory."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from checksums import table_checksums
from populate_support import SMALL, clean_env, run_cli, sqlite_indexes

from bronze_factories.engine import TABLE_ORDER

SMALL_ENV = {"BRONZE_CUSTOMERS": "200", "BRONZE_PRODUCTS": "100", "BRONZE_ORDERS": "400", "BRONZE_DAYS": "30",
             "BRONZE_SESSIONS_PER_DAY": "60", "BRONZE_END_DATE": "2026-01-01"}


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (*TABLE_ORDER, "bronze_load_ledger")}
    finally:
        conn.close()


def test_no_arguments_fills_bronze_db_in_the_working_directory(tmp_path: Path) -> None:
    result = run_cli([], cwd=tmp_path, env=clean_env(**SMALL_ENV))
    assert result.returncode == 0, result.stderr
    n = counts(tmp_path / "bronze.db")
    assert n["raw_customers"] == 200 and n["raw_products"] == 100 and n["raw_orders"] == 400
    assert n["raw_sessions"] == 1800 and all(n[t] > 0 for t in TABLE_ORDER) and n["bronze_load_ledger"] == 33
    assert "raw_clickstream" in result.stdout and "time " in result.stdout  # the summary


def test_sqlite_rerun_adds_nothing_and_matches_postgres_counts(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    args = [*SMALL, "--database-url", f"sqlite:///{db}"]
    assert run_cli([*args, "--workers", "2"]).returncode == 0
    first = table_checksums(f"sqlite:///{db}")
    result = run_cli(args)
    assert result.returncode == 0 and "33 work units were already loaded and skipped" in result.stdout
    assert table_checksums(f"sqlite:///{db}") == first
    one = tmp_path / "one.db"
    assert run_cli([*SMALL, "--database-url", f"sqlite:///{one}", "--workers", "1"]).returncode == 0
    assert table_checksums(f"sqlite:///{one}") == first


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    result = run_cli([*SMALL, "--quiet"], cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    result = run_cli(SMALL, cwd=tmp_path)
    assert "populating: 33 of 33 work units to load" in result.stderr


# Slow (minutes): runs only with BRONZE_SLOW_TESTS=1 (no "slow" marker is registered in setup.cfg).
@pytest.mark.skipif(not os.environ.get("BRONZE_SLOW_TESTS"), reason="slow: default-size run; set BRONZE_SLOW_TESTS=1")
def test_slow_no_arguments_at_all_default_size(tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_cli([], cwd=tmp_path, timeout=3600)
    assert result.returncode == 0, result.stderr
    n = counts(tmp_path / "bronze.db")
    assert (n["raw_customers"], n["raw_products"], n["raw_orders"], n["raw_sessions"]) == (10_000, 5_000, 50_000,
                                                                                            365_000)
    assert all(n[t] > 0 for t in TABLE_ORDER)
    print(f"default populate into SQLite: {time.monotonic() - started:.0f} s, {n}")


def test_bulk_load_drops_indexes_and_a_killed_runs_are_rebuilt_by_the_next(tmp_path: Path) -> None:
    import datetime as dt

    from sqlalchemy.engine import make_url

    from bronze_factories.engine import Params, Simulation
    from bronze_factories.loaders.sqlite import BULK_KEPT, BULK_PAGE_SIZE, MARKER_TABLE, SqliteLoader, pack
    from bronze_factories.migrate import upgrade

    db = tmp_path / "k.db"
    url = make_url(f"sqlite:///{db}")
    upgrade(url)
    migrated = sqlite_indexes(db)
    params = Params(end_date=dt.date(2026, 1, 1), customers=200, products=100, orders=400, days=30,
                    sessions_per_day=60)
    sim = Simulation(params)
    first, second = sim.units()[:2]
    loader = SqliteLoader(url, params)  # empty tables: a bulk load, its secondary indexes dropped
    assert len(sqlite_indexes(db)) < len(migrated)
    assert loader.load_packed(first, pack(sim.generate_unit(first))) is not None
    loader.close()  # killed before finish(): the marker table keeps the duty
    loader = SqliteLoader(url, params)
    try:
        assert loader.load_packed(first, pack(sim.generate_unit(first))) is None  # already in the ledger
        assert loader.load_unit(second, sim.generate_unit(second)) is not None
        missing = len(migrated) - len(sqlite_indexes(db))
        assert missing == 31 - len(BULK_KEPT) and loader.finish() == missing  # the rest are kept up
    finally:
        loader.close()
    assert sqlite_indexes(db) == migrated
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (MARKER_TABLE,)).fetchone() == (0,)
        assert conn.execute("PRAGMA page_size").fetchone() == (BULK_PAGE_SIZE,)
    finally:
        conn.close()
