"""Where the database is, and how we talk to it.

A URL enters the project in four places (CLI flags, ``BRONZE_DATABASE_URL``, the pytest
plugin, alembic). All of them go through :func:`database_url`, so that a plain
``postgresql://`` URL, which SQLAlchemy 2.1 would hand to psycopg 3, always runs on
psycopg2: its ``COPY`` support is the bulk loading path.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import quote_plus

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .models import SCHEMA

ENV_URL = "BRONZE_DATABASE_URL"
ENV_SCHEMA = "BRONZE_SCHEMA"
DEFAULT_URL = "sqlite:///bronze.db"

_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg2", "postgres+psycopg2"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


class ConfigError(ValueError):
    """A setting the user gave is unusable; the message says what to do instead."""


def database_url(url: str | URL | None = None) -> URL:
    """Resolve the URL (argument, else ``BRONZE_DATABASE_URL``, else ``bronze.db``) for psycopg2."""
    raw = url if url is not None else (os.environ.get(ENV_URL) or DEFAULT_URL)
    try:
        parsed = make_url(raw) if isinstance(raw, str) else raw
    except (ArgumentError, ValueError):  # ValueError: a non-numeric port
        raise ConfigError(
            f"cannot parse database URL {redact(str(raw))!r}; "
            "use postgresql://user@host:port/dbname or sqlite:///file.db"
        ) from None
    scheme = parsed.drivername
    if scheme in _POSTGRES_SCHEMES:
        return parsed.set(drivername="postgresql+psycopg2")
    if scheme in _SQLITE_SCHEMES:
        return parsed.set(drivername="sqlite+pysqlite")
    raise ConfigError(
        f"unsupported database URL scheme {scheme!r}; use postgresql://... or sqlite:///file.db"
    )


#: PostgreSQL truncates longer identifiers silently: a longer name would create another schema.
MAX_IDENTIFIER = 63


def schema_name(schema: str | None = None) -> str:
    """Target schema: argument, else ``BRONZE_SCHEMA``, else ``bronze``.

    Refused before anything is created: names PostgreSQL would truncate (the run would create or
    load into the truncated one) and the server's own schemas (``information_schema``, ``pg_*``).
    """
    name = schema or os.environ.get(ENV_SCHEMA) or SCHEMA
    if not name.replace("_", "").isalnum() or not name.isascii() or name[0].isdigit():
        raise ConfigError(f"invalid schema name {name!r}; use letters, digits and underscores")
    if len(name) > MAX_IDENTIFIER:
        raise ConfigError(f"schema name {name[:20]}... is {len(name)} characters long; PostgreSQL allows at most "
                          f"{MAX_IDENTIFIER} (a longer name is silently truncated); choose a shorter one")
    if name.lower() == "information_schema" or name.lower().startswith("pg_"):
        raise ConfigError(f"schema {name!r} belongs to the PostgreSQL server; choose another schema name")
    return name


#: Query parameters that carry a secret (``?password=``, ``sslpassword``, ``api_token``, ``secret_key``...).
_SECRET_PARAMETER = re.compile(r"pass|secret|token|key", re.IGNORECASE)
HIDDEN = "***"


def redact(url: str | URL) -> str:
    """The URL as it may be printed: without its password and without any secret-bearing query parameter.

    The one place every message, ``--plan``, progress line, validate report and the pytest
    plugin get a URL from, so that a secret passed as ``?password=`` is hidden like one in the
    user-info part.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except (ArgumentError, ValueError):
        return "<unparsable URL>"
    shown = parsed.set(query={}).render_as_string(hide_password=True)
    pairs = []
    for key in sorted(parsed.query):
        values = parsed.query[key]
        for value in (values,) if isinstance(values, str) else values:
            pairs.append(f"{quote_plus(key)}={HIDDEN if _SECRET_PARAMETER.search(key) else quote_plus(value)}")
    return shown + ("?" + "&".join(pairs) if pairs else "")


def translate_map(url: URL, schema: str | None = None) -> dict[str | None, str | None]:
    """Map the models' ``bronze`` schema to the target one (SQLite has no schemas: none)."""
    if url.get_backend_name() == "sqlite":
        return {SCHEMA: None}
    return {SCHEMA: schema_name(schema)}


def make_engine(url: str | URL | None = None, schema: str | None = None, **kwargs: Any) -> Engine:
    """An engine on psycopg2 (or SQLite) whose statements target ``schema``."""
    resolved = database_url(url)
    engine = create_engine(resolved, **kwargs).execution_options(
        schema_translate_map=translate_map(resolved, schema)
    )
    if resolved.get_backend_name() == "sqlite":
        _sqlite_pragmas(engine)
    return engine


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine.engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
