"""A populate killed with SIGKILL at any moment, then re-run, ends with exactly the rows of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import psycopg2
import pytest
from checksums import table_checksums
from populate_support import SMALL, SMALL_UNITS, assert_whole_units, fresh_database, pg_url, run_cli, start_cli
from sqlalchemy.engine import URL

from bronze_factories.testing import psycopg2_dsn


def _units(cur) -> int:
    cur.execute("SELECT to_regclass('bronze.bronze_load_ledger') IS NOT NULL")
    if not cur.fetchone()[0]:
        return -1
    cur.execute("SELECT count(*) FROM bronze.bronze_load_ledger")
    return cur.fetchone()[0]


def _copying(cur) -> bool:
    cur.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'COPY %%raw_clickstream%%' "
                "AND datname = current_database()")
    return cur.fetchone()[0] > 0


WHEN: dict[str, Callable] = {
    "early: schema just migrated": lambda cur: _units(cur) >= 0,
    "after the first unit (customers)": lambda cur: _units(cur) >= 1,
    "between tables: catalog and stock loaded, days not yet": lambda cur: _units(cur) >= 3,
    "mid-table: while a COPY into raw_clickstream runs": lambda cur: _units(cur) >= 5 and _copying(cur),
    "late: most days loaded": lambda cur: _units(cur) >= SMALL_UNITS - 8,
}


CASES = [(w, "1") for w in WHEN] + [(w, "2") for w in list(WHEN)[2:4]]


@pytest.mark.parametrize(("when", "workers"), CASES, ids=[f"{w} (workers {n})" for w, n in CASES])
def test_sigkill_then_rerun_gives_the_uninterrupted_rows(pg_server: URL, small_reference: dict, when: str,
                                                         workers: str) -> None:
    with fresh_database(pg_server, "kill") as url:
        args = [*SMALL, "--database-url", pg_url(url), "--workers", workers, "--batch-size", "150", "--quiet"]
        proc = start_cli(args)
        conn = psycopg2.connect(psycopg2_dsn(url))
        conn.autocommit = True
        killed = False
        try:
            with conn.cursor() as cur:
                deadline = time.monotonic() + 60
                while proc.poll() is None and time.monotonic() < deadline:
                    if WHEN[when](cur):
                        os.kill(proc.pid, signal.SIGKILL)
                        killed = True
                        break
                    time.sleep(0.002)
        finally:
            conn.close()
            proc.wait(timeout=60)
        assert killed, f"the run ended before the kill point ({proc.returncode}): make the dataset slower"
        time.sleep(0.3)  # orphaned workers notice their parent is gone and stop after the unit in hand
        assert_whole_units(url)
        result = run_cli(args)
        assert result.returncode == 0, result.stderr
        assert table_checksums(url) == small_reference
