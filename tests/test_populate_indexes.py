"""A load into empty tables drops the secondary indexes and rebuilds them exactly, even after a kill."""

from __future__ import annotations

import json
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


# -- indexes the run did not create, and runs that end while the indexes are another run's duty -------

LOW_THRESHOLD = {"BRONZE_INDEX_DROP_MIN_ROWS": "1"}  # the small dataset takes the drop/rebuild path


def test_idempotent_rebuild_statements() -> None:
    from bronze_factories.loaders.indexes import idempotent

    assert idempotent("CREATE UNIQUE INDEX u ON ONLY s.t USING btree (a)") == \
        "CREATE UNIQUE INDEX IF NOT EXISTS u ON s.t USING btree (a)"
    assert idempotent("CREATE INDEX i ON s.t USING gin (b)") == "CREATE INDEX IF NOT EXISTS i ON s.t USING gin (b)"
    assert idempotent("CREATE INDEX IF NOT EXISTS i ON s.t USING gin (b)") == \
        "CREATE INDEX IF NOT EXISTS i ON s.t USING gin (b)"


def test_users_unique_index_is_left_alone_and_own_indexes_rebuilt_exactly(pg_server: URL) -> None:
    from populate_support import SMALL, clean_env

    with fresh_database(pg_server, "uniq") as url:
        upgrade(url)
        query(url, "CREATE UNIQUE INDEX my_unique_customer ON bronze.raw_customers (customer_id, email);"
                   "CREATE INDEX my_lower_email ON bronze.raw_customers (lower(email::text)) WHERE email IS NOT NULL")
        before = indexes(url)
        oid = query(url, "SELECT 'bronze.my_unique_customer'::regclass::oid")[0][0]
        args = [*SMALL, "--database-url", pg_url(url), "--workers", "1"]
        result = run_cli(args, env=clean_env(**LOW_THRESHOLD))
        assert result.returncode == 0, result.stderr
        assert "secondary indexes of the empty tables for the load" in result.stderr
        assert indexes(url) == before  # the user's expression index too, exactly
        assert query(url, "SELECT 'bronze.my_unique_customer'::regclass::oid")[0][0] == oid  # never dropped
        # A duty left by a killed run that holds a UNIQUE index which exists (an older version dropped
        # unique ones too): the rerun finishes it instead of failing on "already exists" for good.
        unique_def = next(d for _, n, d in before if n == "my_unique_customer")
        query(url, "COMMENT ON TABLE bronze.bronze_load_ledger IS %s", (MARKER + json.dumps([unique_def]),))
        result = run_cli(args, env=clean_env(**LOW_THRESHOLD))
        assert result.returncode == 0, result.stderr
        assert indexes(url) == before and MARKER not in (ledger_comment(url) or "")


def test_a_run_does_not_end_while_the_indexes_are_missing(pg_server: URL, migrated_indexes: list) -> None:
    import psycopg2
    from populate_support import SMALL, SMALL_UNITS

    from bronze_factories.engine import TABLE_ORDER
    from bronze_factories.loaders.indexes import IndexGuard
    from bronze_factories.testing import psycopg2_dsn

    with fresh_database(pg_server, "wait") as url:
        upgrade(url)
        # A run that dropped the indexes was killed; its server backend still holds the duty's lock.
        guard = IndexGuard(url, "bronze", TABLE_ORDER)
        guard.claim(True, 10**9)
        guard.close()
        assert MARKER in ledger_comment(url) and len(indexes(url)) == 7
        backend = psycopg2.connect(psycopg2_dsn(url))
        backend.autocommit = True
        with backend.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(hashtext('bronze_factories.indexes:bronze'))")
        try:
            proc = start_cli([*SMALL, "--database-url", pg_url(url), "--workers", "1"])
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                if query(url, "SELECT count(*) FROM bronze.bronze_load_ledger")[0][0] == SMALL_UNITS:
                    break
                time.sleep(0.05)
            time.sleep(2)
            assert proc.poll() is None, ("the run ended while the indexes were missing", proc.communicate())
        finally:
            backend.close()  # the old backend goes away: its duty passes to the waiting run
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "waiting for the run that dropped the secondary indexes to rebuild them" in err
        assert indexes(url) == migrated_indexes and MARKER not in (ledger_comment(url) or "")
