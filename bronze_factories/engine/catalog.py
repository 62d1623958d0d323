"""The catalog: products, their prices and costs, attributes, and how popular each one is.

Per-product state (category, price, popularity) is drawn once for all products: orders and
sessions of any day pick products from it. Popularity is Zipf-like: a minority of products
sells most units.
"""

from __future__ import annotations

import functools
import json

import numpy as np

from .. import vocabulary as V
from .ids import product_id
from .jsontext import q
from .pools import Pools
from .rng import pick, stream

ZIPF_EXPONENT = 1.05


class ProductState:
    """Arrays indexed by product index (``PROD`` number - 1)."""

    def __init__(self, seed: int, n: int) -> None:
        rng = stream(seed, "products.state")
        self.category = pick(rng, [c.weight for c in V.CATEGORIES], n).astype(np.int8)
        self.subcategory = rng.integers(0, 5, n, dtype=np.int8)
        self.brand = rng.integers(0, 5, n, dtype=np.int8)
        lo = np.array([c.price_range[0] for c in V.CATEGORIES])[self.category]
        hi = np.array([c.price_range[1] for c in V.CATEGORIES])[self.category]
        price = np.exp(np.log(lo) + rng.random(n) * (np.log(hi) - np.log(lo)))
        self.price_cents = (np.floor(price) * 100 + 99).astype(np.int64)  # charm pricing: x.99
        m_lo = np.array([c.margin_range[0] for c in V.CATEGORIES])[self.category]
        m_hi = np.array([c.margin_range[1] for c in V.CATEGORIES])[self.category]
        margin = m_lo + rng.random(n) * (m_hi - m_lo)
        self.cost_cents = np.minimum(np.rint(self.price_cents * (1 - margin)), self.price_cents - 1).astype(np.int64)
        rank = rng.permutation(n) + 1
        self.popularity_cdf = np.cumsum(1.0 / rank**ZIPF_EXPONENT)
        self.n = n

    def pick(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Products drawn by popularity."""
        return np.searchsorted(self.popularity_cdf, rng.random(size) * self.popularity_cdf[-1], side="right").clip(
            0, self.n - 1
        )

    @functools.cached_property
    def ids(self) -> np.ndarray:
        """``PROD...`` of every product (formatted once: events name products millions of times)."""
        return np.array([product_id(i) for i in range(self.n)], dtype=object)

    def name(self, i: int) -> str:
        cat = V.CATEGORIES[self.category[i]]
        adjective = V.PRODUCT_ADJECTIVES[(i * 7) % len(V.PRODUCT_ADJECTIVES)]
        return f"{cat.brands[self.brand[i]]} {adjective} {cat.subcategories[self.subcategory[i]]}"


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def product_rows(state: ProductState, pools: Pools, seed: int, lo: int, hi: int) -> list[tuple]:
    rng = stream(seed, "products", lo)
    n = hi - lo
    color = rng.integers(0, len(V.COLORS), n)
    material = rng.integers(0, len(V.MATERIALS), n)
    size_pick = rng.integers(0, 100, n)
    dims = rng.integers(2, 120, (n, 3))
    weight_g = rng.integers(50, 25_000, n)
    supplier = rng.integers(0, len(pools.suppliers), n)
    sentence = rng.integers(0, len(pools.sentences), (n, 2))
    rows = []
    for j in range(n):
        i = lo + j
        cat = V.CATEGORIES[state.category[i]]
        pid = product_id(i)
        name = state.name(i)
        sub = cat.subcategories[state.subcategory[i]]
        brand = cat.brands[state.brand[i]]
        price, cost = _money(int(state.price_cents[i])), _money(int(state.cost_cents[i]))
        attrs: dict[str, object] = {
            "color": V.COLORS[color[j]],
            "material": V.MATERIALS[material[j]],
            "weight_kg": round(int(weight_g[j]) / 1000, 3),
            "dimensions_cm": {"length": int(dims[j, 0]), "width": int(dims[j, 1]), "height": int(dims[j, 2])},
        }
        if cat.sizes:
            attrs["size"] = cat.sizes[size_pick[j] % len(cat.sizes)]
        if cat.name == "Books":
            attrs = {"format": ("Paperback", "Hardcover", "E-book")[size_pick[j] % 3],
                     "pages": 80 + int(weight_g[j]) % 900, "language": "English"}
        attributes = json.dumps(attrs)
        description = (
            f"{name}: {pools.sentences[sentence[j, 0]]} {pools.sentences[sentence[j, 1]]}"
        )
        supplier_id = f"SUP{supplier[j] + 1:05d}"
        sku = f"{cat.name[:3].upper()}-{sub[:3].upper()}-{i + 1:08d}"
        raw = (
            f'{{"product_id": "{pid}", "product_name": {q(name)}, "description": {q(description)}, '
            f'"category": {q(cat.name)}, "subcategory": {q(sub)}, "price": {price}, "cost": {cost}, '
            f'"currency": "{V.CURRENCY}", "attributes": {attributes}, "supplier_id": "{supplier_id}", '
            f'"supplier_name": {q(pools.suppliers[supplier[j]])}, "brand": {q(brand)}, "sku": "{sku}"}}'
        )
        rows.append((pid, name, description, cat.name, sub, price, cost, V.CURRENCY, attributes, supplier_id, brand,
                     sku, V.SOURCE_SYSTEM, raw))
    return rows
