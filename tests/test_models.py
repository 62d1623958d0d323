"""Every model round-trips through the ORM on PostgreSQL, and relationships navigate both ways.

The round trip runs in the plugin's ``bronze_session`` (rolled back after the test): the session
database is shared by the whole run, and rows committed here would change what later test files see.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import bronze_factories
from bronze_factories import models
from bronze_factories.models import (
    RawClickstream,
    RawCustomer,
    RawInventory,
    RawOrder,
    RawProduct,
    RawReview,
    RawSession,
)

T0 = dt.datetime(2026, 3, 1, 12, 0, 0)


def test_models_importable_from_package_and_module():
    for name in ("RawCustomer", "RawProduct", "RawOrder", "RawInventory", "RawReview", "RawSession", "RawClickstream"):
        assert getattr(bronze_factories, name) is getattr(models, name)
        assert name in bronze_factories.__all__


def test_every_model_round_trips_and_navigates_without_leaving_rows_behind(bronze_session, bronze_engine):
    address = {"street": "1 Main St", "city": "Boston", "state": "MA", "postal_code": "02101", "country": "US"}
    s = bronze_session
    # the rows, written and committed as an application would
    c = RawCustomer(customer_id="CUST90000001", email="a@example.com", customer_name="Ann Lee",
                    first_name="Ann", last_name="Lee", address=address, registration_date=T0,
                    date_of_birth=dt.date(1990, 5, 17), gender="female", raw_data={"customer_id": "CUST90000001",
                                                                                  "address": address})
    p = RawProduct(product_id="PROD90000001", product_name="Classic Mug", category="Home & Kitchen",
                   subcategory="Cookware", price=Decimal("12.50"), cost=Decimal("5.00"),
                   attributes={"color": "Red", "dimensions": {"h": 10}}, raw_data={"product_id": "PROD90000001"})
    o = RawOrder(order_id="ORD9000000001", order_date=T0 + dt.timedelta(days=1), status="pending",
                 shipping_address=address, total_amount=Decimal("19.49"),
                 raw_data={"items": [{"product_id": "PROD90000001", "quantity": 1}]})
    o.customer = c
    inv = RawInventory(inventory_id=9_000_000_001, product_id=p.product_id, warehouse_id="WH001", quantity=10,
                       movement_type="IN", movement_date=T0, raw_data={"note": "initial"})
    r = RawReview(review_id="REV9000000001", rating=5, review_text="Great", review_title="Love it",
                  review_date=T0 + dt.timedelta(days=9), raw_data={"rating": 5})
    r.product = p
    r.customer = c
    sess = RawSession(session_id="SESS900000000001", user_id=c.customer_id, start_time=T0 + dt.timedelta(days=1),
                      end_time=T0 + dt.timedelta(days=1, minutes=5), duration_seconds=300, device_type="mobile",
                      browser="Safari", operating_system="iOS", location={"city": "Boston"},
                      ip_address="10.0.0.1", is_mobile=True, raw_data={"session_id": "SESS900000000001"})
    e = RawClickstream(event_id=9_000_000_001, event_type="page_view", page_url="/",
                       device_info={"device_type": "mobile"}, event_timestamp=sess.start_time,
                       raw_data={"event_id": 9_000_000_001})
    e.session = sess
    s.add_all([c, p, o, inv, r, sess, e])
    s.commit()

    s.expunge_all()  # read back from the database, not from the identity map
    c = s.get(RawCustomer, "CUST90000001")
    assert c.address == address and c.date_of_birth == dt.date(1990, 5, 17)
    assert c.source_system == "ecommerce_platform" and c.ingestion_timestamp is not None
    assert [o.order_id for o in c.orders] == ["ORD9000000001"]
    assert c.orders[0].customer is c
    assert c.orders[0].raw_data["items"][0]["product_id"] == "PROD90000001"
    assert [r.review_id for r in c.reviews] == ["REV9000000001"]
    p = s.get(RawProduct, "PROD90000001")
    assert p.price == Decimal("12.50") and p.currency == "USD"
    assert p.attributes["dimensions"] == {"h": 10}
    assert p.reviews[0].product is p and p.reviews[0].customer is c
    assert p.movements[0].quantity == 10
    sess = s.get(RawSession, "SESS900000000001")
    assert sess.customer is c and c.sessions == [sess]
    assert [e.event_id for e in sess.events] == [9_000_000_001]
    assert sess.events[0].session is sess
    assert sess.events[0].device_info == {"device_type": "mobile"}
    review = s.scalars(select(RawReview)).one()
    assert review.helpful_count == 0 and review.verified_purchase is False

    # Nothing of it is visible outside the test's transaction: other tests see the database as it was.
    with Session(bronze_engine) as other:
        for model in (RawCustomer, RawProduct, RawOrder, RawInventory, RawReview, RawSession, RawClickstream):
            assert other.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
