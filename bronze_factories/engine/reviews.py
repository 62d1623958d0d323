"""Reviews: written by customers about the products of their first order, in the tone of their rating.

Reviewing only first orders makes "one review per (customer, product)" hold by construction
(an order's products are distinct). A review after delivery is verified. An unverified one (the
order was cancelled, or the review was written while it was on its way) exists only if it was
written before the customer's next order, so no other order of theirs can have been delivered
before it. Review dates are drawn from the order alone; whether a review exists depends on the
past of its date only (the customer's next order, if that came first): a dataset that goes on
gains the reviews that fall due, and never loses or redates one.
"""

from __future__ import annotations

import random

import numpy as np

from .. import vocabulary as V
from .catalog import ProductState
from .ids import customer_id, product_id, review_id
from .jsontext import q
from .orders import DAY, HOUR, NONE, DayOrders
from .params import Params
from .rng import pick, stream
from .timefmt import sql_iso

VERIFIED_SHARE = 0.45  # of delivered first-order items
UNVERIFIED_SHARE = 0.10  # of cancelled first-order items
EARLY_SHARE = 0.03  # of first-order items, reviewed before they arrive
RETURNED_RATINGS = (0.35, 0.30, 0.20, 0.10, 0.05)
UNVERIFIED_RATINGS = (0.12, 0.13, 0.25, 0.25, 0.25)


def review_rows(
    params: Params, products: ProductState, orders: DayOrders, first_order: np.ndarray, next_order_t: np.ndarray,
    until: int, since: int = 0,
) -> list[tuple]:
    """Rows of the reviews of the day's orders dated in ``[since, until)``. ``orders`` is the whole
    lifecycle (not a view at a time); ``next_order_t`` holds each customer's second order's time
    where it is known (before ``until``), and a time after ``until`` where it is not."""
    rng = stream(params.seed, "reviews", orders.day)
    item_order = orders.item_order
    n = len(item_order)
    u, frac, delay = rng.random(n), rng.random(n), rng.integers(DAY, 30 * DAY, n)
    ratings = np.stack([pick(rng, w, n) + 1 for w in (V.RATING_WEIGHTS, RETURNED_RATINGS, UNVERIFIED_RATINGS)])
    title = rng.random(n)
    # Each text has its own stream: which reviews a step writes must not change another's words.
    text_seed = rng.integers(0, 2**62, n)
    helpful = rng.geometric(0.35, n) - 1

    customer = orders.customer[item_order]
    is_first = first_order[customer] == orders.index[item_order]
    t = orders.t[item_order]
    delivered_at = orders.delivered_at[item_order]
    cancelled = orders.cancelled_at[item_order] != NONE
    verified = is_first & ~cancelled & (u < VERIFIED_SHARE)
    date = np.where(verified, delivered_at + delay, 0)
    lo = t + HOUR
    # Unverified: about a cancelled order within a month, or about one on its way before it arrives.
    early = is_first & ~cancelled & (u >= VERIFIED_SHARE) & (u < VERIFIED_SHARE + EARLY_SHARE) & (delivered_at - lo > 60)
    late = is_first & cancelled & (u < UNVERIFIED_SHARE)
    hi = np.where(cancelled, lo + 30 * DAY, delivered_at)
    unverified = early | late
    date = np.where(unverified, lo + (frac * (hi - lo - 1)).astype(np.int64), date)
    unverified &= date < next_order_t[customer]
    written = (verified | unverified) & (date >= since) & (date < until)
    chosen = np.flatnonzero(written)
    returned = orders.returned_at[item_order] != NONE

    date_sql, date_iso = sql_iso(date[chosen])
    rows = []
    for r, j in enumerate(chosen):
        k = int(item_order[j])
        rating = int(ratings[1 if returned[j] else 0, j] if verified[j] else ratings[2, j])
        pid = product_id(int(orders.product[j]))
        cid = customer_id(int(customer[j]))
        rid = review_id(int(orders.index[k]) * 8 + j - int(orders.item_ptr[k]))
        product = int(orders.product[j])
        sub = products.subcategory_of(product)
        noun, head = V.name_head(sub, int(products.name_number[product]))
        titles = V.REVIEW_TITLES[rating]
        t = titles[int(title[j] * len(titles))]
        text = V.compose_review(noun, head, sub.aspects, rating, random.Random(int(text_seed[j])))
        v = bool(verified[j])
        raw = (
            f'{{"review_id": "{rid}", "product_id": "{pid}", "customer_id": "{cid}", "rating": {rating}, '
            f'"review_title": {q(t)}, "review_text": {q(text)}, "review_date": "{date_iso[r]}", '
            f'"helpful_count": {int(helpful[j])}, "verified_purchase": {str(v).lower()}}}'
        )
        rows.append((rid, pid, cid, rating, text, t, date_sql[r], int(helpful[j]), v, V.SOURCE_SYSTEM, raw))
    return rows
