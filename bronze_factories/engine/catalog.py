"""The catalog: products, their prices and costs, attributes, launch days, and how popular each one is.

Per-product state (subcategory, price, popularity, launch day, name number) is drawn once for all
products: orders and sessions of any day pick products from it. Each product is composed from its
subcategory's schema (:mod:`..vocabulary.catalog`); the name numbers of a subcategory's products
are distinct (a permutation of its name space), so names repeat only when a subcategory holds more
products than it has names.

Popularity is Zipf-Mandelbrot, ``1 / (rank + q) ** s`` with ``q`` growing with the catalog: a
minority of products sells most units, but the head is flat enough that no single product takes
more than a percent or two of a catalog of thousands. A product is picked for a day only once it
has launched; for its first :data:`RAMP_DAYS` days it sells less, and each category follows its
own season (:data:`CATEGORY_SEASON`).
"""

from __future__ import annotations

import functools
import json
import math
import random

import numpy as np

from .. import vocabulary as V
from .ids import product_id
from .jsontext import q
from .pools import Pools
from .rng import pick, stream

ZIPF_EXPONENT = 1.1
#: Products in the catalog per unit of the Zipf offset ``q``: the head flattens as the catalog grows...
ZIPF_OFFSET_PER = 250
#: ...from this offset on, once the catalog has a few hundred products: without it the best seller of a
#: catalog of 1,000-2,000 products took 4-5% of all views (the contract's "a few percent" of thousands).
ZIPF_OFFSET_FLOOR = 15


def zipf_offset(n: int) -> float:
    """The offset ``q`` of the popularity curve ``1 / (rank + q) ** s`` of a catalog of ``n`` products."""
    return max(0.5, min(n / 40, ZIPF_OFFSET_FLOOR + n / ZIPF_OFFSET_PER))
#: Share of the catalog first available during the window (the rest is on sale from its start).
LAUNCH_SHARE = 0.12
RAMP_DAYS = 30
#: Relative demand per month (January first) of each category; the overall volume is the calendar's.
CATEGORY_SEASON = {
    "Electronics": (0.8, 0.8, 0.85, 0.85, 0.9, 0.9, 0.95, 1.0, 1.0, 1.05, 1.6, 1.9),
    "Clothing": (0.85, 0.85, 1.05, 1.1, 1.05, 0.95, 0.9, 0.95, 1.15, 1.1, 1.1, 1.2),
    "Shoes": (0.85, 0.9, 1.1, 1.15, 1.1, 1.0, 0.95, 1.0, 1.1, 1.0, 1.0, 1.1),
    "Home & Kitchen": (1.2, 1.0, 0.95, 1.0, 1.0, 0.95, 0.9, 0.95, 1.0, 1.0, 1.15, 1.2),
    "Books": (1.05, 0.95, 0.95, 0.95, 0.95, 1.05, 1.15, 1.1, 0.95, 0.95, 1.0, 1.3),
    "Sports & Outdoors": (1.1, 0.95, 1.2, 1.4, 1.45, 1.35, 1.2, 1.05, 0.9, 0.8, 0.75, 0.85),
    "Beauty": (0.95, 1.2, 1.0, 1.0, 1.1, 1.0, 0.95, 0.95, 0.95, 1.0, 1.1, 1.4),
    "Toys & Games": (0.6, 0.6, 0.65, 0.7, 0.7, 0.75, 0.8, 0.8, 0.85, 1.0, 1.8, 2.6),
}
_SEASON = np.array([CATEGORY_SEASON[c.name] for c in V.CATEGORIES])
_SEASON = _SEASON / _SEASON.max(axis=1, keepdims=True)
#: Global subcategory index (position in vocabulary.SUBCATEGORIES) of (category, subcategory).
_SUB_INDEX = np.array([[V.SUBCATEGORIES.index(V.SUBCATEGORY_BY_NAME[(c.name, s)]) for s in c.subcategories]
                       for c in V.CATEGORIES])
_SPACE = np.array([V.name_space(s) for s in V.SUBCATEGORIES], dtype=np.int64)
_LO = np.array([s.price_range[0] for s in V.SUBCATEGORIES])
_HI = np.array([s.price_range[1] for s in V.SUBCATEGORIES])


def _coprime_step(space: int, rng: np.random.Generator) -> int:
    """A step that walks the whole name space (coprime with it) and scatters neighbours."""
    step = int(rng.integers(space // 3 + 1, max(space // 3 + 2, space))) | 1
    while math.gcd(step, space) != 1:
        step += 2
    return step


class ProductState:
    """Arrays indexed by product index (``PROD`` number - 1).

    ``months`` holds the month (0 = January) of each simulated day; it sets the seasons and, over
    the first ``launch_days`` days (default: all of them), the launch days (without it, every
    product is on sale from the start and seasons are flat). The catalog is the first window's:
    a dataset that goes on keeps selling it.
    """

    def __init__(self, seed: int, n: int, months: np.ndarray | None = None, launch_days: int | None = None) -> None:
        rng = stream(seed, "products.state")
        self.category = pick(rng, [c.weight for c in V.CATEGORIES], n).astype(np.int8)
        self.subcategory = rng.integers(0, 5, n, dtype=np.int8)
        self.sub = _SUB_INDEX[self.category, self.subcategory].astype(np.int16)
        lo, hi = _LO[self.sub], _HI[self.sub]
        price = np.exp(np.log(lo) + rng.random(n) * (np.log(hi) - np.log(lo)))
        self.price_cents = (np.floor(price) * 100 + 99).astype(np.int64)  # charm pricing: x.99
        m_lo = np.array([c.margin_range[0] for c in V.CATEGORIES])[self.category]
        m_hi = np.array([c.margin_range[1] for c in V.CATEGORIES])[self.category]
        margin = m_lo + rng.random(n) * (m_hi - m_lo)
        self.cost_cents = np.minimum(np.rint(self.price_cents * (1 - margin)), self.price_cents - 1).astype(np.int64)
        rank = rng.permutation(n) + 1
        self.popularity = 1.0 / (rank + zipf_offset(n)) ** ZIPF_EXPONENT
        self.popularity_cdf = np.cumsum(self.popularity)
        # Distinct name numbers within each subcategory: the k-th product of a subcategory gets
        # (k * step + offset) mod space, a permutation of the space.
        order = np.argsort(self.sub, kind="stable")
        counts = np.bincount(self.sub, minlength=len(V.SUBCATEGORIES))
        within = np.empty(n, np.int64)
        within[order] = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
        steps = np.array([_coprime_step(int(s), rng) for s in _SPACE], dtype=np.int64)
        offsets = rng.integers(0, _SPACE)
        self.name_number = (within % _SPACE[self.sub] * steps[self.sub] + offsets[self.sub]) % _SPACE[self.sub]
        days = 1 if months is None else launch_days or len(months)
        later = (rng.random(n) < LAUNCH_SHARE) & (days > 1)
        self.launch_day = np.where(later, rng.integers(1, max(2, days), n), 0).astype(np.int32)
        self.months = np.zeros(1, np.int64) if months is None else np.asarray(months)
        launched = np.flatnonzero(self.launch_day == 0)
        self.fallback = int(launched[np.argmax(self.popularity[launched])]) if len(launched) else 0
        self.n = n
        self._acceptance: tuple[int, np.ndarray] | None = None

    def acceptance(self, day: int) -> np.ndarray:
        """Chance that a product drawn by popularity is kept on ``day``: launched, ramped up, in season."""
        if self._acceptance is not None and self._acceptance[0] == day:
            return self._acceptance[1]
        age = day - self.launch_day
        ramp = np.where(age < 0, 0.0, np.minimum(1.0, (age + 1) / RAMP_DAYS))
        ramp[self.launch_day == 0] = 1.0  # on sale before the window: no ramp
        month = int(self.months[min(max(day, 0), len(self.months) - 1)])
        accept = ramp * _SEASON[self.category, month]
        self._acceptance = (day, accept)
        return accept

    def available(self, product: int, day: int) -> bool:
        return bool(self.launch_day[product] <= day)

    def pick(self, rng: np.random.Generator, size: int, day: int | None = None) -> np.ndarray:
        """Products drawn by popularity (on ``day``: launched ones, by ramp and season)."""
        drawn = self._draw(rng, size)
        if day is None:
            return drawn
        accept = self.acceptance(day)
        todo = np.flatnonzero(rng.random(size) >= accept[drawn])
        for _ in range(12):
            if not len(todo):
                break
            drawn[todo] = self._draw(rng, len(todo))
            todo = todo[rng.random(len(todo)) >= accept[drawn[todo]]]
        still = todo[self.launch_day[drawn[todo]] > day]
        drawn[still] = self.fallback
        return drawn

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.searchsorted(self.popularity_cdf, rng.random(size) * self.popularity_cdf[-1], side="right").clip(
            0, self.n - 1
        )

    @functools.cached_property
    def ids(self) -> np.ndarray:
        """``PROD...`` of every product (formatted once: events name products millions of times)."""
        return np.array([product_id(i) for i in range(self.n)], dtype=object)

    def subcategory_of(self, i: int) -> V.Subcategory:
        return V.SUBCATEGORIES[int(self.sub[i])]


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def product_rows(state: ProductState, pools: Pools, seed: int, lo: int, hi: int,
                 start_s: int = 0) -> list[tuple]:
    """Rows of products ``lo``..``hi - 1``; ``start_s`` (the window start) dates the launches."""
    rng = stream(seed, "products", lo)
    r = random.Random(int(rng.integers(0, 2**62)))
    n = hi - lo
    supplier = rng.integers(0, len(pools.suppliers), n)
    launch = np.datetime_as_string(
        (start_s + state.launch_day[lo:hi].astype(np.int64) * 86_400).astype("datetime64[s]").astype("datetime64[D]"),
        unit="D")
    rows = []
    for j in range(n):
        i = lo + j
        sub = state.subcategory_of(i)
        pid = product_id(i)
        brand, name, attrs, description = V.compose(sub, int(state.name_number[i]), r)
        price, cost = _money(int(state.price_cents[i])), _money(int(state.cost_cents[i]))
        attributes = json.dumps(attrs)
        supplier_id = f"SUP{supplier[j] + 1:05d}"
        sku = f"{sub.category[:3].upper()}-{sub.name[:3].upper()}-{i + 1:08d}"
        raw = (
            f'{{"product_id": "{pid}", "product_name": {q(name)}, "description": {q(description)}, '
            f'"category": {q(sub.category)}, "subcategory": {q(sub.name)}, "price": {price}, "cost": {cost}, '
            f'"currency": "{V.CURRENCY}", "attributes": {attributes}, "supplier_id": "{supplier_id}", '
            f'"supplier_name": {q(pools.suppliers[supplier[j]])}, "brand": {q(brand)}, "sku": "{sku}", '
            f'"available_from": "{launch[j]}"}}'
        )
        rows.append((pid, name, description, sub.category, sub.name, price, cost, V.CURRENCY, attributes, supplier_id,
                     brand, sku, V.SOURCE_SYSTEM, raw))
    return rows
