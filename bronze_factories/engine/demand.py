"""Demand over time: how many sessions and orders each day gets, and at which hours.

Counts over the first window are exact (largest-remainder allocation of the totals over daily
weights), and the weights carry the seasonality the contract asks for: a night trough, busier
weekends, a November-December peak and slow growth of the store. After the first window (a dataset
that goes on, :mod:`.simulation`) the totals become daily rates: day ``d`` gets the floor of the
running expected count through ``d`` minus that through ``d - 1``, so a day's count depends only on
the parameters and the days before it, never on how far the dataset is extended.
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


def day_weights(params: Params, days: int | None = None) -> np.ndarray:
    """Relative demand of each of the first ``days`` days (default: the first window); the store's
    growth goes on at the same pace after the window."""
    n = params.days if days is None else days
    start = params.start.date()
    dates = [start + dt.timedelta(days=d) for d in range(n)]
    growth = 1.0 + 0.25 * np.arange(n) / max(1, params.days)
    return np.array([WEEKDAY_WEIGHTS[d.weekday()] * season(d) for d in dates]) * growth


def _going_on(total: int, window: np.ndarray, later: np.ndarray) -> np.ndarray:
    """Counts of the days after the window at the window's rate: differences of the floored running sum."""
    if not len(later):
        return np.zeros(0, np.int64)
    running = np.floor(np.cumsum(later) * (total / window.sum())).astype(np.int64)
    return np.diff(np.concatenate([[0], running]))


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
    """Per-day session, logged-in and order counts, and the offsets of each day's first index.

    ``days`` (at least the window's) is how many days are simulated: more than the window when the
    dataset goes on past its first end date. The counts of a day never depend on ``days``.
    """

    def __init__(self, params: Params, days: int | None = None) -> None:
        n = self.days = max(params.days, days or 0)
        all_weights = day_weights(params, n)
        weights, later = all_weights[:params.days], all_weights[params.days:]
        sessions_total = params.sessions_per_day * params.days
        self.sessions = np.concatenate([allocate(sessions_total, weights), _going_on(sessions_total, weights, later)])
        self.logged_in = np.rint(self.sessions * 0.60).astype(np.int64)
        orders = allocate(params.orders, weights)
        # Every order needs a logged-in session of its day: move any excess to days with room.
        window_logged_in = self.logged_in[:params.days]
        excess = np.maximum(orders - window_logged_in, 0)
        orders -= excess
        room = window_logged_in - orders
        for _ in range(int(excess.sum())):
            d = int(np.argmax(room))
            orders[d] += 1
            room[d] -= 1
        later_orders = np.minimum(_going_on(params.orders, weights, later), self.logged_in[params.days:])
        self.orders = np.concatenate([orders, later_orders])
        self.session_offset = np.concatenate([[0], np.cumsum(self.sessions)[:-1]])
        self.order_offset = np.concatenate([[0], np.cumsum(self.orders)[:-1]])
        self.start_s = int((params.start - dt.datetime(1970, 1, 1)).total_seconds())
        #: The end of the first window (the parameters' end date).
        self.end_s = self.start_s + params.days * 86_400
        start = params.start.date()
        #: Month (0 = January) of each simulated day.
        self.months = np.array([(start + dt.timedelta(days=d)).month - 1 for d in range(n)], np.int64)

    def day_start(self, day: int) -> int:
        return self.start_s + day * 86_400


def times_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight, following :data:`HOUR_WEIGHTS`."""
    cdf = np.cumsum(HOUR_WEIGHTS)
    hours = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").clip(0, 23)
    return hours * 3600 + rng.integers(0, 3600, n)
