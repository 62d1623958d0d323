"""An order's fulfilment over time: how old an order of each status is, and its timestamps.

Shared by ``OrderFactory()`` and the bulk ``OrderFactory.create_batch()``, so that both write the
same kind of rows.
"""

from __future__ import annotations

import datetime as dt
import random

from .. import vocabulary as v
from .draws import seconds

#: How old an order of each status may be at the window end (min, max age). Open orders are recent
#: (at most 2 days, the contract's limit), shipped ones not yet delivered, the others old enough for
#: delivery and a return to have happened before the end.
AGE = {
    "pending": (dt.timedelta(minutes=10), dt.timedelta(hours=36)),
    "processing": (dt.timedelta(hours=1), dt.timedelta(hours=40)),
    "shipped": (dt.timedelta(hours=8), dt.timedelta(hours=44)),
    "delivered": (dt.timedelta(days=12), None),
    "cancelled": (dt.timedelta(days=2), None),
    "returned": (dt.timedelta(days=25), None),
}

#: The oldest an open or shipped order may be at the window end (rule ``order_status_age``).
MAX_AGE = {"pending": dt.timedelta(days=2), "processing": dt.timedelta(days=2), "shipped": dt.timedelta(days=17)}

FULFILMENT = ("shipped_at", "delivered_at", "returned_at", "cancelled_at")


def timeline(order_date: dt.datetime, status: str, end: dt.datetime, r: random.Random) -> dict[str, dt.datetime | None]:
    """Fulfilment times after ``order_date`` and before ``end``, in contract order."""
    steps: list[tuple[str, dt.timedelta]] = []
    if status in v.SHIPPED_STATUSES:
        steps.append(("shipped_at", seconds(r.randint(4 * 3600, 48 * 3600))))
    if status in ("delivered", "returned"):
        steps.append(("delivered_at", seconds(r.randint(24 * 3600, 5 * 86400))))
    if status == "returned":
        steps.append(("returned_at", seconds(r.randint(2 * 86400, 20 * 86400))))
    if status == "cancelled":
        steps.append(("cancelled_at", seconds(r.randint(600, 24 * 3600))))
    room = (end - order_date - dt.timedelta(minutes=1)).total_seconds()
    total = sum(d.total_seconds() for _, d in steps)
    scale = min(1.0, room / total) if total > 0 and room > 0 else 1.0
    out: dict[str, dt.datetime | None] = dict.fromkeys(FULFILMENT)
    t = order_date
    for name, delta in steps:
        t = t + seconds(max(1, delta.total_seconds() * scale))
        out[name] = t
    return out


__all__ = ["AGE", "FULFILMENT", "MAX_AGE", "timeline"]
