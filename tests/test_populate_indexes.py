"""A load into empty tables drops the secondary indexes and rebuilds them exactly, even after a kill."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from checksums import table_checksums
from populate_support import fresh_database, pg_url, query, run_cli, start_cli
from sqlalchemy.engine import URL

from bronze_factories.loaders.indexes import MARKER, MIN_ROWS
from bronze_factories.migrate import check, upgrade

# Estimated ~230,000 rows: above the threshold where dropping indexes pays.
MEDIUM = ["--customers", "500", "--products", "200", "--orders", "1000", "--days", "60", "--sessions-per-day", "220",
          "--end-date", "2026-01-01", "--workers", "1"]
PARENTS = ("raw_customers", "raw_products", "raw_orders", "raw_inventory", "raw_reviews", "raw_sessions",
           "raw_clickstream")


def indexes(url: URL) -> list[tuple[str, str, str]]:
    return query(url, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'bronze' "
                      "AND tablename = ANY(%s) ORDER BY 1, 2", (list(PARENTS),))


def ledger_comment(url: URL) -> str:
    return query(url, "SELECT obj_description('bronze.bronze_load_ledger'::regclass, 'pg_class')")[0][0]


@pytest.fixture(scope="module")
def migrated_indexes(pg_server: URL) -> list[tuple[str, str, str]]:
    with fresh_database(pg_server, "idx") as url:
        upgrade(url)
        return indexes(url)


@pytest.fixture(scope="module")
def medium(pg_server: URL) -> Iterator[tuple[URL, dict, str]]:
    with fresh_database(pg_server, "medium") as url:
        result = run_cli([*MEDIUM, "--database-url", pg_url(url)])
        assert result.returncode == 0, result.stderr
        yield url, table_checksums(url), result.stderr


def test_threshold_is_below_the_medium_dataset() -> None:
    from bronze_factories.engine import Simulation
    from bronze_factories.populate.options import parse

    assert sum(Simulation(parse(MEDIUM, env={}).params).estimate().values()) > MIN_ROWS


def test_indexes_are_dropped_and_rebuilt_exactly(medium: tuple[URL, dict, str], migrated_indexes: list) -> None:
    url, _, stderr = medium
    assert "secondary indexes of the empty tables for the load" in stderr and "rebuilt" in stderr
    n = len([ln for ln in stderr.splitlines() if ln.startswith("rebuilt index ")])  # progress: n of m
    assert n > 0 and [ln for ln in stderr.splitlines() if ln.startswith("rebuilt index ")] == [
        f"rebuilt index {i} of {n}" for i in range(1, n + 1)]
    assert indexes(url) == migrated_indexes
    assert MARKER not in ledger_comment(url)
    check(url)
    # the rebuilt indexes cover the partitions too (an "ON ONLY" index would leave them without)
    part = query(url, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'bronze' "
                      "AND tablename = 'raw_clickstream_p202512'")[0][0]
    assert part == 1 + 6  # primary key + five b-trees + GIN


def test_a_run_killed_without_its_indexes_is_finished_by_the_next(pg_server: URL, medium: tuple[URL, dict, str],
                                                                  migrated_indexes: list) -> None:
    with fresh_database(pg_server) as url:
        args = [*MEDIUM, "--database-url", pg_url(url), "--quiet"]
        proc = start_cli(args)
        deadline = time.monotonic() + 120
        killed = False
        while proc.poll() is None and time.monotonic() < deadline:
            ready = query(url, "SELECT to_regclass('bronze.bronze_load_ledger') IS NOT NULL")[0][0]
            done = query(url, "SELECT count(*) FROM bronze.bronze_load_ledger")[0][0] if ready else 0
            if done >= 10:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.01)
        proc.wait(timeout=60)
        assert killed
        assert MARKER in ledger_comment(url)
        assert len(indexes(url)) == 7  # the primary keys only
        result = run_cli(args)
        assert result.returncode == 0, result.stderr
        assert indexes(url) == migrated_indexes and MARKER not in ledger_comment(url)
        check(url)
        assert table_checksums(url) == medium[1]
