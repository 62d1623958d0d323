"""Sizing a dataset without simulating it: the work units and the expected rows per table.

``--plan`` must answer in a moment at any size, while building a :class:`~.simulation.Simulation`
runs the whole order-ledger pass (minutes and gigabytes at the largest sizes). Everything here is
closed-form from the parameters: exact for the unit list, customers, products, orders and
sessions; expected values for the rest.
"""

from __future__ import annotations

import math

from .inventory import operations_per_day
from .orders import max_items
from .params import Params
from .simulation import unit_keys

#: Mean items of a multi-item basket, and the shares the simulation turns into rows (see Simulation.estimate).
MEAN_ITEMS = 1.7
SHIPPED_SHARE = 0.9
REVIEWED_SHARE = 0.4


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
    restocks, adjustments, transfers = operations_per_day(p.products, p.warehouses)
    ops = p.days * (restocks + adjustments + 2 * transfers)
    r = p.orders / p.customers
    buyers = p.customers * -math.expm1(-r / (1 + r))
    return {
        "raw_customers": p.customers,
        "raw_products": p.products,
        "raw_sessions": sessions,
        "raw_clickstream": round(sessions * (p.events_min + p.events_max) / 2),
        "raw_orders": p.orders,
        "raw_inventory": p.products * p.warehouses + round(p.orders * mean_items * SHIPPED_SHARE) + ops,
        "raw_reviews": round(buyers * mean_items * REVIEWED_SHARE),
    }
