"""Row counts and content checksums of the bronze tables, to compare two loads of a dataset.

A checksum covers every column but ``ingestion_timestamp`` (load time, not data), in primary-key
order, so two databases have equal checksums exactly when they hold the same rows::

    from checksums import table_checksums  # tests/ is on sys.path under pytest
    assert table_checksums(url_a) == table_checksums(url_b)
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from bronze_factories.config import make_engine
from bronze_factories.models import MODELS

DATA_COLUMNS = {
    m.__tablename__: [c.name for c in m.__table__.columns if c.name != "ingestion_timestamp"] for m in MODELS
}
PRIMARY_KEYS = {m.__tablename__: [c.name for c in m.__table__.primary_key.columns] for m in MODELS}


def _q(name: str) -> str:
    return '"' + name + '"'


def checksum_sql(table: str, schema: str = "bronze") -> str:
    """``(count, md5 of the ordered per-row md5s)`` of one PostgreSQL table."""
    row = ", ".join(_q(c) for c in DATA_COLUMNS[table])
    order = ", ".join(_q(c) for c in PRIMARY_KEYS[table])
    return (
        f"SELECT count(*), md5(coalesce(string_agg(md5(ROW({row})::text), '' ORDER BY {order}), '')) "
        f"FROM {_q(schema)}.{_q(table)}"
    )


def table_checksums(target: str | URL | Engine, schema: str = "bronze") -> dict[str, tuple[int, str]]:
    """Per table: ``(row count, checksum)``; PostgreSQL in SQL, SQLite in Python (same idea, own digest)."""
    engine = target if isinstance(target, Engine) else make_engine(target, schema)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                return {t: tuple(conn.execute(text(checksum_sql(t, schema))).one()) for t in DATA_COLUMNS}
            out = {}
            for table, cols in DATA_COLUMNS.items():
                order = ", ".join(PRIMARY_KEYS[table])
                digest = hashlib.md5()
                n = 0
                for row in conn.execute(text(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}")):
                    digest.update(hashlib.md5(repr(tuple(row)).encode()).digest())
                    n += 1
                out[table] = (n, digest.hexdigest())
            return out
    finally:
        if not isinstance(target, Engine):
            engine.dispose()


def row_counts(target: str | URL | Engine, schema: str = "bronze") -> dict[str, int]:
    return {t: n for t, (n, _) in table_checksums(target, schema).items()}
