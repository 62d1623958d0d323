"""Throwaway PostgreSQL databases for test runs (used by the pytest plugin and our own suite).

A test run gets a database of its own, created from a server URL, migrated to head and dropped
at the end, so runs never see each other's rows and nothing is left behind on the server.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import URL

from .config import database_url, redact

ENV_TEST_URL = "BRONZE_TEST_DATABASE_URL"
DEFAULT_TEST_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class DatabaseUnavailable(RuntimeError):
    """No PostgreSQL answers at the test URL."""


def resolve_server_url(url: str | None = None) -> URL:
    """Server URL: argument, else ``BRONZE_TEST_DATABASE_URL``, else the local default."""
    return database_url(url or os.environ.get(ENV_TEST_URL) or DEFAULT_TEST_URL)


def psycopg2_dsn(url: URL) -> str:
    """A libpq connection string for ``url`` (psycopg2 does not read SQLAlchemy URLs)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _execute(server: URL, statement: sql.Composable | None = None) -> None:
    """Run one statement outside a transaction on the server (just connect when ``None``)."""
    try:
        conn = psycopg2.connect(psycopg2_dsn(server), connect_timeout=5)
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailable(f"no PostgreSQL at {redact(server)}: {reason}") from None
    try:
        conn.autocommit = True
        if statement is not None:
            with conn.cursor() as cur:
                cur.execute(statement)
    finally:
        conn.close()


def ping(server: URL) -> None:
    """Raise :class:`DatabaseUnavailable` (with the reason) unless the server answers."""
    _execute(server)


def create_database(server: URL, name: str) -> URL:
    """Create database ``name`` on the server of ``server`` and return its URL."""
    _execute(server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.set(database=name)


def drop_database(server: URL, name: str) -> None:
    _execute(server, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def throwaway_database(server: URL | str | None = None, migrate: bool = True, prefix: str = "bronze_test") -> Iterator[URL]:
    """A fresh database (migrated to head unless ``migrate=False``), dropped on exit."""
    from .migrate import upgrade

    server_url = server if isinstance(server, URL) else resolve_server_url(server)
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    url = create_database(server_url, name)
    try:
        if migrate:
            upgrade(url)
        yield url
    finally:
        drop_database(server_url, name)
