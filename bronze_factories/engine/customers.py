"""Customers: who they are, where they live, when they registered, how much they buy.

The per-customer state (registration time, buying propensity, address indices) is drawn once
for all customers from one stream: it is what orders and sessions of any day need to know
about a customer, and it is O(customers).
"""

from __future__ import annotations

import json

import numpy as np

from .. import vocabulary as V
from .demand import Calendar
from .ids import customer_id
from .jsontext import q
from .pools import Pools
from .rng import pick, stream
from .timefmt import dates, iso, sql

#: Share of customers registered before the window (the store has a history)...
PRE_WINDOW_SHARE = 0.45
#: ...over this many days before the window start.
HISTORY_DAYS = 3 * 365
#: Share of customers who will never order.
NEVER_BUY_SHARE = 0.30
#: Cap on a customer's buying propensity (the median is 1): a heavy tail, but no one with dozens
#: of orders a month (Realism II's demand bound).
BUY_WEIGHT_CAP = 4.0


class CustomerState:
    """Arrays indexed by customer index (``CUST`` number - 1), registration times ascending."""

    def __init__(self, seed: int, n: int, calendar: Calendar, pools: Pools) -> None:
        rng = stream(seed, "customers.state")
        q_pos = (np.arange(n) + rng.random(n)) / n
        q_pos[0] = 0.0  # someone can order on the first day of the window
        history = HISTORY_DAYS * 86_400
        window = calendar.end_s - calendar.start_s
        pre = q_pos < PRE_WINDOW_SHARE
        reg = np.where(
            pre,
            calendar.start_s - history + q_pos / PRE_WINDOW_SHARE * history,
            calendar.start_s + (q_pos - PRE_WINDOW_SHARE) / (1 - PRE_WINDOW_SHARE) * window * 0.97,
        )
        self.registered = np.maximum.accumulate(reg.astype(np.int64))
        weight = np.minimum(rng.lognormal(0.0, 1.0, n), BUY_WEIGHT_CAP)
        weight[rng.random(n) < NEVER_BUY_SHARE] = 0.0
        weight[0] = max(weight[0], 1.0)
        self.buy_weight_cdf = np.cumsum(weight)
        # Small integer types: this state is per customer and lives for the whole run.
        self.city = pick(rng, [c.weight for c in V.CITIES], n).astype(np.int16)
        self.street = rng.integers(0, len(pools.streets), n, dtype=np.int16)
        self.postal_suffix = rng.integers(0, 100, n, dtype=np.int16)
        self.first = rng.integers(0, len(pools.first_names), n, dtype=np.int16)
        self.last = rng.integers(0, len(pools.last_names), n, dtype=np.int16)
        self.n = n

    def registered_by(self, t: np.ndarray) -> np.ndarray:
        """How many customers had registered at time ``t`` (seconds): indices below it are eligible."""
        return np.searchsorted(self.registered, t, side="right")

    def pick_buyers(self, rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
        """One buyer per time, registered by then, weighted by propensity (many repeat, many never buy)."""
        k = self.registered_by(t)
        limit = self.buy_weight_cdf[k - 1]
        return np.searchsorted(self.buy_weight_cdf, rng.random(len(t)) * limit, side="right").clip(0, k - 1)

    def pick_visitors(self, rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
        """One logged-in visitor per time, uniformly among customers registered by then."""
        k = self.registered_by(t)
        return np.minimum((rng.random(len(t)) * k).astype(np.int64), k - 1)

    def address_json(self, pools: Pools, i: int) -> str:
        city = V.CITIES[self.city[i]]
        return (
            f'{{"street": "{pools.streets[self.street[i]]}", "city": "{city.city}", "state": "{city.state}", '
            f'"postal_code": "{city.postal_prefix}{self.postal_suffix[i]:02d}", "country": "{V.COUNTRY}"}}'
        )


def customer_rows(state: CustomerState, pools: Pools, seed: int, lo: int, hi: int) -> list[tuple]:
    """Rows of customers ``lo``..``hi - 1`` (few enough per run that per-row formatting is fine)."""
    rng = stream(seed, "customers", lo)
    n = hi - lo
    age_days = rng.integers(18 * 365, 80 * 365, n)
    reg = state.registered[lo:hi]
    dob = dates(reg - age_days * 86_400)
    gender = pick(rng, V.GENDER_WEIGHTS, n)
    domain = rng.integers(0, len(pools.email_domains), n)
    phone = rng.integers(2_000_000_000, 9_999_999_999, n)
    reg_sql, reg_iso = sql(reg), iso(reg)
    rows = []
    for j in range(n):
        i = lo + j
        first, last = pools.first_names[state.first[i]], pools.last_names[state.last[i]]
        cid = customer_id(i)
        email = f"{first}.{last}{i + 1}@{pools.email_domains[domain[j]]}".lower().replace(" ", "")
        p = str(phone[j])
        phone_s = f"+1-{p[:3]}-{p[3:6]}-{p[6:]}"
        address = state.address_json(pools, i)
        g = V.GENDERS[gender[j]]
        raw = (
            f'{{"customer_id": "{cid}", "email": {q(email)}, "first_name": {q(first)}, "last_name": {q(last)}, '
            f'"customer_name": {q(first + " " + last)}, "phone": "{phone_s}", "address": {address}, '
            f'"registration_date": "{reg_iso[j]}", "date_of_birth": "{dob[j]}", "gender": "{g}", '
            f'"marketing_opt_in": {json.dumps(bool(gender[j] % 2))}}}'
        )
        rows.append((cid, email, f"{first} {last}", first, last, phone_s, address, str(reg_sql[j]), str(dob[j]), g,
                     V.SOURCE_SYSTEM, raw))
    return rows
