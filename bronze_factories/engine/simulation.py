"""The simulation: work units, their order, and the generation of each (see the package docstring)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..vocabulary.store import SOURCE_SYSTEM
from .catalog import ProductState, product_rows
from .columns import COLUMNS
from .customers import CustomerState, customer_rows
from .demand import Calendar
from .inventory import Movements, movement_rows, order_movements
from .lines import Lines, TabLines
from .orders import DayOrders, day_orders, max_items, order_rows
from .params import Params
from .pools import build_pools
from .reviews import review_rows
from .steps import DAY_S, LOOKBACK_DAYS, days_until, moment, parse_step, seconds, stamp, step_keys
from .stock import DayStock, StockPolicy
from .web import SLICE, day_web, plain_events, purchase_session_ids

#: Entities per ``customers:``/``products:``/``stock:`` unit...
BLOCK = 10_000
#: ...generated (and keyed) in pieces of this many, so memory does not grow with the block.
PIECE = 1_000


#: ``next_order_t`` of a customer whose second order is not known (yet).
NEVER = np.iinfo(np.int64).max // 2


@dataclass(frozen=True)
class Chunk:
    """At most ``batch_size`` load-ready rows of one table, from one work unit.

    ``upsert`` marks rows that replace an earlier version of themselves (an order whose state moved
    on since the dataset's previous end): a loader writes them over the row with the same key.
    """

    table: str
    unit: str
    rows: list[tuple]
    upsert: bool = False
    #: The rows already rendered as tab-separated lines, when the caller asked for them
    #: (:class:`~.lines.TabLines`); ``rows`` is then empty and ``lines`` counts them.
    text: str | None = None
    lines: int = 0

    def __len__(self) -> int:
        return len(self.rows) if self.text is None else self.lines


def _chunks(table: str, unit: str, rows: list[tuple] | Lines, batch_size: int, upsert: bool = False
            ) -> Iterator[Chunk]:
    if isinstance(rows, Lines):
        yield Chunk(table, unit, [], upsert, rows.text, rows.rows)
        return
    for i in range(0, len(rows), batch_size):
        yield Chunk(table, unit, rows[i:i + batch_size], upsert)


def unit_keys(params: Params, shard: tuple[int, int] | None = None, until: int | None = None) -> list[str]:
    """:meth:`Simulation.units` from the parameters alone (no simulation needed to list them)."""
    p = params.sized()
    keys = [f"customers:{b:05d}" for b in range(0, p.customers, BLOCK)]
    keys += [f"products:{b:05d}" for b in range(0, p.products, BLOCK)]
    keys += [f"stock:{b:05d}" for b in range(0, p.products, BLOCK)]
    keys += [f"day:{d:05d}" for d in range(days_until(params, until))]
    if shard is None:
        return keys
    k, n = shard
    return keys[k - 1::n]


def _subset(m: Movements, mask: np.ndarray) -> Movements:
    keep = np.flatnonzero(mask)
    return Movements(
        inventory_id=m.inventory_id[keep], product=m.product[keep], warehouse=m.warehouse[keep],
        quantity=m.quantity[keep], kind=m.kind[keep], t=m.t[keep],
        reference=[m.reference[i] for i in keep.tolist()], reason=[m.reason[i] for i in keep.tolist()],
    )


class Simulation:
    """One simulated store for one set of parameters, up to a moment ``until`` (seconds; default the
    parameters' end date).

    The story is causal: a day's orders, stock decisions and registrations depend only on the
    parameters and the days before it, and every order's lifecycle is drawn when it is placed. So
    the same store can go on past its end date: a dataset ending at ``until`` holds every row whose
    event happened before ``until``, and its orders show the state they had reached by then.

    Building it runs the cheap *order ledger* pass over the simulated days (every order's customer,
    items and lifecycle, without formatting a row) to derive the per-customer state that later units
    need (whose order is whose first, when their next one comes), and runs the stock policy forward
    (:mod:`.stock`): its state is O(products x warehouses); what it keeps per day is that day's
    restocks, transfers and adjustments and the few orders it changed. A ``bounded`` simulation (a
    live run's) keeps only the days a step from its current end can reach back to
    (:data:`~.steps.LOOKBACK_DAYS`), so its memory does not grow with the run.
    """

    def __init__(self, params: Params, until: int | None = None, bounded: bool = False) -> None:
        self.params = p = params.sized()
        if until is None:
            until = seconds(p.until or p.end)
        self.until = until
        self.bounded = bounded
        days = days_until(p, self.until)
        self.calendar = Calendar(p, days)
        self.pools = build_pools(p.seed)
        self.customers = CustomerState(p.seed, p.customers, self.calendar, self.pools)
        self.products = ProductState(p.seed, p.products, self.calendar.months, launch_days=p.days)
        self.first_order = np.full(p.customers, -1, np.int64)
        self.next_order_t = np.full(p.customers, NEVER, np.int64)
        #: Customers registered on each day after the first window: day -> (first index, end index).
        self.joined: dict[int, tuple[int, int]] = {}
        self.stock = StockPolicy(p, self.calendar, self.products)
        self.day_stock: dict[int, DayStock] = {}
        self._cache: dict[int, DayOrders] = {}
        self._plain_lines: dict[TabLines, bool] = {}
        self.simulated = 0
        self._simulate(days)
        self._forget_before(self.until)

    def _simulate(self, days: int) -> None:
        p = self.params
        for day in range(self.simulated, days):
            if day >= p.days:
                lo = self.customers.n
                grown = self.customers.grow(day)
                self.joined[day] = (lo, lo + grown)
                if grown:
                    self.first_order = np.concatenate([self.first_order, np.full(grown, -1, np.int64)])
                    self.next_order_t = np.concatenate([self.next_order_t, np.full(grown, NEVER, np.int64)])
            orders = day_orders(p, self.calendar, self.customers, self.products, day)
            self.day_stock[day] = self.stock.step(day, orders)
            for idx, cust, t in zip(orders.index.tolist(), orders.customer.tolist(), orders.t.tolist(), strict=True):
                if self.first_order[cust] < 0:
                    self.first_order[cust] = idx
                elif self.next_order_t[cust] == NEVER:
                    self.next_order_t[cust] = t
        self.simulated = max(self.simulated, days)

    def _forget_before(self, since: int) -> None:
        """A bounded simulation drops the days a step from ``since`` can no longer reach."""
        if not self.bounded:
            return
        oldest = (since - self.calendar.start_s) // DAY_S - LOOKBACK_DAYS - 1
        for old in [d for d in self.day_stock if d < oldest]:
            del self.day_stock[old]
        for old in [d for d in self._cache if d < oldest]:
            del self._cache[old]

    def advance(self, until: int) -> None:
        """Go on to ``until`` (later than the current end): simulate the days it reaches."""
        if until < self.until:
            raise ValueError("a simulation only goes forward in time")
        since, self.until = self.until, until
        self.params = dataclasses.replace(self.params, until=moment(until))
        days = days_until(self.params, until)
        if days > self.simulated:
            self.calendar = Calendar(self.params, days)
            self.products.months = self.calendar.months
            self.stock.calendar = self.calendar
        self._simulate(days)
        self._forget_before(since)

    def _orders(self, day: int) -> DayOrders:
        """The day's ledger as the stock policy left it (moved, back-ordered and cancelled orders)."""
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        if day not in self.day_stock:
            raise ValueError(f"day {day} is older than the {LOOKBACK_DAYS} days a bounded simulation keeps")
        orders = day_orders(self.params, self.calendar, self.customers, self.products, day)
        self.day_stock[day].apply(orders)
        if self.bounded:
            self._cache[day] = orders
        return orders

    def units(self, shard: tuple[int, int] | None = None) -> list[str]:
        """Unit keys in load order; with ``shard=(k, n)`` (1-based k) only the k-th of n disjoint parts."""
        return unit_keys(self.params, shard, self.until)

    def step_units(self, since: int) -> list[str]:
        """The units that take the dataset from ending at ``since`` to ending at this simulation's end."""
        return step_keys(self.params, since, self.until)

    def generate_unit(self, unit: str, batch_size: int = 50_000, lines: TabLines | None = None) -> Iterator[Chunk]:
        """The chunks of one unit: parents before children (a day yields its new customers, sessions and
        their events slice by slice, then orders, inventory movements and reviews).

        With ``lines``, click events may come already rendered as such lines (:attr:`Chunk.text`),
        when their values need no escaping and a slice's events fit in ``batch_size``.
        """
        if lines is not None and not (batch_size >= SLICE * self.params.events_max and self._plain(lines)):
            lines = None
        chunks = self._unit_chunks(unit, batch_size, lines)
        if self.params.source_system == SOURCE_SYSTEM:
            yield from chunks
            return
        # Another --source-system: the one column is replaced here, not in every table's formatter
        # (rendered lines have it already).
        for chunk in chunks:
            if chunk.text is not None:
                yield chunk
                continue
            at = COLUMNS[chunk.table].index("source_system")
            value = self.params.source_system
            rows = [(*row[:at], value, *row[at + 1:]) for row in chunk.rows]
            yield Chunk(chunk.table, chunk.unit, rows, chunk.upsert)

    def _plain(self, lines: TabLines) -> bool:
        """Whether every value an event line can hold passes ``lines.escape`` unchanged (checked once)."""
        known = self._plain_lines.get(lines)
        if known is None:
            known = self._plain_lines[lines] = plain_events(lines, self.pools, self.products)
        return known

    def _unit_chunks(self, unit: str, batch_size: int, lines: TabLines | None = None) -> Iterator[Chunk]:
        kind, _, number = unit.partition(":")
        p = self.params
        if kind in ("customers", "products", "stock"):
            n = int(number)
            table, rows_of = {
                "customers": ("raw_customers", lambda lo, hi: customer_rows(self.customers, self.pools, p.seed, lo, hi)),
                "products": ("raw_products", lambda lo, hi: product_rows(self.products, self.pools, p.seed, lo, hi,
                                                                      self.calendar.start_s)),
                "stock": ("raw_inventory", lambda lo, hi: movement_rows(self.stock.initial(lo, hi))),
            }[kind]
            last = min(n + BLOCK, p.customers if kind == "customers" else p.products)
            for lo in range(n, last, PIECE):
                yield from _chunks(table, unit, rows_of(lo, min(lo + PIECE, last)), batch_size)
            return
        day, since, until = parse_step(unit)
        if until is not None and until != self.until:
            raise ValueError(f"unit {unit} belongs to a dataset ending at {stamp(until)}, not {stamp(self.until)}")
        yield from self._day_chunks(unit, day, since, batch_size, lines)

    def _day_chunks(self, unit: str, day: int, since: int | None, batch_size: int, lines: TabLines | None = None
                    ) -> Iterator[Chunk]:
        """Rows of ``day`` whose event happened in ``[since, until)`` (``since=None``: all before
        ``until``), and, after ``since``, the day's orders whose state moved on meanwhile (upserts)."""
        p, until = self.params, self.until
        lo = -NEVER if since is None else since
        orders = self._orders(day)
        if self.calendar.day_start(day + 1) > lo and self.calendar.day_start(day) < until:
            first, last = self.joined.get(day, (0, 0))
            registered = self.customers.registered[first:last]
            which = np.flatnonzero((registered >= lo) & (registered < until)) + first
            for a in range(0, len(which), PIECE):
                piece = which[a:a + PIECE]
                rows = customer_rows(self.customers, self.pools, p.seed, int(piece[0]), int(piece[-1]) + 1)
                yield from _chunks("raw_customers", unit, rows, batch_size)
            web = day_web(p, self.calendar, self.customers, self.products, self.pools, day, orders, since, until,
                          lines)
            for table, rows in web:
                yield from _chunks(table, unit, rows, batch_size)
        now = orders.at(until)
        session_ids = purchase_session_ids(self.calendar, orders)
        placed = np.flatnonzero((orders.t >= lo) & (orders.t < until))
        moved = orders.changed(lo, until) if since is not None else np.zeros(0, np.int64)
        for positions, upsert in ((placed, False), (moved, True)):
            for a in range(0, len(positions), PIECE):
                rows = order_rows(now, self.customers, self.pools, session_ids, positions[a:a + PIECE])
                yield from _chunks("raw_orders", unit, rows, batch_size, upsert)
        for moves in (order_movements(orders), self.day_stock[day].movements):
            moves = _subset(moves, (moves.t >= lo) & (moves.t < until))
            for a in range(0, len(moves.inventory_id), PIECE):
                yield from _chunks("raw_inventory", unit, movement_rows(moves, a, a + PIECE), batch_size)
        reviews = review_rows(p, self.products, orders, self.first_order, self.next_order_t, until,
                              -NEVER if since is None else since)
        yield from _chunks("raw_reviews", unit, reviews, batch_size)

    def estimate(self) -> dict[str, int]:
        """Expected rows per table: :func:`.estimate.estimate`, with the reviews of the customers the
        ledger pass saw order."""
        from .estimate import MEAN_ITEMS, REVIEWED_SHARE, estimate

        rows = estimate(self.params)
        mean_items = MEAN_ITEMS if max_items(self.params) > 1 else 1.0
        rows["raw_reviews"] = round(int((self.first_order >= 0).sum()) * mean_items * REVIEWED_SHARE)
        return rows


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
