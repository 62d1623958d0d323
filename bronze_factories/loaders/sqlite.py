"""SQLite loading: workers pack rows into SQLite pages, the one writer copies them in C, unit by unit.

SQLite has one writer, so whatever that writer does per row bounds the whole run. Binding
Python values row by row (``executemany``) costs the writer about as much as generating them
costs a worker, so the workers do it instead: each packs its work unit into a private in-memory
SQLite database (:func:`pack`) and sends the serialized file. The writer deserializes it into an
attached schema and copies each table with one ``INSERT ... SELECT`` (no Python per row), in one
transaction with the unit's ledger row, which keeps the resume guarantee: a unit is in the file
together with its ledger row, or not at all.

A load into empty tables is a bulk load: the file gets larger pages (fewer, cheaper b-tree
operations for rows of ~700 bytes), the secondary indexes are dropped and built once at the end
(:meth:`SqliteLoader.finish`), all but :data:`BULK_KEPT`, and the units go through a rollback
journal instead of the write-ahead log: a unit's rows land on new pages past the end of the file,
which a rollback journal leaves out (it keeps only the few pages the unit changes), where the log
writes every page twice (to the log, then to the file). Each unit is still atomic with its ledger
row: a killed run leaves a hot journal, which the next connection rolls back. The connection runs
with ``synchronous = OFF``: a killed process loses nothing; only an operating-system crash could.
:meth:`~SqliteLoader.finish` puts the file back into WAL mode. The dropped definitions are kept
in a marker table until they are rebuilt, so a run killed before its end leaves the rebuild to
the next one.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy.engine import URL

from ..engine import COLUMNS, TABLE_ORDER, Chunk, Params
from ..models import LoadLedger

#: Holds the ``CREATE INDEX`` statements of the indexes dropped for a bulk load, until they are rebuilt.
MARKER_TABLE = "bronze_load_pending_indexes"
#: Page size of a file created for a bulk load (SQLite's default is 4096).
BULK_PAGE_SIZE = 32768
#: Secondary indexes a bulk load keeps up instead of dropping: their keys only grow during a load
#: (the load time; the clickstream's sessions arrive in order), so each row goes onto the index's last
#: page, which costs less than sorting every key at the end, and is done while the workers generate.
BULK_KEPT = frozenset({"ix_raw_clickstream_session_id",
                       *(f"ix_{t}_source_system_ingestion_timestamp" for t in TABLE_ORDER)})
#: Page cache of the writer during the load, KiB (negative: SQLite's unit for a size).
CACHE_KIB = 131072
#: Journal of a bulk load's units (see the module's docstring); never OFF or MEMORY, which give up atomicity.
BULK_JOURNAL = "TRUNCATE"
#: Page size of the in-memory database a worker packs a unit into (:func:`pack`).
PACK_PAGE_SIZE = 65536
#: Rows bound per ``INSERT`` statement in :func:`pack`.
PACK_ROWS = 50
STAGE = "stage"
#: Suffix of a packed table holding rows that replace their earlier version (:attr:`Chunk.upsert`).
UPSERT = "__upsert"

Packed = tuple[dict[str, int], bytes]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert(schema: str, table: str) -> str:
    cols = COLUMNS[table.removesuffix(UPSERT)]
    return f"INSERT INTO {schema}.{_q(table)} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def _pack_rows(conn: sqlite3.Connection, table: str, rows: Sequence[Sequence[object]]) -> None:
    """Insert ``rows`` in order, :data:`PACK_ROWS` to a statement (the rest one by one)."""
    cols = COLUMNS[table.removesuffix(UPSERT)]
    whole = len(rows) - len(rows) % PACK_ROWS
    if whole:
        values = ", ".join([f"({', '.join('?' * len(cols))})"] * PACK_ROWS)
        flat = itertools.chain.from_iterable
        conn.executemany(f"INSERT INTO main.{_q(table)} ({', '.join(cols)}) VALUES {values}",
                         (tuple(flat(rows[i:i + PACK_ROWS])) for i in range(0, whole, PACK_ROWS)))
    if whole < len(rows):
        conn.executemany(_insert("main", table), rows[whole:])


def pack(chunks: Iterable[Chunk]) -> Packed:
    """A work unit's rows as a serialized SQLite database (one untyped table per table), and its row counts.

    Runs in the workers. The columns carry no type, so values are stored as Python gave them and
    take the target column's affinity when the writer copies them, exactly as a direct insert would.
    Packing costs a worker almost as much as making the rows, so it binds :data:`PACK_ROWS` rows per
    statement (fewer statement runs from Python) onto large pages (fewer page splits): about a fifth
    less than one row per statement on 4 KiB pages.
    """
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size = {PACK_PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("BEGIN")
        counts = dict.fromkeys(TABLE_ORDER, 0)
        for table in TABLE_ORDER:
            conn.execute(f"CREATE TABLE {_q(table)} ({', '.join(COLUMNS[table])})")
            conn.execute(f"CREATE TABLE {_q(table + UPSERT)} ({', '.join(COLUMNS[table])})")
        for chunk in chunks:
            _pack_rows(conn, chunk.table + (UPSERT if chunk.upsert else ""), chunk.rows)
            counts[chunk.table] += len(chunk.rows)
        conn.execute("COMMIT")
        return counts, conn.serialize()
    finally:
        conn.close()


class SqliteLoader:
    """Loads whole work units into a SQLite file (one writer: units arrive here from the workers)."""

    def __init__(self, url: URL, params: Params) -> None:
        self.conn = sqlite3.connect(url.database or ":memory:", isolation_level=None, timeout=60)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.key = params.key()
        self.identity = json.dumps(params.identity(), sort_keys=True)
        self.ledger_sql = (f'INSERT INTO "{LoadLedger.__tablename__}" (dataset_key, unit, params, row_counts, '
                           "loaded_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)")
        self.restore = {p: self.conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("synchronous", "cache_size")}
        self._bulk_setup()
        # Set after the page size is settled: SQLite turns a size in KiB into a number of pages when the
        # pragma runs, so set before _enlarge_pages it would keep BULK_PAGE_SIZE / 4096 times the bytes.
        self.conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.conn.execute(f"ATTACH DATABASE ':memory:' AS {STAGE}")
        self.copy_sql = {
            t: f"INSERT INTO main.{_q(t)} ({', '.join(c)}) SELECT {', '.join(c)} FROM {STAGE}.{_q(t)}"
            for t, c in COLUMNS.items()
        }
        # Upserts merge on the primary key and take the load time, as a PostgreSQL load does.
        self.merge_sql = {}
        for t, c in COLUMNS.items():
            key = [r[1] for r in sorted((r[5], r[1]) for r in self.conn.execute(f"PRAGMA table_info({_q(t)})") if r[5])]
            update = ", ".join(f"{x} = excluded.{x}" for x in c if x not in key)
            self.merge_sql[t] = (f"INSERT INTO main.{_q(t)} ({', '.join(c)}) SELECT {', '.join(c)} FROM "
                                 f"{STAGE}.{_q(t + UPSERT)} WHERE true ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
                                 f"{update}, ingestion_timestamp = CURRENT_TIMESTAMP")

    @contextmanager
    def _immediate(self) -> Iterator[None]:
        """One write transaction, taken before its first read (``BEGIN IMMEDIATE``): what the block
        checks (empty tables, the ledger) cannot change under it before it writes. Committed when the
        block ends, by ``return`` too; rolled back on any exception, Ctrl-C included."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # --- bulk load: pragmas, page size, indexes -----------------------------------------------
    def _bulk_setup(self) -> None:
        conn = self.conn
        conn.execute("PRAGMA synchronous=OFF")
        with self._immediate():
            empty = not any(conn.execute(f"SELECT 1 FROM {_q(t)} LIMIT 1").fetchone() for t in TABLE_ORDER)
            marked = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                  (MARKER_TABLE,)).fetchone()
            if not empty or marked:
                return
            found = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                f"({', '.join('?' * len(TABLE_ORDER))}) ORDER BY name", TABLE_ORDER).fetchall()
            found = [(name, sql) for name, sql in found if name not in BULK_KEPT]
            conn.execute(f"CREATE TABLE {MARKER_TABLE} (name TEXT NOT NULL, definition TEXT NOT NULL)")
            conn.executemany(f"INSERT INTO {MARKER_TABLE} VALUES (?, ?)", found)
            for name, _ in found:
                conn.execute(f"DROP INDEX {_q(name)}")
        self._enlarge_pages()
        try:
            conn.execute(f"PRAGMA main.journal_mode={BULK_JOURNAL}")
        except sqlite3.OperationalError:
            pass  # another connection holds the file open: the units go through the write-ahead log

    def _enlarge_pages(self) -> None:
        """Rewrite the (empty) file with larger pages; skipped if another connection holds it open."""
        conn = self.conn
        if conn.execute("PRAGMA page_size").fetchone()[0] >= BULK_PAGE_SIZE:
            return
        try:
            # The page size of a WAL file is fixed: leave WAL, VACUUM with the new size, go back.
            if conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0].lower() != "delete":
                return
            conn.execute(f"PRAGMA page_size={BULK_PAGE_SIZE}")
            conn.execute("VACUUM")
        except sqlite3.OperationalError:
            pass  # busy: keep the pages as they are
        finally:
            conn.execute("PRAGMA journal_mode=WAL")

    def finish(self) -> int:
        """Build the indexes a bulk load dropped (this run's or a killed run's); returns how many."""
        conn = self.conn
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (MARKER_TABLE,)).fetchone():
            return 0
        with self._immediate():
            definitions = [d for (d,) in conn.execute(f"SELECT definition FROM {MARKER_TABLE} ORDER BY name")]
            for definition in definitions:
                conn.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            conn.execute(f"DROP TABLE {MARKER_TABLE}")
        try:
            conn.execute("PRAGMA main.journal_mode=WAL")  # the bulk load's rollback journal is done with
        except sqlite3.OperationalError:
            pass  # busy: the next loader's connection sets WAL
        conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
        return len(definitions)

    # --- units --------------------------------------------------------------------------------
    def _loaded(self, unit: str) -> bool:
        """The ledger already has the unit (asked inside the unit's transaction)."""
        return self.conn.execute(f'SELECT 1 FROM "{LoadLedger.__tablename__}" WHERE dataset_key = ? AND unit = ?',
                                 (self.key, unit)).fetchone() is not None

    def _record(self, unit: str, counts: dict[str, int]) -> None:
        self.conn.execute(self.ledger_sql, (self.key, unit, self.identity, json.dumps(counts)))

    def load_packed(self, unit: str, packed: Packed) -> dict[str, int] | None:
        """Load a unit :func:`pack` made; rows per table, or ``None`` when the ledger already has it."""
        counts, data = packed
        self.conn.deserialize(data, name=STAGE)  # replaces (and frees) the previous unit's pages
        with self._immediate():
            if self._loaded(unit):
                return None
            for table in TABLE_ORDER:
                if counts[table]:
                    self.conn.execute(self.copy_sql[table])
                    self.conn.execute(self.merge_sql[table])
            self._record(unit, counts)
        return counts

    def load_unit(self, unit: str, chunks: Iterable[Chunk]) -> dict[str, int] | None:
        """Load a unit's chunks with ``executemany`` (the same result as :meth:`load_packed`)."""
        counts = dict.fromkeys(TABLE_ORDER, 0)
        with self._immediate():
            if self._loaded(unit):
                return None
            for chunk in chunks:
                if chunk.upsert:
                    raise ValueError("load_unit takes new rows only; pack() a unit with upserts and load_packed it")
                self.conn.executemany(_insert("main", chunk.table), chunk.rows)
                counts[chunk.table] += len(chunk.rows)
            self._record(unit, counts)
        return counts

    def mark(self, unit: str) -> bool:
        """Write a ledger row with no rows of its own (a step's completion); False if it is there."""
        with self._immediate():
            if self._loaded(unit):
                return False
            self._record(unit, {})
        return True

    def close(self) -> None:
        try:
            for pragma, value in self.restore.items():
                self.conn.execute(f"PRAGMA {pragma}={value}")
        finally:
            self.conn.close()
