"""A Faker provider over :mod:`bronze_factories.vocabulary`, so factories draw from the same tables as the engine.

Every value a factory picks (a category, a brand, a device, a city, a review title) comes from the
vocabulary through this provider, never from a copy: a value added to the vocabulary reaches the
factories, the bulk engine and your own factories at once. The provider draws from Faker's random
generator, which :func:`bronze_factories.seed` reseeds, so picks are reproducible.

Register it on your own Faker or factories::

    import factory
    from bronze_factories.faker_provider import BronzeProvider

    factory.Faker.add_provider(BronzeProvider)   # done for you by ``import bronze_factories``

    class MyProductFactory(factory.Factory):
        category = factory.Faker("bronze_category")
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from faker.providers import BaseProvider
from faker.providers.address.en_US import Provider as _Address
from faker.providers.person.en_US import Provider as _Person

from . import vocabulary as v

CENT = Decimal("0.01")


def cents(value: float | Decimal) -> Decimal:
    """Round half-up to the cent, the way amounts are stored (numeric(10,2))."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- fast draws -----------------------------------------------------------------------------------
# Faker's own ``first_name()``/``street_address()``/``random_element()`` cost 10-40 µs a call (weighted
# OrderedDicts rebuilt per call, templates parsed per call): most of a customer's build time. The
# helpers below draw from the same en_US data, turned once per process into tuples with cumulative
# weights, with ``random.Random.choices``: ~1 µs a value. They take the generator to draw from
# (Faker's or factory_boy's, both reseeded by ``bronze_factories.seed()``) and ``k`` values at once,
# so one code path serves a single Faker formatter call and a bulk ``create_batch``.
class Pool(NamedTuple):
    """Values with cumulative weights (``None``: uniform), ready for ``Random.choices``."""

    values: tuple[Any, ...]
    cum_weights: tuple[float, ...] | None = None

    @classmethod
    def weighted(cls, values: Any, weights: Any) -> Pool:
        return cls(tuple(values), tuple(itertools.accumulate(weights)))

    def draw(self, r: random.Random, k: int = 1) -> list[Any]:
        return r.choices(self.values, cum_weights=self.cum_weights, k=k)


@functools.cache
def pools() -> dict[str, Pool]:
    """The pools, built on first use (Faker's en_US data and the vocabulary's weighted tables)."""
    return {
        "first_name": Pool.weighted(_Person.first_names.keys(), _Person.first_names.values()),
        "last_name": Pool.weighted(_Person.last_names.keys(), _Person.last_names.values()),
        "street_suffix": Pool(tuple(_Address.street_suffixes)),
        "city": Pool.weighted(v.CITIES, [c.weight for c in v.CITIES]),
        "gender": Pool.weighted(v.GENDERS, v.GENDER_WEIGHTS),
    }


def first_names(r: random.Random, k: int = 1) -> list[str]:
    return pools()["first_name"].draw(r, k)


def last_names(r: random.Random, k: int = 1) -> list[str]:
    return pools()["last_name"].draw(r, k)


def genders(r: random.Random, k: int = 1) -> list[str]:
    return pools()["gender"].draw(r, k)


def phones(r: random.Random, k: int = 1) -> list[str]:
    """US-style ``(###) ###-####`` numbers, ten uniform digits as Faker's ``numerify`` gives."""
    out = []
    for n in (r.randrange(10_000_000_000) for _ in range(k)):
        out.append(f"({n // 10_000_000:03d}) {n // 10_000 % 1_000:03d}-{n % 10_000:04d}")
    return out


def street_addresses(r: random.Random, k: int = 1) -> list[str]:
    """``<number> <name> <suffix>``, the shape of Faker's en_US ``street_address``."""
    names = last_names(r, k)
    suffixes = pools()["street_suffix"].draw(r, k)
    return [f"{r.randint(1, 99_999)} {name} {suffix}" for name, suffix in zip(names, suffixes, strict=True)]


def postal_code(r: random.Random, city: v.City) -> str:
    """A postal code with the city's prefix, so city, state and code agree."""
    return f"{city.postal_prefix}{r.randrange(100):02d}"


def addresses(r: random.Random, k: int = 1) -> list[dict[str, str]]:
    """Postal addresses in a vocabulary city (weighted by population)."""
    cities = pools()["city"].draw(r, k)
    streets = street_addresses(r, k)
    return [
        {"street": street, "city": city.city, "state": city.state, "postal_code": postal_code(r, city),
         "country": v.COUNTRY}
        for street, city in zip(streets, cities, strict=True)
    ]


_NOT_IN_EMAIL = re.compile(r"[^a-z0-9.]")


@functools.lru_cache(maxsize=8192)
def _email_word(name: str) -> str:
    return _NOT_IN_EMAIL.sub("", name.lower())


def email_local_part(first_name: str, last_name: str) -> str:
    """``first.last`` in lower case, without what an address cannot hold (``O'Brien`` -> ``obrien``)."""
    return f"{_email_word(first_name)}.{_email_word(last_name)}"


class BronzeProvider(BaseProvider):
    """``bronze_*`` Faker formatters backed by the shared vocabulary."""

    def _weighted(self, values: tuple[Any, ...] | list[Any], weights: tuple[float, ...] | list[float]) -> Any:
        return self.generator.random.choices(values, weights=weights, k=1)[0]

    def _pick(self, values: Any) -> Any:
        # Random.choice, not Faker's random_element (which rebuilds a weighted mapping per call)
        return self.generator.random.choice(values)

    def _category(self, category: str | None) -> v.Category:
        name = category or self.bronze_category()
        try:
            return v.CATEGORY_BY_NAME[name]
        except KeyError:
            known = ", ".join(v.CATEGORY_BY_NAME)
            raise ValueError(f"unknown category {name!r}; use one of: {known}") from None

    # --- catalog ------------------------------------------------------------------------------
    def bronze_category(self) -> str:
        """A top-level category, weighted by its share of the catalog."""
        return self._weighted([c.name for c in v.CATEGORIES], [c.weight for c in v.CATEGORIES])

    def bronze_subcategory(self, category: str | None = None) -> str:
        return self._pick(self._category(category).subcategories)

    def bronze_brand(self, category: str | None = None) -> str:
        return self._pick(self._category(category).brands)

    def bronze_price(self, category: str | None = None, subcategory: str | None = None) -> Decimal:
        """A list price, log-uniform within the subcategory's band (or the category's), then charm-priced (x.99)."""
        cat = self._category(category)
        low, high = self._subcategory(cat, subcategory).price_range if subcategory else cat.price_range
        return cents(math.floor(math.exp(self.generator.random.uniform(math.log(low), math.log(high)))) + 0.99)

    def _subcategory(self, cat: v.Category, name: str | None) -> v.Subcategory:
        name = name or self._pick(cat.subcategories)
        try:
            return v.SUBCATEGORY_BY_NAME[(cat.name, name)]
        except KeyError:
            raise ValueError(f"unknown subcategory {name!r} of {cat.name}; use one of: "
                             f"{', '.join(cat.subcategories)}") from None

    def bronze_product(self, category: str | None = None, subcategory: str | None = None) -> dict[str, Any]:
        """Brand, name, attributes and description of a product, composed from its subcategory's schema
        exactly as populate composes them (a random number of the subcategory's name space)."""
        sub = self._subcategory(self._category(category), subcategory)
        r = self.generator.random
        brand, name, attributes, description = v.compose(sub, r.randrange(v.name_space(sub)), r)
        return {"subcategory": sub.name, "brand": brand, "product_name": name, "attributes": attributes,
                "description": description}

    def bronze_cost(self, price: Decimal | float, category: str | None = None) -> Decimal:
        """A unit cost from the category's margin range, always at least a cent below the price."""
        low, high = self._category(category).margin_range
        price = cents(price)
        cost = cents(price * Decimal(str(1 - self.generator.random.uniform(low, high))))
        return max(min(cost, price - CENT), CENT)

    def bronze_size(self, category: str | None = None) -> str | None:
        """A size for sized categories (clothing, shoes), ``None`` for the others."""
        sizes = self._category(category).sizes
        return self._pick(sizes) if sizes else None

    def bronze_color(self) -> str:
        return self._pick(v.COLORS)

    def bronze_material(self) -> str:
        return self._pick(v.MATERIALS)

    def bronze_product_adjective(self) -> str:
        return self._pick(v.PRODUCT_ADJECTIVES)

    # --- orders -------------------------------------------------------------------------------
    def bronze_order_status(self) -> str:
        return self._pick(v.ORDER_STATUSES)

    def bronze_payment_status(self, status: str) -> str:
        """The payment status that agrees with an order status (contract: cancelled is never completed)."""
        return v.PAYMENT_STATUS[status]

    def bronze_payment_method(self) -> str:
        return self._weighted(v.PAYMENT_METHODS, v.PAYMENT_METHOD_WEIGHTS)

    def bronze_basket_size(self) -> int:
        return self._weighted(v.BASKET_SIZES, v.BASKET_WEIGHTS)

    def bronze_warehouse_id(self, warehouses: int = 5) -> str:
        return v.warehouse_id(self.generator.random.randrange(warehouses))

    # --- web ----------------------------------------------------------------------------------
    def bronze_device(self) -> dict[str, Any]:
        """Device type, OS and browser that belong together (iOS comes with Safari-heavy devices)."""
        device = self._weighted(v.DEVICES, [d.weight for d in v.DEVICES])
        return {
            "device_type": device.device_type,
            "browser": self._weighted(device.browsers, device.browser_weights),
            "operating_system": device.operating_system,
            "is_mobile": device.is_mobile,
        }

    def bronze_landing_page(self) -> str:
        return self._pick(v.LANDING_PAGES)

    def bronze_referrer(self) -> str:
        return self._weighted(v.REFERRERS, v.REFERRER_WEIGHTS)

    # --- people and places --------------------------------------------------------------------
    def bronze_first_name(self) -> str:
        return first_names(self.generator.random)[0]

    def bronze_last_name(self) -> str:
        return last_names(self.generator.random)[0]

    def bronze_phone(self) -> str:
        return phones(self.generator.random)[0]

    def bronze_street_address(self) -> str:
        return street_addresses(self.generator.random)[0]

    def bronze_city(self) -> v.City:
        return pools()["city"].draw(self.generator.random)[0]

    def bronze_postal_code(self, city: v.City | None = None) -> str:
        """A postal code with the city's prefix, so city, state and code agree."""
        return postal_code(self.generator.random, city or self.bronze_city())

    def bronze_address(self) -> dict[str, str]:
        return addresses(self.generator.random)[0]

    def bronze_location(self) -> dict[str, Any]:
        """A geo-IP location: a vocabulary city with coordinates jittered around its centre."""
        city = self.bronze_city()
        rnd = self.generator.random
        return {
            "city": city.city,
            "state": city.state,
            "postal_code": self.bronze_postal_code(city),
            "country": v.COUNTRY,
            "latitude": round(city.latitude + rnd.uniform(-0.1, 0.1), 4),
            "longitude": round(city.longitude + rnd.uniform(-0.1, 0.1), 4),
        }

    def bronze_gender(self) -> str:
        return genders(self.generator.random)[0]

    # --- reviews ------------------------------------------------------------------------------
    def bronze_rating(self) -> int:
        """A star rating, skewed positive like real reviews."""
        return self._weighted(v.RATINGS, v.RATING_WEIGHTS)

    def bronze_review_title(self, rating: int | None = None) -> str:
        return self._pick(v.REVIEW_TITLES[rating or self.bronze_rating()])

    def bronze_review_text(self, rating: int | None = None, product: Any = None) -> str:
        """A text in the tone of the rating, composed like populate's: an opener about ``product`` (a
        product row or any object with category, subcategory, product_name and attributes), aspects of
        its kind (battery, fit, story...), sometimes delivery and a closing line."""
        rating = rating or self.bronze_rating()
        sub = v.SUBCATEGORY_BY_NAME.get((getattr(product, "category", None), getattr(product, "subcategory", None)))
        name = str(getattr(product, "product_name", None) or "")
        if sub is None or not name:
            return v.compose_review("product", "product", ("quality", "price", "packaging"), rating,
                                    self.generator.random)
        if sub.category == "Books":
            noun, head = "book", name.split(" by ")[0]
        else:
            noun = sub.noun or str((getattr(product, "attributes", None) or {}).get("type", "product"))
            head = name.split(",")[0]
        return v.compose_review(noun, head, sub.aspects, rating, self.generator.random)
