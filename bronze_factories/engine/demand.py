"""Demand over time: how many sessions and orders each day gets, and at which hours.

Counts are exact (largest-remainder allocation of the totals over daily weights), and the
weights carry the seasonality the contract asks for: a night trough, busier weekends, a
November-December peak and slow growth of the store over the window.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .params import Params

#: Relative traffic per hour of day: night trough, lunch and evening peaks.
HOUR_WEIGHTS = np.array([
    0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.55, 0.80, 0.95, 1.05, 1.15,
    1.25, 1.20, 1.10, 1.05, 1.05, 1.10, 1.25, 1.45, 1.55, 1.45, 1.05, 0.55,
])
#: Monday..Sunday.
WEEKDAY_WEIGHTS = np.array([0.95, 0.93, 0.94, 0.97, 1.05, 1.18, 1.15])


def season(day: dt.date) -> float:
    """November-December peak (Black Friday to Christmas), January lull."""
    doy = day.timetuple().tm_yday
    peak = 0.65 * np.exp(-(((doy - 345) / 18.0) ** 2)) + 0.35 * np.exp(-(((doy - 330) / 6.0) ** 2))
    lull = -0.12 * np.exp(-(((doy - 20) / 15.0) ** 2))
    return float(1.0 + peak + lull)


def day_weights(params: Params) -> np.ndarray:
    start = params.start.date()
    days = [start + dt.timedelta(days=d) for d in range(params.days)]
    growth = 1.0 + 0.25 * np.arange(params.days) / max(1, params.days)
    return np.array([WEEKDAY_WEIGHTS[d.weekday()] * season(d) for d in days]) * growth


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts summing exactly to ``total``, proportional to ``weights``."""
    share = total * weights / weights.sum()
    counts = np.floor(share).astype(np.int64)
    rest = total - int(counts.sum())
    if rest:
        order = np.argsort(-(share - counts), kind="stable")
        counts[order[:rest]] += 1
    return counts


class Calendar:
    """Per-day session, logged-in and order counts, and the offsets of each day's first index."""

    def __init__(self, params: Params) -> None:
        weights = day_weights(params)
        self.sessions = allocate(params.sessions_per_day * params.days, weights)
        self.logged_in = np.rint(self.sessions * 0.60).astype(np.int64)
        orders = allocate(params.orders, weights)
        # Every order needs a logged-in session of its day: move any excess to days with room.
        excess = np.maximum(orders - self.logged_in, 0)
        orders -= excess
        room = self.logged_in - orders
        for _ in range(int(excess.sum())):
            d = int(np.argmax(room))
            orders[d] += 1
            room[d] -= 1
        self.orders = orders
        self.session_offset = np.concatenate([[0], np.cumsum(self.sessions)[:-1]])
        self.order_offset = np.concatenate([[0], np.cumsum(self.orders)[:-1]])
        self.start_s = int((params.start - dt.datetime(1970, 1, 1)).total_seconds())
        self.end_s = self.start_s + params.days * 86_400
        start = params.start.date()
        #: Month (0 = January) of each day of the window.
        self.months = np.array([(start + dt.timedelta(days=d)).month - 1 for d in range(params.days)], np.int64)

    def day_start(self, day: int) -> int:
        return self.start_s + day * 86_400


def times_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, following :data:`HOUR_WEIGHTS`."""
    cdf = np.cumsum(HOUR_WEIGHTS)
    hours = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").clip(0, 23)
    return hours * 3600 + rng.integers(0, 3600, n)
