"""A tiny silver transformation, standing in for "another project" that reads the bronze tables.

``daily_revenue`` turns raw orders into revenue per day and product category (cancelled and
returned orders earn nothing); ``session_funnel`` counts sessions reaching each funnel stage.
Both are plain SQL over the bronze contract, which is exactly what the factories let you test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

DAILY_REVENUE = """
SELECT CAST(o.order_date AS date) AS day, p.category,
       SUM(CAST(item->>'total_amount' AS numeric)) AS revenue,
       SUM(CAST(item->>'quantity' AS integer)) AS units
FROM bronze.raw_orders o
CROSS JOIN LATERAL jsonb_array_elements(o.raw_data->'items') AS item
JOIN bronze.raw_products p ON p.product_id = item->>'product_id'
WHERE o.status NOT IN ('cancelled', 'returned')
GROUP BY 1, 2
ORDER BY 1, 2
"""

SESSION_FUNNEL = """
SELECT count(DISTINCT session_id) FILTER (WHERE event_type = 'page_view') AS viewed,
       count(DISTINCT session_id) FILTER (WHERE event_type = 'add_to_cart') AS carted,
       count(DISTINCT session_id) FILTER (WHERE event_type = 'checkout_start') AS checked_out,
       count(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS purchased
FROM bronze.raw_clickstream
"""


def daily_revenue(connection: Connection) -> dict[tuple[dt.date, str], Decimal]:
    """Revenue (item totals, tax and shipping excluded) per (day, category) of kept orders."""
    return {(row.day, row.category): row.revenue for row in connection.execute(text(DAILY_REVENUE))}


def session_funnel(connection: Connection) -> dict[str, int]:
    return dict(connection.execute(text(SESSION_FUNNEL)).mappings().one())


def publish(session: Session) -> int:
    """Write ``silver_daily_revenue`` and commit, as a real job would (the test fixture still rolls it back)."""
    session.execute(text(
        "CREATE TABLE IF NOT EXISTS public.silver_daily_revenue (day date, category text, revenue numeric(15, 2))"
    ))
    rows = [{"day": d, "category": c, "revenue": r} for (d, c), r in daily_revenue(session.connection()).items()]
    if rows:
        session.execute(text("INSERT INTO public.silver_daily_revenue VALUES (:day, :category, :revenue)"), rows)
    session.commit()
    return len(rows)
