"""Stock by policy: reorder points, purchase orders with lead times, transfers and stock-outs.

Each (product, warehouse) pair has a reorder point and an order-up-to level derived from its
expected demand (its popularity share of the expected units per day, split over the warehouses).
It opens the window at the order-up-to level. Day by day, :meth:`StockPolicy.step` then:

1. receives the purchase orders due that day (an ``IN`` with a ``PO-<placed date>-<pair>`` reference),
2. transfers stock to pairs that sit at zero from the warehouse with the most to spare,
3. books shrinkage, damage and count corrections (never taking more than is on the shelf),
4. serves the day's orders in time order: an order whose items are all on the shelf reserves them;
   otherwise it ships from another warehouse holding them all, or waits for the purchase order
   already on its way (back-order), or is cancelled with ``cancel_reason = out_of_stock``,
5. places a purchase order for every pair whose stock position (on the shelf + on order - back-ordered)
   fell to its reorder point; it arrives after a lead time of :data:`LEAD_DAYS` days.

A day's restocks, transfers and adjustments are dated in its first minute, before any of its
orders; customer returns go back on the shelf when they arrive (between orders, in time order);
an order reserves its units when it is placed and ships hours later. So replaying the movements
never goes below zero, and an order cancelled for stock really met a shelf without enough units
(what the validator recomputes from the movements).

A day's movements and decisions depend only on the state the earlier days left (O(products x
warehouses) arrays) and on that day's orders: the policy looks only at the past, so a dataset can
be extended day by day. The simulation runs it once over the window and keeps each day's result,
which is small (a day's restocks, transfers, adjustments and the few orders it changed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .. import vocabulary as V
from .catalog import ProductState
from .demand import Calendar
from .ids import DAILY_OPERATIONS, OPS_PER_DAY
from .inventory import Movements
from .orders import MAX_BACKORDER_WAIT, NONE, OUT_OF_STOCK, DayOrders, cancel, max_items, ship_later
from .params import Params
from .rng import pick, stream

LEAD_DAYS = (3, 11)  # a purchase order arrives 3-10 days after it is placed
SAFETY_DAYS = 3  # the reorder point covers the longest lead time plus this many days of demand
CYCLE_DAYS = 21  # the order-up-to level adds this many days of demand
#: Seconds after midnight of restocks, transfers and adjustments, in the order the policy books them:
#: all in a day's first minute, before any order (orders.FIRST_ORDER_S).
ARRIVAL_S, TRANSFER_S, ADJUST_S = (1, 20), (20, 40), (40, 60)
ADJUSTMENTS_PER_PAIR_DAY = 0.002
MEAN_QUANTITY = 1.34  # of an order item (orders.QUANTITY_WEIGHTS)
MOVED, BACKORDERED, CANCELLED = 1, 2, 3


@dataclass
class DayStock:
    """What the policy did on one day: its inbound/adjustment movements and the orders it changed."""

    movements: Movements
    order: np.ndarray  # positions in the day's ledger
    action: np.ndarray  # MOVED, BACKORDERED or CANCELLED
    value: np.ndarray  # new warehouse (MOVED) or shipping time (BACKORDERED)

    def apply(self, orders: DayOrders) -> None:
        """Make the day's ledger say what the policy decided (as when it decided it)."""
        for k, action, value in zip(self.order.tolist(), self.action.tolist(), self.value.tolist(), strict=True):
            if action == MOVED:
                orders.warehouse[k] = value
            elif action == BACKORDERED:
                ship_later(orders, k, value)
            else:
                cancel(orders, k, OUT_OF_STOCK)


def expected_units_per_day(params: Params, products: ProductState) -> np.ndarray:
    """Expected units a day of each product, from its popularity share."""
    mean_items = 1.7 if max_items(params) > 1 else 1.0
    units = params.orders / params.days * mean_items * MEAN_QUANTITY
    return products.popularity / products.popularity.sum() * units


class StockPolicy:
    """The stock state of every (product, warehouse) pair, advanced one day at a time."""

    def __init__(self, params: Params, calendar: Calendar, products: ProductState) -> None:
        self.params, self.calendar, self.products = params, calendar, products
        w = params.warehouses
        mu = np.repeat(expected_units_per_day(params, products) / w, w)
        self.reorder = np.ceil(mu * (LEAD_DAYS[1] - 1 + SAFETY_DAYS)).astype(np.int64)
        self.up_to = self.reorder + np.maximum(2, np.ceil(mu * CYCLE_DAYS)).astype(np.int64)
        self.shelf = self.up_to.copy()  # on the shelf and not promised to an order
        self.on_order = np.zeros_like(self.shelf)
        self.backlog = np.zeros_like(self.shelf)  # of on_order, promised to back-orders
        self.arrival_day = np.full(len(self.shelf), -1, np.int64)
        self.arrival_t = np.zeros(len(self.shelf), np.int64)
        self.placed_day = np.zeros(len(self.shelf), np.int64)
        self.returns: dict[int, list[tuple[int, int, int]]] = {}  # day -> (time, pair, units) coming back
        self._start = params.start.date()
        self._dates: dict[int, str] = {}

    def date(self, day: int) -> str:
        """YYYYMMDD of ``day`` (references carry the day an operation was decided)."""
        text = self._dates.get(day)
        if text is None:
            if len(self._dates) > 64:  # only recent days are asked for: keep the cache small
                self._dates.clear()
            text = self._dates[day] = f"{self._start + dt.timedelta(days=day):%Y%m%d}"
        return text

    def initial(self, lo: int, hi: int) -> Movements:
        """The opening ``IN`` of every pair of products ``lo``..``hi - 1``: its order-up-to level."""
        w = self.params.warehouses
        pairs = np.arange(lo * w, hi * w)
        n = len(pairs)
        return Movements(
            inventory_id=pairs + 1, product=pairs // w, warehouse=pairs % w, quantity=self.up_to[pairs],
            kind=np.zeros(n, int), t=np.full(n, self.calendar.start_s),
            reference=[f"INIT-{V.warehouse_id(int(x))}" for x in pairs % w], reason=["initial_stock"] * n,
        )

    def step(self, day: int, orders: DayOrders) -> DayStock:
        """Advance one day: inbound movements, the day's orders (changed in place), new purchase orders."""
        p, w = self.params, self.params.warehouses
        rng = stream(p.seed, "stock", day)
        day_start = self.calendar.day_start(day)
        moves: list[tuple[int, int, int, int, int, str, str]] = []  # pair, quantity, kind, t, order, ref, reason

        # 1. purchase orders due today
        due = np.flatnonzero(self.arrival_day == day)
        self.shelf[due] += self.on_order[due] - self.backlog[due]
        moves += zip(due.tolist(), self.on_order[due].tolist(), [0] * len(due), self.arrival_t[due].tolist(),
                     [0] * len(due), [f"PO-{self.date(d)}-{x + 1:09d}" for d, x in zip(
                         self.placed_day[due].tolist(), due.tolist(), strict=True)], ["restock"] * len(due), strict=True)
        self.on_order[due] = self.backlog[due] = 0
        self.arrival_day[due] = -1

        # 2. transfers to pairs at zero from the warehouse with the most to spare
        if w > 1:
            empty = np.flatnonzero(self.shelf == 0)
            received = np.zeros(len(self.shelf), bool)
            received[empty] = True  # a pair filled today gives nothing away today (one time per day)
            for k, pair in enumerate(empty.tolist()):
                base = pair - pair % w
                spare = self.shelf[base:base + w] - self.reorder[base:base + w]
                spare[received[base:base + w]] = -1
                donor = base + int(np.argmax(spare))
                qty = int(min(spare.max(), self.up_to[pair]))
                if donor == pair or qty < 1:
                    continue
                self.shelf[donor] -= qty
                self.shelf[pair] += qty
                t = day_start + int(rng.integers(*TRANSFER_S))
                ref = f"TRF-{self.date(day)}-{k + 1:06d}"
                moves += [(donor, -qty, 3, t, 0, ref, "transfer_out"), (pair, qty, 3, t, 0, ref, "transfer_in")]

        # 3. shrinkage, damage and counts
        n_adjust = max(1, round(len(self.shelf) * ADJUSTMENTS_PER_PAIR_DAY))
        adjust_pair = rng.integers(0, len(self.shelf), n_adjust)
        reason = pick(rng, (0.5, 0.2, 0.3), n_adjust)  # shrinkage, damaged: out; cycle_count: either way
        adjust_q = rng.integers(1, 4, n_adjust) * np.where((reason < 2) | (rng.random(n_adjust) < 0.5), -1, 1)
        adjust_t = day_start + rng.integers(*ADJUST_S, n_adjust)
        for k, (pair, qty, why, t) in enumerate(zip(adjust_pair.tolist(), adjust_q.tolist(), reason.tolist(),
                                                     adjust_t.tolist(), strict=True)):
            if self.shelf[pair] + qty < 0:
                continue  # nothing (or not enough) on the shelf to lose
            self.shelf[pair] += qty
            moves.append((pair, qty, 2, t, 0, f"ADJ-{self.date(day)}-{k + 1:06d}",
                          V.ADJUSTMENT_REASONS[why]))

        # 4. the day's orders, in time order, and the returns that come back between them
        changed = self._serve(orders, sorted(self.returns.pop(day, [])))
        item_order = orders.item_order
        for j in np.flatnonzero(orders.returned_at[item_order] != NONE).tolist():
            k = int(item_order[j])
            back = int(orders.returned_at[k])
            self.returns.setdefault((back - self.calendar.start_s) // 86_400, []).append(
                (back, int(orders.product[j]) * w + int(orders.warehouse[k]), int(orders.quantity[j])))

        # 5. purchase orders for pairs at or below their reorder point
        position = self.shelf + self.on_order - self.backlog
        due = np.flatnonzero((position <= self.reorder) & (self.arrival_day < 0))
        lead = rng.integers(*LEAD_DAYS, len(due))
        at = rng.integers(*ARRIVAL_S, len(due))
        self.on_order[due] = self.up_to[due] - position[due]
        self.arrival_day[due] = day + lead
        self.arrival_t[due] = self.calendar.day_start(day) + lead * 86_400 + at
        self.placed_day[due] = day

        ids = DAILY_OPERATIONS + day * OPS_PER_DAY + np.arange(len(moves))
        cols = list(zip(*moves, strict=True)) if moves else [()] * 7
        pair = np.array(cols[0], np.int64)
        movements = Movements(
            inventory_id=ids, product=pair // w, warehouse=pair % w, quantity=np.array(cols[1], np.int64),
            kind=np.array(cols[2], np.int64), t=np.array(cols[3], np.int64), reference=list(cols[5]),
            reason=list(cols[6]),
        )
        order, action, value = (np.array(c, np.int64) for c in (zip(*changed, strict=True) if changed else ([], [], [])))
        return DayStock(movements, order, action, value)

    def _serve(self, orders: DayOrders, returns: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        """Reserve stock for every order that will ship; move, back-order or cancel the ones that cannot."""
        w = self.params.warehouses
        changed: list[tuple[int, int, int]] = []
        ptr, product, quantity = orders.item_ptr.tolist(), orders.product.tolist(), orders.quantity.tolist()
        shelf = self.shelf
        back = 0
        for k in np.flatnonzero(orders.shipped_at != NONE).tolist():
            while back < len(returns) and returns[back][0] <= orders.t[k]:
                shelf[returns[back][1]] += returns[back][2]
                back += 1
            items = range(ptr[k], ptr[k + 1])
            home = int(orders.warehouse[k])
            where = next((x for x in [home] + [(home + i) % w for i in range(1, w)]
                          if all(shelf[product[j] * w + x] >= quantity[j] for j in items)), None)
            if where is not None:
                for j in items:
                    shelf[product[j] * w + where] -= quantity[j]
                if where != home:
                    orders.warehouse[k] = where
                    changed.append((k, MOVED, where))
                continue
            # Short at home and nowhere complete: wait for the purchase orders on their way, if they suffice.
            ready = int(orders.shipped_at[k])
            feasible = True
            for j in items:
                pair = product[j] * w + home
                short = quantity[j] - shelf[pair]
                if short > 0:
                    if self.arrival_day[pair] < 0 or self.on_order[pair] - self.backlog[pair] < short:
                        feasible = False
                        break
                    ready = max(ready, int(self.arrival_t[pair]) + int(orders.shipped_at[k] - orders.t[k]))
            if feasible and ready - int(orders.t[k]) <= MAX_BACKORDER_WAIT:
                for j in items:
                    pair = product[j] * w + home
                    take = min(quantity[j], int(shelf[pair]))
                    shelf[pair] -= take
                    self.backlog[pair] += quantity[j] - take
                ship_later(orders, k, ready)
                changed.append((k, BACKORDERED, ready))
            else:
                cancel(orders, k, OUT_OF_STOCK)
                changed.append((k, CANCELLED, 0))
        for _, pair, units in returns[back:]:
            shelf[pair] += units
        return changed
