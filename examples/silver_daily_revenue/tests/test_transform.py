"""Tests of the silver transformation, with bronze rows from the factories and pytest-factoryboy."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from transform import daily_revenue, publish, session_funnel

from bronze_factories import OrderFactory, ProductFactory


def item_total(order):
    return sum(Decimal(str(item["total_amount"])) for item in order.raw_data["items"])


def test_revenue_per_day_and_category(bronze_session):
    book = ProductFactory(category="Books")
    kept = OrderFactory(products=[book], status="delivered")
    OrderFactory(products=[book], status="cancelled")  # earns nothing
    revenue = daily_revenue(bronze_session.connection())
    assert revenue == {(kept.order_date.date(), "Books"): item_total(kept)}


def test_funnel_narrows(bronze_session):
    OrderFactory.create_batch(3)
    funnel = session_funnel(bronze_session.connection())
    assert funnel["viewed"] == funnel["carted"] == funnel["checked_out"] == funnel["purchased"] == 3


def test_with_pytest_factoryboy_fixture(raw_order, raw_customer):
    # raw_order is OrderFactory() through pytest-factoryboy; its customer is the raw_customer fixture
    assert raw_order.customer_id == raw_customer.customer_id
    assert raw_order.order_date >= raw_customer.registration_date


@pytest.mark.parametrize("raw_order__status", ["returned"])
def test_returned_orders_earn_nothing(raw_order, bronze_session):
    assert raw_order.status == "returned"
    assert daily_revenue(bronze_session.connection()) == {}


def test_review_fixture_bought_first(raw_review, raw_customer, raw_product):
    assert (raw_review.customer_id, raw_review.product_id) == (raw_customer.customer_id, raw_product.product_id)
    assert raw_review.verified_purchase


def test_publish_commits_but_the_test_is_rolled_back(bronze_session):
    OrderFactory(delivered=True)
    assert publish(bronze_session) >= 1
    assert bronze_session.execute(text("SELECT count(*) FROM public.silver_daily_revenue")).scalar() >= 1


def test_nothing_survived_the_previous_test(bronze_session):
    table = bronze_session.execute(text("SELECT to_regclass('public.silver_daily_revenue')")).scalar()
    assert table is None
    assert bronze_session.execute(text("SELECT count(*) FROM bronze.raw_orders")).scalar() == 0


def test_window_is_anchored(bronze_window):
    assert bronze_window[1] == dt.datetime(2026, 1, 1)
