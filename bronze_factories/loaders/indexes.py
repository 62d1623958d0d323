"""Secondary indexes dropped around a bulk load into empty tables, and rebuilt exactly as they were.

Maintaining five b-trees and a GIN index per row costs the server more than the COPY itself, so a
load into empty tables drops them first and rebuilds each from its own ``pg_indexes.indexdef``
at the end (sorted builds are much cheaper). The definitions are also written into the ledger
table's comment, so that a run killed before the rebuild leaves the duty to the next run, which
finds the marker, takes over and rebuilds. A session advisory lock held for the whole run tells
a live owner of that duty from a dead one, so shards running side by side rebuild once; a run
that finds the duty owned by another waits for it at its end (and takes it over if that run
dies), so no run ends successfully while the indexes are missing.

Only non-unique indexes are dropped: a UNIQUE index is a rule the table's owner made (a rebuild
would fail on rows that broke it, for good), so the load must meet it as it goes.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable

import psycopg2
from sqlalchemy.engine import URL

from ..models import LoadLedger
from .postgres import connect

MARKER = "\n-- bronze-populate: secondary indexes dropped for a bulk load, to be rebuilt: "
#: Below this many estimated rows, dropping and rebuilding costs more than it saves
#: (``BRONZE_INDEX_DROP_MIN_ROWS`` overrides it: a server with slow or fast disks, and the tests).
MIN_ROWS = 200_000


def min_rows() -> int:
    value = os.environ.get("BRONZE_INDEX_DROP_MIN_ROWS", "").strip()
    return int(value) if value.isdigit() else MIN_ROWS


def idempotent(definition: str) -> str:
    """``pg_indexes.indexdef`` as a statement that can be re-run: ``IF NOT EXISTS`` (plain or UNIQUE),
    and without ``ONLY`` (re-run that way on a partitioned table, it would skip the partitions)."""
    definition = definition.replace(" ON ONLY ", " ON ", 1)
    for head in ("CREATE UNIQUE INDEX ", "CREATE INDEX "):
        if definition.startswith(head) and not definition.startswith(head + "IF NOT EXISTS "):
            return head + "IF NOT EXISTS " + definition[len(head):]
    return definition


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class IndexGuard:
    """Owns (or not) the duty to rebuild a schema's secondary indexes; one per run, PostgreSQL only."""

    def __init__(self, url: URL, schema: str, tables: tuple[str, ...]) -> None:
        self.url = url
        self.conn = self._connect()
        self.schema = schema
        self.tables = list(tables)
        self.ledger = f"{_q(schema)}.{_q(LoadLedger.__tablename__)}"
        self.lock_key = f"bronze_factories.indexes:{schema}"
        self.duty: list[str] = []
        self.dropped = 0

    def _connect(self) -> psycopg2.extensions.connection:
        conn = connect(self.url)
        conn.autocommit = True
        return conn

    def _comment(self) -> str:
        with self.conn.cursor() as cur:
            cur.execute("SELECT obj_description(%s::regclass, 'pg_class')", (self.ledger,))
            return cur.fetchone()[0] or ""

    def _try_lock(self) -> bool:
        with self.conn.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (self.lock_key,))
            return bool(cur.fetchone()[0])

    def claim(self, fresh: bool, estimated_rows: int) -> None:
        """Call under the schema's preparation lock: take over a dead run's rebuild, or drop for a fresh load."""
        comment = self._comment()
        if MARKER in comment:
            if self._try_lock():  # the run that dropped them is gone: its duty is ours
                self.duty = json.loads(comment.split(MARKER, 1)[1])
            return
        if not fresh or estimated_rows < min_rows() or not self._try_lock():
            return
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "JOIN pg_namespace n ON n.nspname = i.schemaname "
                "JOIN pg_class c ON c.relname = i.indexname AND c.relnamespace = n.oid "
                "JOIN pg_index x ON x.indexrelid = c.oid "
                "WHERE i.schemaname = %s AND i.tablename = ANY(%s) AND NOT x.indisunique "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) ORDER BY 1",
                (self.schema, self.tables))
            found = cur.fetchall()
            if not found:
                return
            defs = [d for _, d in found]
            cur.execute("BEGIN")
            cur.execute(f"COMMENT ON TABLE {self.ledger} IS %s", (comment + MARKER + json.dumps(defs),))
            for name, _ in found:
                cur.execute(f"DROP INDEX {_q(self.schema)}.{_q(name)}")
            cur.execute("COMMIT")
        self.duty = defs
        self.dropped = len(defs)

    def rebuild(self, streams: int = 2, on_done: Callable[[int, int], None] | None = None) -> int:
        """Re-run the captured definitions over ``streams`` connections, then clear the marker; returns how many.

        Builds of different indexes run side by side (the server sorts one while it reads
        another table), largest tables first. Each definition is made idempotent
        (``IF NOT EXISTS``), so a run killed halfway leaves a duty the next run can finish.
        """
        if not self.duty:
            return 0
        pending = sorted(self.duty, key=self._size, reverse=True)
        total, built = len(pending), [0]
        connections = [self.conn] + [self._connect() for _ in range(max(0, min(streams, len(pending)) - 1))]
        lock = threading.Lock()
        errors: list[BaseException] = []

        def work(conn: psycopg2.extensions.connection) -> None:
            with conn.cursor() as cur:
                cur.execute("SET max_parallel_maintenance_workers = 2")
                while not errors:
                    with lock:
                        if not pending:
                            return
                        definition = pending.pop(0)
                    try:
                        cur.execute(idempotent(definition))
                    except BaseException as exc:
                        errors.append(exc)
                        continue
                    if on_done is not None:  # progress: n of m (the rebuild is a quarter of a large run)
                        with lock:
                            built[0] += 1
                            on_done(built[0], total)

        threads = [threading.Thread(target=work, args=(c,)) for c in connections]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for extra in connections[1:]:
            extra.close()
        if errors:
            raise errors[0]
        with self.conn.cursor() as cur:
            comment = self._comment().split(MARKER, 1)[0]
            cur.execute(f"COMMENT ON TABLE {self.ledger} IS %s", (comment or None,))
        done, self.duty = len(self.duty), []
        return done

    def others_duty(self) -> bool:
        """Whether indexes are missing and the duty to rebuild them is another run's."""
        return not self.duty and MARKER in self._comment()

    def wait_for_duty(self) -> None:
        """Wait until the run owning the rebuild ends; if it ended without rebuilding, the duty is ours."""
        with self.conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(hashtext(%s))", (self.lock_key,))
        comment = self._comment()
        if MARKER in comment:
            self.duty = json.loads(comment.split(MARKER, 1)[1])

    def _size(self, definition: str) -> int:
        """Bytes of the table (and its partitions) the index covers, to start with the longest builds."""
        table = definition.split(" ON ", 1)[1].replace("ONLY ", "", 1).split(" USING ", 1)[0].strip()
        with self.conn.cursor() as cur:
            cur.execute("SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM pg_class WHERE oid = %s::regclass "
                        "OR oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)", (table, table))
            return int(cur.fetchone()[0])

    def close(self) -> None:
        try:
            self.conn.close()  # ends the session: releases the advisory lock
        except psycopg2.Error:
            pass
