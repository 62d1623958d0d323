"""Section 2 of the contract, relationships: zero violations allowed.

Each query counts the rows (orders, items, events, movements...) that break one statement. A rule
checks its own statement only: a missing field is the well-formedness rule's finding, not a second
violation of every rule that reads the field, so one corrupted row shows up under one rule.
"""

from __future__ import annotations

from ..vocabulary import OPEN_STATUSES, SHIPPED_STATUSES
from .passes import EVENTS, ORDER_ITEMS
from .sql import Part, Rule, Sql, in_list

R = "relationship"
SHIPPED = in_list(sorted(SHIPPED_STATUSES))
UNSHIPPED = in_list(sorted(OPEN_STATUSES | {"cancelled"}))
ITEM_KEYS = ("product_id", "quantity", "unit_price", "discount_amount", "total_amount")


def order_customer_exists(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_orders')} o
WHERE NOT EXISTS (SELECT 1 FROM {q.t('raw_customers')} c WHERE c.customer_id = o.customer_id)"""


def order_after_registration(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_orders')} o JOIN {q.t('raw_customers')} c ON c.customer_id = o.customer_id
WHERE c.registration_date IS NULL OR {q.ts('o.order_date')} < {q.ts('c.registration_date')}"""


def order_items_well_formed(q: Sql) -> str:
    v = "it.value"
    bad_item = " OR ".join(
        [f"{q.txt(v, 'product_id')} IS NULL", f"NOT {q.positive_int_like(q.txt(v, 'quantity'))}"]
        + [f"{q.txt(v, k)} IS NULL OR NOT {q.number_like(q.txt(v, k))}" for k in ITEM_KEYS[2:]]
    )
    if q.pg:
        arr = "o.raw_data->'items'"
        return f"""SELECT count(*) FROM {q.t('raw_orders')} o
WHERE CASE WHEN jsonb_typeof({arr}) = 'array' THEN jsonb_array_length({arr}) = 0 OR EXISTS (
    SELECT 1 FROM jsonb_array_elements({arr}) AS it(value)
    WHERE jsonb_typeof(it.value) <> 'object' OR {bad_item})
  ELSE TRUE END"""
    return f"""SELECT count(*) FROM {q.t('raw_orders')} o
WHERE CASE WHEN json_type(o.raw_data, '$.items') = 'array' THEN json_array_length(o.raw_data, '$.items') = 0 OR EXISTS (
    SELECT 1 FROM json_each(o.raw_data, '$.items') AS it WHERE it.type <> 'object' OR {bad_item})
  ELSE 1 END"""


def order_item_product_exists(q: Sql) -> str:
    return "p.product_id IS NULL"


def order_item_unit_price(q: Sql) -> str:
    return f"p.product_id IS NOT NULL AND {q.cents_differ(q.num('it.value', 'unit_price'), 'p.price')}"


def order_item_total(q: Sql) -> str:
    v = "it.value"
    expected = f"{q.num(v, 'unit_price')} * {q.num(v, 'quantity')} - {q.num(v, 'discount_amount')}"
    return q.cents_differ(q.num(v, 'total_amount'), expected)


def order_total_amount(q: Sql) -> str:
    items_sum = f"(SELECT COALESCE(SUM({q.num('it.value', 'total_amount')}), 0) FROM (SELECT 1) AS one {q.items('o')})"
    expected = f"{items_sum} + {q.num('o.raw_data', 'tax_amount')} + {q.num('o.raw_data', 'shipping_cost')}"
    return f"""SELECT count(*) FROM {q.t('raw_orders')} o
WHERE NOT COALESCE(ABS(o.total_amount - ({expected})) < 0.005, FALSE)"""


def order_session_exists(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_orders')} o
WHERE NOT EXISTS (SELECT 1 FROM {q.t('raw_sessions')} s WHERE s.session_id = {q.txt('o.raw_data', 'session_id')})"""


def order_session_same_customer(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_orders')} o
JOIN {q.t('raw_sessions')} s ON s.session_id = {q.txt('o.raw_data', 'session_id')}
WHERE {q.distinct('s.user_id', 'o.customer_id')}"""


def order_purchase_event(q: Sql) -> str:
    return f"""WITH p AS (
  SELECT e.session_id, {q.txt('e.raw_data', 'order_id')} AS order_id, count(*) AS n,
         min({q.ts('e.event_timestamp')}) AS t0, max({q.ts('e.event_timestamp')}) AS t1
  FROM {q.t('raw_clickstream')} e WHERE e.event_type = 'purchase' GROUP BY 1, 2)
SELECT count(*) FROM {q.t('raw_orders')} o
LEFT JOIN p ON p.order_id = o.order_id AND p.session_id = {q.txt('o.raw_data', 'session_id')}
WHERE p.n IS NULL OR p.n <> 1 OR p.t0 <> {q.ts('o.order_date')}"""


def purchase_event_has_order(q: Sql) -> str:
    return f"""WITH o AS (
  SELECT order_id, {q.txt('raw_data', 'session_id')} AS session_id, count(*) AS n
  FROM {q.t('raw_orders')} GROUP BY 1, 2)
SELECT count(*) FROM {q.t('raw_clickstream')} e
LEFT JOIN o ON o.order_id = {q.txt('e.raw_data', 'order_id')} AND o.session_id = e.session_id
WHERE e.event_type = 'purchase' AND (o.n IS NULL OR o.n <> 1)"""


def _preceded(q: Sql, marks: str, events: str) -> str:
    """Count the ``events`` rows that no ``marks`` row precedes in their session and key.

    Both are ``(session_id, k, at, event_id, mark)`` rows (``mark`` 1 for a mark, 0 for an event).
    "Precedes" is earlier in (timestamp, event_id) order, ties excluded (``EXCLUDE GROUP``), as the
    contract's "before". One sort of both sets, no index and no subquery per event: a correlated
    NOT EXISTS ran in 1 s or 53 minutes on the default dataset, depending on which index SQLite chose.
    Events whose timestamp does not parse sort first (nothing precedes them), marks without one are left out.
    """
    window = ("PARTITION BY session_id, k ORDER BY at NULLS FIRST, event_id "
              "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP")
    return f"""SELECT count(*) FROM (
  SELECT mark, MAX(mark) OVER ({window}) AS seen FROM ({marks}
    UNION ALL {events}) AS u) AS w
WHERE mark = 0 AND COALESCE(seen, 0) = 0"""


def _marks(q: Sql, event_type: str, key: str) -> str:
    at = q.ts("event_timestamp")
    return (f"SELECT session_id, {key} AS k, {at} AS at, event_id, 1 AS mark FROM {q.t('raw_clickstream')}\n"
            f"    WHERE event_type = '{event_type}' AND {key} IS NOT NULL AND {at} IS NOT NULL")


def order_add_to_cart_before_purchase(q: Sql) -> str:
    # Each item of the order a purchase names, keyed by its product page: some add_to_cart of that page precedes it.
    items = (f"SELECT p.session_id, '/products/' || {q.txt('it.value', 'product_id')}, {q.ts('p.event_timestamp')}, "
             f"p.event_id, 0\n    FROM {q.t('raw_clickstream')} p\n"
             f"    JOIN {q.t('raw_orders')} o ON o.order_id = {q.txt('p.raw_data', 'order_id')} {q.items('o')}\n"
             "    WHERE p.event_type = 'purchase'")
    return _preceded(q, _marks(q, "add_to_cart", "page_url"), items)


def order_checkout_before_purchase(q: Sql) -> str:
    purchases = (f"SELECT session_id, '', {q.ts('event_timestamp')}, event_id, 0 FROM {q.t('raw_clickstream')}\n"
                 "    WHERE event_type = 'purchase'")
    return _preceded(q, _marks(q, "checkout_start", "''"), purchases)


def event_session_exists(q: Sql) -> str:
    return "s.session_id IS NULL"


def event_user_matches_session(q: Sql) -> str:
    return f"s.session_id IS NOT NULL AND {q.distinct('e.user_id', 's.user_id')}"


def event_device_matches_session(q: Sql) -> str:
    checks = [
        f"(s.{col} IS NOT NULL AND {q.distinct(q.txt('e.device_info', col), 's.' + col)})"
        for col in ("device_type", "browser", "operating_system")
    ]
    if q.pg:
        checks.append("(s.is_mobile IS NOT NULL AND (e.device_info->'is_mobile') IS DISTINCT FROM to_jsonb(s.is_mobile))")
    else:
        checks.append("(s.is_mobile IS NOT NULL AND json_extract(e.device_info, '$.is_mobile') IS NOT s.is_mobile)")
    return f"s.session_id IS NOT NULL AND ({' OR '.join(checks)})"


def product_page_exists(q: Sql) -> str:
    return "e.page_url LIKE '/products/%' AND p.product_id IS NULL"


def session_user_registered(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_sessions')} s LEFT JOIN {q.t('raw_customers')} c ON c.customer_id = s.user_id
WHERE s.user_id IS NOT NULL
  AND (c.customer_id IS NULL OR c.registration_date IS NULL OR {q.ts('c.registration_date')} > {q.ts('s.start_time')})"""


def _bought_before(q: Sql, extra: str) -> str:
    """EXISTS: customer ``r`` ordered product ``r`` before the review (plus ``extra``)."""
    return f"""EXISTS (SELECT 1 FROM {q.t('raw_orders')} o {q.items('o')}
  WHERE o.customer_id = r.customer_id AND {q.txt('it.value', 'product_id')} = r.product_id AND {extra})"""


def review_after_order(q: Sql) -> str:
    placed = f"{q.ts('o.order_date')} < {q.ts('r.review_date')}"
    return f"SELECT count(*) FROM {q.t('raw_reviews')} r WHERE NOT {_bought_before(q, placed)}"


def review_verified_purchase(q: Sql) -> str:
    delivered = f"{q.jts('o.raw_data', 'delivered_at')} < {q.ts('r.review_date')}"
    return f"""SELECT count(*) FROM {q.t('raw_reviews')} r
WHERE COALESCE(r.verified_purchase, FALSE) <> ({_bought_before(q, delivered)})"""


def review_unique_per_customer_product(q: Sql) -> str:
    return f"""SELECT COALESCE(SUM(n - 1), 0) FROM (
  SELECT count(*) AS n FROM {q.t('raw_reviews')} GROUP BY customer_id, product_id HAVING count(*) > 1) AS d"""


def inventory_product_exists(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_inventory')} m
WHERE NOT EXISTS (SELECT 1 FROM {q.t('raw_products')} p WHERE p.product_id = m.product_id)"""


def inventory_initial_in(q: Sql) -> str:
    return f"""WITH w AS (SELECT DISTINCT warehouse_id FROM {q.t('raw_inventory')}),
f AS (SELECT product_id, warehouse_id, movement_type, {q.ts('movement_date')} AS at,
             row_number() OVER (PARTITION BY product_id, warehouse_id ORDER BY {q.ts('movement_date')}, inventory_id) AS rn
      FROM {q.t('raw_inventory')})
SELECT count(*) FROM {q.t('raw_products')} p CROSS JOIN w
LEFT JOIN f ON f.product_id = p.product_id AND f.warehouse_id = w.warehouse_id AND f.rn = 1
WHERE f.product_id IS NULL OR f.movement_type <> 'IN' OR f.at <> :start"""


def inventory_out_per_shipped_item(q: Sql) -> str:
    # One GROUP BY over both sides rather than a FULL JOIN: SQLite runs a FULL JOIN of two
    # materialized subqueries as a nested loop (quadratic: minutes on the default dataset).
    # A (order, product) key is a violation when one side lacks it, the counts differ or the
    # quantities do not cancel; a NULL key never matches, so it is a violation too.
    return f"""WITH u AS (
  SELECT o.order_id, {q.txt('it.value', 'product_id')} AS product_id, 1 AS ni, 0 AS nm,
         {q.num('it.value', 'quantity')} AS qi, 0 AS qm
  FROM {q.t('raw_orders')} o {q.items('o')} WHERE o.status IN {SHIPPED}
  UNION ALL
  SELECT reference_number, product_id, 0, 1, 0, quantity
  FROM {q.t('raw_inventory')} x
  WHERE movement_type = 'OUT' AND NOT EXISTS (
    SELECT 1 FROM {q.t('raw_orders')} o WHERE o.order_id = x.reference_number AND o.status IN {UNSHIPPED}))
SELECT count(*) FROM (SELECT 1 AS v FROM u GROUP BY order_id, product_id
  HAVING order_id IS NULL OR product_id IS NULL OR SUM(ni) = 0 OR SUM(nm) = 0 OR SUM(ni) <> SUM(nm)
      OR SUM(qi) <> -SUM(qm)) AS bad"""


def inventory_out_dated_at_shipping(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_inventory')} m JOIN {q.t('raw_orders')} o ON o.order_id = m.reference_number
WHERE m.movement_type = 'OUT' AND o.status IN {SHIPPED}
  AND ({q.distinct(q.ts('m.movement_date'), q.jts('o.raw_data', 'shipped_at'))}
       OR {q.ts('m.movement_date')} < {q.ts('o.order_date')})"""


def inventory_no_out_for_unshipped(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_inventory')} m JOIN {q.t('raw_orders')} o ON o.order_id = m.reference_number
WHERE m.movement_type = 'OUT' AND o.status IN {UNSHIPPED}"""


def inventory_return_in(q: Sql) -> str:
    return f"""WITH i AS (
  SELECT o.order_id, {q.txt('it.value', 'product_id')} AS product_id, SUM({q.num('it.value', 'quantity')}) AS qty
  FROM {q.t('raw_orders')} o {q.items('o')} WHERE o.status = 'returned' GROUP BY 1, 2),
m AS (
  SELECT reference_number AS order_id, product_id, SUM(quantity) AS qty
  FROM {q.t('raw_inventory')} x
  WHERE movement_type = 'IN' AND (reference_number LIKE 'ORD%' OR EXISTS (
      SELECT 1 FROM {q.t('raw_orders')} o WHERE o.order_id = x.reference_number))
  GROUP BY 1, 2)
SELECT count(*) FROM i FULL JOIN m ON m.order_id = i.order_id AND m.product_id = i.product_id
WHERE i.qty IS NULL OR m.qty IS NULL OR i.qty <> m.qty"""


def inventory_transfer_pairs(q: Sql) -> str:
    return f"""SELECT COALESCE(SUM(n), 0) FROM (
  SELECT count(*) AS n, SUM(quantity) AS total, MIN(quantity) AS lo, count(DISTINCT warehouse_id) AS w,
         count(reference_number) AS refs
  FROM {q.t('raw_inventory')} WHERE movement_type = 'TRANSFER'
  GROUP BY reference_number, movement_date, product_id) AS g
WHERE NOT (n = 2 AND refs = 2 AND total = 0 AND lo < 0 AND w = 2)"""


def inventory_stock_nonnegative(q: Sql) -> str:
    return f"""SELECT count(*) FROM (
  SELECT SUM(quantity) OVER (PARTITION BY product_id, warehouse_id ORDER BY {q.ts('movement_date')}, inventory_id
                             ROWS UNBOUNDED PRECEDING) AS stock
  FROM {q.t('raw_inventory')}) AS r
WHERE stock < 0"""


RULES: tuple[Rule, ...] = (
    Rule("order_customer_exists", R, "every raw_orders.customer_id is a customer", order_customer_exists),
    Rule("order_after_registration", R, "order_date >= the customer's registration_date", order_after_registration),
    Rule("order_items_well_formed", R,
         "raw_data.items is a non-empty list of {product_id, quantity (positive integer), unit_price, "
         "discount_amount, total_amount (numbers)}", order_items_well_formed),
    Rule.over("order_item_product_exists", R, "every item product_id is a product",
              Part(ORDER_ITEMS, order_item_product_exists)),
    Rule.over("order_item_unit_price", R, "item unit_price equals the product's price",
              Part(ORDER_ITEMS, order_item_unit_price)),
    Rule.over("order_item_total", R, "item total_amount = unit_price * quantity - discount_amount, to the cent",
              Part(ORDER_ITEMS, order_item_total)),
    Rule("order_total_amount", R, "order total_amount = sum(item totals) + tax_amount + shipping_cost, to the cent",
         order_total_amount),
    Rule("order_session_exists", R, "raw_data.session_id of every order is a session", order_session_exists),
    Rule("order_session_same_customer", R, "the order's session belongs to the ordering customer",
         order_session_same_customer),
    Rule("order_purchase_event", R,
         "the order's session holds exactly one purchase event for the order, at order_date", order_purchase_event),
    Rule("purchase_event_has_order", R,
         "every purchase event names (raw_data.order_id) exactly one order placed in its session",
         purchase_event_has_order),
    Rule("order_add_to_cart_before_purchase", R,
         "before the purchase, the session holds an add_to_cart of /products/<id> for every ordered product",
         order_add_to_cart_before_purchase),
    Rule("order_checkout_before_purchase", R, "before each purchase, the session holds a checkout_start",
         order_checkout_before_purchase),
    Rule.over("event_session_exists", R, "every raw_clickstream.session_id is a session",
              Part(EVENTS, event_session_exists)),
    Rule.over("event_user_matches_session", R, "an event's user_id equals its session's",
              Part(EVENTS, event_user_matches_session)),
    Rule.over("event_device_matches_session", R,
              "device_info device_type/browser/operating_system/is_mobile equal the session's (where it has them)",
              Part(EVENTS, event_device_matches_session)),
    Rule.over("product_page_exists", R, "/products/<id> pages name existing products", Part(EVENTS, product_page_exists)),
    Rule("session_user_registered", R, "a session's user_id is a customer registered at or before start_time",
         session_user_registered),
    Rule("review_after_order", R, "the review's (customer, product) is in an order of that customer placed before it",
         review_after_order),
    Rule("review_verified_purchase", R,
         "verified_purchase is true exactly when such an order has raw_data.delivered_at before review_date",
         review_verified_purchase),
    Rule("review_unique_per_customer_product", R, "at most one review per (customer, product)",
         review_unique_per_customer_product),
    Rule("inventory_product_exists", R, "every raw_inventory.product_id is a product", inventory_product_exists),
    Rule("inventory_initial_in", R,
         "every (product, warehouse) starts, in (movement_date, inventory_id) order, with an IN dated at the window start",
         inventory_initial_in, needs="window"),
    Rule("inventory_out_per_shipped_item", R,
         "each shipped/delivered/returned order item has one OUT (reference_number = order_id, quantity = -quantity); "
         "no other OUT", inventory_out_per_shipped_item),
    Rule("inventory_out_dated_at_shipping", R, "an order's OUT is dated at raw_data.shipped_at, not before order_date",
         inventory_out_dated_at_shipping),
    Rule("inventory_no_out_for_unshipped", R, "pending, processing and cancelled orders have no OUT",
         inventory_no_out_for_unshipped),
    Rule("inventory_return_in", R,
         "IN movements that reference an order bring back a returned item of it; every returned item comes back "
         "with its quantity",
         inventory_return_in),
    Rule("inventory_transfer_pairs", R,
         "TRANSFER movements come in pairs: -q and +q, two warehouses, same product, reference and time",
         inventory_transfer_pairs),
    Rule("inventory_stock_nonnegative", R,
         "replayed in (movement_date, inventory_id) order, no (product, warehouse) stock goes below zero",
         inventory_stock_nonnegative),
)
