"""Factory ids: high bases, and sequences that continue after the ids a bound session's database holds."""

from __future__ import annotations

from typing import Any

import factory
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .binding import current_session
from .declarations import is_create
from .registry import registry

#: Factory ids start high so they never collide with ids of a bulk-generated dataset; in a bound
#: session they continue after the largest factory id already stored (see :class:`IdSequence`).
CUSTOMER_BASE = 90_000_000
PRODUCT_BASE = 90_000_000
ORDER_BASE = 9_000_000_000
REVIEW_BASE = 9_000_000_000
SESSION_BASE = 900_000_000_000
EVENT_BASE = 9_000_000_000
INVENTORY_BASE = 9_000_000_000

_generation = 0  # bumped by seed(): stored ids are looked up again after it


def new_generation() -> None:
    """Make bound sessions look up the largest stored ids again before their next create (after a reseed)."""
    global _generation
    _generation += 1


class IdSequence(factory.Sequence):
    """A factory id: ``prefix`` + ``base + n`` on ``width`` digits (an integer when no prefix).

    In ``create()`` the sequence continues after the largest factory id already stored in the
    bound session's table (one ``SELECT max()`` per table and session, again after :func:`seed`),
    so a script run twice against one database, or a test next to committed rows, never collides.
    ``build()`` reads no database: it counts from ``base``.
    """

    def __init__(self, prefix: str | None, width: int, base: int) -> None:
        super().__init__(self.format)
        self.prefix, self.width, self.base = prefix, width, base

    def format(self, n: int) -> Any:
        if self.prefix is None:
            return self.base + n
        return f"{self.prefix}{self.base + n:0{self.width}d}"

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        n = int(step.sequence)
        model = step.builder.factory_meta.model
        if is_create(step) and hasattr(model, "__mapper__"):
            n += self.offset(current_session(), model)
        return self.format(n)

    def offset(self, session: Session, model: Any) -> int:
        """How many factory ids of ``model`` the session's database (or this session) already holds."""
        reg = registry(session)
        if reg.generation != _generation:
            reg.offsets.clear()
            reg.generation = _generation
        found = reg.offsets.get(model)
        if found is None:
            column = model.__mapper__.primary_key[0]
            query = select(func.max(column)).where(column >= self.format(0))
            if self.prefix is not None:
                query = query.where(func.length(column) == len(self.format(0)))
            with session.no_autoflush:
                largest = session.scalar(query)
            keys = [key for (m, key), _ in reg.objects.items() if m is model and self._ours(key)]
            values = [self._number(v) for v in (largest, *keys) if v is not None]
            found = reg.offsets[model] = max(values) - self.base + 1 if values else 0
        return found

    def _ours(self, key: Any) -> bool:
        if self.prefix is None:
            return isinstance(key, int) and key >= self.base
        return isinstance(key, str) and len(key) == len(self.format(0)) and key >= self.format(0)

    def _number(self, key: Any) -> int:
        return int(key) if self.prefix is None else int(key[len(self.prefix):])

    def next_ids(self, factory_class: Any, size: int) -> list[Any]:
        """``size`` new ids for a bulk create (the sequence advanced as ``size`` creates would)."""
        shift = self.offset(current_session(), factory_class._meta.model)
        return [self.format(factory_class._meta.next_sequence() + shift) for _ in range(size)]


__all__ = ["CUSTOMER_BASE", "EVENT_BASE", "INVENTORY_BASE", "ORDER_BASE", "PRODUCT_BASE", "REVIEW_BASE",
           "SESSION_BASE", "IdSequence", "new_generation"]
