"""Customers: who they are, where they live, when they registered, how much they buy.

The per-customer state (registration time, buying propensity, name, address, contact and
browsing habits) is drawn once for the first window's customers from a few streams, and a day
at a time (each day from its own streams) for those who register after it: it is what orders
and sessions of any day need to know about a customer, and it is O(customers).
"""

from __future__ import annotations

import numpy as np

from .. import vocabulary as V
from ..vocabulary import geography as G
from ..vocabulary import people as P
from ..vocabulary import web as W
from .demand import Calendar
from .ids import customer_id
from .jsontext import q
from .places import PAIR_WEIGHT, places
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
_TWO32 = 1 << 32


class CustomerState:
    """Arrays indexed by customer index (``CUST`` number - 1), registration times ascending.

    Everything a later unit may need about a customer is drawn here, once, from the seed: who
    they are (gender, a given name of that gender, age, opt-in), where they live (city, ZIP code,
    street line, phone area code), their email address (made unique over the whole dataset here,
    since a block of customers cannot see the others) and how they browse (one or two devices,
    two home IP addresses in their city's blocks). Small integer types: this lives for the run.
    """

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
            # up to the end: registrations go on after it at the same pace (grow)
            calendar.start_s + (q_pos - PRE_WINDOW_SHARE) / (1 - PRE_WINDOW_SHARE) * window,
        )
        self.n = 0
        self.seed = seed
        self.places = pl = places()
        self.city_cdf = np.cumsum(pl.city_weight)
        #: New registrations a day after the first window: the window's own rate goes on.
        self.daily_rate = n * (1 - PRE_WINDOW_SHARE) / max(1, calendar.end_s - calendar.start_s) * 86_400
        self._window_end = calendar.end_s
        self._window_days = (calendar.end_s - calendar.start_s) // 86_400
        self._emails: set[str] = set()
        self._grown_days = 0
        weight = np.minimum(rng.lognormal(0.0, 1.0, n), BUY_WEIGHT_CAP)
        weight[rng.random(n) < NEVER_BUY_SHARE] = 0.0
        weight[0] = max(weight[0], 1.0)
        self._add(np.maximum.accumulate(reg.astype(np.int64)), weight, stream(seed, "customers.people"),
                  stream(seed, "customers.places"), stream(seed, "customers.email"), stream(seed, "customers.web"))

    def grow(self, day: int) -> int:
        """Register the customers of ``day`` (counted from the window start; a day after the first
        window) and return how many joined. Days are grown in order, each from its own streams, so
        customer ``i`` is the same whatever the dataset's current end."""
        after = day - self._window_days  # days after the window end, 0-based
        assert after == self._grown_days, "customers grow one day at a time, in order, after the window"
        self._grown_days += 1
        count = int(np.floor(self.daily_rate * (after + 1)) - np.floor(self.daily_rate * after))
        if not count:
            return 0
        rng = stream(self.seed, "customers.later", day)
        t = self._window_end + after * 86_400 + np.sort(rng.integers(0, 86_400, count))
        weight = np.minimum(rng.lognormal(0.0, 1.0, count), BUY_WEIGHT_CAP)
        weight[rng.random(count) < NEVER_BUY_SHARE] = 0.0
        self._add(t, weight, *(stream(self.seed, f"customers.later.{what}", day)
                               for what in ("people", "places", "email", "web")))
        return count

    def _add(self, registered: np.ndarray, weight: np.ndarray, who: np.random.Generator,
             where: np.random.Generator, mail: np.random.Generator, web: np.random.Generator) -> None:
        """Append ``len(registered)`` customers (registered in ascending order after everyone so far)."""
        n, lo = len(registered), self.n
        pl = self.places

        def put(name: str, values: np.ndarray) -> None:
            setattr(self, name, values if lo == 0 else np.concatenate([getattr(self, name), values]))

        put("registered", registered)
        cdf = np.cumsum(weight) + (self.buy_weight_cdf[-1] if lo else 0.0)
        put("buy_weight_cdf", cdf)

        gender = pick(who, V.GENDER_WEIGHTS, n).astype(np.int8)
        female = pick(who, P.FEMALE_WEIGHTS, n)
        male = len(P.FEMALE_NAMES) + pick(who, P.MALE_WEIGHTS, n)
        either = np.where(who.random(n) < 0.5, female, male)  # non-binary, undisclosed: any name
        put("gender", gender)
        put("first", np.select([gender == 0, gender == 1], [female, male], either).astype(np.int16))
        put("last", pick(who, P.LAST_WEIGHTS, n).astype(np.int16))
        band = pick(who, P.AGE_WEIGHTS, n)
        low, high = np.array([b[0] for b in P.AGE_BANDS]), np.array([b[1] for b in P.AGE_BANDS])
        years, fraction = who.integers(low[band], high[band] + 1), who.random(n)
        age_days = ((years * 365.2425 + fraction * 360).astype(np.int64) + 2).astype(np.int32)  # P.age_days
        put("age_days", age_days)
        put("opt_in", who.random(n) < np.array(P.OPT_IN_BY_BAND)[band])
        born = (registered - age_days.astype(np.int64) * 86_400) // 86_400
        put("birth_year",
            (born.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int16))

        city = pl.pick_cities(where, n).astype(np.int16)
        put("city", city)
        put("zip", pl.pick_in(where, pl.zip_ptr, city).astype(np.int16))
        number, name, suffix = pl.pick_streets(where, n)
        put("house", number.astype(np.int32))
        put("street", name.astype(np.int16))
        put("suffix", suffix.astype(np.int8))
        put("area", pl.pick_in(where, pl.area_ptr, city).astype(np.int8))
        put("line", where.integers(0, 100, n).astype(np.int8))

        put("email_pattern", pick(mail, P.EMAIL_PATTERN_WEIGHTS, n).astype(np.int8))
        put("email_domain", pick(mail, P.EMAIL_DOMAIN_WEIGHTS, n).astype(np.int8))
        put("email_number", mail.integers(0, 100, n).astype(np.int8))
        put("email_taken", np.zeros(n, bool))
        self.n = lo + n
        for i in range(lo, lo + n):  # unique over everyone registered before
            email = self._base_email(i)
            if email in self._emails:
                self.email_taken[i] = True
            self._emails.add(email)

        devices = pick(web, PAIR_WEIGHT, 2 * n).reshape(n, 2)
        one = web.random(n) >= W.SECOND_DEVICE_SHARE
        devices[one, 1] = devices[one, 0]
        put("devices", devices.astype(np.int8))
        put("home_ip", pl.ip(np.repeat(city, 2), web.integers(0, _TWO32, 2 * n)).reshape(n, 2))

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

    # --- contact ------------------------------------------------------------------------------
    def names(self, i: int) -> tuple[str, str]:
        return P.FIRST_NAMES[self.first[i]], P.LAST_NAMES[self.last[i]]

    def _base_email(self, i: int) -> str:
        first, last = self.names(i)
        local = P.local_part(first, last, int(self.email_pattern[i]), int(self.birth_year[i]), int(self.email_number[i]))
        return f"{local}@{P.EMAIL_DOMAINS[self.email_domain[i]]}"

    def email(self, i: int) -> str:
        """The customer's address; one already taken by an earlier customer gets their number appended."""
        email = self._base_email(i)
        if not self.email_taken[i]:
            return email
        local, _, domain = email.partition("@")
        return f"{P.unique_local(local, i + 1)}@{domain}"

    def phone(self, i: int) -> str:
        pl = self.places
        return P.phone(pl.area_codes[pl.area_ptr[self.city[i]] + self.area[i]], int(self.line[i]))

    # --- addresses ----------------------------------------------------------------------------
    def _address(self, city: int, zip_index: int, house: int, street: int, suffix: int) -> str:
        c, pl = V.CITIES[city], self.places
        line = G.street_line(house, pl.street_names[street], pl.street_suffixes[suffix])
        return (
            f'{{"street": "{line}", "city": {q(c.city)}, "state": "{c.state}", '
            f'"postal_code": "{pl.zips[pl.zip_ptr[city] + zip_index]}", "country": "{V.COUNTRY}"}}'
        )

    def address_json(self, pools: Pools, i: int) -> str:
        return self._address(int(self.city[i]), int(self.zip[i]), int(self.house[i]), int(self.street[i]),
                             int(self.suffix[i]))

    def shipping_json(self, pools: Pools, i: int, order: int) -> str:
        """Where order number ``order`` of customer ``i`` goes: home, mostly; sometimes an office in
        their city or a gift anywhere (derived from the order number, so any unit gets the same)."""
        h = _mix64(self.seed, order)
        if h / 2.0 ** 64 >= G.OTHER_SHIPPING_SHARE:
            return self.address_json(pools, i)
        pl = self.places
        h2, h3 = _mix64(h, 1), _mix64(h, 2)
        if h2 / 2.0 ** 64 < G.OTHER_SHIPPING_SAME_CITY:
            city = int(self.city[i])
        else:
            cdf = self.city_cdf
            city = int(np.searchsorted(cdf, (h2 >> 11) / 2.0 ** 53 * cdf[-1], side="right"))
        zip_index = (h3 & 0xFFFF) % int(pl.zip_ptr[city + 1] - pl.zip_ptr[city])
        house = 1 + (h3 >> 16) % 9_999
        street, suffix = (h3 >> 32) % len(pl.street_names), (h3 >> 48) % len(pl.street_suffixes)
        return self._address(city, zip_index, house, street, suffix)


def _mix64(a: int, b: int) -> int:
    """splitmix64 of two integers, in plain Python (one order at a time: cheaper than numpy here)."""
    h = (a * 0x9E3779B97F4A7C15 + b + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return h ^ (h >> 31)


def customer_rows(state: CustomerState, pools: Pools, seed: int, lo: int, hi: int) -> list[tuple]:
    """Rows of customers ``lo``..``hi - 1`` (few enough per run that per-row formatting is fine)."""
    reg = state.registered[lo:hi]
    dob = dates(reg - state.age_days[lo:hi].astype(np.int64) * 86_400)
    reg_sql, reg_iso = sql(reg), iso(reg)
    rows = []
    for j in range(hi - lo):
        i = lo + j
        first, last = state.names(i)
        cid = customer_id(i)
        email = state.email(i)
        phone = state.phone(i)
        address = state.address_json(pools, i)
        g = V.GENDERS[state.gender[i]]
        raw = (
            f'{{"customer_id": "{cid}", "email": {q(email)}, "first_name": {q(first)}, "last_name": {q(last)}, '
            f'"customer_name": {q(first + " " + last)}, "phone": "{phone}", "address": {address}, '
            f'"registration_date": "{reg_iso[j]}", "date_of_birth": "{dob[j]}", "gender": "{g}", '
            f'"marketing_opt_in": {"true" if state.opt_in[i] else "false"}}}'
        )
        rows.append((cid, email, f"{first} {last}", first, last, phone, address, str(reg_sql[j]), str(dob[j]), g,
                     V.SOURCE_SYSTEM, raw))
    return rows
