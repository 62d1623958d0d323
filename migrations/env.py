"""Alembic environment: the models' metadata, one target schema, psycopg2 underneath.

Used from the repository root (``alembic upgrade head`` with ``alembic.ini``), from an installed
package (:func:`bronze_factories.migrate.upgrade`, which hands over a ``Connection``) and from
migration test tools such as pytest-alembic (which hand over an ``Engine``): both arrive in
``config.attributes["connection"]``.

Offline mode (``alembic upgrade head --sql``) renders the PostgreSQL DDL, the schema, partitions,
indexes and comments included, for a DBA to review and apply with ``psql``.
"""

from __future__ import annotations

import os
import re
import sys

from alembic import context
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url

from bronze_factories.config import ENV_URL, ConfigError, database_url, make_engine, schema_name, translate_map
from bronze_factories.models import PARTITIONED, SCHEMA, Base

config = context.config
x_args = context.get_x_argument(as_dictionary=True)

# Partitions (default and monthly) are data-management objects, not part of the model.
_PARTITION = re.compile(rf"^({'|'.join(PARTITIONED)})_(default|p\d{{6}})$")


def include_name(name, type_, parent_names):
    if type_ == "table":
        return not _PARTITION.match(name or "")
    return True


def _configure(schema: str | None, **kwargs) -> None:
    config.attributes["target_schema"] = schema
    context.configure(
        target_metadata=Base.metadata,
        version_table_schema=schema,
        include_schemas=schema is not None,
        include_name=lambda name, type_, parents: (
            name in (schema, None) if type_ == "schema" else include_name(name, type_, parents)
        ),
        compare_type=True,
        **kwargs,
    )


def run_migrations(connection: Connection) -> None:
    schema = translate_map(connection.engine.url, config.attributes.get("schema") or x_args.get("schema"))[SCHEMA]
    connection = connection.execution_options(schema_translate_map={SCHEMA: schema})
    if schema is not None and not inspect(connection).has_schema(schema):
        # Even with IF NOT EXISTS, CREATE SCHEMA needs the CREATE privilege on the database: a role
        # that may only read and insert into a schema its owner migrated must get past this line.
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.commit()
    _configure(schema, connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        run_migrations(given)
        return
    if isinstance(given, Engine):
        # The engine is the caller's: borrow one connection, leave the pool alone.
        with given.connect() as conn:
            run_migrations(conn)
            conn.commit()
        return
    engine = make_engine(x_args.get("url") or config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as conn:
            run_migrations(conn)
            conn.commit()
    finally:
        engine.dispose()


class _SchemaRenamer:
    """Offline output with the models' ``bronze`` schema written as the target schema.

    Online, ``schema_translate_map`` does this at execution; offline, alembic compiles the
    statements without it, so the rendered text is translated on its way out.
    """

    _QUALIFIED = re.compile(rf"(?<![\w\".]){SCHEMA}\.(?=[\w\"])")

    def __init__(self, out, schema: str) -> None:
        self.out, self.schema = out, schema

    def write(self, data: str) -> int:
        return self.out.write(self._QUALIFIED.sub(f'"{self.schema}".', data))

    def flush(self) -> None:
        self.out.flush()


def run_offline() -> None:
    given = x_args.get("url") or config.get_main_option("sqlalchemy.url") or os.environ.get(ENV_URL)
    try:
        # Without a URL the script is for PostgreSQL, the warehouse this schema is made for.
        url = database_url(given) if given else make_url("postgresql+psycopg2://")
        schema = schema_name(config.attributes.get("schema") or x_args.get("schema"))
    except ConfigError as exc:
        raise SystemExit(str(exc)) from None
    if url.get_backend_name() != "postgresql":
        raise SystemExit("offline (--sql) mode renders PostgreSQL DDL; on SQLite run the migration "
                         "against the file (alembic upgrade head)")
    buffer = config.output_buffer or sys.stdout
    if schema != SCHEMA:
        buffer = _SchemaRenamer(buffer, schema)
    _configure(schema, url=url, literal_binds=True, output_buffer=buffer, transactional_ddl=True)
    with context.begin_transaction():
        context.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
