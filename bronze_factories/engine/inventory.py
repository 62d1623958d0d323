"""Inventory movements as arrays, the movements of orders (shipments and returns), and their rows.

Opening stock, restocks, transfers and adjustments come from the stock policy (:mod:`.stock`),
which also decides which orders a stock-out moves, delays or cancels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import vocabulary as V
from .ids import ORDER_MOVEMENTS, order_id, product_id
from .orders import NONE, DayOrders
from .timefmt import sql_iso

IN, OUT, ADJUSTMENT, TRANSFER = V.MOVEMENT_TYPES
RESTOCKS_PER_PAIR_DAY = 0.02
ADJUSTMENTS_PER_PAIR_DAY = 0.002
TRANSFERS_PER_PAIR_DAY = 0.001


@dataclass
class Movements:
    """Movements as parallel arrays; ``kind`` indexes :data:`vocabulary.MOVEMENT_TYPES`."""

    inventory_id: np.ndarray
    product: np.ndarray
    warehouse: np.ndarray
    quantity: np.ndarray
    kind: np.ndarray
    t: np.ndarray
    reference: list[str]
    reason: list[str]


def _cat(parts: list[Movements]) -> Movements:
    def join(field: str) -> np.ndarray | list[str]:
        values = [getattr(p, field) for p in parts]
        return [v for part in values for v in part] if isinstance(values[0], list) else np.concatenate(values)

    return Movements(*(join(f) for f in Movements.__dataclass_fields__))


def order_movements(orders: DayOrders) -> Movements:
    """One OUT per item of every shipped order, at shipping; returned items come back as IN."""
    item_order = orders.item_order
    item_rank = np.arange(len(item_order)) - orders.item_ptr[item_order]
    shipped = orders.shipped_at[item_order] != NONE
    returned = orders.returned_at[item_order] != NONE
    parts = []
    for mask, sign, kind, when, id_shift, reason in (
        (shipped, -1, 1, orders.shipped_at, 0, "order_shipment"),
        (returned, 1, 0, orders.returned_at, 8, "customer_return"),
    ):
        k = item_order[mask]
        parts.append(Movements(
            inventory_id=ORDER_MOVEMENTS + orders.index[k] * 16 + id_shift + item_rank[mask],
            product=orders.product[mask], warehouse=orders.warehouse[k], quantity=sign * orders.quantity[mask],
            kind=np.full(len(k), kind), t=when[k], reference=[order_id(int(i)) for i in orders.index[k]],
            reason=[reason] * len(k),
        ))
    return _cat(parts)


def operations_per_day(products: int, warehouses: int) -> tuple[int, int, int]:
    """About how many restocks, adjustments and transfer pairs a day has (for estimates; the stock
    policy decides the real numbers from the stock levels)."""
    pairs = products * warehouses
    return (max(1, round(pairs * RESTOCKS_PER_PAIR_DAY)), max(1, round(pairs * ADJUSTMENTS_PER_PAIR_DAY)),
            round(pairs * TRANSFERS_PER_PAIR_DAY) if warehouses > 1 else 0)


def movement_rows(m: Movements, lo: int = 0, hi: int | None = None) -> list[tuple]:
    """Rows of movements ``lo``..``hi - 1``."""
    hi = len(m.inventory_id) if hi is None else min(hi, len(m.inventory_id))
    t_sql, t_iso = sql_iso(m.t[lo:hi])
    rows = []
    for j in range(lo, hi):
        iid = int(m.inventory_id[j])
        pid = product_id(int(m.product[j]))
        wid = V.warehouse_id(int(m.warehouse[j]))
        qty = int(m.quantity[j])
        kind = V.MOVEMENT_TYPES[m.kind[j]]
        raw = (
            f'{{"inventory_id": {iid}, "product_id": "{pid}", "warehouse_id": "{wid}", "quantity": {qty}, '
            f'"movement_type": "{kind}", "movement_date": "{t_iso[j - lo]}", "reference_number": "{m.reference[j]}", '
            f'"reason": "{m.reason[j]}"}}'
        )
        rows.append((iid, pid, wid, qty, kind, t_sql[j - lo], m.reference[j], V.SOURCE_SYSTEM, raw))
    return rows
