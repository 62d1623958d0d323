"""The plain loader: multi-row INSERTs through the DB-API, for small datasets and tests.

It is the simplest correct way to put engine chunks into PostgreSQL or SQLite; the fast path is
``COPY`` (see :mod:`bronze_factories.loaders.postgres`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine

from ..config import translate_map
from ..engine.columns import COLUMNS
from ..engine.simulation import Chunk
from ..models import SCHEMA


def insert_sql(engine: Engine, table: str, schema: str | None = None) -> str:
    """``INSERT INTO <schema>.<table> (<columns>) VALUES (<placeholders>)`` in the driver's paramstyle."""
    target = translate_map(engine.url, schema)[SCHEMA]
    name = f'"{target}"."{table}"' if target else f'"{table}"'
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    columns = COLUMNS[table]
    return f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"


def load_plain(engine: Engine, chunks: Iterable[Chunk], schema: str | None = None) -> dict[str, int]:
    """Insert every chunk in one transaction; returns rows per table."""
    counts: dict[str, int] = {}
    statements: dict[str, str] = {}
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for chunk in chunks:
            sql = statements.setdefault(chunk.table, insert_sql(engine, chunk.table, schema))
            if postgres:  # one multi-row INSERT per page instead of one statement per row
                from psycopg2.extras import execute_values

                head = sql[: sql.index(" VALUES ")] + " VALUES %s"
                with conn.connection.cursor() as cursor:
                    execute_values(cursor, head, chunk.rows, page_size=1000)
            else:
                conn.exec_driver_sql(sql, chunk.rows)
            counts[chunk.table] = counts.get(chunk.table, 0) + len(chunk.rows)
    return counts
