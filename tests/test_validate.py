"""The validator against a real PostgreSQL: a hand-built valid dataset passes, and every rule catches
the one corruption it forbids (and nothing else does), the realism figures are measured exactly, and
the CLI's exit statuses and lines are what scripts rely on."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from validate_fixtures import END, PARAMS, START, load_valid_dataset

from bronze_factories.config import make_engine
from bronze_factories.migrate import upgrade
from bronze_factories.models import LoadLedger
from bronze_factories.testing import throwaway_database
from bronze_factories.validate import main
from bronze_factories.validation import RULES, ValidationSetupError, validate

CHECKS = ("relationship", "time", "consistency")
NON_REALISM = [r.name for r in RULES if r.category != "realism"]
ORD, C, S, E, INV, P, R = (f"bronze.raw_{t}" for t in
                       ("orders", "customers", "sessions", "clickstream", "inventory", "products", "reviews"))


@pytest.fixture(scope="module")
def valid_db(pg_server: URL) -> Iterator[tuple[Engine, URL]]:
    with throwaway_database(pg_server) as url:
        engine = make_engine(url)
        load_valid_dataset(engine)
        yield engine, url
        engine.dispose()


def run(conn: Connection, statements: list[str]) -> None:
    for statement in statements:
        conn.exec_driver_sql(statement)


@pytest.fixture
def conn(valid_db: tuple[Engine, URL]) -> Iterator[Connection]:
    """A connection whose changes are rolled back after the test: the dataset stays valid for the next one."""
    engine, _ = valid_db
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def failing(conn: Connection, **kwargs: object) -> set[str]:
    report = validate(conn, params=PARAMS, **kwargs)  # type: ignore[arg-type]
    return {r.name for r in report.failed()}


# --- the valid dataset ---------------------------------------------------------------------------


def test_valid_dataset_passes_every_non_realism_rule(valid_db: tuple[Engine, URL]) -> None:
    engine, _ = valid_db
    report = validate(engine, params=PARAMS, categories=CHECKS)
    assert [r.name for r in report.results] == NON_REALISM
    assert [r.line() for r in report.results if not r.passed or r.skipped] == []
    assert report.ok and report.failed() == []


def test_window_argument_is_enough_for_window_rules(valid_db: tuple[Engine, URL]) -> None:
    engine, _ = valid_db
    report = validate(engine, window=(START, END), categories=CHECKS)
    assert report.ok and not any(r.skipped for r in report.results)
    counts = validate(engine, window=(START, END), rules=["customer_count"])["customer_count"]
    assert counts.skipped and "no dataset parameters" in counts.skipped


def test_without_params_or_ledger_window_rules_are_skipped(valid_db: tuple[Engine, URL]) -> None:
    engine, _ = valid_db
    report = validate(engine)
    assert report["orders_in_window"].skipped == ("no window (bronze_load_ledger is empty); pass --end-date and "
                                                  "--days (validate(window=...)), or validate a database populate loaded")
    assert report["session_count"].skipped.startswith("no dataset parameters (bronze_load_ledger is empty); pass "
                                                      "--customers, --products, --orders, --sessions-per-day")
    assert "skipped    (no window" not in report.format() and "(no window (bronze_load_ledger is empty); " in report.format()
    assert report["order_customer_exists"].skipped is None and report["order_customer_exists"].passed


def test_params_are_read_from_the_load_ledger(conn: Connection) -> None:
    conn.execute(LoadLedger.__table__.insert(), [
        {"dataset_key": PARAMS.key(), "unit": f"day:{d:05d}", "params": PARAMS.identity(), "row_counts": {}}
        for d in range(2)
    ])
    report = validate(conn, categories=["realism"])
    assert report["session_count"].measured == 20 and report["session_count"].passed
    assert report["customer_count"].allowed == (5, 5)
    assert validate(conn, categories=CHECKS).ok
    other = PARAMS.identity() | {"seed": 7}
    conn.execute(LoadLedger.__table__.insert(), {"dataset_key": "x" * 32, "unit": "day:00000", "params": other,
                                                  "row_counts": {}})
    assert validate(conn, rules=["session_count"])["session_count"].skipped.startswith(
        "no dataset parameters (bronze_load_ledger holds 2 datasets); pass --customers")


# --- one corruption per rule ----------------------------------------------------------------------

SESS5, SESS13 = "'SESS000000000005'", "'SESS000000000013'"


def complete(table: str) -> str:
    """Rows inserted with a one-key stub raw_data get the full record (raw_data_not_empty wants every column)."""
    return (f"UPDATE {table} x SET raw_data = to_jsonb(x) - 'raw_data' - 'source_system' - 'ingestion_timestamp' "
            "WHERE (SELECT count(*) FROM jsonb_object_keys(x.raw_data)) = 1")

CORRUPTIONS: dict[str, tuple[list[str], set[str] | None]] = {
    # relationships
    "order_customer_exists": ([f"UPDATE {ORD} SET customer_id = 'CUST99999999' WHERE order_id = 'ORD0000000006'"],
                              {"order_customer_exists", "order_session_same_customer"}),
    "order_after_registration": (
        [f"UPDATE {C} SET registration_date = '2024-03-01 10:05' WHERE customer_id = 'CUST00000001'"],
        {"order_after_registration", "session_user_registered"}),  # its session started before the order
    "order_items_well_formed": ([f"UPDATE {ORD} SET raw_data = raw_data #- '{{items,0,discount_amount}}' "
                                 "WHERE order_id = 'ORD0000000005'"], None),
    "order_item_product_exists": (
        [f"""UPDATE {ORD} SET raw_data = jsonb_set(raw_data, '{{items,0,product_id}}', '"PROD99999999"')
             WHERE order_id = 'ORD0000000005'"""],
        {"order_item_product_exists", "order_add_to_cart_before_purchase"}),  # nobody carted the unknown product
    "order_item_unit_price": ([f"UPDATE {P} SET price = 12.60 WHERE product_id = 'PROD00000002'"], None),
    "order_item_total": ([f"""UPDATE {ORD} SET total_amount = total_amount + 1, raw_data = jsonb_set(raw_data,
        '{{items,0,total_amount}}', to_jsonb((raw_data->'items'->0->>'total_amount')::numeric + 1))
        WHERE order_id = 'ORD0000000005'"""], None),
    "order_total_amount": ([f"UPDATE {ORD} SET total_amount = total_amount + 0.01 WHERE order_id = 'ORD0000000005'"],
                           None),
    "order_session_exists": (
        [f"""UPDATE {ORD} SET raw_data = jsonb_set(raw_data, '{{session_id}}', '"SESS999999999999"')
             WHERE order_id = 'ORD0000000005'"""],
        {"order_session_exists", "order_purchase_event", "purchase_event_has_order"}),
    "order_session_same_customer": ([f"UPDATE {S} SET user_id = 'CUST00000001' WHERE session_id = {SESS5}",
                                     f"UPDATE {E} SET user_id = 'CUST00000001' WHERE session_id = {SESS5}"], None),
    "order_purchase_event": ([f"UPDATE {E} SET event_timestamp = event_timestamp - interval '1 second' "
                              f"WHERE session_id = {SESS5} AND event_type = 'purchase'"], None),
    "purchase_event_has_order": (
        [f"""INSERT INTO {E} (event_id, session_id, user_id, event_type, page_url, device_info, event_timestamp, raw_data)
             SELECT 5999, session_id, user_id, 'purchase', page_url, device_info, event_timestamp - interval '1 second',
                    jsonb_set(raw_data, '{{order_id}}', '"ORD9999999999"')
             FROM {E} WHERE session_id = {SESS5} AND event_type = 'purchase'"""], None),
    "order_add_to_cart_before_purchase": (
        [f"UPDATE {E} SET page_url = '/products/PROD00000001' WHERE session_id = {SESS5} AND event_type = 'add_to_cart'"],
        None),
    "order_checkout_before_purchase": (
        [f"UPDATE {E} SET event_type = 'add_to_cart' WHERE session_id = {SESS5} AND event_type = 'checkout_start'"],
        None),
    "event_session_exists": (
        [f"""INSERT INTO {E} (event_id, session_id, user_id, event_type, page_url, device_info, event_timestamp, raw_data)
             VALUES (999000, 'SESS000000000999', NULL, 'page_view', '/', '{{}}', '2024-03-05 12:00',
                     '{{"event_id": 1}}')""", complete(E)],
        None),
    "event_user_matches_session": ([f"UPDATE {E} SET user_id = 'CUST00000002' WHERE event_id = 1001"], None),
    "event_device_matches_session": (
        [f"""UPDATE {E} SET device_info = jsonb_set(device_info, '{{browser}}', '"Firefox"') WHERE event_id = 1001"""],
        None),
    "product_page_exists": ([f"UPDATE {E} SET page_url = '/products/PROD99999999' WHERE event_id = 13001"], None),
    "session_user_registered": ([f"UPDATE {S} SET user_id = 'CUST99999999' WHERE session_id = {SESS13}",
                                 f"UPDATE {E} SET user_id = 'CUST99999999' WHERE session_id = {SESS13}"], None),
    "review_after_order": ([f"UPDATE {R} SET product_id = 'PROD00000002' WHERE review_id = 'REV0000000004'"], None),
    "review_verified_purchase": ([f"UPDATE {R} SET verified_purchase = TRUE WHERE review_id = 'REV0000000002'"], None),
    "review_unique_per_customer_product": (
        [f"""INSERT INTO {R} (review_id, product_id, customer_id, rating, review_text, review_title, review_date,
                              helpful_count, verified_purchase, raw_data)
             SELECT 'REV0000000099', product_id, customer_id, rating, review_text, review_title,
                    review_date + interval '1 day', helpful_count, verified_purchase, raw_data
             FROM {R} WHERE review_id = 'REV0000000001'"""], None),
    "inventory_product_exists": (
        [f"""INSERT INTO {INV} (inventory_id, product_id, warehouse_id, quantity, movement_type, movement_date,
                              reference_number, raw_data)
             VALUES (900, 'PROD99999999', 'WH001', 5, 'IN', '2024-03-05 12:00', 'PO-20240301-000000009',
                     '{{"inventory_id": 900}}')""", complete(INV)],
        None),
    "inventory_initial_in": ([f"UPDATE {INV} SET movement_date = movement_date + interval '1 hour' "
                              "WHERE product_id = 'PROD00000004' AND warehouse_id = 'WH002'"],
                             {"inventory_initial_in", "inventory_restock_po"}),  # an opening IN late is no PO
    "inventory_out_per_shipped_item": (
        [f"DELETE FROM {INV} WHERE movement_type = 'OUT' AND reference_number = 'ORD0000000008'"], None),
    "inventory_out_dated_at_shipping": (
        [f"UPDATE {INV} SET movement_date = movement_date + interval '1 hour' "
         "WHERE movement_type = 'OUT' AND reference_number = 'ORD0000000008'"], None),
    "inventory_no_out_for_unshipped": (
        [f"""INSERT INTO {INV} (inventory_id, product_id, warehouse_id, quantity, movement_type, movement_date,
                              reference_number, raw_data)
             VALUES (901, 'PROD00000003', 'WH001', -1, 'OUT', '2024-03-10 12:00', 'ORD0000000006',
                     '{{"inventory_id": 901}}')""", complete(INV)], None),
    "inventory_return_in": ([f"DELETE FROM {INV} WHERE movement_type = 'IN' AND reference_number = 'ORD0000000002'"],
                            None),
    "inventory_transfer_pairs": ([f"UPDATE {INV} SET quantity = 4 WHERE movement_type = 'TRANSFER' AND quantity = 5"],
                                 None),
    "inventory_stock_nonnegative": (
        [f"""INSERT INTO {INV} (inventory_id, product_id, warehouse_id, quantity, movement_type, movement_date,
                              reference_number, raw_data)
             VALUES (902, 'PROD00000004', 'WH002', -100, 'ADJUSTMENT', '2024-03-05 12:00', 'ADJ9',
                     '{{"inventory_id": 902}}')""", complete(INV)], None),
    # time
    "orders_in_window": ([f"UPDATE {ORD} SET order_date = '2024-02-29 23:00' WHERE order_id = 'ORD0000000001'"],
                         {"orders_in_window", "order_purchase_event"}),  # the purchase event stays in the window
    "sessions_in_window": ([f"""UPDATE {S} SET end_time = '2024-03-11 00:30',
        duration_seconds = EXTRACT(EPOCH FROM (TIMESTAMP '2024-03-11 00:30' - start_time))::int
        WHERE session_id = 'SESS000000000020'"""], None),
    "events_in_window": ([f"UPDATE {E} SET event_timestamp = '2024-03-11 00:10' WHERE event_id = 20004"],
                         {"events_in_window", "session_events_within_session"}),
    "inventory_in_window": (
        [f"""INSERT INTO {INV} (inventory_id, product_id, warehouse_id, quantity, movement_type, movement_date,
                              reference_number, raw_data)
             VALUES (903, 'PROD00000001', 'WH002', 3, 'ADJUSTMENT', '2024-03-12 09:00', 'ADJ8',
                     '{{"inventory_id": 903}}')""", complete(INV)], None),
    "reviews_in_window": ([f"UPDATE {R} SET review_date = '2024-03-12 10:00' WHERE review_id = 'REV0000000001'"],
                          None),
    "customers_registered_before_end": (
        [f"""INSERT INTO {C} (customer_id, email, customer_name, first_name, last_name, phone, address,
                              registration_date, date_of_birth, gender, raw_data)
             SELECT 'CUST00000006', 'new.' || email, customer_name, first_name, last_name, phone, address,
                    '2024-03-12 10:00', date_of_birth, gender, raw_data
             FROM {C} WHERE customer_id = 'CUST00000005'"""], None),
    "session_events_within_session": (
        [f"UPDATE {S} SET start_time = start_time + interval '1 minute', duration_seconds = duration_seconds - 60 "
         f"WHERE session_id = {SESS13}"], None),
    "session_duration": ([f"UPDATE {S} SET duration_seconds = duration_seconds + 5 WHERE session_id = {SESS13}"], None),
    "session_first_event_page_view": ([f"UPDATE {E} SET event_type = 'search' WHERE event_id = 13000"], None),
    "session_funnel_order": ([f"UPDATE {E} SET event_type = 'add_to_cart' WHERE event_id = 10002"], None),
    "order_status_age": (
        [f"""UPDATE {ORD} SET status = 'pending',
             raw_data = jsonb_set(raw_data #- '{{cancelled_at}}', '{{payment_status}}', '"pending"')
             WHERE order_id = 'ORD0000000003'"""], None),
    "order_fulfilment_dates": (
        [f"""UPDATE {ORD} SET raw_data = jsonb_set(raw_data, '{{delivered_at}}', '"2024-03-05T08:00:00"')
             WHERE order_id = 'ORD0000000008'"""], None),
    "order_payment_status": (
        [f"""UPDATE {ORD} SET raw_data = jsonb_set(raw_data, '{{payment_status}}', '"refunded"')
             WHERE order_id = 'ORD0000000001'"""], None),
    # consistency
    "customer_address_place": (
        [f"""UPDATE {C} SET address = jsonb_set(address, '{{state}}', '"CA"') WHERE customer_id = 'CUST00000001'"""],
        None),
    "order_shipping_address_place": (
        [f"""UPDATE {ORD} SET shipping_address = jsonb_set(shipping_address, '{{postal_code}}', '"90001"')
             WHERE order_id = 'ORD0000000001'"""], None),
    "session_location_place": (
        [f"""UPDATE {S} SET location = jsonb_set(location, '{{city}}', '"Boston"') WHERE session_id = {SESS13}"""],
        None),
    "session_device_combination": (
        [f"UPDATE {S} SET browser = 'Firefox' WHERE session_id = {SESS13}",  # an iOS phone
         f"""UPDATE {E} SET device_info = jsonb_set(device_info, '{{browser}}', '"Firefox"')
             WHERE session_id = {SESS13}"""], None),
    "session_is_mobile": (
        [f"UPDATE {S} SET is_mobile = TRUE WHERE session_id = 'SESS000000000012'",  # a Windows desktop
         f"""UPDATE {E} SET device_info = jsonb_set(device_info, '{{is_mobile}}', 'true')
             WHERE session_id = 'SESS000000000012'"""], None),
    "product_category_known": ([f"UPDATE {P} SET subcategory = 'Drones' WHERE product_id = 'PROD00000003'"], None),
    "product_size_attribute": ([f"UPDATE {P} SET attributes = attributes - 'size' WHERE product_id = 'PROD00000001'"],
                               {"product_size_attribute", "product_attribute_schema"}),  # size is in the schema too
    "product_attribute_schema": (  # a 24 kg pair of headphones
        [f"UPDATE {P} SET attributes = jsonb_set(attributes, '{{weight_kg}}', '24') WHERE product_id = 'PROD00000003'"],
        None),
    "order_item_after_launch": (  # ORD0000000003 (March 2) orders PROD00000004, viewed in its session too
        [f"""UPDATE {P} SET raw_data = raw_data || '{{"available_from": "2024-03-03"}}'
             WHERE product_id = 'PROD00000004'"""], {"order_item_after_launch", "product_view_after_launch"}),
    "product_view_after_launch": (
        [f"""UPDATE {P} SET raw_data = raw_data || '{{"available_from": "2024-03-02"}}'
             WHERE product_id = 'PROD00000004'""",
         f"UPDATE {E} SET page_url = '/products/PROD00000004' WHERE event_id = 13001"], None),
    "inventory_restock_po": (  # placed the day it arrives
        [f"UPDATE {INV} SET reference_number = 'PO-20240304-000000001' "
         "WHERE reference_number = 'PO-20240301-000000001'"], None),
    "inventory_out_of_stock_cancellation": (  # 50 units were on the shelf
        [f"""UPDATE {ORD} SET raw_data = raw_data || '{{"cancel_reason": "out_of_stock", "warehouse_id": "WH001"}}'
             WHERE order_id = 'ORD0000000003'"""], None),
    "product_cost_below_price": ([f"UPDATE {P} SET cost = 20 WHERE product_id = 'PROD00000002'"], None),
    "review_title_matches_rating": (
        [f"UPDATE {R} SET review_title = 'Waste of money' WHERE review_id = 'REV0000000001'"], None),
    "event_type_known": ([f"UPDATE {E} SET event_type = 'hover' WHERE event_id = 13003"], None),
    "inventory_movement_sign": (
        [f"UPDATE {INV} SET quantity = -20 WHERE reference_number = 'PO-20240301-000000001'"], None),
    "raw_data_not_empty": ([f"UPDATE {C} SET raw_data = '{{}}' WHERE customer_id = 'CUST00000005'"], None),
    "id_formats": ([f"UPDATE {R} SET review_id = 'REV123' WHERE review_id = 'REV0000000003'"], None),
    # people and places
    "customer_email_reserved": ([f"UPDATE {C} SET email = 'ada.lovelace@gmail.com' WHERE customer_id = 'CUST00000001'"],
                                None),
    "customer_email_unique": ([f"UPDATE {C} SET email = 'Ada.Lovelace@example.com' WHERE customer_id = 'CUST00000002'"],
                              None),
    "customer_phone_fiction": ([f"UPDATE {C} SET phone = '+1-212-555-1234' WHERE customer_id = 'CUST00000003'"], None),
    "session_ip_public": ([f"UPDATE {S} SET ip_address = '192.168.1.20' WHERE session_id = {SESS13}"], None),
}


def test_every_non_realism_rule_has_a_corruption() -> None:
    assert sorted(CORRUPTIONS) == sorted(NON_REALISM)


@pytest.mark.parametrize("rule", NON_REALISM)
def test_corruption_trips_exactly_its_rule(conn: Connection, rule: str) -> None:
    statements, expected = CORRUPTIONS[rule]
    run(conn, statements)
    report = validate(conn, params=PARAMS, categories=CHECKS)
    assert {r.name for r in report.failed()} == (expected or {rule})
    assert report[rule].violations >= 1 and report[rule].error is None
    assert f"FAIL    {report[rule].category:<14}{rule}" in report.format()


# The gaps the first versions of these rules left open: one more corruption each.
SHARPENED: list[tuple[str, list[str]]] = [
    ("review_title_matches_rating",  # a five-star review whose text pans the product
     [f"UPDATE {R} SET review_text = 'Terrible, avoid this shirt.' WHERE review_id = 'REV0000000001'"]),
    ("review_title_matches_rating",  # a two-star review that raves
     [f"UPDATE {R} SET review_text = 'I love these shoes, highly recommend.' WHERE review_id = 'REV0000000004'"]),
    ("raw_data_not_empty", [f"UPDATE {INV} SET raw_data = raw_data - 'reference_number' WHERE inventory_id = 1"]),
    ("id_formats", [f"UPDATE {E} SET event_id = 1001 WHERE event_id = 1002"]),
    ("id_formats", [f"UPDATE {INV} SET inventory_id = 1 WHERE inventory_id = 9"]),
    ("inventory_return_in",  # one unit of a returned item comes back, the order had one... make it two
     [f"UPDATE {INV} SET quantity = 2 WHERE movement_type = 'IN' AND reference_number = 'ORD0000000002' "
      "AND product_id = 'PROD00000003'"]),
]


@pytest.mark.parametrize(("rule", "statements"), SHARPENED, ids=[f"{r}-{i}" for i, (r, _) in enumerate(SHARPENED)])
def test_sharpened_rules_catch_what_they_missed(conn: Connection, rule: str, statements: list[str]) -> None:
    run(conn, statements)
    report = validate(conn, params=PARAMS, categories=CHECKS)
    assert {r.name for r in report.failed()} == {rule}


def test_a_failing_shared_pass_leaves_each_error_to_its_rule(conn: Connection) -> None:
    """An item price that is no number stops the query of the pass over the items; its rules run alone."""
    run(conn, [f"""UPDATE {ORD} SET raw_data = jsonb_set(raw_data, '{{items,0,unit_price}}', '"abc"')
                   WHERE order_id = 'ORD0000000005'"""])
    report = validate(conn, params=PARAMS, categories=CHECKS)
    assert {r.name for r in report.failed()} == {"order_items_well_formed", "order_item_unit_price", "order_item_total"}
    assert report["order_items_well_formed"].violations == 1 and report["order_items_well_formed"].error is None
    for name in ("order_item_unit_price", "order_item_total"):
        assert report[name].error.startswith('invalid input syntax for type numeric: "abc"')
    assert report["order_item_product_exists"].passed and report["order_item_after_launch"].passed


def test_a_run_leaves_the_callers_transaction_as_it_was(conn: Connection, caplog: pytest.LogCaptureFixture) -> None:
    """Statistics for a big table without any are made for the run and rolled back with its settings."""
    run(conn, [f"INSERT INTO {C} (customer_id, registration_date, raw_data) SELECT 'CUST1' || lpad(g::text, 7, '0'), "
               "'2024-01-01', '{}' FROM generate_series(1, 10000) AS g",
               "SET jit = on", "SET default_statistics_target = 77", "SET lock_timeout = '9s'", "SET work_mem = '5MB'"])
    stats = "SELECT count(*) FROM pg_stats WHERE schemaname = 'bronze' AND tablename = 'raw_customers'"
    assert conn.exec_driver_sql(stats).scalar() == 0
    with caplog.at_level("DEBUG", logger="bronze_factories.validate"):
        assert not validate(conn, params=PARAMS, rules=["customer_email_unique", "customer_count"]).ok
    assert any(m.startswith("statistics for raw_customers: ") for m in caplog.messages)
    assert conn.exec_driver_sql(stats).scalar() == 0
    settings = ("SELECT current_setting('jit'), current_setting('default_statistics_target'), "
                "current_setting('lock_timeout'), current_setting('work_mem')")
    assert tuple(conn.exec_driver_sql(settings).one()) == ("on", "77", "9s", "5MB")


# --- realism ----------------------------------------------------------------------------------------


def test_realism_figures_of_the_fixture(conn: Connection) -> None:
    report = validate(conn, params=PARAMS, categories=["realism"])
    measured = {r.name: r.measured for r in report.results if r.skipped is None}
    assert measured == {
        "customer_count": 5, "product_count": 4, "order_count": 8, "session_count": 20,
        "events_per_session": 1.0, "logged_in_share": 0.6, "order_night_share": 0.0, "session_night_share": 0.0,
        "product_popularity": 0.0,  # the top 20% of 4 products is no product at all
        "repeat_customers": 0.75, "never_ordering_customers": 0.2, "basket_sizes": 1.0, "rating_mean": 3.5,
        "funnel_decreasing": 0.0, "product_names_distinct": 1.0, "review_texts_distinct": 1.0,
        "customer_orders_per_month": 3.0, "stockout_share": 0.0,
        "customer_name_gender": 0.0,  # no given name has 5 customers
        "customer_opt_in_gender": 0.0, "session_home_city": pytest.approx(11 / 12),
    }
    assert {r.name for r in report.failed()} == {"product_popularity", "basket_sizes", "rating_mean", "stockout_share"}
    assert report["top_product_view_share"].skipped == "fewer than 1000 products"
    assert report["order_weekday_variation"].skipped == "window shorter than 14 days"
    assert report["order_holiday_peak"].skipped.startswith("window does not cover November-December")


NEW_PRODUCT = (f"INSERT INTO {P} (product_id, category, subcategory, price, cost, attributes, raw_data) "
               "VALUES ('PROD00000005', 'Books', 'Science', 20, 10, '{\"pages\": 300}', '{\"product_id\": 5}')")
REALISM: list[tuple[str, list[str], dict[str, bool]]] = [
    ("delete a guest session", [f"DELETE FROM {E} WHERE session_id = 'SESS000000000020'",
                                f"DELETE FROM {S} WHERE session_id = 'SESS000000000020'"],
     {"session_count": False, "logged_in_share": False}),
    ("extra customer, order and product", [
        f"INSERT INTO {C} (customer_id, registration_date, raw_data) VALUES ('CUST00000009', '2024-01-01', '{{\"a\": 1}}')",
        f"DELETE FROM {ORD} WHERE order_id = 'ORD0000000008'", NEW_PRODUCT],
     {"customer_count": False, "order_count": False, "product_count": False, "repeat_customers": True}),
    ("short session", [f"DELETE FROM {E} WHERE session_id = {SESS13} AND event_id > 13002"],
     {"events_per_session": False}),
    ("session without events", [f"DELETE FROM {E} WHERE session_id = {SESS13}"], {"events_per_session": False}),
    ("orders at night", [f"UPDATE {ORD} SET order_date = date_trunc('day', order_date) + interval '2 hours'"],
     {"order_night_share": False, "session_night_share": True}),
    ("sessions at night", [f"UPDATE {S} SET start_time = date_trunc('day', start_time) + interval '3 hours'"],
     {"session_night_share": False}),
    ("one hit product", [NEW_PRODUCT, f"""UPDATE {ORD} SET raw_data = jsonb_set(raw_data, '{{items,0,quantity}}', '100')
                                          WHERE order_id = 'ORD0000000001'"""], {"product_popularity": True}),
    ("flat popularity", [NEW_PRODUCT], {"product_popularity": False}),
    ("a bigger basket", [f"""UPDATE {ORD} SET raw_data = jsonb_set(raw_data, '{{items}}',
                             (raw_data->'items') || (raw_data->'items'->0) || (raw_data->'items'->0))
                             WHERE order_id = 'ORD0000000001'"""], {"basket_sizes": True}),
    ("no repeat customers", [f"DELETE FROM {ORD} WHERE order_id IN ('ORD0000000002', 'ORD0000000008', 'ORD0000000004', "
                             "'ORD0000000006')"], {"repeat_customers": False}),
    ("everybody orders", [f"UPDATE {ORD} SET customer_id = 'CUST00000005' WHERE order_id = 'ORD0000000008'"],
     {"never_ordering_customers": False}),
    ("glowing ratings", [f"UPDATE {R} SET rating = 5"], {"rating_mean": False}),
    ("good ratings", [f"UPDATE {R} SET rating = 4"], {"rating_mean": True}),
    ("checkouts without carts", [f"UPDATE {E} SET event_type = 'checkout_start' WHERE event_type = 'search'"],
     {"funnel_decreasing": False}),
    ("one name for every product", [f"UPDATE {P} SET product_name = 'Sonique Compact Smartphones'"],
     {"product_names_distinct": False}),
    ("one text for every review", [f"UPDATE {R} SET review_text = 'Good.'"], {"review_texts_distinct": False}),
    ("a customer with 24 orders in March", [f"UPDATE {ORD} SET customer_id = 'CUST00000001'"] + [
        f"INSERT INTO {ORD} (order_id, customer_id, order_date, raw_data) "
        f"VALUES ('ORD00000001{k:02d}', 'CUST00000001', '2024-03-05 10:00', '{{\"a\": 1}}')" for k in range(16)],
     {"customer_orders_per_month": False}),
    ("a shelf that empties", [f"UPDATE {INV} SET quantity = 2 WHERE inventory_id = 1",
                              f"""INSERT INTO {INV} (inventory_id, product_id, warehouse_id, quantity, movement_type,
                                  movement_date, reference_number, raw_data)
                                  VALUES (904, 'PROD00000001', 'WH001', -2, 'ADJUSTMENT', '2024-03-01 00:10', 'ADJ7',
                                          '{{"inventory_id": 904}}')"""],
     {"stockout_share": True}),
    ("everybody is called Alan", [f"UPDATE {C} SET first_name = 'Alan', gender = replace(gender, 'undisclosed', 'female')"],
     {"customer_name_gender": False}),
    ("every man is called Alan", [f"UPDATE {C} SET first_name = 'Alan', gender = 'male'"],
     {"customer_name_gender": True}),
    ("sessions away from home", [f"""UPDATE {S} SET location = jsonb_set(location, '{{city}}', '"Yonkers"')
                                     WHERE user_id IN ('CUST00000001', 'CUST00000002')"""],
     {"session_home_city": False}),
]


@pytest.mark.parametrize(("case", "statements", "expected"), REALISM, ids=[c[0] for c in REALISM])
def test_realism_rules_see_figures_out_of_range(conn: Connection, case: str, statements: list[str],
                                                expected: dict[str, bool]) -> None:
    run(conn, statements)
    report = validate(conn, params=PARAMS, categories=["realism"])
    assert {name: report[name].passed for name in expected} == expected


def test_events_per_session_counts_the_sessions_without_events(conn: Connection) -> None:
    run(conn, [f"DELETE FROM {E} WHERE session_id = {SESS13}"])
    assert validate(conn, params=PARAMS, rules=["events_per_session"])["events_per_session"].measured == 19 / 20
    run(conn, [f"UPDATE {E} SET session_id = 'SESS999999999999' WHERE session_id = 'SESS000000000014'"])  # no session
    assert validate(conn, params=PARAMS, rules=["events_per_session"])["events_per_session"].measured == 18 / 20


def test_opt_in_that_follows_gender_is_caught(conn: Connection) -> None:
    """Without dataset parameters the allowed gap is 0.1; with 5 customers it is four standard deviations."""
    assert validate(conn, rules=["customer_opt_in_gender"]).ok
    run(conn, [f"""UPDATE {C} SET raw_data = jsonb_set(raw_data, '{{marketing_opt_in}}', to_jsonb(gender = 'male'))"""])
    report = validate(conn, rules=["customer_opt_in_gender"])
    assert report["customer_opt_in_gender"].measured == 1.0 and not report.ok
    assert validate(conn, params=PARAMS, rules=["customer_opt_in_gender"])["customer_opt_in_gender"].allowed[1] > 1


@pytest.fixture(scope="module")
def year_db(pg_server: URL) -> Iterator[Engine]:
    """Sessions and orders only, hourly over 2023, for the weekday and holiday rules (no other rule is asked)."""
    with throwaway_database(pg_server) as url:
        engine = make_engine(url)
        with engine.begin() as c:
            for table, column, extra in ((S, "start_time", ""), (ORD, "order_date", "")):
                key = "session_id" if table == S else "order_id"
                prefix, width = ("SESS", 12) if table == S else ("ORD", 10)
                c.exec_driver_sql(
                    f"INSERT INTO {table} ({key}, {column}) SELECT '{prefix}' || lpad(g::text, {width}, '0'), "
                    f"TIMESTAMP '2023-01-01' + g * interval '1 hour' FROM generate_series(0, 365 * 24 - 1) AS g{extra}"
                )
        yield engine
        engine.dispose()


SEASONAL = ["order_weekday_variation", "session_weekday_variation", "order_holiday_peak", "session_holiday_peak"]


def test_weekday_and_holiday_rules_fail_on_flat_traffic_and_pass_on_seasonal_traffic(year_db: Engine) -> None:
    window = (dt.datetime(2023, 1, 1), dt.datetime(2024, 1, 1))
    flat = validate(year_db, window=window, rules=SEASONAL)
    assert {r.name: r.measured for r in flat.results} == dict.fromkeys(SEASONAL, 1.0)
    assert not any(r.passed for r in flat.results)
    with year_db.connect() as c, c.begin() as tx:
        for table, key, column in ((S, "session_id", "start_time"), (ORD, "order_id", "order_date")):
            # twice the traffic on Saturdays, and every Nov-Dec hour three times
            c.exec_driver_sql(f"INSERT INTO {table} ({key}, {column}) SELECT {key} || 'a', {column} FROM {table} "
                              f"WHERE EXTRACT(DOW FROM {column}) = 6 OR EXTRACT(MONTH FROM {column}) >= 11")
            c.exec_driver_sql(f"INSERT INTO {table} ({key}, {column}) SELECT {key} || 'b', {column} FROM {table} "
                              f"WHERE EXTRACT(MONTH FROM {column}) >= 11 AND right({key}, 1) <> 'a'")
        seasonal = validate(c, window=window, rules=SEASONAL)
        tx.rollback()
    assert seasonal.ok, seasonal.format()
    # Nov-Dec: 3 x 24 per day; other months: 24 per day, Saturdays 48, so 24 * 8 / 7 on average
    assert seasonal["order_holiday_peak"].measured == pytest.approx(3 * 7 / 8, rel=0.02)
    short = validate(year_db, window=(dt.datetime(2023, 1, 1), dt.datetime(2023, 6, 1)), rules=SEASONAL)
    assert short["order_weekday_variation"].skipped is None
    assert short["order_holiday_peak"].skipped.startswith("window does not cover")


# --- schema, SQLite, CLI ---------------------------------------------------------------------------


def test_other_schema_is_honoured(pg_server: URL) -> None:
    with throwaway_database(pg_server, migrate=False) as url:
        upgrade(url, schema="shop")
        engine = make_engine(url, "shop")
        load_valid_dataset(engine)
        assert validate(url, "shop", params=PARAMS, categories=CHECKS).ok
        assert validate(engine, params=PARAMS, categories=CHECKS).ok  # the engine's translate map names the schema
        with pytest.raises(ValidationSetupError, match="schema 'bronze' has no bronze table"):
            validate(url)
        engine.dispose()


def test_sqlite_runs_the_rules_it_can_express(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bronze.db'}"
    upgrade(url)
    engine = make_engine(url)
    load_valid_dataset(engine)
    report = validate(engine, params=PARAMS, categories=CHECKS)
    assert report.ok, report.format()
    assert [r.name for r in report.results if r.skipped] == []
    with engine.begin() as c:
        c.exec_driver_sql("UPDATE raw_orders SET total_amount = total_amount + 1 WHERE order_id = 'ORD0000000005'")
        c.exec_driver_sql("UPDATE raw_clickstream SET event_type = 'add_to_cart' WHERE event_id = 10002")
    assert {r.name for r in validate(engine, params=PARAMS).failed()} >= {"order_total_amount", "session_funnel_order"}
    engine.dispose()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bronze_factories.validate", *args], capture_output=True, text=True,
                          timeout=120)


def test_cli_exit_0_on_valid_data(valid_db: tuple[Engine, URL]) -> None:
    _, url = valid_db
    done = _cli("--database-url", url.render_as_string(hide_password=False), "--end-date", "2024-03-11", "--days", "10",
                "--category", "relationship,time,consistency")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(NON_REALISM) + 1 and lines[-1].endswith("0 failed, 0 skipped")
    assert all(line.startswith("ok") for line in lines[:-1])


def test_cli_exit_1_and_the_failing_line_on_corrupted_data(pg_server: URL, capsys: pytest.CaptureFixture[str]) -> None:
    with throwaway_database(pg_server) as url:
        engine = make_engine(url)
        load_valid_dataset(engine)
        with engine.begin() as c:
            run(c, CORRUPTIONS["review_verified_purchase"][0])
        engine.dispose()
        code = main(["--database-url", url.render_as_string(hide_password=False), "--end-date", "2024-03-11",
                     "--days", "10"])
    out = capsys.readouterr().out
    assert code == 1
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert any("review_verified_purchase" in line and line.split()[3] == "1" for line in failed)
    assert "Traceback" not in out


@pytest.mark.parametrize(("args", "message"), [
    (["--database-url", "mysql://u:secret@h/db"], "unsupported database URL scheme 'mysql'"),
    (["--database-url", "sqlite:///x.db", "--days", "3"], "--end-date and --days go together"),
    (["--database-url", "sqlite:///x.db", "--end-date", "2024-13-01", "--days", "3"], "is not a date"),
    (["--database-url", "sqlite:///x.db", "--category", "realism,vibes"], "unknown rule category vibes"),
])
def test_cli_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    done = _cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert "Traceback" not in done.stderr and "secret" not in done.stderr


def test_cli_unmigrated_database_exits_1_with_one_line(pg_server: URL) -> None:
    with throwaway_database(pg_server, migrate=False) as url:
        done = _cli("--database-url", url.render_as_string(hide_password=False))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "has no bronze table" in done.stderr and "Traceback" not in done.stderr
