"""Reviews: written by customers about the products of their first order, in the tone of their rating.

Reviewing only first orders makes "one review per (customer, product)" hold by construction
(an order's products are distinct). A review after delivery is verified. An unverified one
(the order was cancelled or is still on its way) is dated before the customer's next order,
so no other order of theirs can have been delivered before it.
"""

from __future__ import annotations

import random

import numpy as np

from .. import vocabulary as V
from .catalog import ProductState
from .ids import customer_id, product_id, review_id
from .jsontext import q
from .orders import CANCELLED, DAY, DELIVERED, HOUR, RETURNED, SHIPPED, DayOrders
from .params import Params
from .rng import pick, stream
from .timefmt import iso, sql

VERIFIED_SHARE = 0.45  # of delivered first-order items
UNVERIFIED_SHARE = 0.10  # of shipped or cancelled first-order items
RETURNED_RATINGS = (0.35, 0.30, 0.20, 0.10, 0.05)
UNVERIFIED_RATINGS = (0.12, 0.13, 0.25, 0.25, 0.25)


def review_rows(
    params: Params, products: ProductState, orders: DayOrders, first_order: np.ndarray, next_order_t: np.ndarray,
    end_s: int,
) -> list[tuple]:
    rng = stream(params.seed, "reviews", orders.day)
    item_order = orders.item_order
    n = len(item_order)
    u, frac, delay = rng.random(n), rng.random(n), rng.integers(DAY, 30 * DAY, n)
    ratings = np.stack([pick(rng, w, n) + 1 for w in (V.RATING_WEIGHTS, RETURNED_RATINGS, UNVERIFIED_RATINGS)])
    title = rng.random(n)
    words = random.Random(int(rng.integers(0, 2**62)))  # the texts' own stream (per-row Python composition)
    helpful = rng.geometric(0.35, n) - 1

    customer = orders.customer[item_order]
    is_first = first_order[customer] == orders.index[item_order]
    status = orders.status[item_order]
    delivered = np.isin(status, (DELIVERED, RETURNED))
    verified = is_first & delivered & (u < VERIFIED_SHARE)
    date = np.where(verified, orders.delivered_at[item_order] + delay, 0)
    verified &= date < end_s
    lo = orders.t[item_order] + HOUR
    hi = np.minimum(end_s, next_order_t[customer])
    unverified = is_first & np.isin(status, (SHIPPED, CANCELLED)) & (u < UNVERIFIED_SHARE) & (hi - lo > 60)
    date = np.where(unverified, lo + (frac * (hi - lo - 1)).astype(np.int64), date)
    chosen = np.flatnonzero(verified | unverified)

    date_sql, date_iso = sql(date[chosen]).tolist(), iso(date[chosen]).tolist()
    rows = []
    for r, j in enumerate(chosen):
        k = int(item_order[j])
        rating = int(ratings[0 if status[j] == DELIVERED else 1, j] if verified[j] else ratings[2, j])
        pid = product_id(int(orders.product[j]))
        cid = customer_id(int(customer[j]))
        rid = review_id(int(orders.index[k]) * 8 + j - int(orders.item_ptr[k]))
        product = int(orders.product[j])
        sub = products.subcategory_of(product)
        noun, head = V.name_head(sub, int(products.name_number[product]))
        titles = V.REVIEW_TITLES[rating]
        t = titles[int(title[j] * len(titles))]
        text = V.compose_review(noun, head, sub.aspects, rating, words)
        v = bool(verified[j])
        raw = (
            f'{{"review_id": "{rid}", "product_id": "{pid}", "customer_id": "{cid}", "rating": {rating}, '
            f'"review_title": {q(t)}, "review_text": {q(text)}, "review_date": "{date_iso[r]}", '
            f'"helpful_count": {int(helpful[j])}, "verified_purchase": {str(v).lower()}}}'
        )
        rows.append((rid, pid, cid, rating, text, t, date_sql[r], int(helpful[j]), v, V.SOURCE_SYSTEM, raw))
    return rows
