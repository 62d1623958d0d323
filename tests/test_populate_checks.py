"""Input that cannot make a sensible run is refused up front (exit 2, one line), before any target is touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from populate_support import SMALL, fresh_database, pg_url, query
from sqlalchemy.engine import URL

from bronze_factories.populate import main
from bronze_factories.populate.options import parse


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("BRONZE_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def usage_error(args: list[str], capsys: pytest.CaptureFixture[str], where: Path) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bronze-populate: error: ") and "Traceback" not in err, err
    assert list(where.iterdir()) == []  # no bronze.db, no directory, nothing
    return err


ABSURD_WINDOWS = [
    (["--end-date", "9999-12-31"], "--end-date 9999-12-31: must be on or before 2999-12-31"),
    (["--days", "800000"], "--days 800,000: at most 36,525"),
    (["--end-date", "1901-01-01", "--days", "800"], "before 1900-01-01; use a later --end-date or fewer --days"),
]


@pytest.mark.parametrize(("args", "message"), ABSURD_WINDOWS, ids=[" ".join(a) for a, _ in ABSURD_WINDOWS])
def test_absurd_end_date_or_days_is_a_usage_error(args: list[str], message: str, _isolated: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--customers", "20", "--products", "10", "--orders", "20", "--sessions-per-day", "5000"]
    assert message in usage_error([*base, *args], capsys, _isolated)


def test_summary_json_path_is_checked_before_the_load(_isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error([*SMALL, "--summary-json", "/nonexistent/x.json"], capsys, _isolated)
    assert "--summary-json '/nonexistent/x.json': directory '/nonexistent' does not exist" in err
    err = usage_error([*SMALL, "--summary-json", "/"], capsys, _isolated)
    assert "is a directory" in err


@pytest.mark.parametrize(("schema", "message"), [
    ("s" * 64, "is 64 characters long; PostgreSQL allows at most 63"),
    ("information_schema", "schema 'information_schema' belongs to the PostgreSQL server"),
    ("pg_catalog", "schema 'pg_catalog' belongs to the PostgreSQL server"),
    ("pg_toast", "schema 'pg_toast' belongs to the PostgreSQL server"),
    ("PG_mine", "schema 'PG_mine' belongs to the PostgreSQL server"),
])
def test_long_or_reserved_schema_is_refused_before_anything_is_created(
        pg_server: URL, schema: str, message: str, _isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fresh_database(pg_server, "schema") as url:
        err = usage_error([*SMALL, "--database-url", pg_url(url), "--schema", schema], capsys, _isolated)
        assert message in err
        assert query(url, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'sss%%' "
                          "OR nspname IN ('bronze', 'PG_mine')") == [(0,)]
        assert query(url, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'raw_%%' "
                          "OR tablename = 'alembic_version'") == [(0,)]


def test_schema_of_63_characters_is_accepted() -> None:
    assert parse(["--schema", "s" * 63], env={}).schema == "s" * 63


def test_database_url_flag_beats_output_dir_and_format_from_the_environment() -> None:
    env = {"BRONZE_OUTPUT_DIR": "out", "BRONZE_FORMAT": "csv"}
    opts = parse(["--database-url", "sqlite:///flag.db"], env=env)
    assert opts.output_dir is None and opts.url is not None and opts.url.database == "flag.db"
    assert opts.target_kind == "sqlite"
    # and the other way round: an --output-dir flag is not overridden by BRONZE_DATABASE_URL
    opts = parse(["--output-dir", "files"], env={"BRONZE_DATABASE_URL": "postgresql://u@h/db"})
    assert opts.output_dir == Path("files") and opts.url is None
    # without flags, the environment decides as before
    assert parse([], env=env).output_dir == Path("out")


def test_in_memory_sqlite_is_a_usage_error(_isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for url in ("sqlite:///:memory:", "sqlite://"):
        err = usage_error([*SMALL, "--database-url", url], capsys, _isolated)
        assert "an in-memory SQLite database vanishes when the run ends; give a file" in err
