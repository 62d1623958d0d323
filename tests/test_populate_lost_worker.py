"""A worker process that dies (kill -9, as the OOM killer does) never hangs the run.

The run either stops with one error line and exit status 1, with nothing half-written, or it had
finished; a rerun of the same command then completes with the rows of an uninterrupted run. Ctrl-C
of a files run stops it too (no deadlock in the pool's shutdown). Every wait has a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from checksums import table_checksums
from populate_support import (
    SMALL,
    assert_whole_units,
    dataset_rows,
    fresh_database,
    ledger_units,
    partials,
    pg_url,
    run_cli,
    start_cli,
    wait_for,
)
from sqlalchemy.engine import URL

from bronze_factories.engine import TABLE_ORDER

PROG = "bronze-populate"


def _workers(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    """The pool's worker processes: forked children running the same command line."""
    try:
        parent = psutil.Process(proc.pid)
        return [c for c in parent.children() if c.cmdline() == parent.cmdline()]
    except psutil.Error:
        return []


def _finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"the run hung for {timeout} s after its worker died")
    return proc.returncode, err


def _assert_one_line_or_success(code: int, err: str, expected: str) -> None:
    assert code in (0, 1), err
    if code == 1:
        assert err.splitlines() == [f"{PROG}: error: {expected}"]


LOST = ("a worker process died (killed, or out of memory); its work unit was not kept. Run the same command "
        "again to resume (fewer --workers or a smaller --batch-size need less memory)")


def test_killed_pool_worker_stops_postgres_run_with_one_line_and_rerun_resumes(
        pg_server: URL, small_reference: dict) -> None:
    with fresh_database(pg_server, "lostpg") as url:
        args = [*SMALL, "--database-url", pg_url(url), "--workers", "2", "--batch-size", "150", "--quiet"]
        proc = start_cli(args, new_session=True)
        assert wait_for(proc, lambda: len(_workers(proc)) == 2 and ledger_units(url) >= 4), "no worker to kill"
        _workers(proc)[0].kill()
        code, err = _finish(proc)
        _assert_one_line_or_success(code, err, LOST)
        assert_whole_units(url)
        result = run_cli(args, timeout=120)
        assert result.returncode == 0, result.stderr
        assert table_checksums(url) == small_reference


def test_killed_pool_worker_stops_files_run_and_leaves_no_file(tmp_path: Path) -> None:
    expected = tmp_path / "expected"
    assert run_cli([*SMALL, "--output-dir", str(expected), "--format", "csv", "--workers", "1"]).returncode == 0
    out = tmp_path / "out"
    args = [*SMALL, "--output-dir", str(out), "--format", "csv", "--workers", "2", "--batch-size", "150", "--quiet"]
    proc = start_cli(args, new_session=True)
    assert wait_for(proc, lambda: len(_workers(proc)) == 2 and out.exists() and bool(partials(out))), \
        "no worker to kill"
    _workers(proc)[0].kill()
    code, err = _finish(proc)
    _assert_one_line_or_success(code, err, LOST)
    if code == 1:
        assert partials(out) == [] and not any(out.glob("*.csv"))
    result = run_cli(args, timeout=120)
    assert result.returncode == 0, result.stderr
    for table in TABLE_ORDER:
        assert dataset_rows(out / f"{table}.csv") == dataset_rows(expected / f"{table}.csv")



def test_ctrl_c_stops_files_run_with_workers_without_deadlock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = start_cli([*SMALL, "--output-dir", str(out), "--format", "csv", "--workers", "2", "--batch-size", "150"],
                     new_session=True)
    assert wait_for(proc, lambda: len(_workers(proc)) == 2 and out.exists() and bool(partials(out))), \
        "the run ended before Ctrl-C"
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
    code, err = _finish(proc, timeout=30)
    assert code == 130, err
    assert err.splitlines()[-1].startswith(f"{PROG}: interrupted"), err
    assert "Traceback" not in err
    assert partials(out) == [] and not any(out.glob("*.csv"))
    time.sleep(0.5)
    assert [p for p in psutil.process_iter(["cmdline"]) if str(out) in " ".join(p.info["cmdline"] or [])] == []
