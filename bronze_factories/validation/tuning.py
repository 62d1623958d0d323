"""What a run sets up on the database for speed, and takes down after it.

On PostgreSQL the run is a savepoint rolled back at its end; inside it JIT is off, work_mem at least
64 MB, and the bronze tables without planner statistics get some. SQLite needs nothing: its rules
are written to plan well without statistics (see :meth:`.sql.Sql.plain`), and ANALYZE would write
to the user's file.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from ..models import TABLES
from .sql import Sql

log = logging.getLogger("bronze_factories.validate")


#: PostgreSQL settings for the run: the rules are one-off scans, which the just-in-time compiler only
#: slows down (seconds of compiling per query on the default dataset).
PG_SETTINGS = {"jit": "off"}
#: At least this much memory per sort or hash, in kB: the sessions of the default dataset fit a hash
#: join (15% cheaper than looking each event's session up), as they do not in the default 4 MB.
WORK_MEM_KB = 65_536
#: Tables of at least this many rows get planner statistics for the run when they have none.
ANALYZE_ROWS = 10_000
#: Sample of such an ANALYZE (300 rows per unit: 3,000 rows a table): enough for the plans, about 1 s
#: on the default dataset where the default sample takes 25 s.
ANALYZE_TARGET = 10


@contextmanager
def run_scope(conn: Connection, schema: str | None) -> Iterator[None]:
    """On PostgreSQL, the run inside a savepoint that is rolled back at its end.

    Inside it, JIT is off, ``work_mem`` at least 64 MB, and the bronze tables that have no planner
    statistics get them: right
    after a load there are none (autovacuum takes a while, and never analyzes a partitioned table),
    and without them PostgreSQL plans some rules as index scans over millions of rows. The rollback
    leaves the database as it was (only ANALYZE's row-count estimates in pg_class stay, as any
    ANALYZE or VACUUM would leave them), and the settings of the caller's transaction too.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    savepoint = conn.begin_nested()
    try:
        for key, value in PG_SETTINGS.items():
            conn.execute(text("SELECT set_config(:k, :v, true)"), {"k": key, "v": value})
        conn.execute(text("SELECT set_config('work_mem', GREATEST(setting::bigint, :kb) || 'kB', true) "
                          "FROM pg_settings WHERE name = 'work_mem'"), {"kb": WORK_MEM_KB})
        _analyze(conn, schema)
        yield
    finally:
        if savepoint.is_active and not conn.invalidated:
            try:
                savepoint.rollback()
            except DBAPIError:  # the transaction is aborted (an interrupted query): its end undoes it all
                pass


def _analyze(conn: Connection, schema: str | None) -> None:
    q = Sql("postgresql", schema)
    bare = [t for t in TABLES if not conn.execute(
        text("SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = :s AND tablename = :t)"),
        {"s": schema, "t": t}).scalar()]
    big = [t for t in bare if conn.execute(
        text(f"SELECT count(*) FROM (SELECT 1 FROM {q.t(t)} LIMIT {ANALYZE_ROWS}) AS x")).scalar() >= ANALYZE_ROWS]
    if not big:
        return
    started = time.perf_counter()
    # A concurrent VACUUM holds the lock ANALYZE needs: after lock_timeout, plan without statistics.
    settings = {"default_statistics_target": str(ANALYZE_TARGET), "lock_timeout": "2s"}
    put = text("SELECT set_config(:k, :v, true)")
    before = {k: conn.execute(text("SELECT current_setting(:k)"), {"k": k}).scalar() for k in settings}
    try:
        with conn.begin_nested():
            for k, v in settings.items():
                conn.execute(put, {"k": k, "v": v})
            conn.execute(text("ANALYZE " + ", ".join(q.t(t) for t in big)))  # not the owner: a warning, no error
            for k, v in before.items():
                conn.execute(put, {"k": k, "v": v})
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        log.debug("no statistics for %s: %s", ", ".join(big), exc.orig)
        return
    log.debug("statistics for %s: %.2fs", ", ".join(big), time.perf_counter() - started)
