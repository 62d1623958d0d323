"""Runs that meet: two at once into one directory or database, signals, interrupts during preparation.

Every test starts real processes and sends real signals. After each failure case: no partial file
under a final name, no rows without a ledger entry, no password printed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from populate_support import (
    SMALL,
    SMALL_UNITS,
    assert_whole_units,
    clean_env,
    dataset_rows,
    fresh_database,
    ledger_units,
    partials,
    pg_url,
    query,
    run_cli,
    start_cli,
    wait_for,
)
from sqlalchemy.engine import URL

from bronze_factories.engine import TABLE_ORDER
from bronze_factories.migrate import upgrade
from bronze_factories.testing import psycopg2_dsn

INTERRUPTED = ("run the same command again to resume (loaded work units are kept, partial files removed)")


def _datasets(url: URL) -> dict[str, str]:
    """The datasets the ledger holds: key and parameters."""
    return dict(query(url, "SELECT DISTINCT dataset_key, params::text FROM bronze.bronze_load_ledger"))


# -- point 1: two runs into one --output-dir ---------------------------------------------------------

def test_two_runs_into_one_output_dir_do_not_mix_their_files(tmp_path: Path) -> None:
    out, ref = tmp_path / "out", tmp_path / "ref"
    a = start_cli([*SMALL, "--output-dir", str(out), "--format", "csv", "--workers", "1", "--seed", "7"])
    b = start_cli([*SMALL, "--output-dir", str(out), "--format", "csv", "--workers", "1", "--seed", "8"])
    results = {seed: (p.wait(timeout=300), p.communicate()[1]) for seed, p in (("7", a), ("8", b))}
    winners = [seed for seed, (code, _) in results.items() if code == 0]
    losers = [seed for seed, (code, _) in results.items() if code != 0]
    assert len(winners) == 1 and len(losers) == 1, results
    code, err = results[losers[0]]
    assert code == 1 and err == (f"bronze-populate: error: another bronze-populate is writing the same files into "
                                 f"--output-dir {str(out)!r}; wait for it to finish, or choose another --output-dir\n")
    assert partials(out) == []
    # the surviving run's files are exactly its own dataset's
    done = run_cli([*SMALL, "--output-dir", str(ref), "--format", "csv", "--workers", "1", "--seed", winners[0]])
    assert done.returncode == 0, done.stderr
    for table in TABLE_ORDER:
        assert dataset_rows(out / f"{table}.csv") == dataset_rows(ref / f"{table}.csv"), table


def test_partials_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    proc = start_cli([*SMALL, "--output-dir", str(tmp_path), "--format", "csv", "--workers", "1"])
    assert wait_for(proc, lambda: bool(partials(tmp_path))), proc.communicate()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert partials(tmp_path)
    result = run_cli([*SMALL, "--output-dir", str(tmp_path), "--format", "csv", "--workers", "1"])
    assert result.returncode == 0, result.stderr
    assert partials(tmp_path) == []


# -- point 15: SIGTERM is Ctrl-C ---------------------------------------------------------------------

def test_sigterm_removes_partial_files_and_says_so(tmp_path: Path) -> None:
    proc = start_cli([*SMALL, "--output-dir", str(tmp_path), "--format", "csv", "--workers", "2"])
    assert wait_for(proc, lambda: bool(partials(tmp_path))), proc.communicate()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.splitlines()[-1] == f"bronze-populate: interrupted (SIGTERM); {INTERRUPTED}"
    assert "Traceback" not in err
    assert [p.name for p in tmp_path.iterdir()] == [".bronze-populate.csv.lock"]  # no partial, no final file


def test_sigterm_during_a_database_load_keeps_whole_units(pg_server: URL) -> None:
    with fresh_database(pg_server, "term") as url:
        proc = start_cli([*SMALL, "--database-url", pg_url(url), "--workers", "2", "--batch-size", "150"])
        assert wait_for(proc, lambda: ledger_units(url) >= 3), proc.communicate()
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 128 + signal.SIGTERM, err
        assert err.splitlines()[-1] == f"bronze-populate: interrupted (SIGTERM); {INTERRUPTED}"
        time.sleep(0.3)
        assert_whole_units(url)
        assert run_cli([*SMALL, "--database-url", pg_url(url), "--quiet"]).returncode == 0


# -- point 3: two datasets into one empty database at the same moment ----------------------------------

def test_two_datasets_started_together_cannot_both_claim_one_database(pg_server: URL) -> None:
    with fresh_database(pg_server, "claim") as url:
        upgrade(url)  # empty, as the owner's migration leaves it
        blocker = psycopg2.connect(psycopg2_dsn(url))
        try:
            with blocker.cursor() as cur:  # reads go on, the first COPY waits: the window between check and ledger
                cur.execute("LOCK TABLE bronze.raw_customers IN SHARE MODE")
            first = start_cli([*SMALL, "--database-url", pg_url(url), "--workers", "1", "--seed", "7", "--quiet"])
            waiting = "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = " \
                      "(SELECT oid FROM pg_database WHERE datname = current_database()) OR " \
                      "(NOT granted AND locktype = 'advisory')"
            assert wait_for(first, lambda: query(url, waiting)[0][0] >= 1), first.communicate()
            second = start_cli([*SMALL, "--database-url", pg_url(url), "--workers", "1", "--seed", "8", "--quiet"])
            # the second run is either past its check and waiting to COPY too, or waiting for the claim
            assert wait_for(second, lambda: query(url, waiting)[0][0] >= 2), second.communicate()
        finally:
            blocker.rollback()
            blocker.close()
        results = [(p.wait(timeout=300), p.communicate()[1]) for p in (first, second)]
        assert [code for code, _ in results] == [0, 1], results
        refused = results[1][1]
        assert "already holds another dataset" in refused and refused.count("\n") == 1
        assert_whole_units(url)
        assert len(_datasets(url)) == 1
        assert query(url, "SELECT count(*) FROM bronze.bronze_load_ledger") == [(SMALL_UNITS,)]


# -- point 9: SQLite, first runs at once -------------------------------------------------------------

#: Small enough that a round of runs takes seconds: the race is in the migration, before any row.
TINY = ["--customers", "20", "--products", "10", "--orders", "20", "--days", "2", "--sessions-per-day", "20",
        "--end-date", "2026-01-01"]
TINY_UNITS = 5  # customers, products, stock + 2 days

#: ``python -m bronze_factories.populate``, except that it imports everything first, says "ready" and
#: waits for one byte on stdin: runs released together reach the target within a millisecond or so,
#: instead of as far apart as their interpreters' start-up (which on a busy machine hid the race).
_RELEASED_TOGETHER = (
    "import sys; import alembic.command, sqlalchemy.dialects.sqlite, bronze_factories.migrate, "
    "bronze_factories.populate.run, bronze_factories.populate.target; "
    "from bronze_factories.populate.cli import main; "
    "print('ready', flush=True); sys.stdin.read(1); sys.exit(main(sys.argv[1:]))"
)


def _run_together(count: int, args: list[str]) -> list[tuple[int, str]]:
    """Start ``count`` populate processes, wait until each is ready, release them at once; (status, stderr)."""
    procs = [subprocess.Popen([sys.executable, "-c", _RELEASED_TOGETHER, *args], env=clean_env(),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(count)]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline() == "ready\n", p.communicate(timeout=60)
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go")
            p.stdin.flush()
        errors = [p.communicate(timeout=120)[1] for p in procs]
        return [(p.returncode, err) for p, err in zip(procs, errors, strict=True)]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def test_first_sqlite_runs_started_together_do_not_race_in_the_migration(tmp_path: Path) -> None:
    # Without the claim on SQLite, a single round of three fails nearly every time ("table
    # alembic_version already exists", "table raw_customers already exists", "has some bronze
    # tables but not ..."); four rounds leave no real chance of passing.
    for attempt in range(4):
        db = tmp_path / f"bronze{attempt}.db"
        results = _run_together(3, [*TINY, "--database-url", f"sqlite:///{db}", "--workers", "1", "--quiet"])
        assert results == [(0, "")] * 3, (attempt, results)
        with sqlite3.connect(db) as conn:
            ledger = [json.loads(r) for (r,) in conn.execute("SELECT row_counts FROM bronze_load_ledger")]
            assert len(ledger) == TINY_UNITS
            for table in TABLE_ORDER:  # every row was loaded once, by the unit the ledger names
                count = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                assert count == sum(c[table] for c in ledger), table
            assert conn.execute("SELECT count(*) FROM raw_customers").fetchone()[0] == 20


# -- point 6: the first failure is the one reported ---------------------------------------------------

def test_partition_overlap_is_reported_not_an_aborted_transaction(pg_server: URL) -> None:
    with fresh_database(pg_server, "overlap") as url:
        upgrade(url)
        query(url, "CREATE TABLE bronze.raw_orders_mine PARTITION OF bronze.raw_orders "
                   "FOR VALUES FROM ('2025-12-10') TO ('2025-12-20')")
        result = run_cli([*SMALL, "--database-url", pg_url(url)])
        assert result.returncode == 1
        assert result.stderr.startswith("bronze-populate: error: cannot create partition bronze.raw_orders_p202512: ")
        assert 'would overlap partition "raw_orders_mine"' in result.stderr
        assert "current transaction is aborted" not in result.stderr and result.stderr.count("\n") == 1
        assert query(url, "SELECT count(*) FROM bronze.bronze_load_ledger") == [(0,)]


def test_ctrl_c_during_preparation_exits_130(pg_server: URL) -> None:
    with fresh_database(pg_server, "sigint") as url:
        upgrade(url)
        blocker = psycopg2.connect(psycopg2_dsn(url))
        try:
            with blocker.cursor() as cur:  # the run's preparation waits on the ledger
                cur.execute("LOCK TABLE bronze.bronze_load_ledger IN ACCESS EXCLUSIVE MODE")
            proc = start_cli([*SMALL, "--database-url", pg_url(url)])
            waiting = ("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                       "WHERE NOT l.granted AND c.relname = 'bronze_load_ledger'")
            assert wait_for(proc, lambda: query(url, waiting)[0][0] > 0), proc.communicate()
            proc.send_signal(signal.SIGINT)
            time.sleep(0.5)
        finally:
            blocker.rollback()
            blocker.close()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert err == f"bronze-populate: interrupted (SIGINT); {INTERRUPTED}\n"
        assert query(url, "SELECT count(*) FROM bronze.bronze_load_ledger") == [(0,)]


# -- point 16: the small ones -------------------------------------------------------------------------

def test_a_file_that_is_not_sqlite_gets_a_sqlite_hint(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("these are my notes, not a database\n" * 100)
    result = run_cli([*SMALL, "--database-url", f"sqlite:///{tmp_path / 'notes.db'}"])
    assert result.returncode == 1
    assert "is some other file, not a SQLite database: choose another file name" in result.stderr
    assert "server is running" not in result.stderr and result.stderr.count("\n") == 1
    assert (tmp_path / "notes.db").read_text() == "these are my notes, not a database\n" * 100


def test_validate_does_not_create_a_file_at_a_mistyped_sqlite_path(tmp_path: Path) -> None:
    typo = tmp_path / "bronz.db"
    result = subprocess.run([sys.executable, "-m", "bronze_factories.validate", "--database-url", f"sqlite:///{typo}"],
                            env=clean_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == f"bronze-validate: error: no SQLite database at {str(typo)!r}; check the path\n"
    assert not typo.exists()
