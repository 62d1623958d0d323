"""factory_boy factories for the seven bronze tables, valid under the bronze contract by default.

Bind a SQLAlchemy session (``with bronze_factories.bind(session): ...`` or the ``bronze_session``
pytest fixture), then one call makes a consistent object graph::

    OrderFactory()                      # customer, products, session + events, stock movements
    OrderFactory(status="returned")     # or OrderFactory(returned=True)
    OrderFactory(customer=c)            # reuses c (or customer_id=c.customer_id): no second customer
    CustomerFactory()                   # just one customer row
    ReviewFactory(rating=2)             # reviewer who ordered (and received) the product first
    bronze_factories.seed(42)           # same seed, same rows; window end fixed at 2026-01-01
    bronze_factories.advance(days=3)    # "now" moves on: orders made earlier ship, arrive, come back

An override the factories cannot honour raises :class:`ContractError` naming the validator rule;
a database error while writing raises :class:`FactoryDatabaseError` (one short line).
"""

from .advance import advance
from .base import (
    DEFAULT_DAYS,
    DEFAULT_END_DATE,
    DEFAULT_SEED,
    BronzeFactory,
    ContractError,
    FactoryDatabaseError,
    Parent,
    bind,
    current_session,
    seed,
    set_window,
    settings,
    window,
)
from .catalog import InventoryFactory, ProductFactory
from .customers import CustomerFactory
from .fixtures import PARENTS, register_all
from .orders import OrderFactory
from .reviews import ReviewFactory
from .web import ClickstreamFactory, WebSessionFactory

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_END_DATE",
    "DEFAULT_SEED",
    "PARENTS",
    "BronzeFactory",
    "ClickstreamFactory",
    "ContractError",
    "CustomerFactory",
    "FactoryDatabaseError",
    "InventoryFactory",
    "OrderFactory",
    "Parent",
    "ProductFactory",
    "ReviewFactory",
    "WebSessionFactory",
    "advance",
    "bind",
    "current_session",
    "register_all",
    "seed",
    "set_window",
    "settings",
    "window",
]
