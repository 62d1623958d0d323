"""What the validator prints: lines as rules finish, progress with elapsed seconds, example ids, the
summary, --list-rules, skip reasons that say what to pass, empty schemas, Ctrl-C during a query, URLs
as typed."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from validate_fixtures import PARAMS, load_valid_dataset

from bronze_factories.config import make_engine
from bronze_factories.migrate import upgrade
from bronze_factories.testing import throwaway_database
from bronze_factories.validate import _Stream
from bronze_factories.validation import RULES, RuleResult, validate
from bronze_factories.validation.runner import _query
from bronze_factories.validation.sql import Context, Sql

WINDOW = ["--end-date", "2024-03-11", "--days", "10"]
VOLUMES = ["--customers", "5", "--products", "4", "--orders", "8", "--sessions-per-day", "2"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bronze_factories.validate", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bronze.db'}"
    upgrade(url)
    engine = make_engine(url)
    load_valid_dataset(engine)
    engine.dispose()
    return url


def test_each_rule_is_reported_as_it_finishes(sqlite_db: str) -> None:
    events: list[str] = []
    report = validate(sqlite_db, params=PARAMS, categories=["time"],
                      on_start=lambda rule, i, n: events.append(f"start {rule.name} {i + 1}/{n}"),
                      on_result=lambda result: events.append(f"done {result.name}"))
    names = [r.name for r in report]
    n = len(names)
    assert events == [e for i, name in enumerate(names) for e in (f"start {name} {i + 1}/{n}", f"done {name}")]


def test_failures_show_example_ids_and_the_summary_names_the_failed_rules(sqlite_db: str) -> None:
    engine = make_engine(sqlite_db)
    with engine.begin() as c:
        c.exec_driver_sql("UPDATE raw_orders SET total_amount = total_amount + 1 "
                          "WHERE order_id IN ('ORD0000000002', 'ORD0000000005')")
        c.exec_driver_sql("UPDATE raw_products SET cost = price + 1 WHERE product_id = 'PROD00000002'")
    engine.dispose()
    done = _cli("--database-url", sqlite_db, *WINDOW, *VOLUMES, "--category", "relationship,consistency")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    total = next(line for line in lines if " order_total_amount " in line)
    assert total.split()[:4] == ["FAIL", "relationship", "order_total_amount", "2"]
    assert total.endswith("  e.g. ORD0000000002, ORD0000000005") or total.endswith("  e.g. ORD0000000005, ORD0000000002")
    cost = next(line for line in lines if " product_cost_below_price " in line)
    assert cost.endswith("1  e.g. PROD00000002")
    ran = [r.name for r in RULES if r.category in ("relationship", "consistency")]
    n = len(ran)
    assert lines[-1] == f"{n} rules: {n - 2} ok, 2 failed (order_total_amount, product_cost_below_price), 0 skipped"
    assert len(lines) == n + 1
    assert seconds_masked(done.stderr) == progress(ran)


def seconds_masked(text: str) -> str:
    return re.sub(r"\b\d+\.\d+ s$", "<t> s", text, flags=re.MULTILINE)


def progress(names: list[str]) -> str:
    """The progress lines of a run of these rules, outside a terminal (seconds masked)."""
    n = len(names)
    lines = [line for i, name in enumerate(names) for line in (f"[{i + 1}/{n}] {name} ...", f"[{i + 1}/{n}] {name} <t> s")]
    return "\n".join([*lines, f"{n} rules in <t> s"]) + "\n"


def test_progress_outside_a_terminal_is_a_line_as_each_rule_starts_and_ends(sqlite_db: str) -> None:
    names = ["order_total_amount", "orders_in_window", "logged_in_share"]
    done = _cli("--database-url", sqlite_db, *WINDOW, "--rule", ",".join(names))
    assert done.returncode == 0, done.stderr
    assert seconds_masked(done.stderr) == progress(names)
    assert [line.split()[2] for line in done.stdout.splitlines()[:-1]] == names


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Rule:
    def __init__(self, name: str) -> None:
        self.name = name


def test_progress_on_a_terminal_is_one_line_counting_the_running_rule_s_seconds() -> None:
    now = [100.0]
    out, err = io.StringIO(), Terminal()
    stream = _Stream(["a", "b"], out, err, clock=lambda: now[0], tick=0.01)
    stream.start(Rule("a"), 0, 2)
    now[0] = 103.4
    deadline = time.monotonic() + 5
    while "[1/2] a ... 3 s" not in err.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)  # the ticker redraws the line with the seconds so far
    stream.result(RuleResult("a", "time", "", 0))
    stream.start(Rule("b"), 1, 2)
    stream.result(RuleResult("b", "time", "", 1))
    now[0] = 105.0
    stream.done(2)
    clear = "\r\033[K"
    drawn = err.getvalue().split(clear)
    once = [d for i, d in enumerate(drawn) if i == 0 or d == "" or d != drawn[i - 1]]  # however many ticks redrew a line
    assert clear.join(once) == (f"{clear}[1/2] a ... 0 s{clear}[1/2] a ... 3 s{clear}{clear}[2/2] b ... 0 s{clear}"
                                f"{clear}2 rules in 5.0 s\n")
    width = 32
    assert out.getvalue() == (f"ok      time          {'a':<{width}}{'0':>8}\n"
                              f"FAIL    time          {'b':<{width}}{'1':>8}\n")


def test_list_rules_prints_every_rule_with_what_it_checks() -> None:
    done = _cli("--list-rules")
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == len(RULES)
    for line, rule in zip(lines, RULES, strict=True):
        assert line.split()[:2] == [rule.category, rule.name] and line.endswith(rule.description)


def test_skip_reasons_name_the_flags_that_run_the_rule(sqlite_db: str) -> None:
    done = _cli("--database-url", sqlite_db, "--rule", "orders_in_window,order_count")
    assert done.returncode == 0, done.stderr
    window, count = done.stdout.splitlines()[:2]
    assert window.endswith("(no window (bronze_load_ledger is empty); pass --end-date and --days "
                           "(validate(window=...)), or validate a database populate loaded)")
    assert count.endswith("(no dataset parameters (bronze_load_ledger is empty); pass --customers, --products, "
                          "--orders, --sessions-per-day with --end-date and --days (validate(params=...)), or "
                          "validate a database populate loaded)")
    ran = _cli("--database-url", sqlite_db, "--rule", "orders_in_window,order_count", *WINDOW, *VOLUMES)
    assert ran.returncode == 0 and [line.split()[0] for line in ran.stdout.splitlines()[:2]] == ["ok", "ok"]
    assert seconds_masked(ran.stderr) == progress(["orders_in_window", "order_count"])


def test_an_empty_migrated_schema_fails_the_volume_rules(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    done = _cli("--database-url", url)
    assert done.returncode == 1
    failed = [line.split()[2] for line in done.stdout.splitlines() if line.startswith("FAIL")]
    volume = ["customer_count", "product_count", "order_count", "session_count", "events_per_session"]
    assert [name for name in failed if name in volume] == volume
    assert "failed (customer_count, product_count, order_count, session_count, events_per_session, " \
           in done.stdout.splitlines()[-1]


SLOW = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
              "SELECT count(*) FROM c",
    "postgresql": "SELECT count(*) FROM pg_sleep(60)",
}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_ctrl_c_interrupts_the_running_query(dialect: str, tmp_path: Path, pg_server: URL) -> None:
    def run(url) -> None:  # type: ignore[no-untyped-def]
        engine = make_engine(url)
        with engine.connect() as conn:
            ctx = Context(Sql(conn.dialect.name, "bronze"))
            timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
            timer.start()
            started = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                _query(conn, ctx, SLOW[dialect])
            assert time.monotonic() - started < 10
            timer.join()
            conn.rollback()
            assert conn.execute(text("SELECT 1")).scalar() == 1  # the connection is still usable
        engine.dispose()

    if dialect == "sqlite":
        run(f"sqlite:///{tmp_path / 'x.db'}")
    else:
        with throwaway_database(pg_server, migrate=False) as url:
            run(url)


def test_errors_show_the_url_as_typed_without_its_password(pg_server: URL) -> None:
    typed = pg_server.set(drivername="postgresql", password="s3cretpw", database="no_such_bronze_db")
    shown = typed.render_as_string(hide_password=True)
    done = _cli("--database-url", typed.render_as_string(hide_password=False))
    assert done.returncode == 1
    assert done.stderr.startswith(f"bronze-validate: error: cannot validate {shown}: ")
    assert "s3cretpw" not in done.stderr and "psycopg2" not in done.stderr
