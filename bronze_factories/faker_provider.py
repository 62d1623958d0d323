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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from faker.providers import BaseProvider

from . import vocabulary as v
from .vocabulary import geography as g
from .vocabulary import people as p
from .vocabulary import web as w

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
    """The pools, built on first use (the vocabulary's weighted tables, Faker's en_US names among them)."""
    return {
        "female_name": Pool.weighted(p.FEMALE_NAMES, p.FEMALE_WEIGHTS),
        "male_name": Pool.weighted(p.MALE_NAMES, p.MALE_WEIGHTS),
        "last_name": Pool.weighted(p.LAST_NAMES, p.LAST_WEIGHTS),
        "city": Pool.weighted(range(len(v.CITIES)), [c.population for c in v.CITIES]),
        "gender": Pool.weighted(v.GENDERS, v.GENDER_WEIGHTS),
        "age_band": Pool.weighted(range(len(p.AGE_BANDS)), p.AGE_WEIGHTS),
        "street_surname": Pool.weighted(g.STREET_SURNAMES, g.STREET_SURNAME_WEIGHTS),
        "street_suffix": Pool.weighted(g.STREET_SUFFIXES, g.STREET_SUFFIX_WEIGHTS),
        "house_digits": Pool.weighted(range(1, 6), g.HOUSE_NUMBER_DIGIT_WEIGHTS),
        "email_pattern": Pool.weighted(range(len(p.EMAIL_PATTERNS)), p.EMAIL_PATTERN_WEIGHTS),
        "email_domain": Pool.weighted(p.EMAIL_DOMAINS, p.EMAIL_DOMAIN_WEIGHTS),
    }


@functools.cache
def city_index() -> dict[tuple[str, str], int]:
    """(city, state) -> index in ``vocabulary.CITIES``."""
    return {(c.city, c.state): k for k, c in enumerate(v.CITIES)}


def first_names(r: random.Random, k: int = 1, gender_of: list[str] | None = None) -> list[str]:
    """Given names that agree with the genders (female or male tables; other genders any of them)."""
    out = []
    for gender in gender_of or [None] * k:
        if gender not in ("female", "male"):
            gender = "female" if r.random() < 0.5 else "male"
        out.append(pools()[f"{gender}_name"].draw(r)[0])
    return out


def last_names(r: random.Random, k: int = 1) -> list[str]:
    return pools()["last_name"].draw(r, k)


def genders(r: random.Random, k: int = 1) -> list[str]:
    return pools()["gender"].draw(r, k)


def ages(r: random.Random, k: int = 1) -> list[tuple[int, bool]]:
    """(age in days, marketing opt-in) pairs: an adult age band, then the band's opt-in rate."""
    out = []
    for band in pools()["age_band"].draw(r, k):
        low, high = p.AGE_BANDS[band]
        out.append((p.age_days(r.randint(low, high), r.random()), r.random() < p.OPT_IN_BY_BAND[band]))
    return out


def cities(r: random.Random, k: int = 1) -> list[int]:
    """Indices into ``vocabulary.CITIES``, weighted by population."""
    return pools()["city"].draw(r, k)


def city_of(place: dict[str, Any] | None) -> int | None:
    """The ``vocabulary.CITIES`` index of an address or location (``None`` if it is not one of them)."""
    if not place:
        return None
    return city_index().get((place.get("city"), place.get("state")))


def phones(r: random.Random, k: int = 1, city: list[int | None] | None = None) -> list[str]:
    """Numbers reserved for fiction (``+1-AAA-555-01LL``) behind a real area code of each city."""
    out = []
    for c in city or [None] * k:
        if c is None:
            c = cities(r)[0]
        out.append(p.phone(r.choice(v.CITIES[c].area_codes), r.randrange(100)))
    return out


def street_addresses(r: random.Random, k: int = 1) -> list[str]:
    """``<number> <name> <suffix>`` lines, drawn like the engine's (``vocabulary.geography``)."""
    lines = []
    for digits, suffix in zip(pools()["house_digits"].draw(r, k), pools()["street_suffix"].draw(r, k), strict=True):
        number = r.randrange(10 ** (digits - 1), 10 ** digits)
        if r.random() < g.STREET_COMMON_SHARE:
            name = r.choice(g.STREET_COMMON)
        else:
            name = pools()["street_surname"].draw(r)[0]
        lines.append(g.street_line(number, name, suffix))
    return lines


def postal_code(r: random.Random, city: v.City) -> str:
    """One of the city's real ZIP codes."""
    return r.choice(city.zips)


def addresses(r: random.Random, k: int = 1, city: list[int] | None = None) -> list[dict[str, str]]:
    """Postal addresses in real cities (weighted by population), with a ZIP code of that city."""
    picked = city or cities(r, k)
    streets = street_addresses(r, len(picked))
    out = []
    for street, c in zip(streets, picked, strict=True):
        place = v.CITIES[c]
        out.append({"street": street, "city": place.city, "state": place.state, "postal_code": postal_code(r, place),
                    "country": v.COUNTRY})
    return out


def email_local_part(first_name: str, last_name: str, pattern: int = 0, birth_year: int = 1990,
                     number: int = 0) -> str:
    """A local part in one of the usual patterns (``vocabulary.people.EMAIL_PATTERNS``)."""
    return p.local_part(first_name, last_name, pattern, birth_year, number)


def emails(r: random.Random, names: list[tuple[str, str, int]], numbers: list[int]) -> list[str]:
    """Addresses on reserved domains for (first, last, birth year), made unique by the customer numbers."""
    patterns = pools()["email_pattern"].draw(r, len(names))
    domains = pools()["email_domain"].draw(r, len(names))
    return [
        f"{p.unique_local(p.local_part(first, last, pattern, year, r.randrange(100)), number)}@{domain}"
        for (first, last, year), pattern, domain, number in zip(names, patterns, domains, numbers, strict=True)
    ]


def location(r: random.Random, c: int, postal: str | None = None) -> dict[str, Any]:
    """A geo-IP location in city ``c``: a ZIP code of it, coordinates close to its centre."""
    place = v.CITIES[c]
    return {
        "city": place.city, "state": place.state, "postal_code": postal or postal_code(r, place),
        "country": v.COUNTRY,
        "latitude": round(place.latitude + r.uniform(-0.03, 0.03), 4),
        "longitude": round(place.longitude + r.uniform(-0.03, 0.03), 4),
    }


def ip_address(r: random.Random, c: int) -> str:
    """A public address of city ``c``'s blocks (the same rule as the engine's)."""
    return w.ipv4_text(w.ip_in_city(c, r.getrandbits(32)))


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
    def bronze_first_name(self, gender: str | None = None) -> str:
        """A given name that agrees with ``gender`` (any table for non-binary, undisclosed or none)."""
        return first_names(self.generator.random, 1, [gender] if gender else None)[0]

    def bronze_last_name(self) -> str:
        return last_names(self.generator.random)[0]

    def bronze_phone(self, address: dict[str, Any] | None = None) -> str:
        """A fiction-range number behind an area code of the address's city (any city without one)."""
        return phones(self.generator.random, 1, [city_of(address)])[0]

    def bronze_street_address(self) -> str:
        return street_addresses(self.generator.random)[0]

    def bronze_city(self) -> v.City:
        return v.CITIES[cities(self.generator.random)[0]]

    def bronze_postal_code(self, city: v.City | None = None) -> str:
        """One of the city's real ZIP codes, so city, state and code agree."""
        return postal_code(self.generator.random, city or self.bronze_city())

    def bronze_address(self) -> dict[str, str]:
        return addresses(self.generator.random)[0]

    def bronze_location(self, city: int | None = None) -> dict[str, Any]:
        """A geo-IP location: a real city (by population unless given), near its centre."""
        rnd = self.generator.random
        return location(rnd, cities(rnd)[0] if city is None else city)

    def bronze_ipv4(self, location: dict[str, Any] | None = None) -> str:
        """A public unicast address of the location's city (any city when it is not one of ours)."""
        c = city_of(location)
        return ip_address(self.generator.random, cities(self.generator.random)[0] if c is None else c)

    def bronze_gender(self) -> str:
        return genders(self.generator.random)[0]

    def bronze_email_domain(self) -> str:
        return pools()["email_domain"].draw(self.generator.random)[0]

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
