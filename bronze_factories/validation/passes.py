"""The FROM clauses several rules read (:class:`~.sql.Pass`): the runner reads each once per run.

raw_clickstream holds nearly all the rows of a dataset (6.4 million of 7 million at the default
size); a rule per scan of it made validation take minutes. The rules over events are parts of two
passes instead: :data:`EVENTS` (each event with its session and, on a product page, its product)
and :data:`SESSION_STEPS` (each session's events in time order, summed up per session). The rules
over order items share :data:`ORDER_ITEMS`, and rules over one table's own columns :func:`table`.
The aliases below are what the rules' conditions name.
"""

from __future__ import annotations

import functools

from ..models import TABLES
from .sql import Pass, Sql

#: An event's funnel stage: 0 page views and searches, 1 add_to_cart, 2 checkout_start, 3 purchase.
STAGE = ("CASE event_type WHEN 'add_to_cart' THEN 1 WHEN 'checkout_start' THEN 2 WHEN 'purchase' THEN 3 "
         "ELSE 0 END")


def _products(q: Sql) -> str:
    """``p``: product_id, price and launch (raw_data.available_from, text).

    On SQLite the launch is worked out once per product, not once per event that reads it (a JSON
    parse of the product per product page view: 3 s). Not on PostgreSQL: a subquery kept apart runs in
    the leader only, and the pass over millions of events would lose its parallel workers.
    """
    return (f"(SELECT product_id, price, {q.txt('raw_data', 'available_from')} AS launch "
            f"FROM {q.t('raw_products')}{'' if q.pg else q.apart}) AS p")


def _events(q: Sql) -> str:
    # session_id and product_id are primary keys: the left joins add no rows, an event keeps one row.
    return (f"{q.t('raw_clickstream')} e LEFT JOIN {q.t('raw_sessions')} s ON s.session_id = e.session_id\n"
            f"LEFT JOIN {_products(q)} ON p.product_id = "
            "CASE WHEN e.page_url LIKE '/products/%' THEN substr(e.page_url, 11) END")


#: ``e``: every event; ``s``: its session (NULL when there is none); ``p``: the product of a
#: ``/products/<id>`` page (NULL on other pages and for an unknown product): product_id, price, launch.
EVENTS = Pass("events", _events)


def _session_steps(q: Sql) -> str:
    order = f"ORDER BY {q.ts('event_timestamp')}, event_id"  # "before" in the contract's time rules
    return f"""(SELECT session_id, count(*) AS events,
    MAX(CASE WHEN pos = 1 AND event_type <> 'page_view' THEN 1 ELSE 0 END) AS bad_start,
    MAX(CASE WHEN stage < prev THEN 1 ELSE 0 END) AS backwards,
    MIN(CASE WHEN stage = 1 THEN pos END) AS first_cart, MIN(CASE WHEN stage = 2 THEN pos END) AS first_checkout,
    MAX(CASE WHEN event_type = 'page_view' AND page_url LIKE '/products/%' THEN 1 ELSE 0 END) AS viewed,
    MAX(CASE WHEN stage = 1 THEN 1 ELSE 0 END) AS carted, MAX(CASE WHEN stage = 2 THEN 1 ELSE 0 END) AS checked_out,
    MAX(CASE WHEN stage = 3 THEN 1 ELSE 0 END) AS purchased
  FROM (SELECT session_id, event_type, page_url, {STAGE} AS stage,
               LAG({STAGE}) OVER (PARTITION BY session_id {order}) AS prev,
               row_number() OVER (PARTITION BY session_id {order}) AS pos
        FROM {q.t('raw_clickstream')}) AS x
  GROUP BY session_id) AS f
LEFT JOIN {q.t('raw_sessions')} s ON s.session_id = f.session_id"""


#: ``f``: one row per session_id of raw_clickstream: its number of ``events``, ``bad_start`` (1 when
#: its first event is not a page_view), ``backwards`` (1 when the funnel stage ever goes back), the
#: positions of the first add_to_cart and checkout_start, and whether it has a product page view, an
#: add_to_cart, a checkout_start, a purchase (1/0); ``s``: the session (NULL when there is none; a
#: join that the databases drop from the queries that do not read it).
SESSION_STEPS = Pass("session_steps", _session_steps)


def _items(q: Sql) -> str:
    return (f"{q.t('raw_orders')} o {q.items('o')}\n"
            f"LEFT JOIN {_products(q)} ON p.product_id = {q.txt('it.value', 'product_id')}")


#: ``o``: an order, once per item; ``it.value``: the item; ``p``: its product (NULL when unknown), as in EVENTS.
ORDER_ITEMS = Pass("order_items", _items)


@functools.cache
def table(name: str) -> Pass:
    """One table, unaliased: rules with conditions on its own columns."""
    assert name in TABLES
    return Pass(name, lambda q: q.t(name))
