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

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from faker.providers import BaseProvider

from . import vocabulary as v

CENT = Decimal("0.01")


def cents(value: float | Decimal) -> Decimal:
    """Round half-up to the cent, the way amounts are stored (numeric(10,2))."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class BronzeProvider(BaseProvider):
    """``bronze_*`` Faker formatters backed by the shared vocabulary."""

    def _weighted(self, values: tuple[Any, ...] | list[Any], weights: tuple[float, ...] | list[float]) -> Any:
        return self.generator.random.choices(values, weights=weights, k=1)[0]

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
        return self.random_element(self._category(category).subcategories)

    def bronze_brand(self, category: str | None = None) -> str:
        return self.random_element(self._category(category).brands)

    def bronze_price(self, category: str | None = None) -> Decimal:
        """A list price, log-uniform within the category's range (many cheap items, few expensive)."""
        low, high = self._category(category).price_range
        return cents(math.exp(self.generator.random.uniform(math.log(low), math.log(high))))

    def bronze_cost(self, price: Decimal | float, category: str | None = None) -> Decimal:
        """A unit cost from the category's margin range, always at least a cent below the price."""
        low, high = self._category(category).margin_range
        price = cents(price)
        cost = cents(price * Decimal(str(1 - self.generator.random.uniform(low, high))))
        return max(min(cost, price - CENT), CENT)

    def bronze_size(self, category: str | None = None) -> str | None:
        """A size for sized categories (clothing, shoes), ``None`` for the others."""
        sizes = self._category(category).sizes
        return self.random_element(sizes) if sizes else None

    def bronze_color(self) -> str:
        return self.random_element(v.COLORS)

    def bronze_material(self) -> str:
        return self.random_element(v.MATERIALS)

    def bronze_product_adjective(self) -> str:
        return self.random_element(v.PRODUCT_ADJECTIVES)

    # --- orders -------------------------------------------------------------------------------
    def bronze_order_status(self) -> str:
        return self.random_element(v.ORDER_STATUSES)

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
        return self.random_element(v.LANDING_PAGES)

    def bronze_referrer(self) -> str:
        return self._weighted(v.REFERRERS, v.REFERRER_WEIGHTS)

    # --- people and places --------------------------------------------------------------------
    def bronze_city(self) -> v.City:
        return self._weighted(v.CITIES, [c.weight for c in v.CITIES])

    def bronze_postal_code(self, city: v.City | None = None) -> str:
        """A postal code with the city's prefix, so city, state and code agree."""
        city = city or self.bronze_city()
        return f"{city.postal_prefix}{self.generator.random.randrange(100):02d}"

    def bronze_address(self) -> dict[str, str]:
        city = self.bronze_city()
        return {
            "street": self.generator.street_address(),
            "city": city.city,
            "state": city.state,
            "postal_code": self.bronze_postal_code(city),
            "country": v.COUNTRY,
        }

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
        return self._weighted(v.GENDERS, v.GENDER_WEIGHTS)

    # --- reviews ------------------------------------------------------------------------------
    def bronze_rating(self) -> int:
        """A star rating, skewed positive like real reviews."""
        return self._weighted(v.RATINGS, v.RATING_WEIGHTS)

    def bronze_review_title(self, rating: int | None = None) -> str:
        return self.random_element(v.REVIEW_TITLES[rating or self.bronze_rating()])

    def bronze_review_text(self, rating: int | None = None, product: str = "product") -> str:
        """Two or three sentences whose tone agrees with the rating."""
        sentences = v.REVIEW_SENTENCES[rating or self.bronze_rating()]
        picked = self.random_sample(sentences, length=self.generator.random.randint(2, 3))
        return " ".join(s.format(p=product) for s in picked)
