"""``raw_data``: the complete source record of a row, as JSON-ready values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..models import Base


def to_json(value: Any) -> Any:
    """A JSON-ready copy: timestamps as ISO-8601 strings, amounts as numbers with cents."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def columns_of(model: type[Base]) -> list[str]:
    return [c.key for c in model.__mapper__.column_attrs if c.key not in ("raw_data", "ingestion_timestamp")]


def refresh_raw(obj: Base) -> None:
    """Re-copy the columns into ``raw_data`` after a factory changed a stored row (e.g. a longer session)."""
    record = dict(obj.raw_data or {})
    record.update({name: to_json(getattr(obj, name)) for name in columns_of(type(obj))})
    obj.raw_data = record


__all__ = ["columns_of", "refresh_raw", "to_json"]
