"""PostgreSQL loading with ``COPY ... FROM STDIN WITH (FORMAT text)``, one work unit per transaction.

Each process has its own connection and COPYs what it generates: the CSV text is made chunk by
chunk while COPY pulls it (:class:`~bronze_factories.loaders.copytext.TextStream`), so the only
buffer is one chunk. The unit's ledger row is written in the same transaction as its rows, which
is what makes a killed run resumable without duplicates or holes.
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
from .copytext import KINDS, TextStream, copy_text

#: Bytes COPY pulls per read: large enough that the Python side is not the bottleneck.
COPY_READ_SIZE = 1 << 20


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


class PostgresLoader:
    """Loads whole work units over one connection."""

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
        self.ledger_sql = (
            f"INSERT INTO {_quote(schema)}.{_quote(LoadLedger.__tablename__)} "
            "(dataset_key, unit, params, row_counts) VALUES (%s, %s, %s, %s)"
        )

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
                for table, group in itertools.groupby(chunks, key=lambda c: c.table):
                    kinds = KINDS[table]
                    stream = TextStream((c.rows for c in group), lambda rows, k=kinds: copy_text(rows, k))
                    started = time.perf_counter()
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

    def close(self) -> None:
        self.conn.close()
