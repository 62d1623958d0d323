"""Stock by policy (contract section 5): restocks are purchase orders that arrive after a lead time,
an order cancelled for stock really met a shelf without enough units, and stock-outs happen to some
(product, warehouse) pairs but not to most.

"Available" at a moment is what the movements up to that moment left on the shelf, minus the units
already promised to orders placed by then that leave later: what a warehouse could still sell.
"""

from __future__ import annotations

from .sql import Rule, Sql

R, M = "relationship", "realism"
STOCKOUT_SHARE = (0.005, 0.5)  # of (product, warehouse) pairs that reach zero at least once


def _po_date(q: Sql, ref: str) -> str:
    """The placement date in ``PO-YYYYMMDD-...`` as a date."""
    iso = f"substr({ref}, 4, 4) || '-' || substr({ref}, 8, 2) || '-' || substr({ref}, 10, 2)"
    return f"CAST({iso} AS date)" if q.pg else f"date({iso})"


def inventory_restock_po(q: Sql) -> str:
    ref = "m.reference_number"
    well_formed = (f"{ref} ~ '^PO-[0-9]{{8}}-[0-9]+$'" if q.pg
                   else f"{ref} GLOB 'PO-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9]*'")
    return f"""SELECT count(*) FROM {q.t('raw_inventory')} m
WHERE m.movement_type = 'IN' AND {q.ts('m.movement_date')} <> :start
  AND NOT EXISTS (SELECT 1 FROM {q.t('raw_orders')} o WHERE o.order_id = m.reference_number)
  AND NOT COALESCE(CASE WHEN {well_formed}
                        THEN {_po_date(q, ref)} < {q.day(q.ts('m.movement_date'))} END, FALSE)"""


def inventory_out_of_stock_cancellation(q: Sql) -> str:
    # The stock and the promised units are summed per distinct (product, warehouse, moment) by joins,
    # not by two correlated subqueries per item: SQLite ran those as a scan per item (68 s).
    wh = q.txt("o.raw_data", "warehouse_id")
    reason = q.txt("o.raw_data", "cancel_reason")
    at = q.ts("m.movement_date")
    return f"""WITH c AS (
  SELECT o.order_id, {q.ts('o.order_date')} AS at, {wh} AS warehouse_id,
         {q.txt('it.value', 'product_id')} AS product_id, {q.num('it.value', 'quantity')} AS qty
  FROM {q.t('raw_orders')} o {q.items('o')} WHERE {reason} = 'out_of_stock' AND o.status = 'cancelled'),
k AS (SELECT DISTINCT product_id, warehouse_id, at FROM c WHERE warehouse_id IS NOT NULL),
s AS (
  SELECT k.product_id, k.warehouse_id, k.at, SUM(m.quantity) AS n
  FROM k JOIN {q.t('raw_inventory')} m ON m.product_id = k.product_id AND {q.plain('m.warehouse_id')} = k.warehouse_id
  WHERE {at} <= k.at GROUP BY k.product_id, k.warehouse_id, k.at),
p AS (
  SELECT k.product_id, k.warehouse_id, k.at, SUM(-m.quantity) AS n
  FROM k JOIN {q.t('raw_inventory')} m ON m.product_id = k.product_id AND {q.plain('m.warehouse_id')} = k.warehouse_id
  JOIN {q.t('raw_orders')} o2 ON o2.order_id = m.reference_number
  WHERE {q.plain('m.movement_type')} = 'OUT' AND {at} > k.at AND {q.ts('o2.order_date')} <= k.at
  GROUP BY k.product_id, k.warehouse_id, k.at),
a AS (
  SELECT c.order_id, c.qty, CASE WHEN c.warehouse_id IS NOT NULL THEN COALESCE(s.n, 0) - COALESCE(p.n, 0) END AS available
  FROM c
  LEFT JOIN s ON s.product_id = c.product_id AND s.warehouse_id = c.warehouse_id AND s.at = c.at
  LEFT JOIN p ON p.product_id = c.product_id AND p.warehouse_id = c.warehouse_id AND p.at = c.at)
SELECT (SELECT count(*) FROM (SELECT order_id FROM a GROUP BY order_id
                              HAVING MAX(CASE WHEN available < qty THEN 1 ELSE 0 END) = 0) AS enough)
     + (SELECT count(*) FROM {q.t('raw_orders')} o WHERE {reason} = 'out_of_stock' AND o.status <> 'cancelled')"""


def stockout_share(q: Sql) -> str:
    return f"""SELECT 1.0 * count(DISTINCT CASE WHEN stock = 0 THEN product_id || '/' || warehouse_id END)
       / NULLIF(count(DISTINCT product_id || '/' || warehouse_id), 0)
FROM (
  SELECT product_id, warehouse_id,
         SUM(quantity) OVER (PARTITION BY product_id, warehouse_id ORDER BY {q.ts('movement_date')}, inventory_id
                             ROWS UNBOUNDED PRECEDING) AS stock
  FROM {q.t('raw_inventory')}) AS r"""


def _const(bounds: tuple[float, float]):  # type: ignore[no-untyped-def]
    return lambda ctx: bounds


RULES: tuple[Rule, ...] = (
    Rule("inventory_restock_po", R,
         "every IN after the window start that is not a customer return is a purchase order: reference "
         "PO-<YYYYMMDD placed>-<n>, placed at least a day before it arrives", inventory_restock_po, needs="window"),
    Rule("inventory_out_of_stock_cancellation", R,
         "orders with raw_data.cancel_reason 'out_of_stock' are cancelled, and at order_date some item's available "
         "stock in the order's warehouse (movements so far minus units promised to earlier orders still to ship) "
         "was below its quantity", inventory_out_of_stock_cancellation),
)
REALISM_RULES: tuple[Rule, ...] = (
    Rule("stockout_share", M,
         f"share of (product, warehouse) pairs whose replayed stock reaches zero at least once in "
         f"[{STOCKOUT_SHARE[0]:g}, {STOCKOUT_SHARE[1]:g}]", stockout_share, allowed=_const(STOCKOUT_SHARE)),
)
