"""The story goes on, against the real PostgreSQL: --extend-to in one step or three (one killed with
SIGKILL), and --live stopped with SIGTERM and started again, each equal to a dataset loaded at once
up to the same end, valid, and with nothing dated after its end."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from checksums import table_checksums
from populate_support import SMALL, clean_env, fresh_database, pg_url, query, run_cli, start_cli
from sqlalchemy.engine import URL

from bronze_factories.engine import Params
from bronze_factories.engine.steps import dataset_end, moment

EXTENDED = "2026-01-31"
#: The column dating each table's rows (a session and its events arrive when the session ends).
DATED = {"raw_customers": "registration_date", "raw_orders": "order_date", "raw_inventory": "movement_date",
         "raw_reviews": "review_date", "raw_sessions": "end_time", "raw_clickstream": "event_timestamp"}
PARAMS = Params(end_date=dt.date(2026, 1, 1), customers=200, products=100, orders=400, days=30, sessions_per_day=60)


def _load(url: URL, *extra: str) -> subprocess.CompletedProcess[str]:
    result = run_cli([*SMALL, "--database-url", pg_url(url), "--workers", "2", *extra])
    assert result.returncode == 0, result.stderr
    return result


def _validate(url: URL) -> None:
    result = subprocess.run([sys.executable, "-m", "bronze_factories.validate", "--database-url", pg_url(url)],
                            env=clean_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert ", 0 failed" in result.stdout.splitlines()[-1], result.stdout[-3000:]


def _end(url: URL) -> dt.datetime:
    units = [r[0] for r in query(url, "SELECT unit FROM bronze.bronze_load_ledger")]
    return moment(dataset_end(PARAMS, units))


def _nothing_after(url: URL, end: dt.datetime) -> None:
    for table, column in DATED.items():
        (latest,) = query(url, f"SELECT max({column}) FROM bronze.{table}")[0]
        assert latest < end, f"{table}.{column} {latest} is not before the dataset's end {end}"
    (shipped,) = query(url, "SELECT max((raw_data->>'shipped_at')::timestamp) FROM bronze.raw_orders")[0]
    assert shipped < end


@pytest.fixture(scope="module")
def at_once_db(pg_server: URL) -> Iterator[URL]:
    """The dataset loaded into an empty database straight to the extended end."""
    with fresh_database(pg_server, "story") as url:
        _load(url, "--extend-to", EXTENDED, "--quiet")
        assert _end(url) == dt.datetime(2026, 1, 31)
        yield url


@pytest.fixture(scope="module")
def at_once(at_once_db: URL) -> dict[str, tuple[int, str]]:
    return table_checksums(at_once_db)


def test_extend_equals_a_load_made_at_once_and_validates_after_each_step(pg_server: URL, at_once: dict) -> None:
    with fresh_database(pg_server, "story") as url:
        _load(url, "--quiet")
        before = table_checksums(url)
        _validate(url)
        result = _load(url, "--extend-to", EXTENDED)
        assert "extending from 2026-01-01 00:00:00 to 2026-01-31 00:00:00" in result.stderr
        assert table_checksums(url) == at_once
        assert before["raw_orders"][0] < at_once["raw_orders"][0]
        _validate(url)
        _nothing_after(url, dt.datetime(2026, 1, 31))
        # Orders that were on their way at the old end moved on, and their rows say when they were loaded.
        moved = query(url, "SELECT count(*) FROM bronze.raw_orders WHERE order_date < '2026-01-01' "
                           "AND ingestion_timestamp > (SELECT min(ingestion_timestamp) + interval '1 second' "
                           "FROM bronze.raw_orders)")[0][0]
        assert moved > 0
        again = _load(url, "--extend-to", EXTENDED)  # nothing left to do: the same rows
        assert "extending" not in again.stderr
        assert table_checksums(url) == at_once


def test_extend_in_three_steps_with_a_sigkill_in_the_middle_of_one(pg_server: URL, at_once: dict) -> None:
    with fresh_database(pg_server, "story") as url:
        _load(url, "--extend-to", "2026-01-08", "--quiet")
        args = [*SMALL, "--database-url", pg_url(url), "--workers", "1", "--batch-size", "50", "--quiet",
                "--extend-to", "2026-01-19T12:00:00"]
        proc = start_cli(args)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                step_units = query(url, "SELECT count(*) FROM bronze.bronze_load_ledger WHERE unit LIKE %s",
                                   ("day:%@20260108T000000-20260119T120000",))[0][0]
                if step_units >= 5:
                    proc.send_signal(signal.SIGKILL)
                    break
                time.sleep(0.01)
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGKILL, "the step finished before it could be killed"
        assert _end(url) == dt.datetime(2026, 1, 8)  # the step is not complete...
        # ...and the next run, asking for a later end, finishes it first.
        result = _load(url, "--extend-to", EXTENDED)
        assert "finishing the interrupted extension to 2026-01-19 12:00:00" in result.stderr
        assert "extending from 2026-01-19 12:00:00 to 2026-01-31 00:00:00" in result.stderr
        assert table_checksums(url) == at_once
        _validate(url)


def _live(url: URL, seconds: float) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen([sys.executable, "-m", "bronze_factories.populate", *SMALL, "--database-url", pg_url(url),
                             "--workers", "1", "--live", "--speed", "3600", "--tick", "1"], env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(seconds)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_live_stopped_with_sigterm_and_started_again_equals_an_extension(pg_server: URL) -> None:
    with fresh_database(pg_server, "live") as url:
        first = _live(url, 20)
        assert first.returncode == 0, first.stderr
        stopped = _end(url)
        assert stopped >= dt.datetime(2026, 1, 1, 10)  # about 20 s at an hour a second
        assert first.stderr.splitlines()[-1] == (f"live: stopped at {stopped}; run the same command again to go on "
                                                 "from there")
        second = _live(url, 10)
        assert second.returncode == 0, second.stderr
        assert f"live from {stopped} at 3600x, a tick every 1 s (Ctrl-C stops)" in second.stderr
        end = _end(url)
        assert end > stopped
        _nothing_after(url, end)
        _validate(url)
        with fresh_database(pg_server, "live") as other:
            _load(other, "--extend-to", end.isoformat(), "--quiet")
            assert table_checksums(other) == table_checksums(url)


def test_extend_to_refuses_a_moment_before_the_end_date_and_a_files_target(tmp_path) -> None:
    early = run_cli([*SMALL, "--database-url", f"sqlite:///{tmp_path}/x.db", "--extend-to", "2025-12-31"])
    assert early.returncode == 2
    assert early.stderr == ("bronze-populate: error: --extend-to 2025-12-31 00:00:00: before the dataset's end date "
                            "2026-01-01; give a later moment (the dataset goes on from its end date)\n")
    files = run_cli([*SMALL, "--output-dir", str(tmp_path / "out"), "--live"])
    assert files.returncode == 2
    assert files.stderr == ("bronze-populate: error: --live keeps a database going: give --database-url (a PostgreSQL "
                            "or SQLite database), not --output-dir\n")
    assert not os.path.exists(tmp_path / "x.db") and not os.path.exists(tmp_path / "out")


def test_a_long_live_run_keeps_its_memory_flat(tmp_path) -> None:
    """About 60 simulated days in 300 ticks: the process's RSS after warming up does not grow."""
    import psutil

    db = tmp_path / "live.db"
    assert run_cli([*SMALL, "--database-url", f"sqlite:///{db}", "--quiet"]).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "bronze_factories.populate", *SMALL, "--database-url",
                             f"sqlite:///{db}", "--live", "--speed", "86400", "--tick", "0.2", "--quiet"],
                            env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    samples: list[float] = []
    try:
        watched = psutil.Process(proc.pid)
        for _ in range(60):
            time.sleep(1)
            samples.append(watched.memory_info().rss / 2**20)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    ticks = query_sqlite(db, "SELECT count(*) FROM bronze_load_ledger WHERE unit LIKE 'step:%'")
    assert ticks >= 100, f"only {ticks} ticks: the run was too slow to show anything"
    warm, late = max(samples[10:25]), max(samples[-15:])
    assert late <= warm + 16, f"RSS grew from {warm:.0f} MiB to {late:.0f} MiB over {ticks} ticks: {samples}"


def query_sqlite(path, sql: str) -> int:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _files_dataset(directory) -> dict[str, dict[tuple, list[str]]]:
    """The dataset a directory of CSV files holds: the first window's files, then each step's new rows
    and changed rows in the order the state file lists the steps (a change replaces its row)."""
    import csv
    import json

    from checksums import PRIMARY_KEYS

    steps = json.loads((directory / "bronze-dataset.csv.json").read_text())["steps"]
    tables: dict[str, dict[tuple, list[str]]] = {}
    for table in DATED | {"raw_products": ""}:
        rows: dict[tuple, list[str]] = {}
        names = [f"{table}.csv"] + [f"{table}.{s}{kind}.csv" for s in steps for kind in ("", ".changes")]
        for name in names:
            with (directory / name).open(newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                at, key = header.index("ingestion_timestamp"), [header.index(c) for c in PRIMARY_KEYS[table]]
                for row in reader:
                    k = tuple(row[i] for i in key)
                    assert (k in rows) == name.endswith(".changes.csv"), (name, k)
                    rows[k] = row[:at] + row[at + 1:]
        tables[table] = rows
    return tables


def test_files_get_each_step_as_new_files_and_a_file_of_changed_rows(tmp_path) -> None:
    two, one = tmp_path / "two", tmp_path / "one"
    for args in (["--extend-to", "2026-01-12T06:00:00"], ["--extend-to", EXTENDED]):
        result = run_cli([*SMALL, "--output-dir", str(two), "--format", "csv", "--workers", "2", *args])
        assert result.returncode == 0, result.stderr
    assert "holds this dataset's files already (up to 2026-01-12T06:00:00)" in result.stderr
    assert run_cli([*SMALL, "--output-dir", str(one), "--format", "csv", "--extend-to", EXTENDED]).returncode == 0
    assert sorted(p.name for p in two.glob("raw_orders*")) == [
        "raw_orders.20260101T000000-20260112T060000.changes.csv", "raw_orders.20260101T000000-20260112T060000.csv",
        "raw_orders.20260112T060000-20260131T000000.changes.csv", "raw_orders.20260112T060000-20260131T000000.csv",
        "raw_orders.csv"]
    assert _files_dataset(two) == _files_dataset(one)
    changed = (two / "raw_orders.20260112T060000-20260131T000000.changes.csv").read_text().splitlines()
    assert len(changed) > 10 and all(",delivered," in line or ",shipped," in line or ",returned," in line
                                     or ",cancelled," in line or ",processing," in line for line in changed[1:])


def test_a_warehouse_table_without_a_primary_key_gets_each_new_version_appended(pg_server: URL,
                                                                                   at_once_db: URL) -> None:
    """Its ETL reads the latest version of each order (DISTINCT ON ... ORDER BY ingestion_timestamp DESC):
    that is the dataset made at once."""
    from test_populate_postgres import CONTRACT_DDL

    ddl = CONTRACT_DDL.format(s="w").replace("raw_data jsonb, PRIMARY KEY (order_id, order_date)) PARTITION BY",
                                             "raw_data jsonb) PARTITION BY")
    latest = ("SELECT DISTINCT ON (order_id) order_id, status, raw_data::text FROM {s}.raw_orders "
              "ORDER BY order_id, ingestion_timestamp DESC")
    with fresh_database(pg_server, "story") as url:
        query(url, ddl)
        _load(url, "--schema", "w", "--quiet")
        _load(url, "--schema", "w", "--extend-to", EXTENDED, "--quiet")
        (rows,) = query(url, "SELECT count(*) FROM w.raw_orders")[0]
        assert rows > at_once_db_orders(at_once_db)
        assert query(url, latest.format(s="w")) == query(at_once_db, latest.format(s="bronze"))


def at_once_db_orders(url: URL) -> int:
    return query(url, "SELECT count(*) FROM bronze.raw_orders")[0][0]
