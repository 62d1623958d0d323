"""Orders of one day: who bought what, in which session, and what happened to it since.

:func:`day_orders` is the *order ledger* of a day: plain numpy arrays, no formatting. The
simulation runs it over every day once (cheaply) to derive the state later units need, and
again when a day's rows are produced: sessions, events, inventory and reviews all read the
same ledger, which is how they stay consistent with each other.
"""

from __future__ import annotations

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
    status: np.ndarray
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
    start_s, end_s = calendar.start_s, calendar.end_s
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

    # Fulfilment follows the order's age at the end of the window.
    age = end_s - t
    u, u_return = rng.random(n), rng.random(n)
    ship_delay = rng.integers(4 * HOUR, 23 * HOUR, n)
    transit = rng.integers(1 * DAY, 5 * DAY, n)
    return_delay = rng.integers(2 * DAY, 20 * DAY, n)
    cancel_delay = rng.integers(600, 20 * HOUR, n)
    status = np.full(n, SHIPPED)
    shipped_at = np.full(n, NONE, np.int64)
    delivered_at = np.full(n, NONE, np.int64)
    returned_at = np.full(n, NONE, np.int64)
    cancelled_at = np.full(n, NONE, np.int64)

    recent = age < DAY
    status[recent] = np.where(u[recent] < 0.5, PENDING, PROCESSING)
    cancelled = ~recent & (u < 0.08)
    status[cancelled] = CANCELLED
    cancelled_at[cancelled] = t[cancelled] + np.minimum(cancel_delay[cancelled], age[cancelled] - 1)
    processing = ~recent & ~cancelled & (age < 2 * DAY) & (u < 0.23)
    status[processing] = PROCESSING
    moving = ~recent & ~cancelled & ~processing
    shipped_at[moving] = t[moving] + np.minimum(ship_delay[moving], age[moving] - 1)
    arrival = shipped_at + transit
    delivered = moving & (arrival < end_s)
    status[delivered] = DELIVERED
    delivered_at[delivered] = arrival[delivered]
    back = delivered_at + return_delay
    returned = delivered & (u_return < 0.07) & (back < end_s)
    status[returned] = RETURNED
    returned_at[returned] = back[returned]

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
        shipped_at=shipped_at,
        delivered_at=delivered_at,
        returned_at=returned_at,
        cancelled_at=cancelled_at,
        transit=transit,
        return_delay=return_delay,
        wants_return=u_return < 0.07,
        cancel_delay=cancel_delay,
        cancel_reason=np.full(n, CUSTOMER_REQUEST, np.int8),
        backordered=np.zeros(n, bool),
    )


def ship_later(orders: DayOrders, k: int, shipped: int, end_s: int) -> None:
    """Order ``k`` leaves the warehouse at ``shipped`` (a back-order): delivery and return follow it."""
    orders.backordered[k] = True
    orders.shipped_at[k] = shipped
    arrival = shipped + int(orders.transit[k])
    delivered = arrival < end_s
    orders.delivered_at[k] = arrival if delivered else NONE
    back = arrival + int(orders.return_delay[k])
    returned = delivered and bool(orders.wants_return[k]) and back < end_s
    orders.returned_at[k] = back if returned else NONE
    orders.status[k] = RETURNED if returned else DELIVERED if delivered else SHIPPED


def cancel(orders: DayOrders, k: int, reason: int, end_s: int) -> None:
    """Order ``k`` is cancelled (for ``reason``) instead of shipped."""
    orders.status[k] = CANCELLED
    orders.cancel_reason[k] = reason
    orders.cancelled_at[k] = int(orders.t[k]) + min(int(orders.cancel_delay[k]), end_s - int(orders.t[k]) - 1)
    orders.shipped_at[k] = orders.delivered_at[k] = orders.returned_at[k] = NONE


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _ts(seconds: int, iso_of: dict[int, str]) -> str:
    return "null" if seconds == NONE else f'"{iso_of[seconds]}"'


def order_rows(
    batch: DayOrders, customers: CustomerState, pools: Pools, session_ids: list[str], lo: int = 0, hi: int | None = None,
) -> list[tuple]:
    """Rows of ``raw_orders`` ``lo``..``hi - 1`` of a day's ledger; ``session_ids[k]`` is where order ``k`` was placed."""
    hi = len(batch) if hi is None else min(hi, len(batch))
    piece = slice(lo, hi)
    stamps = np.concatenate([batch.t[piece], batch.shipped_at[piece], batch.delivered_at[piece],
                             batch.returned_at[piece], batch.cancelled_at[piece]])
    stamps = np.unique(stamps[stamps != NONE])
    iso_of = dict(zip(stamps.tolist(), iso(stamps).tolist(), strict=True))
    order_sql = sql(batch.t[piece]).tolist()
    rows = []
    for k in range(lo, hi):
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
        rows.append((oid, cid, order_sql[k - lo], status, address, total, V.SOURCE_SYSTEM, raw))
    return rows
