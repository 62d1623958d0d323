"""The catalog and its reviews (contract section 5): attributes within their subcategory's schema,
nothing sold or viewed before it launched, names and review texts nearly all distinct, demand skewed
but not absurd.

The schemas are read from :mod:`..vocabulary.catalog` (the tables the generators draw from), so a
product is checked against exactly the ranges it was drawn within.
"""

from __future__ import annotations

from ..vocabulary import SUBCATEGORIES, Attr, Subcategory
from .passes import EVENTS, ORDER_ITEMS
from .sql import Context, Part, Rule, Sql, in_list, literal

C, T, M = "consistency", "time", "realism"
NAMES_DISTINCT = (0.95, 1.0)
TEXTS_DISTINCT = (0.90, 1.0)
TOP_VIEW_SHARE = (0.0, 0.03)  # of product page views, for a catalog of thousands
MONTHLY_ORDERS_MAX = (1.0, 20.0)  # orders by one customer in one calendar month
THOUSANDS = 1_000


def _json_text(value: object) -> str:
    """How a vocabulary value reads through ``->>`` / ``json_extract`` (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attr_ok(q: Sql, attr: Attr) -> str:
    if attr.values:
        values = sorted({_json_text(v) for v in attr.values})
        if all(isinstance(v, bool) for v in attr.values) and not q.pg:
            # json_extract gives 1/0 for JSON booleans
            return f"(json_type(p.attributes, '$.{attr.name}') IN ('true', 'false'))"
        return f"(CAST({q.txt('p.attributes', attr.name)} AS TEXT) IN {in_list(values)})"
    return f"({q.num('p.attributes', attr.name)} BETWEEN {literal(attr.lo)} AND {literal(attr.hi)})"


def _key_count(q: Sql) -> str:
    if q.pg:
        return ("(SELECT count(*) FROM jsonb_object_keys(CASE WHEN jsonb_typeof(p.attributes) = 'object' "
                "THEN p.attributes ELSE '{}'::jsonb END))")
    return "(SELECT count(*) FROM json_each(CASE WHEN json_type(p.attributes) = 'object' THEN p.attributes ELSE '{}' END))"


def _schema_ok(q: Sql, sub: Subcategory) -> str:
    checks = [_attr_ok(q, a) for a in sub.attrs] + [f"{_key_count(q)} = {len(sub.attrs)}"]
    return " AND ".join(checks)


def product_attribute_schema(q: Sql) -> str:
    cases = "\n".join(
        f"  WHEN p.category = {literal(s.category)} AND p.subcategory = {literal(s.name)} "
        f"THEN COALESCE({_schema_ok(q, s)}, FALSE)"
        for s in SUBCATEGORIES
    )
    # Unknown (category, subcategory) pairs are product_category_known's business.
    return f"""SELECT count(*) FROM {q.t('raw_products')} p
WHERE NOT (CASE
{cases}
  ELSE TRUE END)"""


def _before_launch(q: Sql, at: str) -> str:
    """The product ``p`` of a pass (NULL when unknown) was not launched (raw_data.available_from) on the day of ``at``."""
    return f"p.product_id IS NOT NULL AND p.launch IS NOT NULL AND CAST({q.day(q.ts(at))} AS TEXT) < p.launch"


def order_item_after_launch(q: Sql) -> str:
    return _before_launch(q, "o.order_date")


def product_view_after_launch(q: Sql) -> str:
    return _before_launch(q, "e.event_timestamp")


def names_distinct(q: Sql) -> str:
    return f"SELECT 1.0 * count(DISTINCT product_name) / NULLIF(count(*), 0) FROM {q.t('raw_products')}"


def review_texts_distinct(q: Sql) -> str:
    return f"SELECT 1.0 * count(DISTINCT review_text) / NULLIF(count(*), 0) FROM {q.t('raw_reviews')}"


def top_product_view_share(q: Sql) -> str:
    return f"""SELECT 1.0 * MAX(n) / NULLIF(SUM(n), 0) FROM (
  SELECT count(*) AS n FROM {q.t('raw_clickstream')}
  WHERE event_type = 'page_view' AND page_url LIKE '/products/%' GROUP BY page_url) AS v"""


def customer_orders_per_month(q: Sql) -> str:
    month = ("to_char(order_date, 'YYYY-MM')" if q.pg else "strftime('%Y-%m', order_date)")
    return f"""SELECT MAX(n) FROM (
  SELECT count(*) AS n FROM {q.t('raw_orders')} GROUP BY customer_id, {month}) AS m"""


def _small_catalog(ctx: Context) -> str | None:
    if ctx.params is None:
        return "no dataset parameters (the bound is for a catalog of thousands)"
    return None if ctx.params.sized().products >= THOUSANDS else f"fewer than {THOUSANDS} products"


def _const(bounds: tuple[float, float]):  # type: ignore[no-untyped-def]
    return lambda ctx: bounds


def _r(lo_hi: tuple[float, float]) -> str:
    return f"[{lo_hi[0]:g}, {lo_hi[1]:g}]"


RULES: tuple[Rule, ...] = (
    Rule("product_attribute_schema", C,
         "attributes hold exactly the keys of the product's subcategory schema (vocabulary.SUBCATEGORIES), "
         "each value one of its choices or within its range", product_attribute_schema),
    Rule.over("order_item_after_launch", T, "no order item is ordered before its product's raw_data.available_from",
              Part(ORDER_ITEMS, order_item_after_launch)),
    Rule.over("product_view_after_launch", T, "no product page is viewed before its product's raw_data.available_from",
              Part(EVENTS, product_view_after_launch)),
)
REALISM_RULES: tuple[Rule, ...] = (
    Rule("product_names_distinct", M, f"distinct product names / products in {_r(NAMES_DISTINCT)}", names_distinct,
         allowed=_const(NAMES_DISTINCT)),
    Rule("review_texts_distinct", M, f"distinct review texts / reviews in {_r(TEXTS_DISTINCT)}",
         review_texts_distinct, allowed=_const(TEXTS_DISTINCT)),
    Rule("top_product_view_share", M,
         f"share of product page views of the most viewed product in {_r(TOP_VIEW_SHARE)} (catalogs of thousands)",
         top_product_view_share, needs="params", allowed=_const(TOP_VIEW_SHARE), skip=_small_catalog),
    Rule("customer_orders_per_month", M,
         f"most orders by one customer in one calendar month in {_r(MONTHLY_ORDERS_MAX)}", customer_orders_per_month,
         allowed=_const(MONTHLY_ORDERS_MAX)),
)
