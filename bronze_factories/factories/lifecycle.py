"""An order's whole story, drawn when it is made; its row shows the story as of "now" (the window end).

When the factories make an order they draw every transition at once from their seeded generator:
processing 10 minutes to 2 hours after it is placed, ``shipped_at`` 4-23 hours after, then
``delivered_at`` 1-5 days after shipping and, for about 7% of deliveries, ``returned_at`` 2-20 days
later; or, for about 8% of orders, ``cancelled_at`` 10 minutes to 20 hours after placing. The row
shows the status as of the window end with only the past timestamps filled in: a future one is
null until :func:`bronze_factories.advance` moves the clock past it.

A status the caller asks for (``OrderFactory(status="shipped")``, and the default ``delivered``)
still decides the order's age at the window end (:data:`AGE`) and its past: what the draw put after
the end is pulled in, as before. What lies ahead continues from there: a transition the draw put in
the past is due later (its duration counted from now), a return whose time has passed never
happens, and nothing keeps an order open (or shipped) longer than the contract allows
(:data:`MAX_AGE`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

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

#: The fulfilment timestamps of ``raw_data``, in contract order.
FULFILMENT = ("shipped_at", "delivered_at", "returned_at", "cancelled_at")

PROCESSING = (600, 2 * 3600)  # seconds after placing
SHIPPING = (4 * 3600, 23 * 3600)  # seconds after placing
DELIVERY = (86_400, 5 * 86_400)  # after shipping
RETURN = (2 * 86_400, 20 * 86_400)  # after delivery
CANCEL = (600, 20 * 3600)  # after placing
RETURN_SHARE = 0.07  # of delivered orders
CANCEL_SHARE = 0.08  # of orders

#: The status an order reaches with each transition.
REACHES = {"processing_at": "processing", "shipped_at": "shipped", "delivered_at": "delivered",
           "returned_at": "returned", "cancelled_at": "cancelled"}
#: Transitions the status the row shows must take before the order is too old for it (``MAX_AGE``).
DEADLINE = {"processing_at": "pending", "shipped_at": "processing", "cancelled_at": "pending",
            "delivered_at": "shipped"}


@dataclass(slots=True)
class Lifecycle:
    """When an order was placed and when each later transition happens (``None``: never).

    ``shown`` is the "now" its row reflects and ``epoch`` the window it was drawn in
    (:attr:`Settings.epoch <bronze_factories.factories.clock.Settings.epoch>`).
    """

    placed: dt.datetime
    processing_at: dt.datetime | None = None
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    shown: dt.datetime | None = None
    epoch: int = 0

    def transitions(self) -> list[tuple[str, dt.datetime]]:
        """The transitions that happen, in time order."""
        names = ("processing_at", "shipped_at", "delivered_at", "returned_at", "cancelled_at")
        return sorted(((n, getattr(self, n)) for n in names if getattr(self, n) is not None), key=lambda x: x[1])

    def status(self, now: dt.datetime) -> str:
        """The status as of ``now``: the last transition strictly before it."""
        status = "pending"
        for name, at in self.transitions():
            if at < now:
                status = REACHES[name]
        return status

    def visible(self, now: dt.datetime) -> dict[str, dt.datetime | None]:
        """The fulfilment timestamps of ``raw_data`` as of ``now``: past ones, the others null."""
        return {name: at if at is not None and at < now else None
                for name, at in ((n, getattr(self, n)) for n in FULFILMENT)}

    def finished(self, now: dt.datetime) -> bool:
        """Nothing left to happen after ``now``: the order need not be followed any more."""
        return all(at < now for _, at in self.transitions())


def draw(placed: dt.datetime, status: str, now: dt.datetime, r: random.Random, epoch: int = 0) -> Lifecycle:
    """The lifecycle of an order placed at ``placed`` that shows ``status`` at ``now`` (see the module docstring)."""
    process, ship = r.randint(*PROCESSING), r.randint(*SHIPPING)
    deliver, back, returns = r.randint(*DELIVERY), r.randint(*RETURN), r.random() < RETURN_SHARE
    cancel, cancels = r.randint(*CANCEL), r.random() < CANCEL_SHARE
    chain: list[tuple[str, int]]
    if status == "cancelled" or (status == "pending" and cancels and placed + seconds(cancel) >= now):
        chain, past = [("cancelled_at", cancel)], int(status == "cancelled")
    else:
        chain = [("processing_at", process), ("shipped_at", ship - process), ("delivered_at", deliver)]
        if returns or status == "returned":
            chain.append(("returned_at", back))
        past = ("pending", "processing", "shipped", "delivered", "returned").index(status)
    lifecycle = Lifecycle(placed, shown=now, epoch=epoch)
    # the past: in the order's time before now, squeezed in when the draw ran past it
    room = (now - placed - dt.timedelta(minutes=1)).total_seconds()
    total = sum(d for _, d in chain[:past])
    scale = min(1.0, room / total) if total > 0 and room > 0 else 1.0
    t = placed
    for name, delta in chain[:past]:
        t = t + seconds(max(1, delta * scale))
        setattr(lifecycle, name, t)
    # the future: due after now, within the age the contract allows the status it leaves
    for name, delta in chain[past:]:
        due = t + seconds(delta)
        if due < now:
            if name == "returned_at":
                break  # its time has passed: this delivery is never returned
            due = now + seconds(delta)
        if name in DEADLINE:
            due = max(now, t, min(due, placed + MAX_AGE[DEADLINE[name]] - dt.timedelta(seconds=1)))
        setattr(lifecycle, name, due)
        t = due
    return lifecycle


def from_row(order_date: dt.datetime, raw_data: dict[str, object], now: dt.datetime) -> Lifecycle:
    """The finished lifecycle a stored row shows (for rows whose drawn lifecycle is not at hand)."""
    stamps = {k: dt.datetime.fromisoformat(str(raw_data[k])) if raw_data.get(k) else None for k in FULFILMENT}
    return Lifecycle(order_date, shown=now, **stamps)


__all__ = ["AGE", "FULFILMENT", "MAX_AGE", "Lifecycle", "draw", "from_row"]
