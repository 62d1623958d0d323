"""What the factories created through each SQLAlchemy session, and writing rows into it in bulk.

The registry is what lets ``OrderFactory(customer_id=...)`` reuse a parent without a query and a
``create_batch`` of a thousand orders run without a SELECT; it is cleared when the session rolls
back, because the rows it knows may be gone.
"""

from __future__ import annotations

import io
import json
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import JSON, Connection, Table, event, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict

from ..loaders.csvtext import csv_text
from ..models import Base, RawClickstream, RawInventory, RawOrder, RawReview
from .errors import FactoryDatabaseError

T = TypeVar("T")


@dataclass
class Stock:
    """Opening stock of one (product, warehouse) and the units that ever left it."""

    opening: RawInventory | None = None
    outgoing: int = 0


@dataclass
class Registry:
    """What the factories created through one SQLAlchemy session (cleared on rollback)."""

    objects: dict[tuple[type, str], Any] = field(default_factory=dict)
    events: dict[str, list[RawClickstream]] = field(default_factory=dict)
    orders: dict[str, list[RawOrder]] = field(default_factory=dict)
    stock: dict[tuple[str, str], Stock] = field(default_factory=dict)
    reviews: set[tuple[str, str]] = field(default_factory=set)
    unfinished: dict[str, RawOrder] = field(default_factory=dict)  # orders whose lifecycle goes on (advance())
    offsets: dict[type, int] = field(default_factory=dict)  # factory ids already stored, per model
    generation: int = -1  # the seed() generation the offsets belong to
    deferred: int = 0  # > 0 inside create_batch: no flush until the batch ends
    depth: int = 0  # > 0 while a top-level create() runs

    def forget(self) -> None:
        self.objects.clear()
        self.events.clear()
        self.orders.clear()
        self.stock.clear()
        self.reviews.clear()
        self.offsets.clear()
        self.unfinished.clear()


_KEY = "bronze_factories"


def registry(session: Session) -> Registry:
    reg = session.info.get(_KEY)
    if reg is None:
        reg = session.info[_KEY] = Registry()
    return reg


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _transaction: Any) -> None:
    """Rows the factories made may be gone: fall back to the database for everything."""
    reg = session.info.get(_KEY)
    if reg is not None:
        reg.forget()


def natural_key(model: type[Base]) -> str:
    """The id column that names a row (for orders, events and movements the first key column)."""
    return model.__mapper__.primary_key[0].key


def remember(session: Session, obj: Base) -> None:
    reg = registry(session)
    model = type(obj)
    reg.objects[(model, getattr(obj, natural_key(model)))] = obj
    if model is RawClickstream:
        reg.events.setdefault(obj.session_id, []).append(obj)
    elif model is RawOrder and obj.customer_id:
        reg.orders.setdefault(obj.customer_id, []).append(obj)
    elif model is RawReview and obj.customer_id:
        reg.reviews.add((obj.customer_id, obj.product_id))


def known(session: Session | None, model: type[T], key: str) -> T | None:
    """The row the factories created with this id through ``session``, without SQL."""
    if session is None:
        return None
    return registry(session).objects.get((model, key))


def fetch(session: Session, model: type[T], key: str) -> T | None:
    """The row with this id: created by a factory, else read from the database."""
    obj = known(session, model, key)
    if obj is None:
        column = getattr(model, natural_key(model))
        with session.no_autoflush:
            obj = session.scalars(select(model).where(column == key).limit(1)).first()
    return obj


def write_rows(session: Session, model: type[T], rows: list[dict[str, Any]],
               links: list[dict[str, Any]] | None = None) -> list[T]:
    """Write rows in bulk (one ``COPY`` on PostgreSQL, else multi-row INSERTs) as persistent objects of ``session``.

    The objects end up as if a flush had written them (in the identity map, no pending changes,
    server defaults loaded on first access) and the registry knows them, for parent reuse. Their
    values are set the way a query sets a loaded row's (straight into the instance dict, no change
    events): a fifth of the cost of the constructor, which records history only to discard it.
    ``links`` (one dict per row) sets parents the same way: relationships as if loaded, plain
    attributes (``order.session``, ``event.product``) as they are.
    """
    connection = session.connection()
    try:
        if rows and connection.dialect.driver == "psycopg2":
            copy_rows(connection, model.__table__, rows)
        elif rows:
            connection.execute(insert(model.__table__), rows)
    except (DBAPIError, connection.dialect.loaded_dbapi.Error) as exc:
        raise FactoryDatabaseError.of(exc) from None
    objs = []
    for j, row in enumerate(rows):
        obj = model()
        values = instance_dict(obj)
        values.update(row)
        if links is not None:
            values.update(links[j])
        make_transient_to_detached(obj)
        session.add(obj)
        remember(session, obj)
        objs.append(obj)
    return objs


def copy_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """``COPY table FROM STDIN`` in the connection's transaction (psycopg2).

    Why not INSERT: PostgreSQL takes ~35 µs a row to parse and plan 1,000-row VALUES lists and
    ~15 µs to read the same rows as CSV; for 10,000 customers that is half of ``create_batch``.
    """
    columns = list(rows[0])
    json_columns = {c.key for c in table.c if isinstance(c.type, JSON)}
    schema = (connection.get_execution_options().get("schema_translate_map") or {}).get(table.schema, table.schema)
    quote = connection.dialect.identifier_preparer.quote
    target = f"{quote(schema)}.{quote(table.name)}" if schema else quote(table.name)
    text = csv_text([[json.dumps(row[c]) if c in json_columns else row[c] for c in columns] for row in rows])
    with closing(connection.connection.dbapi_connection.cursor()) as cursor:
        cursor.copy_expert(f"COPY {target} ({', '.join(map(quote, columns))}) FROM STDIN WITH (FORMAT csv)",
                           io.StringIO(text))
