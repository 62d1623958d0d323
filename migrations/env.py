"""Alembic environment: the models' metadata, one target schema, psycopg2 underneath.

Used both from the repository root (``alembic upgrade head`` with ``alembic.ini``) and from an
installed package (:func:`bronze_factories.migrate.upgrade`, which hands over a connection).
"""

from __future__ import annotations

import re

from alembic import context
from sqlalchemy import text

from bronze_factories.config import make_engine, translate_map
from bronze_factories.models import PARTITIONED, SCHEMA, Base

config = context.config
x_args = context.get_x_argument(as_dictionary=True)

# Partitions (default and monthly) are data-management objects, not part of the model.
_PARTITION = re.compile(rf"^({'|'.join(PARTITIONED)})_(default|p\d{{6}})$")


def include_name(name, type_, parent_names):
    if type_ == "table":
        return not _PARTITION.match(name or "")
    return True


def run_migrations(connection) -> None:
    schema = translate_map(connection.engine.url, config.attributes.get("schema") or x_args.get("schema"))[SCHEMA]
    connection = connection.execution_options(schema_translate_map={SCHEMA: schema})
    if schema is not None:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.commit()
    config.attributes["target_schema"] = schema
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table_schema=schema,
        include_schemas=schema is not None,
        include_name=lambda name, type_, parents: (
            name in (schema, None) if type_ == "schema" else include_name(name, type_, parents)
        ),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = make_engine(x_args.get("url") or config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as conn:
            run_migrations(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) mode is not supported; run against a database")
run_online()
