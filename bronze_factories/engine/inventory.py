"""Inventory movements: initial stock, order shipments and returns, restocks, adjustments, transfers.

Stock can never go negative because every (product, warehouse) starts, at the window start,
with at least everything that will ever leave it: the simulation's ledger pass sums the
outflows of the whole window first (O(products x warehouses) state), then the ``stock:``
units write the initial ``IN`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import vocabulary as V
from .catalog import ProductState
from .demand import Calendar
from .ids import DAILY_OPERATIONS, OPS_PER_DAY, ORDER_MOVEMENTS, order_id, product_id
from .orders import NONE, DayOrders
from .params import Params
from .rng import pick, stream
from .timefmt import iso, sql

IN, OUT, ADJUSTMENT, TRANSFER = V.MOVEMENT_TYPES
RESTOCKS_PER_PAIR_DAY = 0.004
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

    def outflow_into(self, out: np.ndarray, warehouses: int) -> None:
        """Add what these movements take out of each (product, warehouse) to ``out``."""
        neg = self.quantity < 0
        np.add.at(out, self.product[neg] * warehouses + self.warehouse[neg], -self.quantity[neg])


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
    """How many restocks, adjustments and transfer pairs each day has."""
    pairs = products * warehouses
    return (max(1, round(pairs * RESTOCKS_PER_PAIR_DAY)), max(1, round(pairs * ADJUSTMENTS_PER_PAIR_DAY)),
            round(pairs * TRANSFERS_PER_PAIR_DAY) if warehouses > 1 else 0)


def daily_operations(params: Params, calendar: Calendar, products: ProductState, day: int) -> Movements:
    """The day's restocks (IN), shrinkage and counts (ADJUSTMENT) and transfers (TRANSFER pairs)."""
    rng = stream(params.seed, "inventory", day)
    n_restock, n_adjust, n_transfer = operations_per_day(products.n, params.warehouses)
    day_start = calendar.day_start(day)
    base = DAILY_OPERATIONS + day * OPS_PER_DAY

    restock_p = products.pick(rng, n_restock)
    restock_w = rng.integers(0, params.warehouses, n_restock)
    restock_q = rng.integers(20, 200, n_restock)
    adjust_p = rng.integers(0, products.n, n_adjust)
    adjust_w = rng.integers(0, params.warehouses, n_adjust)
    reason = pick(rng, (0.5, 0.2, 0.3), n_adjust)  # shrinkage, damaged: out; cycle_count: either way
    adjust_q = rng.integers(1, 4, n_adjust) * np.where((reason < 2) | (rng.random(n_adjust) < 0.5), -1, 1)
    transfer_p = products.pick(rng, n_transfer)
    transfer_from = rng.integers(0, params.warehouses, n_transfer)
    transfer_to = (transfer_from + rng.integers(1, max(2, params.warehouses), n_transfer)) % params.warehouses
    transfer_q = rng.integers(5, 50, n_transfer)
    times = day_start + rng.integers(1, 86_400, n_restock + n_adjust + n_transfer)
    t_restock, t_adjust, t_transfer = np.split(times, [n_restock, n_restock + n_adjust])

    ids = base + np.arange(n_restock + n_adjust + 2 * n_transfer)
    tr_ref = [f"TRF-{day:05d}-{k:05d}" for k in range(n_transfer)]
    return Movements(
        inventory_id=ids,
        product=np.concatenate([restock_p, adjust_p, np.repeat(transfer_p, 2)]),
        warehouse=np.concatenate([restock_w, adjust_w, np.column_stack([transfer_from, transfer_to]).ravel()]),
        quantity=np.concatenate([restock_q, adjust_q, np.column_stack([-transfer_q, transfer_q]).ravel()]),
        kind=np.concatenate([np.zeros(n_restock, int), np.full(n_adjust, 2), np.full(2 * n_transfer, 3)]),
        t=np.concatenate([t_restock, t_adjust, np.repeat(t_transfer, 2)]),
        reference=[f"PO-{day:05d}-{k:05d}" for k in range(n_restock)]
        + [f"ADJ-{day:05d}-{k:05d}" for k in range(n_adjust)] + [r for r in tr_ref for _ in (0, 1)],
        reason=["restock"] * n_restock + [V.ADJUSTMENT_REASONS[r] for r in reason]
        + ["transfer_out", "transfer_in"] * n_transfer,
    )


def initial_stock(params: Params, calendar: Calendar, outflow: np.ndarray, lo: int, hi: int) -> Movements:
    """The IN at the window start of every (product, warehouse) of products ``lo``..``hi - 1``."""
    rng = stream(params.seed, "inventory.initial", lo)
    w = params.warehouses
    pairs = np.arange(lo * w, hi * w)
    n = len(pairs)
    return Movements(
        inventory_id=pairs + 1,
        product=pairs // w,
        warehouse=pairs % w,
        quantity=outflow[pairs] + rng.integers(10, 100, n),
        kind=np.zeros(n, int),
        t=np.full(n, calendar.start_s),
        reference=[f"INIT-{V.warehouse_id(int(x))}" for x in pairs % w],
        reason=["initial_stock"] * n,
    )


def movement_rows(m: Movements, lo: int = 0, hi: int | None = None) -> list[tuple]:
    """Rows of movements ``lo``..``hi - 1``."""
    hi = len(m.inventory_id) if hi is None else min(hi, len(m.inventory_id))
    t_sql, t_iso = sql(m.t[lo:hi]).tolist(), iso(m.t[lo:hi]).tolist()
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
