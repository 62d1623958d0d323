"""Which SQLAlchemy session the factories write through (per thread or task, nestable)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.orm import Session

_bound: ContextVar[Session | None] = ContextVar("bronze_factories_session", default=None)


@contextmanager
def bind(session: Session) -> Iterator[Session]:
    """Make the factories write through ``session`` inside the block (nestable, per thread/task).

    ``create()`` adds and flushes, it never commits: committing is the caller's decision.
    """
    token = _bound.set(session)
    try:
        yield session
    finally:
        _bound.reset(token)


def bound_session() -> Session | None:
    return _bound.get()


def current_session() -> Session:
    session = _bound.get()
    if session is None:
        raise RuntimeError(
            "no SQLAlchemy session bound to the bronze factories: wrap the calls in "
            "`with bronze_factories.bind(session): ...` or use the `bronze_session` pytest fixture"
        )
    return session


__all__ = ["bind", "bound_session", "current_session"]
