"""Orders of one day: who bought what, in which session, and what happened to it since.

:func:`day_orders` is the *order ledger* of a day: plain numpy arrays, no formatting. The
simulation runs it over every day once (cheaply) to derive the state later units need, and
again when a day's rows are produced: sessions, events, inventory and reviews all read the
same ledger, which is how they stay consistent with each other.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .. import vocabulary as V
from .catalog import ProductState
from .customers import CustomerState
from .demand import Calendar, times_of_day
from .ids import customer_id, order_id, product_id
from .params import Params
from .pools import Pools
from .rng import pick, stream
from .timefmt import iso, sql

DAY = 86_400
HOUR = 3_600
STATUS = {name: code for code, name in enumerate(V.ORDER_STATUSES)}
PENDING, PROCESSING, SHIPPED, DELIVERED, CANCELLED, RETURNED = (STATUS[s] for s in V.ORDER_STATUSES)
NONE = -1
QUANTITY_WEIGHTS = (0.75, 0.18, 0.05, 0.015, 0.005)
MAX_GAP = 900  # seconds between two events of a session
CANCEL_REASONS = ("customer_request", "out_of_stock")
CANCEL_SHARE = 0.08  # of orders, cancelled by the customer within hours
SLOW_SHARE = 0.15  # of orders, a day longer in the warehouse
RETURN_SHARE = 0.07  # of delivered orders
#: The order's state-changing times, in lifecycle order.
LIFECYCLE = ("processing_at", "shipped_at", "delivered_at", "returned_at", "cancelled_at")
#: The longest a back-order may wait for stock before it is cancelled instead.
MAX_BACKORDER_WAIT = 14 * 86_400
#: No order is placed in a day's first minute: that minute holds the day's restocks and stock adjustments.
FIRST_ORDER_S = 60
CUSTOMER_REQUEST, OUT_OF_STOCK = range(2)


@dataclass
class DayOrders:
    """One day's orders, sorted by time. Per-item arrays are flat, order ``k`` owns ``item_ptr[k]:item_ptr[k+1]``."""

    day: int
    index: np.ndarray  # global order index (ORD number - 1)
    t: np.ndarray  # order_date, seconds; also the purchase event time
    session_start: np.ndarray
    event_ptr: np.ndarray  # purchase-session events: offsets[event_ptr[k]:event_ptr[k+1]] from session_start
    event_offsets: np.ndarray
    customer: np.ndarray
    warehouse: np.ndarray
    item_ptr: np.ndarray
    product: np.ndarray
    quantity: np.ndarray
    unit_cents: np.ndarray
    discount_cents: np.ndarray
    item_total_cents: np.ndarray
    subtotal_cents: np.ndarray
    tax_cents: np.ndarray
    shipping_cents: np.ndarray
    total_cents: np.ndarray
    payment_method: np.ndarray
    status: np.ndarray  # where the lifecycle ends (DELIVERED, RETURNED or CANCELLED); see at()
    processing_at: np.ndarray
    shipped_at: np.ndarray
    delivered_at: np.ndarray
    returned_at: np.ndarray
    cancelled_at: np.ndarray
    # Drawn once, kept so that the stock policy can re-time an order it back-orders or cancels:
    transit: np.ndarray
    return_delay: np.ndarray
    wants_return: np.ndarray
    cancel_delay: np.ndarray
    cancel_reason: np.ndarray  # CANCEL_REASONS index; meaningful on cancelled orders
    backordered: np.ndarray

    def __len__(self) -> int:
        return len(self.index)

    def at(self, now: int) -> DayOrders:
        """The orders as they stand just before ``now`` (seconds): the status reached by then and only
        the fulfilment times already past. Times of events still to come read as :data:`NONE`."""
        past = {k: np.where((v != NONE) & (v < now), v, NONE) for k, v in self.lifecycle().items()}
        status = np.select(
            [past["cancelled_at"] != NONE, past["returned_at"] != NONE, past["delivered_at"] != NONE,
             past["shipped_at"] != NONE, past["processing_at"] != NONE], [CANCELLED, RETURNED, DELIVERED, SHIPPED,
                                                                          PROCESSING], PENDING)
        return dataclasses.replace(self, status=status, **past)

    def lifecycle(self) -> dict[str, np.ndarray]:
        """The times at which each order changes state (``NONE`` for a change it never makes)."""
        return {k: getattr(self, k) for k in LIFECYCLE}

    def changed(self, lo: int, hi: int) -> np.ndarray:
        """Positions of the orders placed before ``lo`` whose state changes in ``[lo, hi)``."""
        moved = np.zeros(len(self), bool)
        for v in self.lifecycle().values():
            moved |= (v >= lo) & (v < hi)
        return np.flatnonzero(moved & (self.t < lo))

    @property
    def items_per_order(self) -> np.ndarray:
        return np.diff(self.item_ptr)

    @property
    def item_order(self) -> np.ndarray:
        """For each item, the position of its order in this batch."""
        return np.repeat(np.arange(len(self)), self.items_per_order)


def max_items(params: Params) -> int:
    """A purchase session holds landing, view and cart per item, checkout and purchase: 3 + 2 x items events."""
    return max(1, min(len(V.BASKET_SIZES), (params.events_max - 3) // 2))


def _distinct_products(products: ProductState, rng: np.random.Generator, item_ptr: np.ndarray, day: int) -> np.ndarray:
    """Popularity-drawn products, distinct within each order (a duplicate moves to the next product on sale)."""
    drawn = products.pick(rng, int(item_ptr[-1]), day)
    sizes = np.diff(item_ptr)
    for k in np.flatnonzero(sizes > 1):
        chosen = drawn[item_ptr[k]:item_ptr[k + 1]]
        seen: set[int] = set()
        for j, p in enumerate(chosen):
            p = int(p)
            while p in seen or not products.available(p, day):
                p = (p + 1) % products.n
            seen.add(p)
            chosen[j] = p
    return drawn


def day_orders(
    params: Params, calendar: Calendar, customers: CustomerState, products: ProductState, day: int
) -> DayOrders:
    rng = stream(params.seed, "orders", day)
    n = int(calendar.orders[day])
    start_s = calendar.start_s
    t = calendar.day_start(day) + np.maximum(times_of_day(rng, n), FIRST_ORDER_S)

    n_items = (pick(rng, V.BASKET_WEIGHTS, n) + 1).clip(1, max_items(params))
    item_ptr = np.concatenate([[0], np.cumsum(n_items)])
    least = np.maximum(params.events_min, 3 + 2 * n_items)
    n_events = rng.integers(least, params.events_max + 1)
    event_ptr = np.concatenate([[0], np.cumsum(n_events)])
    gaps = 1 + np.minimum(rng.exponential(40.0, int(event_ptr[-1])).astype(np.int64), MAX_GAP)
    gaps[event_ptr[:-1]] = 0  # the first event opens the session
    offsets = np.cumsum(gaps)
    offsets -= np.repeat(offsets[event_ptr[:-1]], n_events)
    pre = offsets[event_ptr[1:] - 1]
    t = np.maximum(t, start_s + pre)  # the session starts inside the window
    order = np.argsort(t, kind="stable")
    # Reorder every per-order array by time; per-event and per-item arrays follow their order.
    t, pre, n_items, n_events = t[order], pre[order], n_items[order], n_events[order]
    offsets = np.concatenate([offsets[event_ptr[k]:event_ptr[k + 1]] for k in order]) if n else offsets
    event_ptr = np.concatenate([[0], np.cumsum(n_events)])
    item_ptr = np.concatenate([[0], np.cumsum(n_items)])
    session_start = t - pre

    customer = customers.pick_buyers(rng, session_start)
    product = _distinct_products(products, rng, item_ptr, day)
    quantity = pick(rng, QUANTITY_WEIGHTS, len(product)) + 1
    unit = products.price_cents[product]
    discounted = rng.random(len(product)) < 0.2
    discount = np.where(discounted, np.floor(unit * quantity * rng.uniform(0.05, 0.25, len(product))), 0).astype(
        np.int64
    )
    item_total = unit * quantity - discount
    subtotal = np.add.reduceat(item_total, item_ptr[:-1]) if n else np.zeros(0, np.int64)
    tax = np.rint(subtotal * V.TAX_RATE).astype(np.int64)
    shipping = np.where(subtotal >= V.FREE_SHIPPING_OVER * 100, 0, round(V.SHIPPING_COST * 100)).astype(np.int64)

    # The whole lifecycle is drawn when the order is placed; what a row shows is its state at the
    # dataset's end (DayOrders.at), so extending the dataset moves orders on without redrawing them.
    u, u_return = rng.random(n), rng.random(n)
    ship_delay = rng.integers(4 * HOUR, 23 * HOUR, n)
    transit = rng.integers(1 * DAY, 5 * DAY, n)
    return_delay = rng.integers(2 * DAY, 20 * DAY, n)
    cancel_delay = rng.integers(600, 20 * HOUR, n)
    processing_delay = rng.integers(5 * 60, 3 * HOUR, n)
    cancelled = u < CANCEL_SHARE
    ship_delay = np.where(u < CANCEL_SHARE + SLOW_SHARE, ship_delay + DAY, ship_delay)  # a slow warehouse day
    shipped_at = np.where(cancelled, NONE, t + ship_delay)
    delivered_at = np.where(cancelled, NONE, shipped_at + transit)
    wants_return = u_return < RETURN_SHARE
    returned_at = np.where(~cancelled & wants_return, delivered_at + return_delay, NONE)
    cancelled_at = np.where(cancelled, t + cancel_delay, NONE)
    processing_at = t + np.minimum(processing_delay, np.where(cancelled, cancel_delay - 1, processing_delay))
    status = np.select([cancelled, returned_at != NONE], [CANCELLED, RETURNED], DELIVERED)

    return DayOrders(
        day=day,
        index=calendar.order_offset[day] + np.arange(n),
        t=t,
        session_start=session_start,
        event_ptr=event_ptr,
        event_offsets=offsets,
        customer=customer,
        warehouse=rng.integers(0, params.warehouses, n),
        item_ptr=item_ptr,
        product=product,
        quantity=quantity,
        unit_cents=unit,
        discount_cents=discount,
        item_total_cents=item_total,
        subtotal_cents=subtotal,
        tax_cents=tax,
        shipping_cents=shipping,
        total_cents=subtotal + tax + shipping,
        payment_method=pick(rng, V.PAYMENT_METHOD_WEIGHTS, n),
        status=status,
        processing_at=processing_at,
        shipped_at=shipped_at,
        delivered_at=delivered_at,
        returned_at=returned_at,
        cancelled_at=cancelled_at,
        transit=transit,
        return_delay=return_delay,
        wants_return=wants_return,
        cancel_delay=cancel_delay,
        cancel_reason=np.full(n, CUSTOMER_REQUEST, np.int8),
        backordered=np.zeros(n, bool),
    )


def ship_later(orders: DayOrders, k: int, shipped: int) -> None:
    """Order ``k`` leaves the warehouse at ``shipped`` (a back-order): delivery and return follow it."""
    orders.backordered[k] = True
    orders.shipped_at[k] = shipped
    orders.delivered_at[k] = shipped + int(orders.transit[k])
    returned = bool(orders.wants_return[k])
    orders.returned_at[k] = orders.delivered_at[k] + int(orders.return_delay[k]) if returned else NONE
    orders.status[k] = RETURNED if returned else DELIVERED


def cancel(orders: DayOrders, k: int, reason: int) -> None:
    """Order ``k`` is cancelled (for ``reason``) instead of shipped."""
    orders.status[k] = CANCELLED
    orders.cancel_reason[k] = reason
    orders.cancelled_at[k] = int(orders.t[k]) + int(orders.cancel_delay[k])
    orders.processing_at[k] = min(int(orders.processing_at[k]), int(orders.cancelled_at[k]) - 1)
    orders.shipped_at[k] = orders.delivered_at[k] = orders.returned_at[k] = NONE


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _ts(seconds: int, iso_of: dict[int, str]) -> str:
    return "null" if seconds == NONE else f'"{iso_of[seconds]}"'


def order_rows(
    batch: DayOrders, customers: CustomerState, pools: Pools, session_ids: list[str], which: np.ndarray,
) -> list[tuple]:
    """Rows of ``raw_orders`` at positions ``which`` of a day's ledger (pass the view ``at`` the
    dataset's end); ``session_ids[k]`` is where order ``k`` was placed."""
    piece = np.asarray(which, np.int64)
    stamps = np.concatenate([batch.t[piece], batch.shipped_at[piece], batch.delivered_at[piece],
                             batch.returned_at[piece], batch.cancelled_at[piece]])
    stamps = np.unique(stamps[stamps != NONE])
    iso_of = dict(zip(stamps.tolist(), iso(stamps).tolist(), strict=True))
    order_sql = dict(zip(piece.tolist(), sql(batch.t[piece]).tolist(), strict=True))
    rows = []
    for k in piece.tolist():
        oid = order_id(int(batch.index[k]))
        cid = customer_id(int(batch.customer[k]))
        status = V.ORDER_STATUSES[batch.status[k]]
        reason = f'"{CANCEL_REASONS[batch.cancel_reason[k]]}"' if batch.status[k] == CANCELLED else "null"
        address = customers.shipping_json(pools, int(batch.customer[k]), int(batch.index[k]))
        items = []
        for j in range(int(batch.item_ptr[k]), int(batch.item_ptr[k + 1])):
            items.append(
                f'{{"product_id": "{product_id(int(batch.product[j]))}", "quantity": {int(batch.quantity[j])}, '
                f'"unit_price": {money(int(batch.unit_cents[j]))}, '
                f'"discount_amount": {money(int(batch.discount_cents[j]))}, '
                f'"total_amount": {money(int(batch.item_total_cents[j]))}}}'
            )
        discount = int(batch.discount_cents[batch.item_ptr[k]:batch.item_ptr[k + 1]].sum())
        total = money(int(batch.total_cents[k]))
        raw = (
            f'{{"order_id": "{oid}", "customer_id": "{cid}", "order_date": "{iso_of[int(batch.t[k])]}", '
            f'"status": "{status}", "session_id": "{session_ids[k]}", "items": [{", ".join(items)}], '
            f'"subtotal": {money(int(batch.subtotal_cents[k]))}, "discount_amount": {money(discount)}, '
            f'"tax_amount": {money(int(batch.tax_cents[k]))}, "shipping_cost": {money(int(batch.shipping_cents[k]))}, '
            f'"total_amount": {total}, "currency": "{V.CURRENCY}", '
            f'"payment_method": "{V.PAYMENT_METHODS[batch.payment_method[k]]}", '
            f'"payment_status": "{V.PAYMENT_STATUS[status]}", "warehouse_id": "{V.warehouse_id(int(batch.warehouse[k]))}", '
            f'"shipping_address": {address}, "shipped_at": {_ts(int(batch.shipped_at[k]), iso_of)}, '
            f'"delivered_at": {_ts(int(batch.delivered_at[k]), iso_of)}, '
            f'"returned_at": {_ts(int(batch.returned_at[k]), iso_of)}, '
            f'"cancelled_at": {_ts(int(batch.cancelled_at[k]), iso_of)}, "cancel_reason": {reason}, '
            f'"backordered": {"true" if batch.backordered[k] else "false"}}}'
        )
        rows.append((oid, cid, order_sql[k], status, address, total, V.SOURCE_SYSTEM, raw))
    return rows
