"""The value tables that both the factories and the bulk engine read.

Keeping them in one package is what stops the two paths from drifting: a category, a browser, a
city or a status exists here or nowhere. One module per subject (store, catalog, web, geography,
people, reviews); everything is a plain tuple or dict so that the engine can turn it into numpy
arrays once and the Faker provider can pick from it per call. The names are re-exported here for
``from bronze_factories import vocabulary as V``.
"""

from __future__ import annotations

from .catalog import (
    CATEGORIES,
    CATEGORY_BY_NAME,
    COLORS,
    MATERIALS,
    PRODUCT_ADJECTIVES,
    SIZED_CATEGORIES,
    Category,
)
from .geography import (
    CITIES,
    COUNTRY,
    City,
)
from .people import (
    EMAIL_DOMAINS,
    GENDER_WEIGHTS,
    GENDERS,
)
from .reviews import (
    RATING_WEIGHTS,
    RATINGS,
    REVIEW_SENTENCES,
    REVIEW_TITLES,
)
from .store import (
    ADJUSTMENT_REASONS,
    BASKET_SIZES,
    BASKET_WEIGHTS,
    CURRENCY,
    FREE_SHIPPING_OVER,
    MOVEMENT_TYPES,
    OPEN_STATUSES,
    ORDER_STATUSES,
    PAYMENT_METHOD_WEIGHTS,
    PAYMENT_METHODS,
    PAYMENT_STATUS,
    SHIPPED_STATUSES,
    SHIPPING_COST,
    SOURCE_SYSTEM,
    TAX_RATE,
    warehouse_id,
)
from .web import (
    CHECKOUT_PAGE,
    CONFIRMATION_PAGE,
    DEVICES,
    EVENT_TYPES,
    FUNNEL,
    HOME_CITY_SHARE,
    LANDING_PAGES,
    LOGGED_IN_SHARE,
    PRODUCT_PAGE,
    REFERRER_WEIGHTS,
    REFERRERS,
    SEARCH_PAGE,
    Device,
)

__all__ = [
    "ADJUSTMENT_REASONS",
    "BASKET_SIZES",
    "BASKET_WEIGHTS",
    "CATEGORIES",
    "CATEGORY_BY_NAME",
    "CHECKOUT_PAGE",
    "CITIES",
    "COLORS",
    "CONFIRMATION_PAGE",
    "COUNTRY",
    "CURRENCY",
    "DEVICES",
    "EMAIL_DOMAINS",
    "EVENT_TYPES",
    "FREE_SHIPPING_OVER",
    "FUNNEL",
    "GENDERS",
    "GENDER_WEIGHTS",
    "HOME_CITY_SHARE",
    "LANDING_PAGES",
    "LOGGED_IN_SHARE",
    "MATERIALS",
    "MOVEMENT_TYPES",
    "OPEN_STATUSES",
    "ORDER_STATUSES",
    "PAYMENT_METHODS",
    "PAYMENT_METHOD_WEIGHTS",
    "PAYMENT_STATUS",
    "PRODUCT_ADJECTIVES",
    "PRODUCT_PAGE",
    "RATINGS",
    "RATING_WEIGHTS",
    "REFERRERS",
    "REFERRER_WEIGHTS",
    "REVIEW_SENTENCES",
    "REVIEW_TITLES",
    "SEARCH_PAGE",
    "SHIPPED_STATUSES",
    "SHIPPING_COST",
    "SIZED_CATEGORIES",
    "SOURCE_SYSTEM",
    "TAX_RATE",
    "Category",
    "City",
    "Device",
    "warehouse_id",
]
