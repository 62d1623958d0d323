"""SQLite loading: one ``executemany`` INSERT per chunk, one transaction per work unit with its ledger row."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from sqlalchemy.engine import URL

from ..engine import COLUMNS, TABLE_ORDER, Chunk, Params
from ..models import LoadLedger


class SqliteLoader:
    """Loads whole work units into a SQLite file (one writer: units arrive here from the workers)."""

    def __init__(self, url: URL, params: Params) -> None:
        self.conn = sqlite3.connect(url.database or ":memory:", isolation_level=None, timeout=60)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.key = params.key()
        self.identity = json.dumps(params.identity(), sort_keys=True)
        self.insert_sql = {
            t: f'INSERT INTO "{t}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
            for t, cols in COLUMNS.items()
        }

    def load_unit(self, unit: str, chunks: Iterable[Chunk]) -> dict[str, int] | None:
        counts = dict.fromkeys(TABLE_ORDER, 0)
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            if cur.execute(f'SELECT 1 FROM "{LoadLedger.__tablename__}" WHERE dataset_key = ? AND unit = ?',
                           (self.key, unit)).fetchone():
                cur.execute("ROLLBACK")
                return None
            for chunk in chunks:
                cur.executemany(self.insert_sql[chunk.table], chunk.rows)
                counts[chunk.table] += len(chunk.rows)
            cur.execute(
                f'INSERT INTO "{LoadLedger.__tablename__}" (dataset_key, unit, params, row_counts, loaded_at) '
                "VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)",
                (self.key, unit, self.identity, json.dumps(counts)),
            )
            cur.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                cur.execute("ROLLBACK")
            raise
        return counts

    def close(self) -> None:
        self.conn.close()
