"""The simulation: work units, their order, and the generation of each (see the package docstring)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .params import Params

#: Entities per ``customers:``/``products:``/``stock:`` unit.
BLOCK = 10_000


@dataclass(frozen=True)
class Chunk:
    """At most ``batch_size`` load-ready rows of one table, from one work unit."""

    table: str
    unit: str
    rows: list[tuple]


class Simulation:
    """One simulated store for one set of parameters.

    Building it runs the cheap *order ledger* pass (every order's customer, items and
    fulfilment, without formatting a row) to derive the per-customer and per-product state
    that later units need: whose order is whose first, how much stock each warehouse must
    start with. That state is O(customers + products x warehouses), never O(orders).
    """

    def __init__(self, params: Params) -> None:
        self.params = params.sized()
        raise NotImplementedError("engine under construction")

    def units(self, shard: tuple[int, int] | None = None) -> list[str]:
        """Unit keys in load order; with ``shard=(k, n)`` (1-based k) only the k-th of n disjoint parts."""
        raise NotImplementedError

    def generate_unit(self, unit: str, batch_size: int = 50_000) -> Iterator[Chunk]:
        """The chunks of one unit, tables in :data:`TABLE_ORDER` order."""
        raise NotImplementedError

    def estimate(self) -> dict[str, int]:
        """Expected rows per table (exact for customers, products, orders and sessions)."""
        raise NotImplementedError


def generate(
    params: Params,
    shard: tuple[int, int] | None = None,
    batch_size: int = 50_000,
    units: Iterable[str] | None = None,
) -> Iterator[Chunk]:
    """Every chunk of the dataset (or of one shard, or of the given units), in load order."""
    sim = Simulation(params)
    for unit in units if units is not None else sim.units(shard):
        yield from sim.generate_unit(unit, batch_size)
