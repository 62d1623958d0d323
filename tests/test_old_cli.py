"""The old generator's users: its README commands, its environment variables, its make targets."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from populate_support import clean_env, run_cli

from bronze_factories.populate import main
from bronze_factories.populate.options import UsageError, parse

ROOT = Path(__file__).resolve().parents[1]
TODAY = lambda: dt.date(2026, 1, 1)  # noqa: E731
SMALL = "--load --customers 1000 --products 500 --days 30".split()
MEDIUM = "--load --customers 10000 --products 5000 --days 365".split()
LARGE = "--load --customers 100000 --products 50000 --days 730".split()
DEFAULT_NOTE = "(the default; --database-url or BRONZE_DATABASE_URL names a PostgreSQL database)"


pytestmark = pytest.mark.usefixtures("isolated")


def volumes(args: list[str], env: dict[str, str] | None = None) -> tuple[int, int, int, int, int]:
    p = parse(args, env=env or {}, today=TODAY).params
    return p.customers, p.products, p.orders, p.days, p.sessions_per_day


def test_the_default_window_keeps_the_old_defaults_and_others_get_volumes_in_proportion() -> None:
    assert volumes([]) == volumes(MEDIUM) == (10_000, 5_000, 50_000, 365, 1_000)
    # 5 orders per customer a year, 0.1 sessions per customer a day (enough for the orders)
    assert volumes(SMALL) == (1_000, 500, 411, 30, 101)
    assert volumes(LARGE) == (100_000, 50_000, 1_000_000, 730, 10_000)
    # a volume given is kept, the other follows it
    assert volumes([*SMALL, "--orders", "5000"]) == (1_000, 500, 5_000, 30, 1_217)
    assert volumes([*SMALL, "--sessions-per-day", "50"]) == (1_000, 500, 205, 30, 50)


def test_the_old_small_example_runs_as_typed_and_says_where_it_writes(isolated: Path) -> None:
    result = run_cli(SMALL, cwd=isolated)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"target: SQLite file bronze.db {DEFAULT_NOTE}"
    with sqlite3.connect(isolated / "bronze.db") as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("raw_customers", "raw_products", "raw_orders", "raw_sessions")]
    assert counts == [1_000, 500, 411, 101 * 30]


@pytest.mark.parametrize("args", [MEDIUM, LARGE], ids=["medium", "large"])
def test_the_old_medium_and_large_examples_plan_as_typed(args: list[str], isolated: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*args, "--plan", "--end-date", "2026-01-01"]) == 0
    out = capsys.readouterr().out
    customers, products, orders, days, sessions = volumes(args)
    assert f"customers={customers:,} products={products:,} orders={orders:,} days={days} " \
           f"sessions/day={sessions:,}" in out
    assert f"target    SQLite file bronze.db {DEFAULT_NOTE}" in out
    assert list(isolated.iterdir()) == []


def test_volumes_the_user_gave_that_cannot_fit_are_refused_naming_every_way_out(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUM_ORDERS", "50000")
    assert main([*SMALL, "--sessions-per-day", "1000"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "bronze-populate: error: 50,000 orders (NUM_ORDERS) need at least 100,000 web sessions (each order is "
        "placed in a session), but 1,000 sessions a day (--sessions-per-day) for 30 days (--days) make 30,000: "
        "raise --sessions-per-day to 3,334, raise --days to 100, lower NUM_ORDERS to 15,000, or leave out "
        "NUM_ORDERS or --sessions-per-day to have it derived from the window\n")
    with pytest.raises(UsageError, match=r"raise --days to 200"):
        parse(["--orders", "100000", "--sessions-per-day", "1000", "--days", "150"], env={}, today=TODAY)


def test_old_environment_variables_are_aliases_and_new_names_and_flags_win() -> None:
    env = {"NUM_CUSTOMERS": "1000", "NUM_PRODUCTS": "500", "NUM_ORDERS": "300", "DAYS_OF_DATA": "30"}
    assert volumes([], env) == (1_000, 500, 300, 30, 100)
    assert volumes(["--customers", "700"], {**env, "BRONZE_PRODUCTS": "400"})[:2] == (700, 400)
    opts = parse(["--customers", "700"], env={**env, "BRONZE_PRODUCTS": "400"}, today=TODAY)
    assert opts.notices == (
        "reading NUM_ORDERS=300 as --orders (the old generator's variable; BRONZE_ORDERS is the new name)",
        "reading DAYS_OF_DATA=30 as --days (the old generator's variable; BRONZE_DAYS is the new name)",
    )
    with pytest.raises(UsageError, match=r"^NUM_CUSTOMERS 'lots': must be a positive integer$"):
        parse([], env={"NUM_CUSTOMERS": "lots"})


def test_each_old_variable_used_is_named_once_on_stderr(isolated: Path) -> None:
    env = clean_env(NUM_CUSTOMERS="200", NUM_PRODUCTS="100", DAYS_OF_DATA="3", BRONZE_END_DATE="2026-01-01")
    result = run_cli(["--quiet"], cwd=isolated, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "bronze-populate: reading NUM_CUSTOMERS=200 as --customers (the old generator's variable; "
        "BRONZE_CUSTOMERS is the new name)",
        "bronze-populate: reading NUM_PRODUCTS=100 as --products (the old generator's variable; "
        "BRONZE_PRODUCTS is the new name)",
        "bronze-populate: reading DAYS_OF_DATA=3 as --days (the old generator's variable; "
        "BRONZE_DAYS is the new name)",
    ]


def test_the_target_is_the_first_line_of_every_run(isolated: Path, tmp_path: Path) -> None:
    args = ["--customers", "20", "--products", "10", "--days", "2", "--end-date", "2026-01-01"]
    files = run_cli([*args, "--output-dir", "out", "--format", "csv"], cwd=isolated)
    assert files.returncode == 0 and files.stdout.splitlines()[0] == "target: csv files in out"
    url = f"sqlite:///{tmp_path / 'named.db'}"
    named = run_cli([*args, "--database-url", url], cwd=isolated)
    assert named.returncode == 0 and named.stdout.splitlines()[0] == f"target: SQLite file {tmp_path / 'named.db'}"


def test_make_targets_run_the_populate_command(isolated: Path) -> None:
    env = clean_env(NUM_CUSTOMERS="20", NUM_PRODUCTS="10", DAYS_OF_DATA="2", BRONZE_END_DATE="2026-01-01",
                    BRONZE_QUIET="1")
    for target, made in (("generate-data", isolated / "data" / "raw_orders.csv"), ("load-data", isolated / "bronze.db")):
        done = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), target, f"PYTHON={sys.executable}"],
                              cwd=isolated, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert made.exists()
