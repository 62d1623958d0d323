"""populate into PostgreSQL: exact, idempotent, split any way, into migrated or hand-made schemas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from checksums import table_checksums
from populate_support import SMALL, SMALL_UNITS, bronze_tables, fresh_database, pg_url, query, run_cli, start_cli
from sqlalchemy.engine import URL

from bronze_factories.engine import TABLE_ORDER, Params, Simulation
from bronze_factories.migrate import check

SMALL_PARAMS = Params(end_date=dt.date(2026, 1, 1), customers=200, products=100, orders=400, days=30,
                      sessions_per_day=60)


def load(url: URL, *extra: str, ok: bool = True) -> str:
    result = run_cli([*SMALL, "--database-url", pg_url(url), *extra])
    if ok:
        assert result.returncode == 0, result.stderr
        return result.stdout
    return result.stderr


@pytest.fixture(scope="module")
def reference(pg_server: URL) -> Iterator[tuple[URL, dict[str, tuple[int, str]]]]:
    """One plain, uninterrupted run of the small dataset, and its checksums."""
    with fresh_database(pg_server, "ref") as url:
        load(url, "--workers", "1")
        yield url, table_checksums(url)


def test_counts_are_exact_and_match_the_ledger(reference: tuple[URL, dict]) -> None:
    url, sums = reference
    counts = {t: n for t, (n, _) in sums.items()}
    assert counts["raw_customers"] == 200 and counts["raw_products"] == 100 and counts["raw_orders"] == 400
    assert counts["raw_sessions"] == 60 * 30
    assert all(counts[t] > 0 for t in TABLE_ORDER), counts
    ledger = query(url, "SELECT dataset_key, unit, params, row_counts FROM bronze.bronze_load_ledger")
    assert len(ledger) == SMALL_UNITS
    assert {r[0] for r in ledger} == {SMALL_PARAMS.key()}
    assert all(r[2] == SMALL_PARAMS.identity() for r in ledger)
    assert {r[1] for r in ledger} == set(Simulation(SMALL_PARAMS).units())
    for table in TABLE_ORDER:
        assert sum(r[3][table] for r in ledger) == counts[table]


def test_loaded_data_passes_the_validator(reference: tuple[URL, dict]) -> None:
    validate = pytest.importorskip("bronze_factories.validate", reason="validator not written yet").validate
    report = validate(reference[0])
    assert report.ok, report.failed()


def test_schema_stays_exactly_the_migrations(reference: tuple[URL, dict]) -> None:
    check(reference[0])  # raises when populate left the schema different from the models (partitions aside)
    parts = [t for t in bronze_tables(reference[0]) if "_p2" in t]
    assert parts == ["raw_clickstream_p202512", "raw_inventory_p202512", "raw_orders_p202512"]
    # every row went into the month's partition, none into the default one
    assert query(reference[0], "SELECT count(*) FROM bronze.raw_clickstream_default") == [(0,)]


def test_rerun_adds_nothing(reference: tuple[URL, dict]) -> None:
    url, sums = reference
    out = load(url)
    assert f"{SMALL_UNITS} work units were already loaded and skipped" in out
    assert table_checksums(url) == sums


@pytest.mark.parametrize("split", [["--workers", "2"], ["--workers", "3", "--batch-size", "777"]])
def test_workers_give_the_same_rows(pg_server: URL, reference: tuple[URL, dict], split: list[str]) -> None:
    with fresh_database(pg_server) as url:
        load(url, *split)
        assert table_checksums(url) == reference[1]


def test_union_of_shards_is_the_dataset(pg_server: URL, reference: tuple[URL, dict]) -> None:
    with fresh_database(pg_server) as url:
        load(url, "--shard", "2/3", "--workers", "1")
        partial = table_checksums(url)
        assert 0 < sum(n for n, _ in partial.values()) < sum(n for n, _ in reference[1].values())
        load(url, "--shard", "1/3", "--workers", "2")
        load(url, "--shard", "3/3")
        assert table_checksums(url) == reference[1]
        check(url)


def test_shards_loaded_at_the_same_time_are_the_dataset(pg_server: URL, reference: tuple[URL, dict]) -> None:
    with fresh_database(pg_server) as url:
        procs = [start_cli([*SMALL, "--database-url", pg_url(url), "--shard", f"{k}/3", "--workers", "1"])
                 for k in (1, 2, 3)]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        assert table_checksums(url) == reference[1]
        check(url)


def test_another_dataset_is_refused_then_reset_replaces_it(pg_server: URL, reference: tuple[URL, dict]) -> None:
    with fresh_database(pg_server) as url:
        load(url, "--workers", "1")
        err = load(url, "--seed", "7", ok=False)
        assert "already holds another dataset (customers=200, products=100, orders=400, days=30, " \
               "end_date=2026-01-01" in err and "seed=42" in err and "add --reset" in err
        assert err.count("\n") == 1
        assert table_checksums(url) == reference[1]  # untouched
        load(url, "--seed", "7", "--reset", "--workers", "1")
        seven = table_checksums(url)
        assert seven != reference[1] and seven["raw_customers"][0] == 200
        assert query(url, "SELECT DISTINCT dataset_key FROM bronze.bronze_load_ledger") == [
            (Params(**{**SMALL_PARAMS.__dict__, "seed": 7}).key(),)]


def test_rows_without_a_ledger_are_refused(pg_server: URL) -> None:
    with fresh_database(pg_server) as url:
        load(url, "--workers", "1", "--days", "3", "--orders", "40")
        query(url, "TRUNCATE bronze.bronze_load_ledger")
        err = load(url, ok=False)
        assert "already has rows that populate did not load (in raw_customers" in err and "--reset" in err


def test_without_end_date_the_refusal_says_which_date_to_pass(pg_server: URL) -> None:
    with fresh_database(pg_server) as url:
        load(url, "--workers", "1", "--days", "3", "--orders", "40")
        args = [a for a in SMALL if a not in ("--end-date", "2026-01-01")]
        result = run_cli([*args, "--days", "3", "--orders", "40", "--database-url", pg_url(url)])
        assert result.returncode == 1
        assert "pass --end-date 2026-01-01 to resume" in result.stderr


# -- schemas made by a warehouse's own DDL -----------------------------------------------------------

CONTRACT_DDL = """
CREATE SCHEMA {s};
CREATE TABLE {s}.raw_customers (customer_id varchar(50) PRIMARY KEY, email varchar(255), customer_name varchar(255),
  first_name varchar(100), last_name varchar(100), phone varchar(50), address jsonb, registration_date timestamp,
  date_of_birth date, gender varchar(20), source_system varchar(50) NOT NULL DEFAULT 'ecommerce_platform',
  ingestion_timestamp timestamp DEFAULT now(), raw_data jsonb);
CREATE TABLE {s}.raw_products (product_id varchar(50) PRIMARY KEY, product_name text, description text,
  category varchar(100), subcategory varchar(100), price numeric(10,2), cost numeric(10,2),
  currency varchar(3) DEFAULT 'USD', attributes jsonb, supplier_id varchar(50), brand varchar(100), sku varchar(100),
  source_system varchar(50) NOT NULL DEFAULT 'ecommerce_platform', ingestion_timestamp timestamp DEFAULT now(),
  raw_data jsonb);
CREATE TABLE {s}.raw_orders (order_id varchar(50), customer_id varchar(50), order_date timestamp NOT NULL,
  status varchar(50), shipping_address jsonb, total_amount numeric(15,2),
  source_system varchar(50) NOT NULL DEFAULT 'ecommerce_platform', ingestion_timestamp timestamp DEFAULT now(),
  raw_data jsonb, PRIMARY KEY (order_id, order_date)) PARTITION BY RANGE (order_date);
CREATE TABLE {s}.raw_inventory (inventory_id bigserial, product_id varchar(50) NOT NULL,
  warehouse_id varchar(50) NOT NULL, quantity integer NOT NULL, movement_type varchar(50) NOT NULL,
  movement_date timestamp NOT NULL, reference_number varchar(100),
  source_system varchar(50) NOT NULL DEFAULT 'ecommerce_platform', ingestion_timestamp timestamp DEFAULT now(),
  raw_data jsonb, PRIMARY KEY (inventory_id, movement_date)) PARTITION BY RANGE (movement_date);
CREATE TABLE {s}.raw_reviews (review_id varchar(50) PRIMARY KEY, product_id varchar(50) NOT NULL,
  customer_id varchar(50), rating integer CHECK (rating BETWEEN 1 AND 5), review_text text,
  review_title varchar(255), review_date timestamp, helpful_count integer DEFAULT 0,
  verified_purchase boolean DEFAULT false, source_system varchar(50) NOT NULL DEFAULT 'ecommerce_platform',
  ingestion_timestamp timestamp DEFAULT now(), raw_data jsonb);
CREATE TABLE {s}.raw_sessions (session_id varchar(100) PRIMARY KEY, user_id varchar(50),
  start_time timestamp NOT NULL, end_time timestamp, duration_seconds integer, device_type varchar(50),
  browser varchar(100), operating_system varchar(100), location jsonb, ip_address varchar(45), is_mobile boolean,
  source_system varchar(50) NOT NULL DEFAULT 'ecommerce_platform', ingestion_timestamp timestamp DEFAULT now(),
  raw_data jsonb);
CREATE TABLE {s}.raw_clickstream (event_id bigserial, session_id varchar(100) NOT NULL, user_id varchar(50),
  event_type varchar(50) NOT NULL, page_url text, referrer text, device_info jsonb,
  event_timestamp timestamp NOT NULL, source_system varchar(50) NOT NULL DEFAULT 'ecommerce_platform',
  ingestion_timestamp timestamp DEFAULT now(), raw_data jsonb,
  PRIMARY KEY (event_id, event_timestamp)) PARTITION BY RANGE (event_timestamp);
"""


def test_hand_made_schema_is_loaded_into(pg_server: URL, reference: tuple[URL, dict]) -> None:
    with fresh_database(pg_server) as url:
        query(url, CONTRACT_DDL.format(s="warehouse"))
        load(url, "--schema", "warehouse")
        assert table_checksums(url, "warehouse") == reference[1]
        tables = bronze_tables(url, "warehouse")
        assert "bronze_load_ledger" in tables and "alembic_version" not in tables
        assert "raw_orders_p202512" in tables
        load(url, "--schema", "warehouse")  # and re-running adds nothing there either
        assert table_checksums(url, "warehouse") == reference[1]


@pytest.mark.parametrize(("change", "named"), [
    ("ALTER TABLE w.raw_sessions DROP COLUMN browser", "raw_sessions.browser is missing (want character varying(100))"),
    ("ALTER TABLE w.raw_orders ALTER COLUMN total_amount TYPE integer",
     "raw_orders.total_amount is integer, want numeric(15,2)"),
    ("ALTER TABLE w.raw_customers ALTER COLUMN email TYPE varchar(20)",
     "raw_customers.email is character varying(20), want character varying(255)"),
])
def test_incompatible_hand_made_schema_is_refused(pg_server: URL, change: str, named: str) -> None:
    with fresh_database(pg_server) as url:
        query(url, CONTRACT_DDL.format(s="w") + change)
        err = load(url, "--schema", "w", ok=False)
        assert named in err and "do not match the contract" in err and err.count("\n") == 1
        assert "bronze_load_ledger" not in bronze_tables(url, "w")  # nothing was created or loaded
        assert query(url, "SELECT count(*) FROM w.raw_customers") == [(0,)]


def test_partial_schema_is_refused(pg_server: URL) -> None:
    with fresh_database(pg_server) as url:
        query(url, CONTRACT_DDL.format(s="w") + "DROP TABLE w.raw_reviews;")
        err = load(url, "--schema", "w", ok=False)
        assert "has some bronze tables but not raw_reviews" in err


def test_ledger_rows_name_units_and_counts_in_json(reference: tuple[URL, dict]) -> None:
    rows = query(reference[0], "SELECT row_counts::text FROM bronze.bronze_load_ledger WHERE unit = 'day:00000'")
    counts = json.loads(rows[0][0])
    assert set(counts) == set(TABLE_ORDER) and counts["raw_sessions"] > 0 and counts["raw_customers"] == 0
