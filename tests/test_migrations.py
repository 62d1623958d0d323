"""The migration creates exactly the contract's schema, on PostgreSQL and on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from bronze_factories.config import make_engine
from bronze_factories.migrate import check, current_revision, downgrade, upgrade
from bronze_factories.testing import throwaway_database

# The contract's columns and PostgreSQL types (information_schema spelling).
V = "character varying"
TS = "timestamp without time zone"
TAIL = {"source_system": (V, 50), "ingestion_timestamp": (TS, None), "raw_data": ("jsonb", None)}
CONTRACT = {
    "raw_customers": {
        "customer_id": (V, 50), "email": (V, 255), "customer_name": (V, 255), "first_name": (V, 100),
        "last_name": (V, 100), "phone": (V, 50), "address": ("jsonb", None), "registration_date": (TS, None),
        "date_of_birth": ("date", None), "gender": (V, 20), **TAIL,
    },
    "raw_products": {
        "product_id": (V, 50), "product_name": ("text", None), "description": ("text", None),
        "category": (V, 100), "subcategory": (V, 100), "price": ("numeric", (10, 2)), "cost": ("numeric", (10, 2)),
        "currency": (V, 3), "attributes": ("jsonb", None), "supplier_id": (V, 50), "brand": (V, 100),
        "sku": (V, 100), **TAIL,
    },
    "raw_orders": {
        "order_id": (V, 50), "customer_id": (V, 50), "order_date": (TS, None), "status": (V, 50),
        "shipping_address": ("jsonb", None), "total_amount": ("numeric", (15, 2)), **TAIL,
    },
    "raw_inventory": {
        "inventory_id": ("bigint", None), "product_id": (V, 50), "warehouse_id": (V, 50), "quantity": ("integer", None),
        "movement_type": (V, 50), "movement_date": (TS, None), "reference_number": (V, 100), **TAIL,
    },
    "raw_reviews": {
        "review_id": (V, 50), "product_id": (V, 50), "customer_id": (V, 50), "rating": ("integer", None),
        "review_text": ("text", None), "review_title": (V, 255), "review_date": (TS, None),
        "helpful_count": ("integer", None), "verified_purchase": ("boolean", None), **TAIL,
    },
    "raw_sessions": {
        "session_id": (V, 100), "user_id": (V, 50), "start_time": (TS, None), "end_time": (TS, None),
        "duration_seconds": ("integer", None), "device_type": (V, 50), "browser": (V, 100),
        "operating_system": (V, 100), "location": ("jsonb", None), "ip_address": (V, 45), "is_mobile": ("boolean", None),
        **TAIL,
    },
    "raw_clickstream": {
        "event_id": ("bigint", None), "session_id": (V, 100), "user_id": (V, 50), "event_type": (V, 50),
        "page_url": ("text", None), "referrer": ("text", None), "device_info": ("jsonb", None),
        "event_timestamp": (TS, None), **TAIL,
    },
}
PRIMARY_KEYS = {
    "raw_customers": ["customer_id"], "raw_products": ["product_id"], "raw_orders": ["order_id", "order_date"],
    "raw_inventory": ["inventory_id", "movement_date"], "raw_reviews": ["review_id"],
    "raw_sessions": ["session_id"], "raw_clickstream": ["event_id", "event_timestamp"],
}
GIN = {"raw_customers": "address", "raw_products": "attributes", "raw_sessions": "location",
       "raw_clickstream": "device_info"}


def _columns(conn, schema: str) -> dict[str, dict[str, tuple]]:
    rows = conn.execute(text(
        "SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale "
        "FROM information_schema.columns WHERE table_schema = :s AND table_name NOT LIKE '%\\_default' "
        "AND table_name NOT IN ('alembic_version', 'bronze_load_ledger')"
    ), {"s": schema})
    out: dict[str, dict[str, tuple]] = {}
    for table, column, dtype, length, precision, scale in rows:
        size = (precision, scale) if dtype == "numeric" else length
        out.setdefault(table, {})[column] = (dtype, size)
    return out


def _assert_contract_schema(url, schema: str = "bronze") -> None:
    engine = make_engine(url, schema)
    with engine.connect() as conn:
        assert _columns(conn, schema) == CONTRACT
        partitioned = dict(conn.execute(text(
            "SELECT c.relname, pg_get_partkeydef(c.oid) FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s"), {"s": schema}).all())
        assert partitioned == {"raw_orders": "RANGE (order_date)", "raw_inventory": "RANGE (movement_date)",
                               "raw_clickstream": "RANGE (event_timestamp)"}
        defaults = {r[0] for r in conn.execute(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relispartition"),
            {"s": schema})}
        assert {"raw_orders_default", "raw_inventory_default", "raw_clickstream_default"} <= defaults
        indexes = {(r[0], r[1]): r[2] for r in conn.execute(text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = :s"), {"s": schema})}
    insp = inspect(engine)
    for table, pk in PRIMARY_KEYS.items():
        assert insp.get_pk_constraint(table, schema=schema)["constrained_columns"] == pk
        names = {name for (t, name) in indexes if t == table}
        for column in ("source_system_ingestion_timestamp",):
            assert f"ix_{table}_{column}" in names
    for table, column in GIN.items():
        assert "USING gin" in indexes[(table, f"ix_{table}_{column}_gin")]
    assert "to_tsvector" in indexes[("raw_reviews", "ix_raw_reviews_review_text_fts")]
    for table, column in [("raw_orders", "customer_id"), ("raw_orders", "order_date"), ("raw_orders", "status"),
                          ("raw_clickstream", "session_id"), ("raw_clickstream", "event_type"),
                          ("raw_inventory", "product_id"), ("raw_inventory", "movement_date"),
                          ("raw_reviews", "product_id"), ("raw_sessions", "user_id"), ("raw_customers", "email")]:
        assert (table, f"ix_{table}_{column}") in indexes
    with engine.connect() as conn:
        comment = conn.execute(text("SELECT obj_description(:t ::regclass)"), {"t": f"{schema}.raw_orders"}).scalar()
        assert comment and "Orders" in comment
        col_comment = conn.execute(text(
            "SELECT col_description(:t ::regclass, 1)"), {"t": f"{schema}.raw_customers"}).scalar()
        assert col_comment == "CUST + 8 digits"
    engine.dispose()


def test_upgrade_downgrade_upgrade_on_fresh_postgresql(pg_server):
    with throwaway_database(pg_server, migrate=False) as url:
        upgrade(url)
        _assert_contract_schema(url)
        downgrade(url)
        engine = make_engine(url)
        with engine.connect() as conn:
            left = conn.execute(text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'bronze' "
                "AND table_name LIKE 'raw\\_%'")).scalar()
        engine.dispose()
        assert left == 0
        assert current_revision(url) is None
        upgrade(url)
        _assert_contract_schema(url)
        assert current_revision(url) == "0003"


def test_models_and_migrations_do_not_drift(bronze_database_url):
    check(bronze_database_url)  # raises alembic.util.CommandError on any difference


def test_another_schema_name_needs_no_code_change(pg_server):
    with throwaway_database(pg_server, migrate=False) as url:
        upgrade(url, schema="staging_bronze")
        _assert_contract_schema(url, "staging_bronze")
        assert current_revision(url, schema="staging_bronze") == "0003"
        assert current_revision(url) is None


def test_migration_runs_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'bronze.db'}"
    upgrade(url)
    insp = inspect(create_engine(url))
    assert set(CONTRACT) <= set(insp.get_table_names())
    for table, columns in CONTRACT.items():
        assert [c["name"] for c in insp.get_columns(table)] == list(columns)
        assert "ix_" + table + "_source_system_ingestion_timestamp" in {i["name"] for i in insp.get_indexes(table)}
    downgrade(url)
    assert not set(CONTRACT) & set(inspect(create_engine(url)).get_table_names())
    upgrade(url)


@pytest.mark.parametrize("cwd_relative", [True])
def test_alembic_cli_from_repository_root(pg_server, cwd_relative):
    """``alembic upgrade head`` from the root, with a plain postgresql:// URL."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if not (root / "alembic.ini").exists():
        pytest.skip("not running from a source checkout")
    with throwaway_database(pg_server, migrate=False) as url:
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        env = {**os.environ, "BRONZE_DATABASE_URL": plain}
        alembic = [sys.executable, "-m", "alembic"]
        for args in (["upgrade", "head"], ["downgrade", "base"], ["upgrade", "head"], ["check"]):
            done = subprocess.run(alembic + args, cwd=root, env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        _assert_contract_schema(url)
