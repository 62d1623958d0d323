"""Factory speed, not a test: bulk ``create_batch`` against plain factory_boy loops.

    python benchmarks/bench_factories.py [results.json] [--customers 10000] [--orders 1000]

Runs on a throwaway PostgreSQL database (``BRONZE_TEST_DATABASE_URL``, default local server),
prints a table and writes the figures as JSON (default ``benchmarks/results/factories.json``).
The plain loops are what factory_boy does out of the box: a ``SQLAlchemyModelFactory`` with the
same declarations as ``CustomerFactory``, making the same rows; with
``sqlalchemy_session_persistence="flush"`` (one INSERT round trip per row, inside one transaction
like the other cases), with ``"commit"`` (a session on the engine, a real COMMIT per row), and
batched: persistence ``None``, every row added and flushed once at the end (SQLAlchemy's
unit of work then sends multi-row INSERTs), which is what a user who knows factory_boy would write
for speed. ``vs flush loop`` and ``vs batched loop`` are the customer speedups against those two;
the order cases compare ``OrderFactory.create_batch`` with as many ``OrderFactory()`` calls.
``stmts`` counts statements sent through SQLAlchemy: a ``COPY`` on psycopg2 goes past its events.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import factory
from sqlalchemy import event
from sqlalchemy.orm import Session

import bronze_factories
from bronze_factories import CustomerFactory, OrderFactory, RawCustomer
from bronze_factories.config import make_engine
from bronze_factories.testing import DatabaseUnavailable, throwaway_database

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "factories.json"


class PlainCustomerFactory(factory.alchemy.SQLAlchemyModelFactory):
    """Vanilla factory_boy: same declarations as CustomerFactory, flushed object by object."""

    class Meta:
        model = RawCustomer
        sqlalchemy_session_persistence = "flush"

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


def measure(engine: Any, label: str, rows_of: Any, work: Any, *, commit: bool = False) -> dict[str, Any]:
    """Time ``work(session)`` in a transaction rolled back afterwards (``commit``: a plain session, tables emptied)."""
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    with engine.connect() as conn:
        trans = None if commit else conn.begin()
        session = Session(bind=engine) if commit else Session(bind=conn, join_transaction_mode="create_savepoint")
        bronze_factories.seed(42)
        event.listen(engine, "before_cursor_execute", count)
        try:
            with bronze_factories.bind(session):
                started = time.perf_counter()
                work(session)
                session.flush()
                seconds = time.perf_counter() - started
        finally:
            event.remove(engine, "before_cursor_execute", count)
        if trans is None:
            session.close()
            rows = rows_of(conn)
            conn.exec_driver_sql("TRUNCATE bronze.raw_customers")
            conn.commit()
        else:
            rows = rows_of(conn)  # before close(), which rolls the savepoint back
            session.close()
            trans.rollback()
    return {"case": label, "seconds": round(seconds, 3), "rows": rows, "statements": statements,
            "rows_per_second": round(rows / seconds) if seconds else None}


def total_rows(conn: Any) -> int:
    tables = ("raw_customers", "raw_products", "raw_orders", "raw_inventory", "raw_reviews", "raw_sessions",
              "raw_clickstream")
    return sum(conn.exec_driver_sql(f"SELECT count(*) FROM bronze.{t}").scalar() for t in tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_factories", description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(DEFAULT_OUT), help="JSON results file")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=1_000)
    args = parser.parse_args(argv)

    def plain(factory_class: Any) -> Any:
        def work(session: Session) -> None:
            factory_class._meta.sqlalchemy_session = session
            for _ in range(args.customers):
                factory_class()
        return work

    try:
        with throwaway_database() as url:
            engine = make_engine(url)
            results = [
                measure(engine, f"CustomerFactory.create_batch({args.customers})", total_rows,
                        lambda s: CustomerFactory.create_batch(args.customers)),
                measure(engine, f"plain factory_boy loop, {args.customers} customers, flush", total_rows,
                        plain(PlainCustomerFactory)),
                measure(engine, f"plain factory_boy loop, {args.customers} customers, commit", total_rows,
                        plain(PlainCommitCustomerFactory), commit=True),
                measure(engine, f"factory_boy loop, {args.customers} customers, add all, flush once", total_rows,
                        plain(BatchedCustomerFactory)),
                measure(engine, f"OrderFactory.create_batch({args.orders}) (whole graph)", total_rows,
                        lambda s: OrderFactory.create_batch(args.orders)),
                measure(engine, f"OrderFactory() x {args.orders}, one flush per order graph", total_rows,
                        lambda s: [OrderFactory() for _ in range(args.orders)]),
            ]
            engine.dispose()
    except DatabaseUnavailable as exc:
        print(f"bench_factories: {exc}; set BRONZE_TEST_DATABASE_URL", file=sys.stderr)
        return 1

    bulk, flush_loop, batched_loop = results[0]["seconds"], results[1]["seconds"], results[3]["seconds"]
    order_batch, order_loop = results[4]["seconds"], results[5]["seconds"]
    for r in results[:4]:
        r["vs_flush_loop"] = round(flush_loop / r["seconds"], 1) if r["seconds"] else None
        r["vs_batched_loop"] = round(batched_loop / r["seconds"], 1) if r["seconds"] else None
    for r in results[4:]:
        r["vs_order_calls"] = round(order_loop / r["seconds"], 1) if r["seconds"] else None
    print(f"{'case':<62} {'seconds':>8} {'rows':>8} {'stmts':>7} {'rows/s':>9}")
    for r in results:
        print(f"{r['case']:<62} {r['seconds']:>8.2f} {r['rows']:>8} {r['statements']:>7} {r['rows_per_second']:>9}")
    ratios = {
        "customers: create_batch vs flush-per-object loop": round(flush_loop / bulk, 2) if bulk else None,
        "customers: create_batch vs batched loop (add all, flush once)": round(batched_loop / bulk, 2) if bulk else None,
        "orders: create_batch vs OrderFactory() calls": round(order_loop / order_batch, 2) if order_batch else None,
    }
    for name, ratio in ratios.items():
        print(f"{name}: {ratio}x")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"results": results, "ratios": ratios}, indent=2) + "\n")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
