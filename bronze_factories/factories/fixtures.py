"""pytest-factoryboy in one line: ``bronze_factories.register_all()`` in a conftest.

pytest-factoryboy names a factory's fixture after its model (``RawOrder`` -> ``raw_order``) and
resolves each ``SubFactory`` through the fixture of the parent's model, so registering
``OrderFactory`` alone fails with "fixture 'raw_customer' not found" (or a ``raw_customer__...``
attribute fixture). :data:`PARENTS` lists what each factory needs; :func:`register_all` registers
all seven, parents included.
"""

from __future__ import annotations

import sys
from typing import Any

from .catalog import InventoryFactory, ProductFactory
from .customers import CustomerFactory
from .orders import OrderFactory
from .reviews import ReviewFactory
from .web import ClickstreamFactory, WebSessionFactory

#: Factory -> (model fixture name, factories that must be registered with it).
PARENTS: dict[type, tuple[str, tuple[type, ...]]] = {
    CustomerFactory: ("raw_customer", ()),
    ProductFactory: ("raw_product", ()),
    InventoryFactory: ("raw_inventory", (ProductFactory,)),
    WebSessionFactory: ("raw_session", (CustomerFactory,)),
    ClickstreamFactory: ("raw_clickstream", (WebSessionFactory, ProductFactory, CustomerFactory)),
    OrderFactory: ("raw_order", (CustomerFactory,)),
    ReviewFactory: ("raw_review", (CustomerFactory, ProductFactory)),
}


def register_all(namespace: dict[str, Any] | None = None) -> dict[str, type]:
    """Register every bronze factory with pytest-factoryboy; returns ``{fixture name: factory}``.

    Call it at module level in a ``conftest.py``: the fixtures (``raw_order``, ``raw_order__status``,
    ``order_factory``...) are injected into the calling module, as ``register()`` does. Combine it
    with an autouse fixture that requests ``bronze_session`` so that they write through it.
    """
    from pytest_factoryboy import register

    target = namespace if namespace is not None else sys._getframe(1).f_globals
    try:  # pytest-factoryboy >= 2.6 wraps the namespace in a Box
        from pytest_factoryboy.fixture import Box

        caller_locals: Any = Box(target)
    except ImportError:  # pragma: no cover - older pytest-factoryboy takes the dict itself
        caller_locals = target
    registered = {}
    for factory_class, (name, _) in PARENTS.items():
        register(factory_class, _caller_locals=caller_locals)
        registered[name] = factory_class
    return registered


__all__ = ["PARENTS", "register_all"]
