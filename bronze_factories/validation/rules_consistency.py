"""Consistency inside a row (contract section 4, the parts that hold row by row, so zero violations
allowed) plus the id formats of section 1 and the ``raw_data`` completeness rule.

Vocabulary tables (cities with their ZIP codes, devices, categories, review titles) are inlined as
``VALUES`` lists, so the rules check against exactly what the generators draw from.
"""

from __future__ import annotations

from ..models import MODELS, TABLES
from ..vocabulary import (
    CATEGORIES,
    DEVICES,
    EVENT_TYPES,
    MOVEMENT_TYPES,
    NEGATIVE_MARKERS,
    POSITIVE_MARKERS,
    REVIEW_TITLES,
    SIZED_CATEGORIES,
)
from .passes import EVENTS, table
from .sql import Part, Rule, Sql, in_list, literal, place_check, values_cte

C = "consistency"


def customer_address_place(q: Sql) -> str:
    return place_check(q, "raw_customers", "address")


def order_shipping_address_place(q: Sql) -> str:
    return place_check(q, "raw_orders", "shipping_address")


def session_location_place(q: Sql) -> str:
    return place_check(q, "raw_sessions", "location")


def session_device_combination(q: Sql) -> str:
    combos = values_cte("combos", ("device_type", "operating_system", "browser"),
                        [(d.device_type, d.operating_system, b) for d in DEVICES for b in d.browsers])
    return f"""WITH {combos}
SELECT count(*) FROM {q.t('raw_sessions')} s
WHERE NOT EXISTS (SELECT 1 FROM combos k WHERE k.device_type = s.device_type
                  AND k.operating_system = s.operating_system AND k.browser = s.browser)"""


def session_is_mobile(q: Sql) -> str:
    mobile = q.distinct("is_mobile", "(device_type <> 'desktop')")
    return f"SELECT count(*) FROM {q.t('raw_sessions')} WHERE {mobile}"


def product_category_known(q: Sql) -> str:
    pairs = values_cte("cats", ("category", "subcategory"), [(c.name, s) for c in CATEGORIES for s in c.subcategories])
    return f"""WITH {pairs}
SELECT count(*) FROM {q.t('raw_products')} p
WHERE NOT EXISTS (SELECT 1 FROM cats k WHERE k.category = p.category AND k.subcategory = p.subcategory)"""


def product_size_attribute(q: Sql) -> str:
    sizes = values_cte("sizes", ("category", "size"), [(c.name, s) for c in CATEGORIES for s in c.sizes])
    size = q.txt("p.attributes", "size")
    return f"""WITH {sizes}
SELECT count(*) FROM {q.t('raw_products')} p
WHERE (p.category IN {in_list(sorted(SIZED_CATEGORIES))}
       AND NOT EXISTS (SELECT 1 FROM sizes k WHERE k.category = p.category AND k.size = {size}))
   OR (p.category = 'Books' AND {size} IS NOT NULL)"""


def product_cost_below_price(q: Sql) -> str:
    return f"SELECT count(*) FROM {q.t('raw_products')} WHERE NOT COALESCE(cost >= 0 AND cost < price, FALSE)"


def _any_marker(q: Sql, markers: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"lower(r.review_text) LIKE {literal('%' + m + '%')}" for m in markers) + ")"


def review_title_matches_rating(q: Sql) -> str:
    titles = values_cte("titles", ("rating", "title"), [(r, t) for r, ts in REVIEW_TITLES.items() for t in ts])
    return f"""WITH {titles}
SELECT count(*) FROM {q.t('raw_reviews')} r
WHERE NOT EXISTS (SELECT 1 FROM titles k WHERE k.rating = r.rating AND k.title = r.review_title)
   OR COALESCE(r.review_text, '') = ''
   OR (r.rating >= 4 AND {_any_marker(q, NEGATIVE_MARKERS)})
   OR (r.rating <= 2 AND {_any_marker(q, POSITIVE_MARKERS)})"""


def event_type_known(q: Sql) -> str:
    return f"e.event_type NOT IN {in_list(EVENT_TYPES)}"


def inventory_movement_sign(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_inventory')}
WHERE movement_type NOT IN {in_list(MOVEMENT_TYPES)} OR quantity = 0
   OR (movement_type = 'IN' AND quantity < 0) OR (movement_type = 'OUT' AND quantity > 0)"""


#: Columns that are load metadata, not part of the source record.
_NOT_IN_RAW = frozenset({"source_system", "ingestion_timestamp", "raw_data"})


def _raw_columns(table: str) -> list[str]:
    model = next(m for m in MODELS if m.__tablename__ == table)
    return [c.name for c in model.__table__.columns if c.name not in _NOT_IN_RAW]


def _raw_data_incomplete(name: str, doc: str):  # type: ignore[no-untyped-def]
    return lambda q: f"NOT COALESCE({q.has_keys(doc, _raw_columns(name))}, FALSE)"


#: raw_data_not_empty: one part per table (the events' within the pass over every event).
RAW_DATA_PARTS = tuple(
    Part(EVENTS, _raw_data_incomplete(t, "e.raw_data")) if t == "raw_clickstream"
    else Part(table(t), _raw_data_incomplete(t, "raw_data"))
    for t in TABLES
)


ID_FORMATS = (
    ("raw_customers", "customer_id", "CUST", 8),
    ("raw_products", "product_id", "PROD", 8),
    ("raw_orders", "order_id", "ORD", 10),
    ("raw_reviews", "review_id", "REV", 10),
    ("raw_sessions", "session_id", "SESS", 12),
    ("raw_inventory", "warehouse_id", "WH", 3),
)


def _id_format(column: str, prefix: str, digits: int):  # type: ignore[no-untyped-def]
    return lambda q: f"NOT COALESCE({q.id_format(column, prefix, digits)}, FALSE)"


def _repeated(column: str):  # type: ignore[no-untyped-def]
    return lambda q: f"count(*) - count(DISTINCT {column})"


#: id_formats: the formats, then the uniqueness of event_id and inventory_id: they are generated by the
#: project and their primary keys include the timestamp, so the database alone would accept the same
#: id twice. (A DISTINCT count stays out of the pass over every event: PostgreSQL would run it serially.)
ID_PARTS = tuple(Part(table(t), _id_format(c, p, n)) for t, c, p, n in ID_FORMATS) + tuple(
    Part(table(t), value=_repeated(c)) for t, c in (("raw_clickstream", "event_id"), ("raw_inventory", "inventory_id"))
)


RULES: tuple[Rule, ...] = (
    Rule("customer_address_place", C, "customer address: a real (city, state, ZIP code) of vocabulary.CITIES, "
         "country US", customer_address_place),
    Rule("order_shipping_address_place", C, "shipping_address: a real (city, state, ZIP code), country US",
         order_shipping_address_place),
    Rule("session_location_place", C, "session location: a real (city, state, ZIP code), country US",
         session_location_place),
    Rule("session_device_combination", C,
         "(device_type, operating_system, browser) is one of vocabulary.DEVICES (iOS only on mobile/tablet with "
         "Safari or Chrome)", session_device_combination),
    Rule("session_is_mobile", C, "is_mobile is true exactly for mobile and tablet devices", session_is_mobile),
    Rule("product_category_known", C, "(category, subcategory) is one of vocabulary.CATEGORIES",
         product_category_known),
    Rule("product_size_attribute", C, "sized categories (Clothing, Shoes) have a size of their category in "
         "attributes; Books have none", product_size_attribute),
    Rule("product_cost_below_price", C, "0 <= cost < price", product_cost_below_price),
    Rule("review_title_matches_rating", C,
         "review_title is one of vocabulary.REVIEW_TITLES[rating]; review_text is not empty and agrees in tone "
         "(no vocabulary.NEGATIVE_MARKERS at 4-5 stars, no POSITIVE_MARKERS at 1-2)", review_title_matches_rating),
    Rule.over("event_type_known", C, "event_type is one of vocabulary.EVENT_TYPES", Part(EVENTS, event_type_known)),
    Rule("inventory_movement_sign", C, "movement_type is IN/OUT/ADJUSTMENT/TRANSFER; IN > 0, OUT < 0, none zero",
         inventory_movement_sign),
    Rule.over("raw_data_not_empty", C, "raw_data is a JSON object holding every column of its row, in every row "
              "of the seven tables", *RAW_DATA_PARTS),
    Rule.over("id_formats", C, "ids are CUST+8, PROD+8, ORD+10, REV+10, SESS+12 digits, warehouses WH+3 digits; "
              "event_id and inventory_id are unique", *ID_PARTS),
)
