"""Realistic, referentially consistent e-commerce data for the bronze layer of a warehouse.

The names below are imported on first use (PEP 562): the pytest plugin lives in this package, and
every pytest run in an environment that has the package installed loads it, so ``import
bronze_factories`` must not pull in SQLAlchemy, factory_boy and Faker before a test asks for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .factories import (
        ClickstreamFactory,
        ContractError,
        CustomerFactory,
        FactoryDatabaseError,
        InventoryFactory,
        OrderFactory,
        ProductFactory,
        ReviewFactory,
        WebSessionFactory,
        advance,
        bind,
        register_all,
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
    "ContractError",
    "CustomerFactory",
    "FactoryDatabaseError",
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
    "advance",
    "bind",
    "register_all",
    "seed",
    "set_window",
    "window",
]

_MODELS = {"RawClickstream", "RawCustomer", "RawInventory", "RawOrder", "RawProduct", "RawReview", "RawSession"}
_WHERE = {name: ".models" if name in _MODELS else ".factories" for name in __all__}
_WHERE["BronzeProvider"] = ".faker_provider"


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'bronze_factories' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
