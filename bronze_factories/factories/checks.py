"""Refusals of caller-given times the contract cannot hold (a late customer, a time outside the window)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .clock import settings
from .errors import ContractError

#: How long before a caller-given order or session time its customer must have registered: room
#: for the session that leads to the order (its funnel is capped at an hour).
ROOM = dt.timedelta(hours=2)


def check_registered(customer: Any, at: dt.datetime | None, rule: str, what: str,
                     room: dt.timedelta = ROOM) -> None:
    """Refuse a given customer registered too late for a row at ``at`` (``None``: anywhere in the window).

    ``room``: how long before ``at`` (or the window end) the row needs the customer registered.
    """
    registered = getattr(customer, "registration_date", None)
    if registered is None:
        return
    latest = (at if at is not None else settings.end) - room
    if registered > latest:
        when = f"at {at}" if at is not None else f"before the window end {settings.end}"
        raise ContractError(rule, f"customer {customer.customer_id} registered at {registered}, too late for {what} "
                                  f"{when} (it needs the customer registered {room} earlier); pass a customer "
                                  "registered earlier, or none (a new one registered in time is made)")


def check_in_window(at: dt.datetime, rule: str, what: str, before: dt.timedelta = dt.timedelta(0),
                    after: dt.timedelta = dt.timedelta(0)) -> None:
    """Refuse a caller-given time outside the factories' window (``before``/``after``: room it needs)."""
    low, high = settings.start + before, settings.end - after
    if not low <= at < high:
        raise ContractError(rule, f"{what} {at} is outside the factories' window: use a time in [{low}, {high}) "
                                  "(bronze_factories.window(), with room for the rows around it) or move the window "
                                  "with seed()")


__all__ = ["ROOM", "check_in_window", "check_registered"]
