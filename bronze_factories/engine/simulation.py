"""The simulation: work units, their order, and the generation of each (see the package docstring)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..vocabulary.store import SOURCE_SYSTEM
from .catalog import ProductState, product_rows
from .columns import COLUMNS
from .customers import CustomerState, customer_rows
from .demand import Calendar
from .inventory import movement_rows, operations_per_day, order_movements
from .orders import day_orders, max_items, order_rows
from .params import Params
from .pools import build_pools
from .reviews import review_rows
from .stock import DayStock, StockPolicy
from .web import day_web, purchase_session_ids

#: Entities per ``customers:``/``products:``/``stock:`` unit...
BLOCK = 10_000
#: ...generated (and keyed) in pieces of this many, so memory does not grow with the block.
PIECE = 1_000


@dataclass(frozen=True)
class Chunk:
    """At most ``batch_size`` load-ready rows of one table, from one work unit."""

    table: str
    unit: str
    rows: list[tuple]


def _chunks(table: str, unit: str, rows: list[tuple], batch_size: int) -> Iterator[Chunk]:
    for i in range(0, len(rows), batch_size):
        yield Chunk(table, unit, rows[i:i + batch_size])


def unit_keys(params: Params, shard: tuple[int, int] | None = None) -> list[str]:
    """:meth:`Simulation.units` from the parameters alone (no simulation needed to list them)."""
    p = params.sized()
    keys = [f"customers:{b:05d}" for b in range(0, p.customers, BLOCK)]
    keys += [f"products:{b:05d}" for b in range(0, p.products, BLOCK)]
    keys += [f"stock:{b:05d}" for b in range(0, p.products, BLOCK)]
    keys += [f"day:{d:05d}" for d in range(p.days)]
    if shard is None:
        return keys
    k, n = shard
    return keys[k - 1::n]


class Simulation:
    """One simulated store for one set of parameters.

    Building it runs the cheap *order ledger* pass (every order's customer, items and
    fulfilment, without formatting a row) to derive the per-customer state that later units
    need (whose order is whose first, when their next one comes), and runs the stock policy
    forward over the days (:mod:`.stock`): its state is O(products x warehouses); what it keeps
    per day is that day's restocks, transfers and adjustments and the few orders it changed.
    """

    def __init__(self, params: Params) -> None:
        self.params = p = params.sized()
        self.calendar = Calendar(p)
        self.pools = build_pools(p.seed)
        self.customers = CustomerState(p.seed, p.customers, self.calendar, self.pools)
        self.products = ProductState(p.seed, p.products, self.calendar.months)
        self.first_order = np.full(p.customers, -1, np.int64)
        self.next_order_t = np.full(p.customers, self.calendar.end_s, np.int64)
        self.stock = StockPolicy(p, self.calendar, self.products)
        self.day_stock: list[DayStock] = []
        for day in range(p.days):
            orders = day_orders(p, self.calendar, self.customers, self.products, day)
            self.day_stock.append(self.stock.step(day, orders))
            for idx, cust, t in zip(orders.index.tolist(), orders.customer.tolist(), orders.t.tolist(), strict=True):
                if self.first_order[cust] < 0:
                    self.first_order[cust] = idx
                elif self.next_order_t[cust] == self.calendar.end_s:
                    self.next_order_t[cust] = t

    def _orders(self, day: int):
        """The day's ledger as the stock policy left it (moved, back-ordered and cancelled orders)."""
        orders = day_orders(self.params, self.calendar, self.customers, self.products, day)
        self.day_stock[day].apply(orders, self.calendar.end_s)
        return orders

    def units(self, shard: tuple[int, int] | None = None) -> list[str]:
        """Unit keys in load order; with ``shard=(k, n)`` (1-based k) only the k-th of n disjoint parts."""
        return unit_keys(self.params, shard)

    def generate_unit(self, unit: str, batch_size: int = 50_000) -> Iterator[Chunk]:
        """The chunks of one unit: parents before children (a day yields sessions and their events
        slice by slice, then orders, inventory movements and reviews)."""
        chunks = self._unit_chunks(unit, batch_size)
        if self.params.source_system == SOURCE_SYSTEM:
            yield from chunks
            return
        # Another --source-system: the one column is replaced here, not in every table's formatter.
        for chunk in chunks:
            at = COLUMNS[chunk.table].index("source_system")
            value = self.params.source_system
            yield Chunk(chunk.table, chunk.unit, [(*row[:at], value, *row[at + 1:]) for row in chunk.rows])

    def _unit_chunks(self, unit: str, batch_size: int) -> Iterator[Chunk]:
        kind, _, number = unit.partition(":")
        p = self.params
        n = int(number)
        if kind in ("customers", "products", "stock"):
            table, rows_of = {
                "customers": ("raw_customers", lambda lo, hi: customer_rows(self.customers, self.pools, p.seed, lo, hi)),
                "products": ("raw_products", lambda lo, hi: product_rows(self.products, self.pools, p.seed, lo, hi,
                                                                      self.calendar.start_s)),
                "stock": ("raw_inventory", lambda lo, hi: movement_rows(self.stock.initial(lo, hi))),
            }[kind]
            last = min(n + BLOCK, p.customers if kind == "customers" else p.products)
            for lo in range(n, last, PIECE):
                yield from _chunks(table, unit, rows_of(lo, min(lo + PIECE, last)), batch_size)
        elif kind == "day":
            orders = self._orders(n)
            for table, rows in day_web(p, self.calendar, self.customers, self.products, self.pools, n, orders):
                yield from _chunks(table, unit, rows, batch_size)
            # Orders and movements are formatted in pieces too: a busy day at a large scale stays small.
            session_ids = purchase_session_ids(self.calendar, orders)
            for lo in range(0, len(orders), PIECE):
                rows = order_rows(orders, self.customers, self.pools, session_ids, lo, lo + PIECE)
                yield from _chunks("raw_orders", unit, rows, batch_size)
            for moves in (order_movements(orders), self.day_stock[n].movements):
                for lo in range(0, len(moves.inventory_id), PIECE):
                    yield from _chunks("raw_inventory", unit, movement_rows(moves, lo, lo + PIECE), batch_size)
            reviews = review_rows(p, self.products, orders, self.first_order, self.next_order_t, self.calendar.end_s)
            yield from _chunks("raw_reviews", unit, reviews, batch_size)
        else:
            raise ValueError(f"unknown work unit {unit!r}")

    def estimate(self) -> dict[str, int]:
        """Expected rows per table (exact for customers, products, orders and sessions)."""
        p = self.params
        sessions = p.sessions_per_day * p.days
        mean_items = 1.7 if max_items(p) > 1 else 1.0
        restocks, adjustments, transfers = operations_per_day(p.products, p.warehouses)
        ops = p.days * (restocks + adjustments + 2 * transfers)
        return {
            "raw_customers": p.customers,
            "raw_products": p.products,
            "raw_sessions": sessions,
            "raw_clickstream": round(sessions * (p.events_min + p.events_max) / 2),
            "raw_orders": p.orders,
            "raw_inventory": p.products * p.warehouses + round(p.orders * mean_items * 0.9) + ops,
            "raw_reviews": round(int((self.first_order >= 0).sum()) * mean_items * 0.4),
        }


_cached: Simulation | None = None


def simulation_for(params: Params) -> Simulation:
    """The simulation of ``params``, built once per process.

    Forked local workers inherit the parent's (call :func:`remember` before the pool starts): its
    order-ledger pass is not redone. Dask workers and spawned processes build it on their first unit.
    """
    global _cached
    if _cached is None or _cached.params != params.sized():
        _cached = Simulation(params)
    return _cached


def remember(sim: Simulation) -> Simulation:
    """Make ``sim`` the one :func:`simulation_for` returns in this process and in workers forked later."""
    global _cached
    _cached = sim
    return sim


def unit_chunks(params: Params, batch_size: int, unit: str) -> list[Chunk]:
    """Task: every chunk of one unit (they travel back to the caller)."""
    return list(simulation_for(params).generate_unit(unit, batch_size))


def unit_counts(params: Params, batch_size: int, unit: str) -> dict[str, int]:
    """Task: generate one unit and discard it; only its rows per table travel back."""
    counts: dict[str, int] = {}
    for chunk in simulation_for(params).generate_unit(unit, batch_size):
        counts[chunk.table] = counts.get(chunk.table, 0) + len(chunk.rows)
    return counts


def generate(
    params: Params,
    shard: tuple[int, int] | None = None,
    batch_size: int = 50_000,
    units: Iterable[str] | None = None,
    workers: int = 1,
    dask: str | None = None,
) -> Iterator[Chunk]:
    """Every chunk of the dataset (or of one shard, or of the given units), in load order.

    With ``workers > 1`` (or ``dask``, see :func:`bronze_factories.executor.open_runner`) units are
    generated by the run's executor; the chunks come back in the same order with the same content,
    since a unit depends on nothing but its key.
    """
    from ..executor import open_runner

    sim = remember(Simulation(params))
    keys = list(units) if units is not None else sim.units(shard)
    if workers <= 1 and dask is None:
        for unit in keys:
            yield from sim.generate_unit(unit, batch_size)
        return
    with open_runner(workers, dask) as runner:
        for chunks in runner.map(partial(unit_chunks, params, batch_size), keys, ordered=True):
            yield from chunks


def count_rows(params: Params, workers: int = 1, batch_size: int = 50_000, dask: str | None = None,
               runner: object = None) -> dict[str, int]:
    """Generate the whole dataset through the run's executor and discard it: rows per table.

    This is generation alone (what the engine benchmark measures): each worker formats its units'
    rows and only the counts travel back. ``runner`` (a :class:`bronze_factories.executor.UnitRunner`)
    is used as it is when given, so a benchmark can leave a cluster's start-up out of its timing.
    """
    from ..executor import UnitRunner, open_runner

    totals: dict[str, int] = {}
    sim = remember(Simulation(params))
    own = runner is None
    run = open_runner(workers, dask) if own else runner
    assert isinstance(run, UnitRunner)
    try:
        for counts in run.map(partial(unit_counts, params, batch_size), sim.units()):
            for t, n in counts.items():
                totals[t] = totals.get(t, 0) + n
    except BaseException:
        if own:
            run.close(cancel=True)
        raise
    if own:
        run.close()
    return totals
