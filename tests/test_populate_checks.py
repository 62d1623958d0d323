"""Input that cannot make a sensible run is refused up front (exit 2, one line), before any target is touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from populate_support import SMALL, fresh_database, pg_url, query
from sqlalchemy.engine import URL

from bronze_factories.populate import main
from bronze_factories.populate.options import parse

pytestmark = pytest.mark.usefixtures("isolated")


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
def test_absurd_end_date_or_days_is_a_usage_error(args: list[str], message: str, isolated: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--customers", "20", "--products", "10", "--orders", "20", "--sessions-per-day", "5000"]
    assert message in usage_error([*base, *args], capsys, isolated)


def test_summary_json_path_is_checked_before_the_load(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error([*SMALL, "--summary-json", "/nonexistent/x.json"], capsys, isolated)
    assert "--summary-json '/nonexistent/x.json': directory '/nonexistent' does not exist" in err
    err = usage_error([*SMALL, "--summary-json", "/"], capsys, isolated)
    assert "is a directory" in err


@pytest.mark.parametrize(("schema", "message"), [
    ("s" * 64, "is 64 characters long; PostgreSQL allows at most 63"),
    ("information_schema", "schema 'information_schema' belongs to the PostgreSQL server"),
    ("pg_catalog", "schema 'pg_catalog' belongs to the PostgreSQL server"),
    ("pg_toast", "schema 'pg_toast' belongs to the PostgreSQL server"),
    ("PG_mine", "schema 'PG_mine' belongs to the PostgreSQL server"),
])
def test_long_or_reserved_schema_is_refused_before_anything_is_created(
        pg_server: URL, schema: str, message: str, isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fresh_database(pg_server, "schema") as url:
        err = usage_error([*SMALL, "--database-url", pg_url(url), "--schema", schema], capsys, isolated)
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


def test_in_memory_sqlite_is_a_usage_error(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for url in ("sqlite:///:memory:", "sqlite://"):
        err = usage_error([*SMALL, "--database-url", url], capsys, isolated)
        assert "an in-memory SQLite database vanishes when the run ends; give a file" in err


# -- point 10: --plan sizes without simulating -----------------------------------------------------

def test_plan_estimates_match_the_simulation_without_building_it() -> None:
    import datetime as dt

    from bronze_factories.engine import Params, Simulation
    from bronze_factories.engine.estimate import estimate, units
    from bronze_factories.engine.simulation import count_rows

    for kw in (dict(customers=200, products=100, orders=400, days=30, sessions_per_day=60),
               dict(customers=3000, products=500, orders=8000, days=20, sessions_per_day=1000, warehouses=3),
               dict(customers=5000, products=300, orders=2000, days=30, sessions_per_day=500, scale=0.5)):
        params = Params(end_date=dt.date(2026, 1, 1), **kw)
        sim = Simulation(params)
        assert units(params) == sim.units() and units(params, (2, 3)) == sim.units((2, 3))
        closed, simulated = estimate(params), sim.estimate()
        assert {t: n for t, n in closed.items() if t != "raw_reviews"} == \
            {t: n for t, n in simulated.items() if t != "raw_reviews"}
        assert abs(closed["raw_reviews"] - simulated["raw_reviews"]) <= 0.15 * simulated["raw_reviews"]
        # and the estimates are close to the rows the run makes (the stock policy's movements included)
        made = count_rows(params)
        for table in ("raw_inventory", "raw_clickstream"):
            assert abs(closed[table] - made[table]) <= 0.25 * made[table], (kw, table, closed[table], made[table])


def test_plan_at_the_largest_sizes_needs_no_simulation_memory(tmp_path: Path) -> None:
    import subprocess
    import sys

    from populate_support import clean_env

    # 1 GiB of address space: building the simulation at these sizes needs many times that.
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
            "from bronze_factories.populate import main; sys.exit(main(sys.argv[1:]))")
    args = ["--customers", "99999999", "--products", "99999999", "--orders", "2000000000", "--days", "36500",
            "--sessions-per-day", "2000000", "--end-date", "2026-01-01", "--plan"]
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True,
                            env=clean_env(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1"), timeout=120)
    assert result.returncode == 0, result.stderr
    lines = {ln.split()[0]: ln.split()[1] for ln in result.stdout.splitlines() if ln.startswith("raw_")}
    assert lines["raw_customers"] == "99,999,999" and lines["raw_orders"] == "2,000,000,000"
    assert list(tmp_path.iterdir()) == []
