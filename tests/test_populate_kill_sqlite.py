"""A SQLite bulk load killed with SIGKILL, then re-run, ends with exactly the rows and indexes of an uninterrupted run.

A bulk load writes its units through a rollback journal (see ``bronze_factories.loaders.sqlite``):
a run killed inside a unit leaves a hot journal, which the next connection rolls back, so what is
in the file is whole units, each with its ledger row.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from checksums import table_checksums
from populate_support import SMALL, SMALL_UNITS, run_cli, sqlite_indexes, start_cli

from bronze_factories.engine import TABLE_ORDER

#: Days big enough that a unit's transaction is open for a while (the kill lands inside one).
ARGS = [*SMALL, "--sessions-per-day", "600", "--batch-size", "150"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list]:
    db = tmp_path_factory.mktemp("killref") / "ref.db"
    result = run_cli([*ARGS, "--database-url", f"sqlite:///{db}", "--workers", "1"])
    assert result.returncode == 0, result.stderr
    return table_checksums(f"sqlite:///{db}"), sqlite_indexes(db)


def _journal_bytes(db: Path) -> int:
    try:
        return os.path.getsize(f"{db}-journal")
    except FileNotFoundError:
        return 0


def _units(db: Path) -> int:
    """Units in the ledger; -1 while the file cannot be read (the writer is committing)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0)
    try:
        return conn.execute("SELECT count(*) FROM bronze_load_ledger").fetchone()[0]
    except sqlite3.OperationalError:
        return -1
    finally:
        conn.close()


#: When to kill, once the journal has held pages a few times (the load is past its switch to the
#: journal; a reader opening the file before that switch would keep the load in WAL mode).
WHEN: dict[str, Callable[[Path, bool], bool]] = {
    # The journal holds pages only while a unit's transaction is open.
    "mid-unit: a day's transaction open": lambda db, journal_busy: journal_busy,
    "late: every unit in, the indexes not yet rebuilt": lambda db, journal_busy: (
        time.sleep(0.002) or _units(db) >= SMALL_UNITS),
}
CASES = [(w, "1") for w in WHEN] + [(next(iter(WHEN)), "2")]


@pytest.mark.parametrize(("when", "workers"), CASES, ids=[f"{w} (workers {n})" for w, n in CASES])
def test_sigkill_then_rerun_gives_the_uninterrupted_rows(tmp_path: Path, reference: tuple[dict, list], when: str,
                                                         workers: str) -> None:
    db = tmp_path / "k.db"
    args = [*ARGS, "--database-url", f"sqlite:///{db}", "--workers", workers, "--quiet"]
    proc = start_cli(args)
    killed = False
    busy_spells, was_busy = 0, False
    try:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            busy = _journal_bytes(db) > 0
            busy_spells += busy and not was_busy
            was_busy = busy
            if busy_spells >= 6 and WHEN[when](db, busy):
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
    finally:
        proc.wait(timeout=60)
    assert killed, (f"the run ended before the kill point (exit {proc.returncode}): did its units go through "
                    "the rollback journal? is the dataset too small?")
    time.sleep(0.3)  # orphaned workers notice their parent is gone and stop
    checksums, indexes = reference

    conn = sqlite3.connect(db)  # rolls a hot journal back
    try:
        ledger = [r[0] for r in conn.execute("SELECT row_counts FROM bronze_load_ledger")]
        for table in TABLE_ORDER:  # whole units only: the ledger's counts are exactly the tables' rows
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == sum(
                json.loads(c).get(table, 0) for c in ledger), table
    finally:
        conn.close()

    result = run_cli(args)
    assert result.returncode == 0, result.stderr
    assert table_checksums(f"sqlite:///{db}") == checksums
    assert sqlite_indexes(db) == indexes
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()
    assert not os.path.exists(f"{db}-journal")
