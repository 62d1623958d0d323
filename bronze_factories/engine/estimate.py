"""Sizing a dataset without simulating it: the work units and the expected rows per table.

``--plan`` must answer in a moment at any size, while building a :class:`~.simulation.Simulation`
runs the whole order-ledger pass (minutes and gigabytes at the largest sizes). Everything here is
closed-form from the parameters: exact for the unit list, customers, products, orders and
sessions; expected values for the rest.
"""

from __future__ import annotations

import math

import numpy as np

from .catalog import ZIPF_EXPONENT, zipf_offset
from .inventory import ADJUSTMENTS_PER_PAIR_DAY
from .orders import RETURN_SHARE, max_items
from .params import Params
from .simulation import unit_keys
from .stock import CYCLE_DAYS, MEAN_QUANTITY

#: Ranks of the popularity curve summed exactly up to this many products, sampled beyond.
EXACT_RANKS = 100_000

#: Mean items of a multi-item basket, and the shares the simulation turns into rows (see Simulation.estimate).
MEAN_ITEMS = 1.7
SHIPPED_SHARE = 0.9
REVIEWED_SHARE = 0.47


def units(params: Params, shard: tuple[int, int] | None = None) -> list[str]:
    """The unit keys :meth:`Simulation.units` gives, in the same order, without building the simulation."""
    return unit_keys(params, shard)


def estimate(params: Params) -> dict[str, int]:
    """Expected rows per table; only reviews differ in kind from :meth:`Simulation.estimate`, which counts
    the customers with an order from the ledger pass: here it is the expected number of customers
    that n orders over m customers reach. Orders concentrate on repeat buyers, the more so the more
    orders per customer r = n/m there are: m (1 - e^(-r/(1+r))) fits the ledger pass within ~10%
    from r = 0.4 to r = 6 (uniform orders would reach m (1 - e^(-r)))."""
    p = params.sized()
    sessions = p.sessions_per_day * p.days
    mean_items = MEAN_ITEMS if max_items(p) > 1 else 1.0
    shipped_items = p.orders * mean_items * SHIPPED_SHARE
    r = p.orders / p.customers
    buyers = p.customers * -math.expm1(-r / (1 + r))
    return {
        "raw_customers": p.customers,
        "raw_products": p.products,
        "raw_sessions": sessions,
        "raw_clickstream": round(sessions * (p.events_min + p.events_max) / 2),
        "raw_orders": p.orders,
        "raw_inventory": p.products * p.warehouses + round(shipped_items * (1 + RETURN_SHARE))
        + round(p.days * stock_operations_per_day(p)),
        "raw_reviews": round(buyers * mean_items * REVIEWED_SHARE),
    }


def stock_operations_per_day(params: Params) -> float:
    """Restocks, adjustments and transfers a day under the stock policy (:mod:`.stock`), expected.

    A (product, warehouse) pair selling ``mu`` units a day is restocked with about its order-up-to
    margin, ``max(2, ceil(21 mu))`` units, so ``mu / max(2, ceil(21 mu))`` times a day; ``mu`` follows
    the catalog's Zipf-Mandelbrot popularity (summed over every rank up to :data:`EXACT_RANKS`
    products, over a geometric sample of ranks beyond). Adjustments are a fixed share of the pairs a
    day; transfers (to pairs at zero) are rare and left out.
    """
    p = params.sized()
    n, w = p.products, p.warehouses
    mean_items = MEAN_ITEMS if max_items(p) > 1 else 1.0
    units = p.orders / p.days * mean_items * MEAN_QUANTITY
    if n <= EXACT_RANKS:
        ranks, weight = np.arange(1, n + 1, dtype=float), np.ones(n)
    else:
        edges = np.unique(np.geomspace(1, n + 1, EXACT_RANKS).astype(np.int64))
        ranks, weight = edges[:-1].astype(float), np.diff(edges).astype(float)
    popularity = 1.0 / (ranks + zipf_offset(n)) ** ZIPF_EXPONENT
    mu = units * popularity / float((popularity * weight).sum()) / w
    restocks = float((weight * w * mu / np.maximum(2, np.ceil(mu * CYCLE_DAYS))).sum())
    return restocks + max(1, round(n * w * ADJUSTMENTS_PER_PAIR_DAY))
