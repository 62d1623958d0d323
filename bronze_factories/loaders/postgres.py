"""PostgreSQL loading with ``COPY ... FROM STDIN WITH (FORMAT text)``, one work unit per transaction.

Each process has its own connection and COPYs what it generates: a thread generates and renders
the COPY text up to two chunks ahead (:func:`~bronze_factories.loaders.copytext.render_ahead`)
while COPY sends the one before, so the server backend is not left idle while the worker
generates, and the only buffers are those chunks. The unit's ledger row is written in the same
transaction as its rows, which is what makes a killed run resumable without duplicates or holes.

Rows that replace an earlier version of themselves (:attr:`Chunk.upsert`: an order whose state moved
on when a dataset goes on in time) are COPYed into a temporary table and merged with ``INSERT ...
ON CONFLICT (primary key) DO UPDATE``, which also sets ``ingestion_timestamp`` to the load time, as
incremental ETL expects (``DISTINCT ON (id) ... ORDER BY ingestion_timestamp DESC``). A warehouse
table without a primary key gets the new version appended instead.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterable

import psycopg2
import psycopg2.errors
from sqlalchemy.engine import URL

from ..engine import COLUMNS, TABLE_ORDER, Chunk, Params
from ..models import LoadLedger
from .copytext import COPY_LINES, Rendered, TextStream, render_ahead

#: Characters COPY pulls per read: more than a chunk's text, so that each read hands libpq a whole
#: chunk as it is (a full slice of a str is the str itself) instead of a copy of every megabyte.
#: libpq buffers and sends it in socket-sized pieces in blocking mode (no quadratic shifting).
COPY_READ_SIZE = 1 << 28


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def connect(url: URL) -> psycopg2.extensions.connection:
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = psycopg2.connect(dsn, connect_timeout=10, application_name="bronze-populate")
    with conn.cursor() as cur:
        # A lost commit after a crash is re-done by the next run (the ledger row goes with it).
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
    conn.commit()
    return conn


def _text(rendered: Rendered) -> str:
    return rendered.text


def _rows(rendered: Rendered) -> int:
    return rendered.rows


class PostgresLoader:
    """Loads whole work units over one connection."""

    #: The lines COPY takes as they are: ask the engine for them (``generate_unit(..., lines=)``).
    lines = COPY_LINES

    def __init__(self, url: URL, schema: str, params: Params) -> None:
        self.conn = connect(url)
        #: Seconds spent in COPY per table (generating the rows it pulls included), since creation.
        self.busy = dict.fromkeys(TABLE_ORDER, 0.0)
        self.schema = schema
        self.key = params.key()
        self.identity = json.dumps(params.identity(), sort_keys=True)
        self.copy_sql = {
            t: f"COPY {_quote(schema)}.{_quote(t)} ({', '.join(map(_quote, COLUMNS[t]))}) FROM STDIN WITH (FORMAT text)"
            for t in COLUMNS
        }
        self._merge: dict[str, tuple[str, str]] = {}
        self.ledger_sql = (
            f"INSERT INTO {_quote(schema)}.{_quote(LoadLedger.__tablename__)} "
            "(dataset_key, unit, params, row_counts) VALUES (%s, %s, %s, %s)"
        )

    def _merge_sql(self, cur: psycopg2.extensions.cursor, table: str) -> tuple[str, str]:
        """The statements that stage and merge upserted rows of ``table`` (on its primary key)."""
        cached = self._merge.get(table)
        if cached is not None:
            return cached
        cur.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
            "WHERE n.nspname = %s AND c.relname = %s AND i.indisprimary ORDER BY a.attnum", (self.schema, table))
        key = [r[0] for r in cur.fetchall()]
        cols = COLUMNS[table]
        stage = _quote(f"bronze_upsert_{table}")
        listed = ", ".join(map(_quote, cols))
        merge = f"INSERT INTO {_quote(self.schema)}.{_quote(table)} ({listed}) SELECT {listed} FROM {stage}"
        if key:
            changed = [c for c in cols if c not in key] + ["ingestion_timestamp"]
            merge += (f" ON CONFLICT ({', '.join(map(_quote, key))}) DO UPDATE SET "
                      + ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in changed))
        create = (f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {listed} FROM {_quote(self.schema)}.{_quote(table)} "
                  "WITH NO DATA")
        self._merge[table] = (create, merge)
        return create, merge

    def _upsert(self, cur: psycopg2.extensions.cursor, table: str, stream: TextStream) -> None:
        create, merge = self._merge_sql(cur, table)
        stage = _quote(f"bronze_upsert_{table}")
        cur.execute(create)
        cur.execute(f"TRUNCATE {stage}")
        cur.copy_expert(f"COPY {stage} ({', '.join(map(_quote, COLUMNS[table]))}) FROM STDIN WITH (FORMAT text)",
                        stream, size=COPY_READ_SIZE)
        cur.execute(merge)

    def is_done(self, unit: str) -> bool:
        with self.conn.cursor() as cur:
            cur.execute(
                f"SELECT 1 FROM {_quote(self.schema)}.{_quote(LoadLedger.__tablename__)} "
                "WHERE dataset_key = %s AND unit = %s", (self.key, unit))
            found = cur.fetchone() is not None
        self.conn.rollback()
        return found

    def load_unit(self, unit: str, chunks: Iterable[Chunk]) -> dict[str, int] | None:
        """Rows per table, or ``None`` when a concurrent run loaded the unit first."""
        counts = dict.fromkeys(TABLE_ORDER, 0)
        try:
            with self.conn.cursor() as cur:
                for (table, upsert), group in itertools.groupby(render_ahead(chunks), key=lambda r: (r.table, r.upsert)):
                    stream = TextStream(group, _text, _rows)
                    started = time.perf_counter()
                    if upsert:
                        self._upsert(cur, table, stream)
                    else:
                        cur.copy_expert(self.copy_sql[table], stream, size=COPY_READ_SIZE)
                    self.busy[table] += time.perf_counter() - started
                    counts[table] += stream.rows
                cur.execute(self.ledger_sql, (self.key, unit, self.identity, json.dumps(counts)))
            self.conn.commit()
        except psycopg2.errors.UniqueViolation:
            self.conn.rollback()
            if self.is_done(unit):
                return None
            raise
        except BaseException:
            self.conn.rollback()
            raise
        return counts

    def mark(self, unit: str) -> bool:
        """Write a ledger row with no rows of its own (a step's completion); False if it is there."""
        try:
            with self.conn.cursor() as cur:
                cur.execute(self.ledger_sql, (self.key, unit, self.identity, json.dumps({})))
            self.conn.commit()
        except psycopg2.errors.UniqueViolation:
            self.conn.rollback()
            return False
        except BaseException:
            self.conn.rollback()
            raise
        return True

    def close(self) -> None:
        self.conn.close()
