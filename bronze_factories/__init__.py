"""Realistic, referentially consistent e-commerce data for the bronze layer of a warehouse."""

from .factories import (
    ClickstreamFactory,
    CustomerFactory,
    InventoryFactory,
    OrderFactory,
    ProductFactory,
    ReviewFactory,
    WebSessionFactory,
    bind,
    seed,
    set_window,
    window,
)
from .faker_provider import BronzeProvider
from .models import (
    RawClickstream,
    RawCustomer,
    RawInventory,
    RawOrder,
    RawProduct,
    RawReview,
    RawSession,
)

__all__ = [
    "BronzeProvider",
    "ClickstreamFactory",
    "CustomerFactory",
    "InventoryFactory",
    "OrderFactory",
    "ProductFactory",
    "RawClickstream",
    "RawCustomer",
    "RawInventory",
    "RawOrder",
    "RawProduct",
    "RawReview",
    "RawSession",
    "ReviewFactory",
    "WebSessionFactory",
    "bind",
    "seed",
    "set_window",
    "window",
]
