"""Strategies and determinism: build() touches no database, create_batch() writes in bulk, seeds replay."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

import bronze_factories
from bronze_factories import (
    ClickstreamFactory,
    CustomerFactory,
    InventoryFactory,
    OrderFactory,
    ProductFactory,
    RawClickstream,
    RawCustomer,
    RawInventory,
    RawOrder,
    RawProduct,
    RawReview,
    RawSession,
    ReviewFactory,
    WebSessionFactory,
)

ALL = (CustomerFactory, ProductFactory, OrderFactory, InventoryFactory, ReviewFactory, WebSessionFactory,
       ClickstreamFactory)
MODELS = (RawCustomer, RawProduct, RawOrder, RawInventory, RawReview, RawSession, RawClickstream)


@contextmanager
def statements(engine):
    """Count the SQL statements sent to the server (one per cursor execute, i.e. per multi-row batch)."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def largest_id(table: str) -> str:
    """The table part of the one read a bound session makes: where the table's factory ids continue."""
    return f"max(bronze.{table}."


def reads(seen: list[str]) -> list[str]:
    """The SELECTs among ``seen``, each checked to be such a read; returns the tables they read."""
    selects = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    tables = [t for s in selects for t in TABLES if largest_id(t) in s]
    assert len(tables) == len(selects), selects
    return sorted(tables)


TABLES = ("raw_customers", "raw_products", "raw_orders", "raw_inventory", "raw_reviews", "raw_sessions",
          "raw_clickstream")


def test_build_and_build_batch_issue_no_sql(bronze_engine, bronze_session):
    customer = CustomerFactory()  # a persistent parent, to build children of
    bronze_session.flush()
    with statements(bronze_engine) as seen:
        for factory_class in ALL:
            factory_class.build()
            factory_class.build_batch(3)
        OrderFactory.build(customer=customer, status="returned")
        OrderFactory.build(customer_id=customer.customer_id)
        ReviewFactory.build(customer=customer)
    assert seen == []
    assert not bronze_session.new  # nothing built was added to the session either


def test_create_flushes_without_commit(bronze_engine, bronze_session):
    with statements(bronze_engine) as seen:
        c = CustomerFactory()
    assert any(s.lstrip().upper().startswith("INSERT") for s in seen)
    assert not bronze_session.new and bronze_session.get(RawCustomer, c.customer_id) is c


def test_create_batch_of_10000_customers_is_a_bounded_number_of_statements(bronze_engine, bronze_session):
    with statements(bronze_engine) as seen:
        customers = CustomerFactory.create_batch(10_000)
    assert len(customers) == 10_000
    # one COPY (past SQLAlchemy's statement events) instead of a multi-row INSERT per ~1,000 rows
    assert len(seen) <= 25, f"{len(seen)} statements for 10,000 customers"
    assert not [s for s in seen if s.lstrip().upper().startswith("INSERT")]
    assert reads(seen) == ["raw_customers"]
    n = bronze_session.connection().exec_driver_sql('SELECT count(*) FROM bronze.raw_customers').scalar()
    assert n == 10_000


def test_bulk_customers_are_persistent_objects_equal_to_their_rows(bronze_engine, bronze_session):
    customers = CustomerFactory.create_batch(50)
    assert not bronze_session.new and not bronze_session.dirty
    assert all(bronze_session.get(RawCustomer, c.customer_id) is c for c in customers)
    assert len({c.customer_id for c in customers}) == 50 and CustomerFactory().customer_id == "CUST90000050"
    table = RawCustomer.__table__
    stored = {r.customer_id: r for r in bronze_session.connection().execute(select(table))}
    for c in customers:
        row = stored[c.customer_id]
        for column in table.c:
            if column.name != "ingestion_timestamp":
                assert getattr(row, column.name) == getattr(c, column.name), column.name
        assert c.raw_data["address"] == c.address and c.raw_data["registration_date"] == c.registration_date.isoformat()
        assert f"_{int(c.customer_id[4:])}@" in c.email and c.customer_name == f"{c.first_name} {c.last_name}"
    assert customers[0].ingestion_timestamp is not None  # a server default, loaded on access as after a flush
    customers[1].phone = "(555) 010-0000"  # still tracked: a change is flushed as an UPDATE
    bronze_session.flush()
    assert bronze_session.scalar(select(RawCustomer.phone).where(RawCustomer.customer_id == customers[1].customer_id)) \
        == "(555) 010-0000"


def test_bulk_customers_follow_overrides_and_subclass_declarations(bronze_session):
    import datetime as dt

    import factory

    pinned = CustomerFactory.create_batch(3, registration_date=dt.datetime(2024, 1, 1), gender="female")
    assert {(c.registration_date, c.gender) for c in pinned} == {(dt.datetime(2024, 1, 1), "female")}

    class VipFactory(CustomerFactory):
        gender = "undisclosed"
        phone = factory.Sequence(lambda n: f"(555) 000-{n:04d}")

    vips = VipFactory.create_batch(3)
    assert {c.gender for c in vips} == {"undisclosed"} and all(c.phone.startswith("(555) 000-") for c in vips)
    assert not bronze_session.new


def test_create_batch_of_orders_writes_the_whole_graph_without_selects(bronze_engine, bronze_session):
    with statements(bronze_engine) as seen:
        orders = OrderFactory.create_batch(100)
    assert len(orders) == 100
    # the only reads: where each table's factory ids continue (once per table and session)
    assert reads(seen) == sorted(set(TABLES) - {"raw_reviews"})
    assert len(seen) <= 40  # one flush: a few multi-row INSERTs per table, not one per row (>2,000 rows)


def snapshot(session: Session) -> dict[str, list[tuple]]:
    """Every row of every table, ingestion_timestamp aside."""
    out = {}
    for model in MODELS:
        table = model.__table__
        cols = [c for c in table.c if c.name != "ingestion_timestamp"]
        out[table.name] = [tuple(r) for r in session.execute(select(*cols).order_by(*table.primary_key.columns))]
    return out


def build_graph(engine, seed: int) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        trans = conn.begin()
        session = Session(bind=conn, join_transaction_mode="create_savepoint")
        bronze_factories.seed(seed)
        with bronze_factories.bind(session):
            OrderFactory.create_batch(5)
            for status in ("pending", "returned", "cancelled"):
                OrderFactory(status=status)
            ReviewFactory()
            ClickstreamFactory(event_type="checkout_start")
            InventoryFactory(adjustment=True)
            session.flush()
            rows = snapshot(session)
        session.close()
        trans.rollback()
    return rows


def test_same_seed_same_rows_other_seed_other_rows(bronze_engine):
    first = build_graph(bronze_engine, 42)
    again = build_graph(bronze_engine, 42)
    other = build_graph(bronze_engine, 43)
    assert sum(len(rows) for rows in first.values()) > 50
    assert first == again
    assert first["raw_customers"] != other["raw_customers"] and first["raw_orders"] != other["raw_orders"]
    bronze_factories.seed()  # leave the defaults for the next test


def test_seed_restarts_ids_and_anchors_time():
    bronze_factories.seed(5)
    a = CustomerFactory.build()
    bronze_factories.seed(5)
    b = CustomerFactory.build()
    assert a.customer_id == b.customer_id == "CUST90000000"
    assert (a.email, a.registration_date, a.address) == (b.email, b.registration_date, b.address)
    start, end = bronze_factories.window()
    assert (end - start).days == 365 and end.isoformat() == "2026-01-01T00:00:00"


@pytest.mark.parametrize("factory_class", ALL, ids=[f.__name__ for f in ALL])
def test_build_ids_follow_the_contract_formats(factory_class):
    import re

    obj = factory_class.build()
    patterns = {"customer_id": r"CUST\d{8}", "product_id": r"PROD\d{8}", "order_id": r"ORD\d{10}",
                "review_id": r"REV\d{10}", "session_id": r"SESS\d{12}"}
    for column, pattern in patterns.items():
        value = getattr(obj, column, None)
        if value is not None:
            assert re.fullmatch(pattern, value), (column, value)
