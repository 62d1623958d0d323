"""``bronze_factories.advance()``: the factories' "now" moves on, and the orders made earlier move on with it.

Every order draws its whole lifecycle when it is made (``order.lifecycle``); the tests read the
times from it instead of guessing, move the clock past them, and check the stored rows: the status
and fulfilment timestamps as of the new window end, a later ``ingestion_timestamp`` on the same
primary key (what an incremental reader keys on), the stock movements that fell due, and the
validator's rules over the grown window.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

import bronze_factories
from bronze_factories import (
    CustomerFactory,
    OrderFactory,
    ProductFactory,
    RawInventory,
    RawOrder,
    ReviewFactory,
    WebSessionFactory,
)
from bronze_factories import vocabulary as v
from bronze_factories.factories.registry import registry
from bronze_factories.validate import validate

CATEGORIES = {"relationship", "time", "consistency"}


def assert_contract(session) -> None:
    session.flush()
    report = validate(session.connection(), window=bronze_factories.window(), categories=CATEGORIES)
    assert report.ok, report.format()


def stored(session, order: RawOrder) -> dict:
    """The order's rows in the database (there must be exactly one), read with plain SQL."""
    rows = session.connection().execute(
        text("SELECT status, order_date, ingestion_timestamp, raw_data FROM bronze.raw_orders WHERE order_id = :id"),
        {"id": order.order_id},
    ).mappings().all()
    assert len(rows) == 1, rows
    return dict(rows[0])


def movements(session, order: RawOrder) -> list[tuple[str, int, dt.datetime]]:
    return [tuple(r) for r in session.execute(
        select(RawInventory.movement_type, RawInventory.quantity, RawInventory.movement_date)
        .where(RawInventory.reference_number == order.order_id).order_by(RawInventory.inventory_id))]


def hours_past(at: dt.datetime) -> int:
    """Whole hours from the window end to just past ``at`` (at most an hour past it)."""
    return int((at - bronze_factories.window()[1]).total_seconds() // 3600) + 1


def test_a_pending_order_ships_then_arrives_as_its_lifecycle_says(bronze_session):
    order = OrderFactory(status="pending")
    life = order.lifecycle
    start, end = bronze_factories.window()
    assert life.placed == order.order_date and end <= life.processing_at < life.shipped_at < life.delivered_at
    assert life.cancelled_at is None
    first = stored(bronze_session, order)
    assert first["status"] == "pending" and first["raw_data"]["shipped_at"] is None
    assert movements(bronze_session, order) == []

    assert bronze_factories.advance(hours=hours_past(life.shipped_at)) == (start, bronze_factories.window()[1])
    assert bronze_factories.window()[0] == start and bronze_factories.window()[1] > life.shipped_at
    shipped = stored(bronze_session, order)
    assert shipped["status"] == order.status == "shipped" and shipped["order_date"] == first["order_date"]
    assert shipped["raw_data"]["shipped_at"] == life.shipped_at.isoformat()
    assert shipped["raw_data"]["delivered_at"] is None
    assert shipped["raw_data"]["status"] == "shipped" and shipped["raw_data"]["payment_status"] == "completed"
    assert shipped["raw_data"]["items"] == first["raw_data"]["items"]
    assert shipped["ingestion_timestamp"] > first["ingestion_timestamp"]
    items = order.raw_data["items"]
    assert movements(bronze_session, order) == [("OUT", -i["quantity"], life.shipped_at) for i in items]
    assert_contract(bronze_session)

    bronze_factories.advance(days=hours_past(life.delivered_at) // 24 + 1)
    delivered = stored(bronze_session, order)
    assert delivered["status"] == "delivered"
    assert delivered["raw_data"]["delivered_at"] == life.delivered_at.isoformat()
    assert delivered["raw_data"]["shipped_at"] == life.shipped_at.isoformat()
    assert delivered["ingestion_timestamp"] > shipped["ingestion_timestamp"]
    assert len(movements(bronze_session, order)) == len(items)  # shipped once, never again
    assert_contract(bronze_session)


def test_an_incremental_reader_sees_exactly_the_orders_that_changed(bronze_session):
    moving = OrderFactory(status="processing")
    done = OrderFactory(status="returned")  # its story is over: it never changes again
    bronze_session.flush()
    watermark = bronze_session.scalar(select(func.max(RawOrder.ingestion_timestamp)))
    bronze_factories.advance(hours=hours_past(moving.lifecycle.shipped_at))
    changed = bronze_session.connection().execute(text(
        "SELECT DISTINCT ON (order_id) order_id, status FROM bronze.raw_orders WHERE ingestion_timestamp > :mark "
        "ORDER BY order_id, ingestion_timestamp DESC"), {"mark": watermark}).all()
    assert [tuple(r) for r in changed] == [(moving.order_id, "shipped")]
    assert stored(bronze_session, done)["status"] == "returned"


def test_orders_of_every_status_and_batch_move_on_within_the_contract(bronze_session):
    customer = CustomerFactory()
    book = ProductFactory(category="Books")
    orders = [OrderFactory(status=s) for s in v.ORDER_STATUSES]
    orders += [OrderFactory(status="shipped", customer=customer, products=[book])]
    orders += OrderFactory.create_batch(10, status="pending") + OrderFactory.create_batch(10, status="shipped")
    orders += OrderFactory.create_batch(10, status="processing") + OrderFactory.create_batch(10)
    ReviewFactory(customer=customer, product=book)  # reviewed before the order arrives: not verified
    WebSessionFactory(customer=customer)
    assert_contract(bronze_session)
    followed = registry(bronze_session).unfinished
    assert {o.order_id for o in orders if not o.lifecycle.finished(bronze_factories.window()[1])} == set(followed)
    for step in ({"hours": 6}, {"hours": 20}, {"days": 2}, {"days": 9}, {"days": 40}):
        bronze_factories.advance(**step)
        end = bronze_factories.window()[1]
        for order in orders:
            row = stored(bronze_session, order)
            assert row["status"] == order.lifecycle.status(end) == order.status
            assert {k: row["raw_data"][k] for k in ("shipped_at", "delivered_at", "returned_at", "cancelled_at")} == {
                k: t.isoformat() if t else None for k, t in order.lifecycle.visible(end).items()}
        assert_contract(bronze_session)
    assert {o.status for o in orders} <= {"delivered", "returned", "cancelled"}
    assert registry(bronze_session).unfinished == {}  # finished orders are no longer followed


def test_an_explicit_status_keeps_its_age_and_its_lifecycle_goes_on(bronze_session):
    end = bronze_factories.window()[1]
    shipped = OrderFactory(status="shipped")
    life = shipped.lifecycle
    assert end - dt.timedelta(hours=44) <= shipped.order_date <= end - dt.timedelta(hours=8)
    assert life.shipped_at < end <= life.delivered_at
    bronze_factories.advance(hours=hours_past(life.delivered_at))
    assert stored(bronze_session, shipped)["status"] == "delivered"
    assert len(movements(bronze_session, shipped)) == len(shipped.raw_data["items"])  # the OUT was made at creation


def test_new_orders_fall_in_the_grown_window(bronze_session):
    start, end = bronze_factories.window()
    bronze_factories.advance(days=3)
    assert bronze_factories.window() == (start, end + dt.timedelta(days=3))
    assert OrderFactory(status="pending").order_date > end
    assert_contract(bronze_session)


@pytest.mark.parametrize("step", [{}, {"days": 0}, {"hours": 0}, {"days": -1}, {"hours": -3}, {"days": 1, "hours": -24},
                                  {"hours": 0.0001}])
def test_advance_refuses_a_step_that_does_not_move_forward(bronze_session, step):
    OrderFactory(status="pending")
    before = bronze_factories.window()
    with pytest.raises(ValueError, match=r"advance\(\) moves the factories' clock forward: pass days= and/or hours="):
        bronze_factories.advance(**step)
    assert bronze_factories.window() == before


def test_same_seed_same_lifecycle_and_seed_takes_the_clock_back(bronze_session):
    def made() -> tuple:
        savepoint = bronze_session.begin_nested()
        bronze_factories.seed(7)
        life = OrderFactory(status="pending").lifecycle
        bronze_factories.advance(days=2)
        savepoint.rollback()
        return (life.placed, life.transitions())

    first = made()
    assert made() == first
    bronze_factories.seed(7)
    assert bronze_factories.window()[1] == dt.datetime(2026, 1, 1)  # seed() undid the advances
    bronze_factories.seed(8)
    other = OrderFactory(status="pending").lifecycle
    assert (other.placed, other.transitions()) != first


def test_advance_without_a_bound_session_only_moves_the_clock():
    bronze_factories.seed(3)
    try:
        start, end = bronze_factories.window()
        assert bronze_factories.advance(hours=5) == (start, end + dt.timedelta(hours=5))
        built = OrderFactory.build(status="pending")
        assert built.lifecycle.status(bronze_factories.window()[1]) == "pending"
    finally:
        bronze_factories.seed()
    assert bronze_factories.window()[1] == dt.datetime(2026, 1, 1)
