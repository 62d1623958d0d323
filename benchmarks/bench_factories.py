"""Factory speed, not a test: bulk ``create_batch`` against plain factory_boy loops.

    python benchmarks/bench_factories.py [results.json] [--customers 10000] [--orders 1000] [--runs 3]
                                         [--commit-loop]

Runs on a throwaway PostgreSQL database (``BRONZE_TEST_DATABASE_URL``, default local server),
prints a table of medians and writes every run as JSON (default ``benchmarks/results/factories.json``).

Cases, each run ``--runs`` times, alternating (one run of every case, then the next round), each
on the same kind of state: a fresh connection and session on the migrated, empty database (the
tables vacuumed before the run, so that rows rolled back by the previous case leave no dead
tuples), ``seed(42)``, the work, one last flush, then a rollback:

* ``CustomerFactory.create_batch(n)`` against two plain factory_boy loops over a
  ``SQLAlchemyModelFactory`` with the same declarations: ``sqlalchemy_session_persistence="flush"``
  (one INSERT round trip per row), and the batched baseline (persistence ``None``, every row added
  and flushed once at the end, so SQLAlchemy's unit of work sends multi-row INSERTs), which is what
  a user who knows factory_boy writes for speed. The ratio quoted is against the batched one.
  ``--commit-loop`` adds the loop with a real COMMIT per row (tables emptied afterwards).
* ``OrderFactory.create_batch(n)`` (whole graphs) against ``n`` ``OrderFactory()`` calls, one flush
  per order graph.

Wall seconds, client CPU seconds (this process) and server CPU seconds (the session's backend,
from ``/proc`` when the server runs on this machine) are reported, with the load average.
``stmts`` counts statements sent through SQLAlchemy: a ``COPY`` on psycopg2 goes past its events.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import factory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

import bronze_factories
from bronze_factories import CustomerFactory, OrderFactory, RawCustomer
from bronze_factories.config import make_engine
from bronze_factories.factories.base import rng
from bronze_factories.faker_provider import ages
from bronze_factories.testing import DatabaseUnavailable, throwaway_database

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "factories.json"
TABLES = ("raw_customers", "raw_products", "raw_orders", "raw_inventory", "raw_reviews", "raw_sessions",
          "raw_clickstream")
TICK = os.sysconf("SC_CLK_TCK")


class PlainCustomerFactory(factory.alchemy.SQLAlchemyModelFactory):
    """Vanilla factory_boy: same declarations as CustomerFactory, flushed object by object."""

    class Meta:
        model = RawCustomer
        sqlalchemy_session_persistence = "flush"

    class Params:
        age = factory.LazyFunction(lambda: ages(rng())[0])

    customer_id = CustomerFactory.customer_id
    first_name = CustomerFactory.first_name
    last_name = CustomerFactory.last_name
    customer_name = CustomerFactory.customer_name
    email = CustomerFactory.email
    phone = CustomerFactory.phone
    address = CustomerFactory.address
    registration_date = CustomerFactory.registration_date
    date_of_birth = CustomerFactory.date_of_birth
    gender = CustomerFactory.gender
    source_system = CustomerFactory.source_system
    raw_data = factory.LazyAttribute(lambda o: {"customer_id": o.customer_id, "email": o.email})


class BatchedCustomerFactory(PlainCustomerFactory):
    """The same, added to the session without a flush: the caller flushes once after the loop."""

    class Meta:
        sqlalchemy_session_persistence = None


class PlainCommitCustomerFactory(PlainCustomerFactory):
    """The same, committed object by object (what a session without an outer transaction gets)."""

    class Meta:
        sqlalchemy_session_persistence = "commit"


def backend_cpu(conn: Connection) -> Callable[[], float | None]:
    """A reader of the CPU seconds (user + system) of the connection's server process, if it is local."""
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    path = Path(f"/proc/{pid}/stat")

    def read() -> float | None:
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / TICK

    return read


def fresh(engine: Engine) -> None:
    """The same starting state for every case: empty tables without the dead tuples of earlier runs."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in TABLES:
            conn.exec_driver_sql(f"VACUUM bronze.{table}")


def measure(engine: Engine, label: str, work: Callable[[Session], Any], *, commit: bool = False) -> dict[str, Any]:
    """Time ``work(session)`` in a transaction rolled back afterwards (``commit``: a plain session, tables emptied)."""
    fresh(engine)
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    with engine.connect() as conn:
        trans = None if commit else conn.begin()
        session = Session(bind=engine) if commit else Session(bind=conn, join_transaction_mode="create_savepoint")
        server = backend_cpu(session.connection())
        bronze_factories.seed(42)
        event.listen(engine, "before_cursor_execute", count)
        try:
            with bronze_factories.bind(session):
                server_before, cpu_before, started = server(), time.process_time(), time.perf_counter()
                work(session)
                session.flush()
                seconds = time.perf_counter() - started
                cpu, server_after = time.process_time() - cpu_before, server()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        if trans is None:
            session.close()
            rows = total_rows(conn)
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f"bronze.{t}" for t in TABLES))
            conn.commit()
        else:
            rows = total_rows(conn)  # before close(), which rolls the savepoint back
            session.close()
            trans.rollback()
    server_cpu = server_after - server_before if server_before is not None and server_after is not None else None
    return {"case": label, "seconds": seconds, "client_cpu": cpu, "server_cpu": server_cpu, "rows": rows,
            "statements": statements}


def total_rows(conn: Connection) -> int:
    return sum(conn.exec_driver_sql(f"SELECT count(*) FROM bronze.{t}").scalar() for t in TABLES)


def median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r[key] is not None]
    return statistics.median(values) if values else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_factories", description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(DEFAULT_OUT), help="JSON results file")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of every case (medians)")
    parser.add_argument("--commit-loop", action="store_true", help="also the loop with a COMMIT per customer")
    args = parser.parse_args(argv)

    def plain(factory_class: Any) -> Callable[[Session], None]:
        def work(session: Session) -> None:
            factory_class._meta.sqlalchemy_session = session
            for _ in range(args.customers):
                factory_class()
        return work

    cases: dict[str, tuple[str, Callable[[Session], Any], bool]] = {
        "customers_bulk": (f"CustomerFactory.create_batch({args.customers})",
                           lambda s: CustomerFactory.create_batch(args.customers), False),
        "customers_flush_loop": (f"factory_boy loop, {args.customers} customers, flush each",
                                 plain(PlainCustomerFactory), False),
        "customers_batched_loop": (f"factory_boy loop, {args.customers} customers, add all, flush once",
                                   plain(BatchedCustomerFactory), False),
        "orders_batch": (f"OrderFactory.create_batch({args.orders}) (whole graphs)",
                         lambda s: OrderFactory.create_batch(args.orders), False),
        "orders_calls": (f"OrderFactory() x {args.orders}, one flush per order graph",
                         lambda s: [OrderFactory() for _ in range(args.orders)], False),
    }
    if args.commit_loop:
        cases["customers_commit_loop"] = (f"factory_boy loop, {args.customers} customers, commit each",
                                          plain(PlainCommitCustomerFactory), True)
    runs: dict[str, list[dict[str, Any]]] = {key: [] for key in cases}
    load_before = os.getloadavg()
    try:
        with throwaway_database() as url:
            engine = make_engine(url)
            for round_ in range(args.runs):
                for key, (label, work, commit) in cases.items():
                    result = measure(engine, label, work, commit=commit)
                    result["round"] = round_
                    runs[key].append(result)
                    print(f"  round {round_ + 1}/{args.runs}: {label}: {result['seconds']:.2f} s", file=sys.stderr)
            engine.dispose()
    except DatabaseUnavailable as exc:
        print(f"bench_factories: {exc}; set BRONZE_TEST_DATABASE_URL", file=sys.stderr)
        return 1
    load_after = os.getloadavg()

    medians = {key: {f: median(values, f) for f in ("seconds", "client_cpu", "server_cpu")} | {
        "case": cases[key][0], "rows": values[0]["rows"], "statements": values[0]["statements"]}
        for key, values in runs.items()}

    def ratio(slow: str, fast: str) -> float | None:
        a, b = medians[slow]["seconds"], medians[fast]["seconds"]
        return round(a / b, 2) if a and b else None

    ratios = {
        "customers: create_batch vs batched factory_boy loop (add all, flush once)":
            ratio("customers_batched_loop", "customers_bulk"),
        "customers: create_batch vs flush-per-object factory_boy loop": ratio("customers_flush_loop", "customers_bulk"),
        "orders: create_batch vs OrderFactory() calls": ratio("orders_calls", "orders_batch"),
    }
    print(f"\nmedians of {args.runs} alternating runs; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after (1 min)")
    print(f"{'case':<62} {'wall s':>7} {'cpu s':>7} {'srv cpu':>7} {'rows':>7} {'stmts':>6} {'rows/s':>8}")
    for m in medians.values():
        server = f"{m['server_cpu']:>7.2f}" if m["server_cpu"] is not None else f"{'-':>7}"
        print(f"{m['case']:<62} {m['seconds']:>7.2f} {m['client_cpu']:>7.2f} {server} {m['rows']:>7} "
              f"{m['statements']:>6} {m['rows'] / m['seconds']:>8.0f}")
    for name, value in ratios.items():
        print(f"{name}: {value}x")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"medians": medians, "ratios": ratios, "runs": runs,
                               "load_average": {"before": load_before, "after": load_after}}, indent=2) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
