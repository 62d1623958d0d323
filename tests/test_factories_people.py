"""Issue #9's acceptance on the factories' side: a few hundred customers and sessions made through
them have the same people-and-places figures as a populate run (``people_support.figures``).

(This module runs before ``test_models.py``, whose round-trip test commits a ``CUST90000001``
into the shared test database.)
"""

from __future__ import annotations

import datetime as dt
import random

from people_support import PEOPLE_RULES, assert_acceptance, figures

import bronze_factories
from bronze_factories import CustomerFactory, RawCustomer, WebSessionFactory
from bronze_factories import vocabulary as v
from bronze_factories.engine import Params, generate
from bronze_factories.validate import validate


def test_factories_people_and_places(bronze_session):
    CustomerFactory.create_batch(1_000)  # the bulk path...
    CustomerFactory.create_batch(200, registration_date=dt.datetime(2024, 1, 1))  # ...and the per-object one
    customers = bronze_session.query(RawCustomer).all()
    pick = random.Random(9)
    for _ in range(400):
        WebSessionFactory(logged_in=True, customer=pick.choice(customers), page_views=0)
    for _ in range(150):
        WebSessionFactory(page_views=0)
    bronze_session.flush()
    conn = bronze_session.connection()
    report = validate(conn, window=bronze_factories.window(), rules=[r for r in PEOPLE_RULES if "order" not in r])
    assert report.ok, report.format()
    f = figures(conn)
    assert_acceptance(f, 1_200)
    assert f["max_devices_per_customer"] <= 2


def test_customer_factory_and_engine_share_formats(bronze_session):
    c = CustomerFactory()
    params = Params(seed=5, customers=50, products=10, orders=10, days=5, sessions_per_day=10,
                    end_date=dt.date(2026, 1, 1))
    row = next(ch for ch in generate(params, units=["customers:00000"])).rows[0]
    shape = lambda phone: [len(part) for part in phone.split("-")]  # noqa: E731
    assert shape(c.phone) == shape(row[5]) == [2, 3, 3, 4]
    assert c.email.rsplit("@")[1] in v.EMAIL_DOMAINS and row[1].rsplit("@")[1] in v.EMAIL_DOMAINS
    assert set(c.address) == set(bronze_session.get(RawCustomer, c.customer_id).address) == {
        "street", "city", "state", "postal_code", "country"}
    assert c.raw_data["marketing_opt_in"] in (True, False)


