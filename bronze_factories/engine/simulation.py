"""The simulation: work units, their order, and the generation of each (see the package docstring)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .catalog import ProductState, product_rows
from .customers import CustomerState, customer_rows
from .demand import Calendar
from .inventory import daily_operations, initial_stock, movement_rows, order_movements
from .orders import day_orders, max_items, order_rows
from .params import Params
from .pools import build_pools
from .reviews import review_rows
from .web import day_web

#: Entities per ``customers:``/``products:``/``stock:`` unit.
BLOCK = 10_000


@dataclass(frozen=True)
class Chunk:
    """At most ``batch_size`` load-ready rows of one table, from one work unit."""

    table: str
    unit: str
    rows: list[tuple]


def _chunks(table: str, unit: str, rows: list[tuple], batch_size: int) -> Iterator[Chunk]:
    for i in range(0, len(rows), batch_size):
        yield Chunk(table, unit, rows[i:i + batch_size])


class Simulation:
    """One simulated store for one set of parameters.

    Building it runs the cheap *order ledger* pass (every order's customer, items and
    fulfilment, without formatting a row) to derive the per-customer and per-product state
    that later units need: whose order is whose first, when their next one comes, how much
    stock each warehouse must start with. That state is O(customers + products x warehouses),
    never O(orders).
    """

    def __init__(self, params: Params) -> None:
        self.params = p = params.sized()
        self.calendar = Calendar(p)
        self.pools = build_pools(p.seed)
        self.customers = CustomerState(p.seed, p.customers, self.calendar, self.pools)
        self.products = ProductState(p.seed, p.products)
        self.first_order = np.full(p.customers, -1, np.int64)
        self.next_order_t = np.full(p.customers, self.calendar.end_s, np.int64)
        self.outflow = np.zeros(p.products * p.warehouses, np.int64)
        for day in range(p.days):
            orders = self._orders(day)
            for idx, cust, t in zip(orders.index.tolist(), orders.customer.tolist(), orders.t.tolist(), strict=True):
                if self.first_order[cust] < 0:
                    self.first_order[cust] = idx
                elif self.next_order_t[cust] == self.calendar.end_s:
                    self.next_order_t[cust] = t
            order_movements(orders).outflow_into(self.outflow, p.warehouses)
            daily_operations(p, self.calendar, self.products, day).outflow_into(self.outflow, p.warehouses)

    def _orders(self, day: int):
        return day_orders(self.params, self.calendar, self.customers, self.products, day)

    def units(self, shard: tuple[int, int] | None = None) -> list[str]:
        """Unit keys in load order; with ``shard=(k, n)`` (1-based k) only the k-th of n disjoint parts."""
        p = self.params
        keys = [f"customers:{b:05d}" for b in range(0, p.customers, BLOCK)]
        keys += [f"products:{b:05d}" for b in range(0, p.products, BLOCK)]
        keys += [f"stock:{b:05d}" for b in range(0, p.products, BLOCK)]
        keys += [f"day:{d:05d}" for d in range(p.days)]
        if shard is None:
            return keys
        k, n = shard
        return keys[k - 1::n]

    def generate_unit(self, unit: str, batch_size: int = 50_000) -> Iterator[Chunk]:
        """The chunks of one unit, tables in :data:`TABLE_ORDER` order."""
        kind, _, number = unit.partition(":")
        p = self.params
        n = int(number)
        if kind == "customers":
            rows = customer_rows(self.customers, self.pools, p.seed, n, min(n + BLOCK, p.customers))
            yield from _chunks("raw_customers", unit, rows, batch_size)
        elif kind == "products":
            rows = product_rows(self.products, self.pools, p.seed, n, min(n + BLOCK, p.products))
            yield from _chunks("raw_products", unit, rows, batch_size)
        elif kind == "stock":
            stock = initial_stock(p, self.calendar, self.outflow, n, min(n + BLOCK, p.products))
            yield from _chunks("raw_inventory", unit, movement_rows(stock), batch_size)
        elif kind == "day":
            orders = self._orders(n)
            web = day_web(p, self.calendar, self.customers, self.products, self.pools, n, orders)
            yield from _chunks("raw_sessions", unit, web.sessions, batch_size)
            yield from _chunks("raw_clickstream", unit, web.events, batch_size)
            yield from _chunks("raw_orders", unit, order_rows(orders, self.customers, self.pools, web.session_ids),
                               batch_size)
            moves = movement_rows(order_movements(orders)) + movement_rows(
                daily_operations(p, self.calendar, self.products, n))
            yield from _chunks("raw_inventory", unit, moves, batch_size)
            reviews = review_rows(p, self.products, orders, self.first_order, self.next_order_t, self.calendar.end_s)
            yield from _chunks("raw_reviews", unit, reviews, batch_size)
        else:
            raise ValueError(f"unknown work unit {unit!r}")

    def estimate(self) -> dict[str, int]:
        """Expected rows per table (exact for customers, products, orders and sessions)."""
        p = self.params
        sessions = p.sessions_per_day * p.days
        mean_items = 1.7 if max_items(p) > 1 else 1.0
        ops = p.days * (max(1, round(p.products * p.warehouses * 0.004)) + max(1, round(p.products * p.warehouses * 0.002))
                        + 2 * round(p.products * p.warehouses * 0.001))
        return {
            "raw_customers": p.customers,
            "raw_products": p.products,
            "raw_sessions": sessions,
            "raw_clickstream": round(sessions * (p.events_min + p.events_max) / 2),
            "raw_orders": p.orders,
            "raw_inventory": p.products * p.warehouses + round(p.orders * mean_items * 0.9) + ops,
            "raw_reviews": round(int((self.first_order >= 0).sum()) * mean_items * 0.4),
        }


_worker_sim: Simulation | None = None


def _worker_init(params: Params) -> None:
    global _worker_sim
    _worker_sim = Simulation(params)


def _worker_unit(job: tuple[str, int]) -> list[Chunk]:
    assert _worker_sim is not None
    return list(_worker_sim.generate_unit(*job))


def generate(
    params: Params,
    shard: tuple[int, int] | None = None,
    batch_size: int = 50_000,
    units: Iterable[str] | None = None,
    workers: int = 1,
) -> Iterator[Chunk]:
    """Every chunk of the dataset (or of one shard, or of the given units), in load order.

    With ``workers > 1`` units are generated in that many processes; the chunks come back in
    the same order with the same content, since a unit depends on nothing but its key.
    """
    sim = Simulation(params)
    keys = list(units) if units is not None else sim.units(shard)
    if workers <= 1:
        for unit in keys:
            yield from sim.generate_unit(unit, batch_size)
        return
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(workers, _worker_init, (params,)) as pool:
        for chunks in pool.imap(_worker_unit, [(u, batch_size) for u in keys]):
            yield from chunks
