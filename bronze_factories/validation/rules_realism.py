"""Section 4 of the contract, realism: figures measured over the whole dataset and held to ranges.

The ranges are what a realistic store meets and a naive generator misses (uniform times, uniform
popularity, one order per customer...). Each range is stated in the rule's description, so a failing
line says what was expected. Volume rules need the dataset parameters; seasonality rules need a
window long enough to show the pattern.
"""

from __future__ import annotations

import datetime as dt

from .passes import SESSION_STEPS
from .sql import Context, Part, Rule, Sql

M = "realism"
LOGGED_IN = (0.58, 0.62)
NIGHT_SHARE = (0.0, 0.18)  # share of 00:00-05:59; uniform would be 0.25
WEEKDAY_RATIO = (1.05, 3.0)  # busiest / quietest weekday, mean rows per day
SEASON_RATIO = (1.15, 5.0)  # Nov-Dec / rest of the year, mean rows per day
TOP20_SHARE = (0.5, 0.99)  # share of units sold by the top 20% of products
REPEAT_SHARE = (0.2, 0.95)  # ordering customers with >= 2 orders
NEVER_SHARE = (0.1, 0.9)  # customers without any order
SMALL_BASKETS = (0.7, 0.95)  # orders with 1 or 2 items
RATING_MEAN = (3.6, 4.4)


#: The column that dates a row's arrival in the first window (a dataset that went on past its end date
#: keeps the first window's exact counts: sessions close within their day, orders by their date).
_FIRST_WINDOW = {"raw_customers": "registration_date", "raw_orders": "order_date", "raw_sessions": "end_time"}


def _count(table: str):  # type: ignore[no-untyped-def]
    column = _FIRST_WINDOW.get(table)
    if column is None:
        return lambda q: f"SELECT count(*) FROM {q.t(table)}"
    return lambda q: f"SELECT count(*) FROM {q.t(table)} WHERE {q.ts(column)} < :first_end"


def _exact(attr: str):  # type: ignore[no-untyped-def]
    def allowed(ctx: Context) -> tuple[float, float]:
        assert ctx.params is not None
        sized = ctx.params.sized()
        n = float(sized.sessions_per_day * sized.days if attr == "sessions" else getattr(sized, attr))
        return n, n

    return allowed


def _const(bounds: tuple[float, float]):  # type: ignore[no-untyped-def]
    return lambda ctx: bounds


def events_per_session(q: Sql) -> str:
    # Over the sessions of raw_sessions: those with events are the rows of the pass that have a session;
    # the others have none, never in range (events_min is at least 1).
    in_range = "count(CASE WHEN s.session_id IS NOT NULL AND f.events BETWEEN :events_min AND :events_max THEN 1 END)"
    return f"1.0 * {in_range} / NULLIF((SELECT count(*) FROM {q.t('raw_sessions')}), 0)"


def logged_in_share(q: Sql) -> str:
    return f"SELECT 1.0 * count(user_id) / NULLIF(count(*), 0) FROM {q.t('raw_sessions')}"


def _night(table: str, column: str):  # type: ignore[no-untyped-def]
    return lambda q: (f"SELECT 1.0 * count(CASE WHEN {q.hour(q.ts(column))} < 6 THEN 1 END) / NULLIF(count(*), 0) "
                      f"FROM {q.t(table)}")


def _weekday(table: str, column: str):  # type: ignore[no-untyped-def]
    def build(q: Sql) -> str:
        c = q.ts(column)
        return f"""SELECT MAX(r) / NULLIF(MIN(r), 0) FROM (
  SELECT 1.0 * count(*) / count(DISTINCT d) AS r FROM (SELECT {q.dow(c)} AS w, {q.day(c)} AS d FROM {q.t(table)}) AS x
  GROUP BY w) AS y"""

    return build


def _season(table: str, column: str):  # type: ignore[no-untyped-def]
    def build(q: Sql) -> str:
        c = q.ts(column)
        return f"""SELECT (1.0 * SUM(CASE WHEN m >= 11 THEN 1 ELSE 0 END)
        / NULLIF(count(DISTINCT CASE WHEN m >= 11 THEN d END), 0))
     / NULLIF(1.0 * SUM(CASE WHEN m < 11 THEN 1 ELSE 0 END) / NULLIF(count(DISTINCT CASE WHEN m < 11 THEN d END), 0), 0)
FROM (SELECT {q.month(c)} AS m, {q.day(c)} AS d FROM {q.t(table)}) AS x"""

    return build


def _short_window(ctx: Context) -> str | None:
    assert ctx.window is not None
    start, end = ctx.window
    return "window shorter than 14 days" if end - start < dt.timedelta(days=14) else None


def _no_holiday_season(ctx: Context) -> str | None:
    """Run only when the window holds a whole November-December and at least four weeks outside it."""
    assert ctx.window is not None
    start, end = ctx.window
    for year in range(start.year - 1, end.year + 1):
        nov, jan = dt.datetime(year, 11, 1), dt.datetime(year + 1, 1, 1)
        if start <= nov and jan <= end and (end - start) - (jan - nov) >= dt.timedelta(days=28):
            return None
    return "window does not cover November-December and four other weeks"


def product_popularity(q: Sql) -> str:
    return f"""WITH sold AS (
  SELECT {q.txt('it.value', 'product_id')} AS product_id, SUM({q.num('it.value', 'quantity')}) AS units
  FROM {q.t('raw_orders')} o {q.items('o')} GROUP BY 1),
ranked AS (
  SELECT COALESCE(s.units, 0) AS units,
         row_number() OVER (ORDER BY COALESCE(s.units, 0) DESC, p.product_id) AS rn, count(*) OVER () AS n
  FROM {q.t('raw_products')} p LEFT JOIN sold s ON s.product_id = p.product_id)
SELECT 1.0 * SUM(CASE WHEN rn * 5 <= n THEN units ELSE 0 END) / NULLIF(SUM(units), 0) FROM ranked"""


def repeat_customers(q: Sql) -> str:
    return f"""SELECT 1.0 * count(CASE WHEN n >= 2 THEN 1 END) / NULLIF(count(*), 0)
FROM (SELECT customer_id, count(*) AS n FROM {q.t('raw_orders')} GROUP BY customer_id) AS c"""


def never_ordering_customers(q: Sql) -> str:
    return f"""SELECT 1.0 * count(CASE WHEN NOT EXISTS (
  SELECT 1 FROM {q.t('raw_orders')} o WHERE o.customer_id = c.customer_id) THEN 1 END) / NULLIF(count(*), 0)
FROM {q.t('raw_customers')} c"""


def basket_sizes(q: Sql) -> str:
    length = ("jsonb_array_length(CASE WHEN jsonb_typeof(raw_data->'items') = 'array' THEN raw_data->'items' "
              "ELSE '[]'::jsonb END)" if q.pg else "json_array_length(raw_data, '$.items')")
    return f"""SELECT 1.0 * count(CASE WHEN {length} BETWEEN 1 AND 2 THEN 1 END) / NULLIF(count(*), 0)
FROM {q.t('raw_orders')}"""


def rating_mean(q: Sql) -> str:
    return f"SELECT AVG(1.0 * rating) FROM {q.t('raw_reviews')}"


def funnel_decreasing(q: Sql) -> str:
    # Sessions with a product page view, an add_to_cart, a checkout_start, a purchase (NULL sums: no sessions).
    v, a, c, p = (f"COALESCE(SUM(f.{k}), 0)" for k in ("viewed", "carted", "checked_out", "purchased"))
    return (f"CASE WHEN {v} > {a} THEN 0 ELSE 1 END + CASE WHEN {a} > {c} THEN 0 ELSE 1 END "
            f"+ CASE WHEN {c} > {p} THEN 0 ELSE 1 END")


def _r(lo_hi: tuple[float, float]) -> str:
    return f"[{lo_hi[0]:g}, {lo_hi[1]:g}]"


P, W = "params", "window"
RULES: tuple[Rule, ...] = (
    Rule("customer_count", M, "raw_customers holds exactly the customers asked for (registered before the end date)",
         _count("raw_customers"), needs=P, allowed=_exact("customers")),
    Rule("product_count", M, "raw_products holds exactly the products asked for", _count("raw_products"),
         needs=P, allowed=_exact("products")),
    Rule("order_count", M, "raw_orders holds exactly the orders asked for (placed before the end date)",
         _count("raw_orders"), needs=P, allowed=_exact("orders")),
    Rule("session_count", M, "raw_sessions holds exactly sessions_per_day * days sessions (ended before the end date)",
         _count("raw_sessions"), needs=P, allowed=_exact("sessions")),
    Rule.over("events_per_session", M, "share of sessions whose event count lies in [events_min, events_max]: all "
              "of them", Part(SESSION_STEPS, value=events_per_session), needs=P, allowed=_const((1.0, 1.0))),
    Rule("logged_in_share", M, f"share of sessions with a user_id in {_r(LOGGED_IN)}", logged_in_share,
         allowed=_const(LOGGED_IN)),
    Rule("order_night_share", M, f"share of orders placed 00:00-05:59 in {_r(NIGHT_SHARE)} (uniform: 0.25)",
         _night("raw_orders", "order_date"), allowed=_const(NIGHT_SHARE)),
    Rule("session_night_share", M, f"share of sessions started 00:00-05:59 in {_r(NIGHT_SHARE)} (uniform: 0.25)",
         _night("raw_sessions", "start_time"), allowed=_const(NIGHT_SHARE)),
    Rule("order_weekday_variation", M,
         f"busiest / quietest weekday, mean orders per day, in {_r(WEEKDAY_RATIO)}",
         _weekday("raw_orders", "order_date"), needs=W, allowed=_const(WEEKDAY_RATIO), skip=_short_window),
    Rule("session_weekday_variation", M,
         f"busiest / quietest weekday, mean sessions per day, in {_r(WEEKDAY_RATIO)}",
         _weekday("raw_sessions", "start_time"), needs=W, allowed=_const(WEEKDAY_RATIO), skip=_short_window),
    Rule("order_holiday_peak", M, f"Nov-Dec / other months, mean orders per day, in {_r(SEASON_RATIO)}",
         _season("raw_orders", "order_date"), needs=W, allowed=_const(SEASON_RATIO), skip=_no_holiday_season),
    Rule("session_holiday_peak", M, f"Nov-Dec / other months, mean sessions per day, in {_r(SEASON_RATIO)}",
         _season("raw_sessions", "start_time"), needs=W, allowed=_const(SEASON_RATIO), skip=_no_holiday_season),
    Rule("product_popularity", M, f"share of units sold by the top 20% of products in {_r(TOP20_SHARE)} (Zipf-like)",
         product_popularity, allowed=_const(TOP20_SHARE)),
    Rule("repeat_customers", M, f"share of ordering customers with 2+ orders in {_r(REPEAT_SHARE)}", repeat_customers,
         allowed=_const(REPEAT_SHARE)),
    Rule("never_ordering_customers", M, f"share of customers without any order in {_r(NEVER_SHARE)}",
         never_ordering_customers, allowed=_const(NEVER_SHARE)),
    Rule("basket_sizes", M, f"share of orders with 1-2 items in {_r(SMALL_BASKETS)}", basket_sizes,
         allowed=_const(SMALL_BASKETS)),
    Rule("rating_mean", M, f"mean review rating in {_r(RATING_MEAN)}", rating_mean, allowed=_const(RATING_MEAN)),
    Rule.over("funnel_decreasing", M,
              "sessions with a product page view > with add_to_cart > with checkout_start > with purchase: "
              "number of steps that do not decrease is 0", Part(SESSION_STEPS, value=funnel_decreasing),
              allowed=_const((0.0, 0.0))),
)
