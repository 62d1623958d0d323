"""Section 3 of the contract, time: zero violations allowed.

The window is half-open, ``[start, end)``. "Before" between two events of a session means earlier in
``(event_timestamp, event_id)`` order: event ids are assigned by position within the session, so two
events in the same second still have an order.

How an order's status follows its age (our reading of "recent orders may be pending/processing/shipped,
old ones are delivered, cancelled or returned"): ``pending`` and ``processing`` are allowed only for
orders placed within :data:`OPEN_MAX_AGE` of ``end`` (a back-order waiting for its purchase order stays
``processing`` up to :data:`SHIPPED_MAX_AGE`), ``shipped`` only within :data:`SHIPPED_MAX_AGE`;
``delivered``, ``cancelled`` and ``returned`` are allowed at any age (their timestamps must still be
before ``end``).
"""

from __future__ import annotations

from ..vocabulary import ORDER_STATUSES, PAYMENT_STATUS
from .passes import EVENTS, SESSION_STEPS
from .sql import OPEN_MAX_AGE, SHIPPED_MAX_AGE, Part, Rule, Sql, in_list

T = "time"
FULFILMENT = ("shipped_at", "delivered_at", "returned_at", "cancelled_at")


def _outside_window(q: Sql, column: str) -> str:
    c = q.ts(column)
    return f"{c} IS NULL OR {c} < :start OR {c} >= :end"


def _outside(q: Sql, table: str, column: str) -> str:
    return f"SELECT count(*) FROM {q.t(table)} WHERE {_outside_window(q, column)}"


def orders_in_window(q: Sql) -> str:
    return _outside(q, "raw_orders", "order_date")


def events_in_window(q: Sql) -> str:
    return _outside_window(q, "e.event_timestamp")


def inventory_in_window(q: Sql) -> str:
    return _outside(q, "raw_inventory", "movement_date")


def reviews_in_window(q: Sql) -> str:
    return _outside(q, "raw_reviews", "review_date")


def sessions_in_window(q: Sql) -> str:
    return f"{_outside(q, 'raw_sessions', 'start_time')} OR {q.ts('end_time')} >= :end"


def customers_registered_before_end(q: Sql) -> str:
    c = q.ts("registration_date")
    return f"SELECT count(*) FROM {q.t('raw_customers')} WHERE {c} IS NULL OR {c} >= :end"


def session_events_within_session(q: Sql) -> str:
    e = q.ts("e.event_timestamp")
    return (f"s.session_id IS NOT NULL AND (s.end_time IS NULL OR {e} < {q.ts('s.start_time')} "
            f"OR {e} > {q.ts('s.end_time')})")


def session_duration(q: Sql) -> str:
    return f"""SELECT count(*) FROM {q.t('raw_sessions')}
WHERE NOT COALESCE(end_time >= start_time AND ABS(duration_seconds - {q.seconds(q.ts('start_time'), q.ts('end_time'))}) < 1,
                   FALSE)"""


def session_first_event_page_view(q: Sql) -> str:
    return "f.bad_start = 1"


def session_funnel_order(q: Sql) -> str:
    return "f.backwards = 1 OR (f.first_checkout IS NOT NULL AND (f.first_cart IS NULL OR f.first_cart > f.first_checkout))"


def order_status_age(q: Sql) -> str:
    d = q.ts("order_date")
    return f"""SELECT count(*) FROM {q.t('raw_orders')}
WHERE status IS NULL OR status NOT IN {in_list(ORDER_STATUSES)}
   OR (status = 'pending' AND {d} < :open_cutoff)
   OR (status = 'processing' AND {d} < :open_cutoff AND NOT (CAST({q.txt('raw_data', 'backordered')} AS TEXT)
                                                          IN ('true', '1') AND {d} >= :shipped_cutoff))
   OR (status = 'shipped' AND {d} < :shipped_cutoff)"""


def order_fulfilment_dates(q: Sql) -> str:
    s, dl, r, c = (q.jts("raw_data", k) for k in FULFILMENT)
    d = q.ts("order_date")
    present = {k: f"{q.txt('raw_data', k)} IS NOT NULL" for k in FULFILMENT}
    absent = {k: f"{q.txt('raw_data', k)} IS NULL" for k in FULFILMENT}
    bad = [f"({x} <= {d} OR {x} >= :end)" for x in (s, dl, r, c)]
    bad += [f"{s} > {dl}", f"{dl} > {r}"]
    bad += [
        f"(status IN ('shipped', 'delivered', 'returned') AND {absent['shipped_at']})",
        f"(status IN ('delivered', 'returned') AND {absent['delivered_at']})",
        f"(status = 'returned' AND {absent['returned_at']})",
        f"(status IN ('pending', 'processing', 'cancelled') AND {present['shipped_at']})",
        f"(status IN ('pending', 'processing', 'cancelled', 'shipped') AND {present['delivered_at']})",
        f"(status <> 'returned' AND {present['returned_at']})",
        f"(status <> 'cancelled' AND {present['cancelled_at']})",
    ]
    return f"SELECT count(*) FROM {q.t('raw_orders')} WHERE " + "\n   OR ".join(bad)


def order_payment_status(q: Sql) -> str:
    expected = "CASE status " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in PAYMENT_STATUS.items()) + " END"
    return f"SELECT count(*) FROM {q.t('raw_orders')} WHERE {q.distinct(q.txt('raw_data', 'payment_status'), expected)}"


W = "window"
RULES: tuple[Rule, ...] = (
    Rule("orders_in_window", T, "order_date lies in [start, end)", orders_in_window, needs=W),
    Rule("sessions_in_window", T, "start_time lies in [start, end), end_time before end", sessions_in_window, needs=W),
    Rule.over("events_in_window", T, "event_timestamp lies in [start, end)", Part(EVENTS, events_in_window), needs=W),
    Rule("inventory_in_window", T, "movement_date lies in [start, end)", inventory_in_window, needs=W),
    Rule("reviews_in_window", T, "review_date lies in [start, end)", reviews_in_window, needs=W),
    Rule("customers_registered_before_end", T, "registration_date is before end (earlier than start is fine)",
         customers_registered_before_end, needs=W),
    Rule.over("session_events_within_session", T, "start_time <= every event_timestamp <= end_time",
              Part(EVENTS, session_events_within_session)),
    Rule("session_duration", T, "duration_seconds = end_time - start_time (to the second), end_time >= start_time",
         session_duration),
    Rule.over("session_first_event_page_view", T, "a session's first event is a page_view",
              Part(SESSION_STEPS, session_first_event_page_view)),
    Rule.over("session_funnel_order", T,
              "in time order the funnel stage never goes back (views/searches, add_to_cart, checkout_start, "
              "purchase); a checkout_start follows an add_to_cart", Part(SESSION_STEPS, session_funnel_order)),
    Rule("order_status_age", T,
         f"status is known; pending/processing only within {OPEN_MAX_AGE.days} days of end (a back-order waiting "
         f"for stock: {SHIPPED_MAX_AGE.days}), shipped within {SHIPPED_MAX_AGE.days}; delivered/cancelled/returned "
         "at any age", order_status_age, needs=W),
    Rule("order_fulfilment_dates", T,
         "order_date < shipped_at <= delivered_at <= returned_at < end, each present exactly when the status implies it; "
         "cancelled_at only on cancelled orders", order_fulfilment_dates, needs=W),
    Rule("order_payment_status", T, "raw_data.payment_status agrees with status (vocabulary.PAYMENT_STATUS)",
         order_payment_status),
)
