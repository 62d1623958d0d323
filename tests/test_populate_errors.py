"""Runtime failures of populate: one line saying what is wrong and what to do, exit 1, nothing half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from populate_support import SMALL, bronze_tables, fresh_database, pg_url, query, run_cli
from sqlalchemy.engine import URL


def refused(args: list[str], cwd: Path | None = None) -> str:
    result = run_cli([*SMALL, *args], cwd=cwd)
    assert result.returncode == 1, (result.stdout, result.stderr)
    err = result.stderr
    assert err.count("\n") == 1 and err.startswith("bronze-populate: error: "), err
    assert "Traceback" not in err
    return err


def test_unreachable_server(pg_server: URL) -> None:
    url = pg_server.set(port=1, password="hunter2pw")
    err = refused(["--database-url", pg_url(url)])
    assert "cannot connect to postgresql://postgres:***@127.0.0.1:1/" in err
    assert "check that the server is running and the host and port are right" in err
    assert "hunter2pw" not in err


def test_missing_database(pg_server: URL) -> None:
    url = pg_server.set(database="bronze_no_such_database")
    err = refused(["--database-url", pg_url(url)])
    assert 'database "bronze_no_such_database" does not exist' in err and "create the database first" in err


def test_unknown_user_with_a_password(pg_server: URL) -> None:
    # The test server trusts 127.0.0.1 (pg_hba.conf: host all all 127.0.0.1/32 trust), so a wrong
    # password for an existing role cannot be provoked here; a user that does not exist is the
    # authentication failure libpq reports under trust, and it must not leak the password either.
    url = pg_server.set(username="bronze_nobody", password="wr0ngpassw0rd")
    err = refused(["--database-url", pg_url(url)])
    assert 'role "bronze_nobody" does not exist' in err and "check the user name" in err
    assert "wr0ngpassw0rd" not in err and "postgresql://bronze_nobody:***@" in err


def test_no_permission_to_create_the_schema(pg_server: URL) -> None:
    role = f"bronze_noperm_{os.getpid()}"
    query(pg_server, f"DROP ROLE IF EXISTS {role}")
    query(pg_server, f"CREATE ROLE {role} LOGIN PASSWORD 'pw12345'")
    try:
        with fresh_database(pg_server) as url:
            err = refused(["--database-url", pg_url(url.set(username=role, password="pw12345"))])
            assert f"cannot create schema 'bronze' in postgresql://{role}:***@" in err
            assert "permission denied for database" in err and f"grant CREATE on the database to {role}" in err
            assert "pw12345" not in err
            assert bronze_tables(url) == []
            assert query(url, "SELECT count(*) FROM pg_namespace WHERE nspname = 'bronze'") == [(0,)]
    finally:
        query(pg_server, f"DROP ROLE IF EXISTS {role}")


def test_sqlite_file_in_a_missing_directory(tmp_path: Path) -> None:
    err = refused(["--database-url", f"sqlite:///{tmp_path}/no/such/dir/bronze.db"], cwd=tmp_path)
    assert "cannot connect to sqlite:///" in err and "unable to open database file" in err
    assert list(tmp_path.iterdir()) == []


def test_default_target_is_not_touched_by_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["--days", "0"], cwd=tmp_path)
    assert result.returncode == 2 and "--days '0'" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", [["--shard", "4/3"], ["--end-date", "2026-01-32"], ["--events-per-session", "30-5"]])
def test_usage_errors_leave_a_database_untouched(pg_server: URL, bad: list[str]) -> None:
    with fresh_database(pg_server) as url:
        result = run_cli([*SMALL, "--database-url", pg_url(url), *bad])
        assert result.returncode == 2 and result.stderr.count("\n") == 1
        assert bronze_tables(url) == []
