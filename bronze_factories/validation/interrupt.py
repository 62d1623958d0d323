"""Ctrl-C during a rule's query: the query stops, the run ends with ``KeyboardInterrupt``.

A query runs inside the database driver's C code, where Python's SIGINT handler cannot run until
the query returns (minutes on a large database). SQLite calls back into Python every few thousand
virtual-machine steps (``set_progress_handler``): the callback is where the signal is noticed and
the query aborted. psycopg2 waits for the server through a Python wait callback that cancels the
query on ``KeyboardInterrupt`` (``psycopg2.extras.wait_select``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

#: SQLite virtual-machine steps between two looks at a pending Ctrl-C (a few milliseconds).
STEPS = 20_000


@contextmanager
def interruptible(conn: Connection) -> Iterator[None]:
    """Run the block's queries so that Ctrl-C stops them (raised as ``KeyboardInterrupt``)."""
    dbapi = conn.connection.dbapi_connection
    if isinstance(dbapi, sqlite3.Connection):
        # Entering Python code runs a pending SIGINT handler; its KeyboardInterrupt escaping the
        # callback makes SQLite abort the statement with "interrupted".
        dbapi.set_progress_handler(lambda: 0, STEPS)
        try:
            yield
        except OperationalError as exc:
            if str(exc.orig) == "interrupted":
                raise KeyboardInterrupt from None
            raise
        finally:
            dbapi.set_progress_handler(None, 0)
        return
    if conn.dialect.name == "postgresql":
        import psycopg2.extensions
        import psycopg2.extras

        previous = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(psycopg2.extras.wait_select)
        try:
            yield
        except OperationalError as exc:
            if "canceling statement due to user request" in str(exc.orig):
                raise KeyboardInterrupt from None
            raise
        finally:
            psycopg2.extensions.set_wait_callback(previous)
        return
    yield
