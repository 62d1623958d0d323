"""``OrderFactory.create_batch``: whole graphs drawn table by table and written in bulk, as valid as single calls.

The bulk path draws the rows itself instead of building objects through factory_boy; these tests
hold it to what the per-object path guarantees: contract-valid rows for every status, persistent
objects equal to their rows and linked like created ones, parents reused by later factory calls,
writes inside the caller's transaction, and the per-object path for overrides it does not take.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import bronze_factories
from bronze_factories import (
    CustomerFactory,
    InventoryFactory,
    OrderFactory,
    RawClickstream,
    RawCustomer,
    RawInventory,
    RawOrder,
    RawProduct,
    RawSession,
    ReviewFactory,
)
from bronze_factories import vocabulary as v
from bronze_factories.validate import validate

CATEGORIES = {"relationship", "time", "consistency"}
MODELS = (RawCustomer, RawProduct, RawOrder, RawInventory, RawSession, RawClickstream)


def assert_contract(session) -> None:
    session.flush()
    report = validate(session.connection(), window=bronze_factories.window(), categories=CATEGORIES)
    assert report.ok, report.format()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_bulk_orders_are_persistent_objects_equal_to_their_rows(bronze_session):
    orders = OrderFactory.create_batch(30)
    assert len({o.order_id for o in orders}) == 30 and {o.status for o in orders} == {"delivered"}
    assert not bronze_session.new and not bronze_session.dirty
    compared = 0
    for model in MODELS:
        table = model.__table__
        stored = {tuple(r._mapping[c.name] for c in table.primary_key.columns): r
                  for r in bronze_session.connection().execute(select(table))}
        objects = [o for o in bronze_session.identity_map.values() if type(o) is model]
        assert len(objects) == len(stored) > 0, model.__name__
        for obj in objects:
            row = stored[tuple(getattr(obj, c.key) for c in model.__mapper__.primary_key)]
            for column in table.c:
                if column.name != "ingestion_timestamp":
                    assert getattr(row, column.name) == getattr(obj, column.name), (model.__name__, column.name)
                    compared += 1
    assert compared > 5_000
    assert orders[0].ingestion_timestamp is not None  # a server default, loaded on access as after a flush
    assert_contract(bronze_session)


def test_bulk_orders_navigate_like_created_ones(bronze_session):
    order = OrderFactory.create_batch(3)[1]
    assert order.customer.customer_id == order.customer_id and order.customer.orders == [order]
    web_session = order.session
    assert web_session.session_id == order.raw_data["session_id"] and web_session.customer is order.customer
    events = web_session.events
    assert events[0].event_type == "page_view" and events[-1].event_type == "purchase"
    assert all(e.session is web_session for e in events)
    items = {i["product_id"] for i in order.raw_data["items"]}
    assert {e.product.product_id for e in events if e.event_type == "add_to_cart"} == items
    product = events[1].product
    assert {m.warehouse_id for m in product.movements if m.movement_type == "IN"} == {
        v.warehouse_id(i) for i in range(5)}
    assert [m.product for m in product.movements] == [product] * len(product.movements)


def test_bulk_orders_are_parents_for_later_calls(bronze_engine, bronze_session):
    orders = OrderFactory.create_batch(5)
    bronze_session.flush()
    sizes = {m: count(bronze_session, m) for m in MODELS}
    first, second = orders[0], orders[1]
    product_id = first.raw_data["items"][0]["product_id"]
    review = ReviewFactory(customer_id=first.customer_id, product_id=product_id)
    assert review.verified_purchase is True  # the batch's delivered order, found without a new one
    OrderFactory(customer=second.customer, products=[product_id])
    InventoryFactory(adjustment=True, product_id=product_id, warehouse_id=first.raw_data["warehouse_id"])
    assert count(bronze_session, RawCustomer) == sizes[RawCustomer]
    assert count(bronze_session, RawProduct) == sizes[RawProduct]
    assert count(bronze_session, RawOrder) == sizes[RawOrder] + 1
    assert_contract(bronze_session)


@pytest.mark.parametrize("status", v.ORDER_STATUSES)
def test_bulk_orders_of_each_status_keep_the_contract(bronze_session, status):
    orders = OrderFactory.create_batch(12, status=status)
    assert {o.status for o in orders} == {status}
    assert {o.raw_data["payment_status"] for o in orders} == {v.PAYMENT_STATUS[status]}
    lines = sum(len(o.raw_data["items"]) for o in orders)
    movements = {t: n for t, n in bronze_session.execute(
        select(RawInventory.movement_type, func.count()).where(RawInventory.reference_number.is_not(None))
        .group_by(RawInventory.movement_type))}
    assert movements.get("OUT", 0) == (lines if status in v.SHIPPED_STATUSES else 0)
    assert movements.get("IN", 0) == (lines if status == "returned" else 0)
    assert_contract(bronze_session)


def test_bulk_orders_are_written_in_the_callers_transaction(bronze_session):
    savepoint = bronze_session.begin_nested()
    OrderFactory.create_batch(4)
    assert count(bronze_session, RawOrder) == 4
    savepoint.rollback()
    assert all(count(bronze_session, m) == 0 for m in MODELS)
    OrderFactory.create_batch(2)  # the registry forgot the rolled-back rows: nothing refers to them
    assert count(bronze_session, RawOrder) == count(bronze_session, RawCustomer) == 2
    assert_contract(bronze_session)


def test_other_overrides_and_changed_declarations_take_the_per_object_path(bronze_session):
    customer = CustomerFactory()
    mine = OrderFactory.create_batch(3, customer=customer, basket_size=1)
    assert {o.customer_id for o in mine} == {customer.customer_id}
    assert all(len(o.raw_data["items"]) == 1 for o in mine)

    class BigBasketFactory(OrderFactory):
        class Params:
            basket_size = 4

    big = BigBasketFactory.create_batch(3)
    assert all(len(o.raw_data["items"]) == 4 for o in big)
    assert_contract(bronze_session)


def test_same_seed_same_batch(bronze_session):
    def batch() -> list[tuple]:
        savepoint = bronze_session.begin_nested()
        bronze_factories.seed(8)
        orders = OrderFactory.create_batch(6, status="shipped")
        rows = [(o.order_id, o.order_date, o.total_amount, o.raw_data, o.session.raw_data, o.customer.raw_data)
                for o in orders]
        savepoint.rollback()
        return rows

    first = batch()
    assert batch() == first
    bronze_factories.seed(9)
    assert [o.raw_data for o in OrderFactory.create_batch(6, status="shipped")] != [r[3] for r in first]
