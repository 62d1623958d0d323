"""Factories against PostgreSQL: every row they create satisfies the contract, parents are reused.

The validator (``bronze_factories.validate``) is the judge: each test runs the relationship, time
and consistency rules over the rows it created (uncommitted, on the test's connection).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

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
from bronze_factories import vocabulary as v
from bronze_factories.validate import validate

CATEGORIES = {"relationship", "time", "consistency"}
MODELS = (RawCustomer, RawProduct, RawOrder, RawInventory, RawReview, RawSession, RawClickstream)


def assert_contract(session) -> None:
    session.flush()
    report = validate(session.connection(), window=bronze_factories.window(), categories=CATEGORIES)
    assert report.ok, report.format()
    assert not report.failed()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def counts(session) -> dict[str, int]:
    return {m.__tablename__: count(session, m) for m in MODELS}


FACTORIES = [
    (CustomerFactory, RawCustomer, "customer_id"),
    (ProductFactory, RawProduct, "product_id"),
    (OrderFactory, RawOrder, "order_id"),
    (InventoryFactory, RawInventory, "inventory_id"),
    (ReviewFactory, RawReview, "review_id"),
    (WebSessionFactory, RawSession, "session_id"),
    (ClickstreamFactory, RawClickstream, "event_id"),
]


@pytest.mark.parametrize(("factory_class", "model", "key"), FACTORIES, ids=[f[0].__name__ for f in FACTORIES])
def test_create_persists_a_contract_valid_row(bronze_session, factory_class, model, key):
    obj = factory_class()
    # create() flushed: a plain SELECT on the connection sees the row
    row = bronze_session.connection().execute(
        select(model.__table__).where(getattr(model.__table__.c, key) == getattr(obj, key))
    ).one()
    assert row.raw_data and row.raw_data[key] == getattr(obj, key)
    assert row.source_system == "ecommerce_platform"
    assert_contract(bronze_session)


def mixed_graph() -> None:
    """Every factory, every status, overrides and traits: the mix a real test suite would make."""
    regular = CustomerFactory()
    crowd = CustomerFactory.create_batch(10)  # bulk-written customers are parents like any other
    books = ProductFactory(category="Books")
    shirt = ProductFactory(category="Clothing")
    for status in v.ORDER_STATUSES:
        OrderFactory(status=status)
        OrderFactory(status=status, customer=regular, products=[books, shirt.product_id])
    OrderFactory(returned=True, basket_size=4)
    visit = WebSessionFactory(customer=regular, products=[books])
    OrderFactory(session=visit)
    WebSessionFactory(guest=True)
    ClickstreamFactory(session=visit)
    ClickstreamFactory(event_type="search")
    ClickstreamFactory(event_type="add_to_cart", session_id=WebSessionFactory(logged_in=True).session_id)
    ClickstreamFactory(event_type="checkout_start")
    InventoryFactory(product=books)
    InventoryFactory(adjustment=True, product_id=shirt.product_id, warehouse_id="WH001")
    ReviewFactory(customer=regular, product=books)
    ReviewFactory(rating=1, verified=False)
    ReviewFactory(order=OrderFactory(status="cancelled"))
    ReviewFactory(customer=regular, product=shirt, rating=3)
    OrderFactory.create_batch(15)
    ReviewFactory.create_batch(5)
    OrderFactory(customer=crowd[0], products=[books])
    ReviewFactory(customer_id=crowd[1].customer_id)
    WebSessionFactory(customer=crowd[2], products=[shirt])


@pytest.mark.parametrize("seed", [1, 7, 42, 2024])
def test_mixed_graph_is_contract_valid_at_several_seeds(bronze_session, seed):
    bronze_factories.seed(seed)
    mixed_graph()
    sizes = counts(bronze_session)
    assert all(n > 0 for n in sizes.values()), sizes
    assert_contract(bronze_session)


def test_contract_holds_in_another_window(bronze_session):
    bronze_factories.seed(3, end_date=dt.date(2024, 3, 1))
    assert bronze_factories.window() == (dt.datetime(2023, 3, 2), dt.datetime(2024, 3, 1))
    mixed_graph()
    assert_contract(bronze_session)
    assert bronze_session.scalar(select(func.max(RawOrder.order_date))) < dt.datetime(2024, 3, 1)


# --- overrides reuse, never duplicate ---------------------------------------------------------------
def test_order_customer_by_object_or_id_creates_no_other_customer(bronze_session):
    c = CustomerFactory()
    before = count(bronze_session, RawCustomer)
    a = OrderFactory(customer=c)
    b = OrderFactory(customer_id=c.customer_id)
    assert a.customer_id == b.customer_id == c.customer_id
    assert count(bronze_session, RawCustomer) == before
    assert_contract(bronze_session)


def test_order_customer_id_of_a_row_not_made_by_factories_is_read_from_the_database(bronze_session):
    c = CustomerFactory()
    bronze_session.expunge_all()  # forget the objects: the id must be found in the database
    bronze_session.info.clear()
    before = count(bronze_session, RawCustomer)
    order = OrderFactory(customer_id=c.customer_id)
    assert order.customer_id == c.customer_id
    assert count(bronze_session, RawCustomer) == before


def test_unknown_parent_id_makes_that_parent_once(bronze_session):
    order = OrderFactory(customer_id="CUST12345678")
    OrderFactory(customer_id="CUST12345678")
    ids = bronze_session.scalars(select(RawCustomer.customer_id)).all()
    assert ids.count("CUST12345678") == 1 and order.customer_id == "CUST12345678"
    assert_contract(bronze_session)


def test_product_session_and_order_overrides_reuse(bronze_session):
    p = ProductFactory()
    c = CustomerFactory()
    visit = WebSessionFactory(customer=c, products=[p])
    sizes = counts(bronze_session)
    order = OrderFactory(products=[p.product_id], session_id=visit.session_id)
    OrderFactory(product=p, customer=c)
    OrderFactory(product_id=p.product_id, customer_id=c.customer_id)
    after = counts(bronze_session)
    assert after["raw_products"] == sizes["raw_products"]
    assert after["raw_customers"] == sizes["raw_customers"]
    assert order.customer_id == c.customer_id and order.raw_data["session_id"] == visit.session_id
    assert after["raw_sessions"] == sizes["raw_sessions"] + 2  # the two orders without a session got one each

    orders = count(bronze_session, RawOrder)
    sessions = count(bronze_session, RawSession)
    ReviewFactory(order=order)
    ReviewFactory(order_id=OrderFactory(customer=c, basket_size=1).order_id)
    assert count(bronze_session, RawOrder) == orders + 1  # only the explicit OrderFactory above
    ClickstreamFactory(session=visit)
    ClickstreamFactory(session_id=visit.session_id)
    InventoryFactory(product_id=p.product_id)
    assert count(bronze_session, RawSession) == sessions + 1
    assert count(bronze_session, RawProduct) == sizes["raw_products"] + 1  # the review's order's product
    assert_contract(bronze_session)


def test_review_reuses_an_existing_order_of_the_customer(bronze_session):
    order = OrderFactory(status="delivered")
    product_id = order.raw_data["items"][0]["product_id"]
    orders = count(bronze_session, RawOrder)
    review = ReviewFactory(customer_id=order.customer_id, product_id=product_id)
    assert count(bronze_session, RawOrder) == orders
    assert review.verified_purchase is True
    assert review.review_date > dt.datetime.fromisoformat(order.raw_data["delivered_at"])
    with pytest.raises(ValueError, match="one review per"):
        ReviewFactory(customer_id=order.customer_id, product_id=product_id)


# --- values and variations -------------------------------------------------------------------------
@pytest.mark.parametrize("status", v.ORDER_STATUSES)
def test_order_status_traits_give_coherent_times_payment_and_stock(bronze_session, status):
    order = OrderFactory(**{status: True})
    data = order.raw_data
    assert order.status == status and data["payment_status"] == v.PAYMENT_STATUS[status]
    end = bronze_factories.window()[1]
    stamps = [dt.datetime.fromisoformat(data[k]) for k in ("shipped_at", "delivered_at", "returned_at") if data[k]]
    assert stamps == sorted(stamps) and all(order.order_date < t < end for t in stamps)
    assert (data["cancelled_at"] is not None) == (status == "cancelled")
    outs = bronze_session.scalars(
        select(RawInventory).where(RawInventory.reference_number == order.order_id, RawInventory.movement_type == "OUT")
    ).all()
    assert len(outs) == (len(data["items"]) if status in v.SHIPPED_STATUSES else 0)
    items = sum(Decimal(str(i["total_amount"])) for i in data["items"])
    assert order.total_amount == items + Decimal(str(data["tax_amount"])) + Decimal(str(data["shipping_cost"]))
    events = bronze_session.scalars(
        select(RawClickstream).where(RawClickstream.session_id == data["session_id"])
        .order_by(RawClickstream.event_timestamp, RawClickstream.event_id)
    ).all()
    assert events[0].event_type == "page_view" and events[-1].event_type == "purchase"
    assert events[-1].event_timestamp == order.order_date and events[-1].raw_data["order_id"] == order.order_id
    assert_contract(bronze_session)


def test_session_traits_category_and_rating(bronze_session):
    guest = WebSessionFactory()
    member = WebSessionFactory(logged_in=True)
    assert guest.user_id is None and member.user_id.startswith("CUST")
    assert count(bronze_session, RawCustomer) == 1
    book = ProductFactory(category="Books")
    shoe = ProductFactory(category="Shoes")
    assert book.category == "Books" and "size" not in book.attributes and book.cost < book.price
    assert shoe.attributes["size"] in v.CATEGORY_BY_NAME["Shoes"].sizes
    review = ReviewFactory(rating=2)
    assert review.review_title in v.REVIEW_TITLES[2]
    unverified = ReviewFactory(verified=False)
    assert unverified.verified_purchase is False
    assert_contract(bronze_session)


def test_customer_factory_writes_one_row_only(bronze_session):
    CustomerFactory()
    assert counts(bronze_session) == {**{m.__tablename__: 0 for m in MODELS}, "raw_customers": 1}


def test_bare_product_without_stock(bronze_session):
    ProductFactory(stocked=False)
    assert count(bronze_session, RawProduct) == 1 and count(bronze_session, RawInventory) == 0


def test_purchase_events_come_from_orders_only(bronze_session):
    with pytest.raises(ValueError, match="belongs to an order"):
        ClickstreamFactory(event_type="purchase")


def test_order_in_a_guest_session_is_refused(bronze_session):
    with pytest.raises(ValueError, match="guest session"):
        OrderFactory(session=WebSessionFactory(guest=True))


def test_factories_need_a_bound_session_to_create():
    with pytest.raises(RuntimeError, match="bind"):
        CustomerFactory()


def test_faker_provider_is_registered_for_user_factories():
    import factory

    class MyProduct(factory.DictFactory):
        category = factory.Faker("bronze_category")
        device = factory.Faker("bronze_device")

        first_name = factory.Faker("bronze_first_name")
        phone = factory.Faker("bronze_phone")
        address = factory.Faker("bronze_address")

    import re

    row = MyProduct()
    assert row["category"] in v.CATEGORY_BY_NAME
    assert (row["device"]["device_type"] != "desktop") == row["device"]["is_mobile"]
    assert row["first_name"].isalpha() and re.fullmatch(r"\+1-[2-9]\d\d-555-01\d\d", row["phone"])
    city = next(c for c in v.CITIES if (c.city, c.state) == (row["address"]["city"], row["address"]["state"]))
    assert row["address"]["postal_code"] in city.zips
    assert re.fullmatch(r"\d+ [A-Za-z0-9' -]+", row["address"]["street"])
