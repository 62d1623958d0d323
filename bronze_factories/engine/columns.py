"""Load columns of each table, in the order the engine's row tuples use (no ``ingestion_timestamp``)."""

from __future__ import annotations

from ..models import MODELS

#: Parents before children, so that a partial load never shows children without parents.
TABLE_ORDER: tuple[str, ...] = (
    "raw_customers",
    "raw_products",
    "raw_sessions",
    "raw_clickstream",
    "raw_orders",
    "raw_inventory",
    "raw_reviews",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    model.__tablename__: tuple(c.name for c in model.__table__.columns if c.name != "ingestion_timestamp")
    for model in MODELS
}
