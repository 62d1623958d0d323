"""Schemas made by others: a role that may only read and insert, a warehouse's own DDL with its sequences."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from populate_support import SMALL, bronze_tables, clean_env, fresh_database, pg_url, query, run_cli
from sqlalchemy.engine import URL
from test_populate_postgres import CONTRACT_DDL

from bronze_factories.migrate import upgrade


@contextmanager
def _role(pg_server: URL, url: URL, name: str, privileges: str) -> Iterator[str]:
    """A login role with ``privileges`` on the migrated bronze tables of ``url`` and no CREATE on
    its database (taken from PUBLIC too), dropped afterwards: a loader its owner set up."""
    role = f"{name}_{os.getpid()}"
    try:
        query(url, f"CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA bronze TO {role}; "
                   f"GRANT {privileges} ON ALL TABLES IN SCHEMA bronze TO {role}; "
                   f"REVOKE CREATE ON DATABASE {url.database} FROM PUBLIC;")
        yield role
    finally:
        query(url, f"DROP OWNED BY {role}")
        query(pg_server, f"DROP ROLE IF EXISTS {role}")


def test_a_read_and_insert_role_loads_into_a_schema_its_owner_migrated(pg_server: URL) -> None:
    with fresh_database(pg_server, "priv") as url:
        upgrade(url)
        with _role(pg_server, url, "bronze_inserter", "SELECT, INSERT") as role:
            assert query(url, f"SELECT has_database_privilege('{role}', current_database(), 'CREATE')") == [(False,)]
            result = run_cli([*SMALL, "--database-url", pg_url(url.set(username=role)), "--workers", "1"])
            assert result.returncode == 0, result.stderr
            assert query(url, "SELECT count(*) FROM bronze.bronze_load_ledger") == [(33,)]
            assert query(url, "SELECT count(*) FROM bronze.raw_customers") == [(200,)]
            # without UPDATE on the id sequences it says so, instead of leaving them silently behind
            assert "could not advance" in result.stderr and "no UPDATE privilege" in result.stderr


def test_alembic_upgrade_at_head_needs_no_create_privilege(pg_server: URL) -> None:
    """``alembic upgrade head`` by a role without CREATE on the database: nothing to do, so it succeeds."""
    root = Path(__file__).resolve().parents[1]
    with fresh_database(pg_server, "privalembic") as url:
        upgrade(url)
        with _role(pg_server, url, "bronze_reader", "SELECT") as role:
            env = {**clean_env(), "BRONZE_DATABASE_URL": pg_url(url.set(username=role))}
            result = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=root, env=env,
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr


def test_owned_sequences_are_advanced_past_the_loaded_ids(pg_server: URL) -> None:
    with fresh_database(pg_server, "seq") as url:
        query(url, CONTRACT_DDL.format(s="w"))
        result = run_cli([*SMALL, "--database-url", pg_url(url), "--schema", "w", "--workers", "1", "--quiet"])
        assert result.returncode == 0, result.stderr
        top_event = query(url, "SELECT max(event_id) FROM w.raw_clickstream")[0][0]
        top_inventory = query(url, "SELECT max(inventory_id) FROM w.raw_inventory")[0][0]
        new_event = query(url, "INSERT INTO w.raw_clickstream (session_id, event_type, event_timestamp) "
                               "VALUES ('SESS-WAREHOUSE', 'page_view', '2025-12-15') RETURNING event_id")[0][0]
        new_inventory = query(url, "INSERT INTO w.raw_inventory (product_id, warehouse_id, quantity, movement_type, "
                                   "movement_date) VALUES ('PROD00000001', 'WH001', 1, 'IN', '2025-12-15') "
                                   "RETURNING inventory_id")[0][0]
        assert new_event == top_event + 1 and new_inventory == top_inventory + 1


def test_migrated_schema_sequences_are_advanced_too(pg_server: URL) -> None:
    with fresh_database(pg_server, "seqm") as url:
        result = run_cli([*SMALL, "--database-url", pg_url(url), "--workers", "1", "--quiet"])
        assert result.returncode == 0, result.stderr
        top = query(url, "SELECT max(event_id) FROM bronze.raw_clickstream")[0][0]
        new = query(url, "INSERT INTO bronze.raw_clickstream (session_id, event_type, event_timestamp) "
                         "VALUES ('SESS-WAREHOUSE', 'page_view', '2025-12-15') RETURNING event_id")[0][0]
        assert new == top + 1


def test_a_refused_foreign_schema_does_not_get_the_ledger_table(pg_server: URL) -> None:
    with fresh_database(pg_server, "refused") as url:
        query(url, CONTRACT_DDL.format(s="w") + "INSERT INTO w.raw_customers (customer_id) VALUES ('CUST99999999');")
        result = run_cli([*SMALL, "--database-url", pg_url(url), "--schema", "w"])
        assert result.returncode == 1
        assert "already has rows that populate did not load (in raw_customers)" in result.stderr
        assert "bronze_load_ledger" not in bronze_tables(url, "w")
