"""Moving the factories' clock: ``advance(days=3)`` and the orders made earlier move on in their lifecycle.

For testing incremental ETL: a test makes orders, runs its transform, moves time forward, runs it
again. :func:`advance` moves the window end (the window start stays, so the window grows) and, for
every order the factories made through the bound session whose status changed by the new end,
rewrites its row the way a source system's change lands in bronze: the same primary key
``(order_id, order_date)`` with the new ``status``, fulfilment timestamps, ``payment_status`` and
``raw_data``, and ``ingestion_timestamp`` set to the load time of the change (later than the row's
previous one), which is what an incremental reader keys on (``DISTINCT ON (order_id) ... ORDER BY
ingestion_timestamp DESC``). The stock movements that fell due are added: the ``OUT`` of each item
at ``shipped_at`` (with the opening stock it needs), the ``IN`` of a return at ``returned_at``.

Only orders whose lifecycle is not finished are followed (the registry's ``unfinished``), so memory
grows with the open orders, not with every order ever made.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, cast, func
from sqlalchemy.orm import Session

from .. import vocabulary as v
from ..models import RawOrder
from .binding import bound_session
from .clock import move_end, settings, window
from .errors import flush
from .lifecycle import Lifecycle
from .registry import registry


def follow(order: RawOrder, lifecycle: Lifecycle, session: Session | None) -> None:
    """Keep the lifecycle with the order (``order.lifecycle``); a created order whose story goes on is
    followed through its session until it is finished."""
    order.__dict__["lifecycle"] = lifecycle
    if session is not None and not lifecycle.finished(settings.end):
        registry(session).unfinished[order.order_id] = order


def advance(days: float = 0, hours: float = 0) -> tuple[dt.datetime, dt.datetime]:
    """Move the factories' "now" (the window end) forward; returns the new window ``(start, end)``.

    Orders made through the bound session move on to their status as of the new end (see the
    module docstring); orders made later are placed in the grown window. Whole seconds: the step is
    cut to the second. ``bronze_factories.seed()`` takes the clock back to the end it was set with.
    """
    step = dt.timedelta(seconds=int(dt.timedelta(days=days, hours=hours).total_seconds()))
    if step < dt.timedelta(seconds=1):
        raise ValueError(f"advance() moves the factories' clock forward: pass days= and/or hours= adding up to at "
                         f"least one second (got days={days!r}, hours={hours!r})")
    move_end(step)
    session = bound_session()
    if session is not None:
        catch_up(session, settings.end)
    return window()


def catch_up(session: Session, now: dt.datetime) -> None:
    """Bring the session's unfinished orders to ``now``: changed rows rewritten, movements that fell due added."""
    reg = registry(session)
    reg.deferred += 1  # one flush for everything below
    try:
        for order_id, order in list(reg.unfinished.items()):
            lifecycle: Lifecycle = order.__dict__["lifecycle"]
            if lifecycle.epoch != settings.epoch:  # drawn in a window set anew since: it no longer moves on
                del reg.unfinished[order_id]
                continue
            if lifecycle.shown is not None and now <= lifecycle.shown:
                continue
            shown = lifecycle.shown or now
            _movements(order, lifecycle, shown, now)
            if lifecycle.status(now) != lifecycle.status(shown):
                _rewrite(session, order, lifecycle, now)
            lifecycle.shown = now
            if lifecycle.finished(now):
                del reg.unfinished[order_id]
    finally:
        reg.deferred -= 1
    if reg.deferred == 0:
        flush(session)


def _rewrite(session: Session, order: RawOrder, lifecycle: Lifecycle, now: dt.datetime) -> None:
    """The order's row as of ``now``, loaded now: an UPDATE of its primary key, a later ingestion_timestamp."""
    status = lifecycle.status(now)
    record: dict[str, Any] = dict(order.raw_data or {})
    record.update({k: at.isoformat() if at is not None else None for k, at in lifecycle.visible(now).items()})
    record.update(status=status, payment_status=v.PAYMENT_STATUS[status])
    order.status = status
    order.raw_data = record
    order.ingestion_timestamp = _load_time(session)


def _load_time(session: Session) -> Any:
    """The server's clock at the UPDATE, and never earlier than the row's previous load.

    ``CURRENT_TIMESTAMP`` would not do on PostgreSQL: it is the transaction's start, the same as
    the INSERT's when a test makes and advances orders in one transaction.
    """
    previous = RawOrder.ingestion_timestamp + dt.timedelta(microseconds=1)
    if session.get_bind().dialect.name == "postgresql":
        return func.greatest(cast(func.clock_timestamp(), DateTime()), previous)
    return func.max(func.current_timestamp(), previous)


def _movements(order: RawOrder, lifecycle: Lifecycle, shown: dt.datetime, now: dt.datetime) -> None:
    """The OUT of each item if it shipped in ``[shown, now)``, the return's IN if it came back then."""
    from .catalog import InventoryFactory

    details = order.raw_data or {}
    due = [(lifecycle.shipped_at, "OUT", -1, "sale"), (lifecycle.returned_at, "IN", 1, "return")]
    for at, movement_type, sign, reason in due:
        if at is None or not shown <= at < now:
            continue
        for item in details["items"]:
            InventoryFactory(product_id=item["product_id"], warehouse_id=details["warehouse_id"],
                             movement_type=movement_type, quantity=sign * int(item["quantity"]), movement_date=at,
                             reference_number=order.order_id, reason=reason)


__all__ = ["advance", "catch_up", "follow"]
