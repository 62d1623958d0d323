"""The populate command line: options, environment, and refusing bad input before touching anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from populate_support import SMALL

from bronze_factories.populate import main
from bronze_factories.populate.options import UsageError, parse

pytestmark = pytest.mark.usefixtures("isolated")


BAD_USAGE = [
    (["--customers", "0"], "--customers '0': must be a positive integer"),
    (["--products", "-3"], "--products '-3': must be a positive integer"),
    (["--orders", "many"], "--orders 'many': must be a positive integer"),
    (["--days", "0"], "--days '0': must be a positive integer"),
    (["--end-date", "2026-02-30"], "--end-date '2026-02-30': not a date"),
    (["--end-date", "01/02/2026"], "--end-date '01/02/2026': expected YYYY-MM-DD"),
    (["--events-per-session", "30-5"], "events per session 30-5: the minimum is above the maximum"),
    (["--events-per-session", "lots"], "--events-per-session 'lots': expected MIN-MAX"),
    (["--format", "xml", "--output-dir", "out"], "--format 'xml': expected one of parquet, csv, jsonl"),
    (["--format", "csv"], "--format applies to files: add --output-dir"),
    (["--shard", "0/3"], "--shard '0/3': expected K/N with 1 <= K <= N"),
    (["--shard", "4/3"], "--shard '4/3': expected K/N with 1 <= K <= N"),
    (["--shard", "x"], "--shard 'x': expected K/N"),
    (["--workers", "0"], "--workers '0': must be a positive integer"),
    (["--scale", "-1"], "--scale '-1'"),
    (["--orders", "100000", "--days", "1", "--sessions-per-day", "1000"], "raise --days to 200, lower --orders to 500"),
    (["--database-url", "mysql://admin:s3cretpw@db.example/shop"], "unsupported database URL scheme 'mysql'"),
    (["--database-url", "postgresql://a:s3cretpw@host:notaport/db"], "cannot parse database URL"),
    (["--schema", "bad-name"], "invalid schema name 'bad-name'"),
    (["--cutsomers", "5"], "unrecognized arguments: --cutsomers 5"),
]


@pytest.mark.parametrize(("args", "message"), BAD_USAGE, ids=[" ".join(a) for a, _ in BAD_USAGE])
def test_bad_usage_is_one_line_exit_2_and_writes_nothing(args: list[str], message: str, isolated: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    status = main(args)
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("bronze-populate: error: ")
    assert "Traceback" not in err and "s3cretpw" not in err
    assert list(isolated.iterdir()) == []  # no bronze.db, no output directory


def test_environment_supplies_options_and_flags_win() -> None:
    env = {"BRONZE_CUSTOMERS": "300", "BRONZE_ORDERS": "500", "BRONZE_DAYS": "20", "BRONZE_END_DATE": "2025-06-01",
           "BRONZE_SEED": "7",
           "BRONZE_EVENTS_PER_SESSION": "6-9", "BRONZE_SCHEMA": "staging", "BRONZE_SHARD": "2/4",
           "BRONZE_DATABASE_URL": "postgresql://u@h/db", "BRONZE_WORKERS": "3", "BRONZE_QUIET": "1"}
    opts = parse(["--days", "40"], env=env)
    p = opts.params
    assert (p.customers, p.days, p.end_date, p.seed, p.events_min, p.events_max) == (
        300, 40, dt.date(2025, 6, 1), 7, 6, 9)
    assert (opts.schema, opts.shard, opts.workers, opts.quiet) == ("staging", (2, 4), 3, True)
    assert opts.url is not None and opts.url.drivername == "postgresql+psycopg2" and opts.url.host == "h"


def test_bad_environment_value_names_the_variable(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRONZE_DAYS", "0")
    assert main([]) == 2
    assert "BRONZE_DAYS '0': must be a positive integer" in capsys.readouterr().err


def test_defaults_are_the_old_tools_and_end_date_is_today_in_utc() -> None:
    opts = parse([], env={}, today=lambda: dt.date(2026, 3, 4))
    p = opts.params
    assert (p.customers, p.products, p.orders, p.days, p.sessions_per_day, p.events_min, p.events_max,
            p.warehouses, p.seed) == (10_000, 5_000, 50_000, 365, 1_000, 5, 30, 5, 42)
    assert p.end_date == dt.date(2026, 3, 4) and not opts.end_date_given
    assert opts.url is not None and opts.url.database == "bronze.db" and opts.target_kind == "sqlite"
    real = parse([], env={})
    assert real.params.end_date == dt.datetime.now(dt.timezone.utc).date()


def test_load_flag_is_accepted_for_compatibility() -> None:
    assert parse(["--load", "--customers", "5"], env={}).params.customers == 5


def test_debug_shows_the_traceback() -> None:
    with pytest.raises(UsageError):
        main(["--days", "0", "--debug"])


def test_plan_prints_sizes_and_writes_nothing(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SMALL, "--plan", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "customers=200 products=100 orders=400 days=30" in out
    assert "window    2025-12-02 .. 2025-12-31 (end date 2026-01-01)" in out
    lines = {ln.split()[0]: ln.split()[1] for ln in out.splitlines() if ln.startswith("raw_")}
    assert lines["raw_customers"] == "200" and lines["raw_orders"] == "400" and lines["raw_sessions"] == "1,800"
    assert set(lines) == {"raw_customers", "raw_products", "raw_sessions", "raw_clickstream", "raw_orders",
                          "raw_inventory", "raw_reviews"}
    assert list(isolated.iterdir()) == []


def test_plan_estimates_the_disk_of_each_target(capsys: pytest.CaptureFixture[str]) -> None:
    """The default dataset: a SQLite file of gigabytes, Parquet files a tenth of that."""
    def total(*extra: str) -> str:
        assert main(["--plan", "--end-date", "2026-01-01", *extra]) == 0
        out = capsys.readouterr().out
        (line,) = [ln for ln in out.splitlines() if ln.startswith("total ")]
        return " ".join(line.split()[2:])

    sqlite_total = total()
    assert sqlite_total.endswith(" GB") and 4 < float(sqlite_total.split()[0]) < 8
    parquet_total = total("--output-dir", "out", "--format", "parquet")
    assert parquet_total.endswith(" MB") and 300 < float(parquet_total.split()[0]) < 900


def test_plan_with_a_shard_counts_its_units(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SMALL, "--plan", "--shard", "2/3"]) == 0
    assert "shard 2/3: " in capsys.readouterr().out
