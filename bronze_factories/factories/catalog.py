"""Products and inventory movements.

Stock is kept valid as rows are made: every (product, warehouse) a movement touches gets its
opening ``IN`` at the window start, and the opening grows whenever the units that left would
otherwise exceed it, so replaying movements never goes below zero.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import factory
from sqlalchemy import func, select

from .. import vocabulary as v
from ..faker_provider import CENT, cents
from ..models import RawInventory, RawProduct
from ..vocabulary import SOURCE_SYSTEM
from .base import (
    INVENTORY_BASE,
    PRODUCT_BASE,
    BronzeFactory,
    ContractError,
    Hook,
    IdSequence,
    Parent,
    Step,
    between,
    check_in_window,
    current_session,
    given,
    is_create,
    refresh_raw,
    rng,
    settings,
)
from .registry import Stock, known, registry

#: Units an opening stock keeps above what is known to leave it.
STOCK_MARGIN = 20


def _open_stock(product: RawProduct, step: Any, extracted: Any) -> None:
    """The opening ``IN`` of the product in every warehouse, at the window start (create only).

    The contract wants every (product, warehouse) to start with one, as soon as the warehouse
    holds any stock at all: a product without it would fail the check once an order ships.
    """
    if not is_create(step) or extracted is False or not (step.attributes or {}).get("stocked", True):
        return
    for index in range(settings.warehouses):
        step.recurse(InventoryFactory, {"product": product, "warehouse_id": v.warehouse_id(index), "opening": True})


def product_rows(product_ids: list[str]) -> list[dict[str, Any]]:
    """Column values of new products, drawn product by product as the declarations describe them.

    Category by its share of the catalog, a subcategory of it, a name of the subcategory's name
    space with its attributes, a log-uniform list price of the subcategory's band (charm-priced), a
    cost from the category's margin range: the values ``ProductFactory`` draws, without its
    per-object build (for the bulk ``OrderFactory.create_batch``).
    """
    r = rng()
    names = [c.name for c in v.CATEGORIES]
    weights = [c.weight for c in v.CATEGORIES]
    rows = []
    for product_id, name in zip(product_ids, r.choices(names, weights=weights, k=len(product_ids)), strict=True):
        cat = v.CATEGORY_BY_NAME[name]
        sub = v.SUBCATEGORY_BY_NAME[(name, r.choice(cat.subcategories))]
        brand, product_name, attributes, description = v.compose(sub, r.randrange(v.name_space(sub)), r)
        low, high = sub.price_range
        price = cents(math.floor(math.exp(r.uniform(math.log(low), math.log(high)))) + 0.99)
        margin_low, margin_high = cat.margin_range
        cost = max(min(cents(price * Decimal(str(1 - r.uniform(margin_low, margin_high)))), price - CENT), CENT)
        row = {
            "product_id": product_id, "product_name": product_name, "description": description, "category": name,
            "subcategory": sub.name, "price": price, "cost": cost, "currency": v.CURRENCY, "attributes": attributes,
            "supplier_id": f"SUP{r.randint(1, 500):05d}", "brand": brand, "sku": f"{name[:3].upper()}-{product_id[4:]}",
            "source_system": SOURCE_SYSTEM,
        }
        row["raw_data"] = {**row, "price": float(price), "cost": float(cost), "attributes": dict(attributes)}
        rows.append(row)
    return rows


def opening_rows(inventory_ids: list[int], product_ids: list[str]) -> list[dict[str, Any]]:
    """The opening ``IN`` of each product in every warehouse, at the window start (as ``_open_stock`` makes them)."""
    r, start = rng(), settings.start
    rows = []
    ids = iter(inventory_ids)
    for product_id in product_ids:
        for index in range(settings.warehouses):
            rows.append(movement_row(next(ids), product_id, v.warehouse_id(index), r.randint(100, 500), "IN", start,
                                     None, "opening_stock"))
    return rows


def movement_row(inventory_id: int, product_id: str, warehouse_id: str, quantity: int, movement_type: str,
                 movement_date: dt.datetime, reference_number: str | None, reason: str) -> dict[str, Any]:
    """One stock movement's column values and ``raw_data``, as ``InventoryFactory`` records them."""
    row = {
        "inventory_id": inventory_id, "product_id": product_id, "warehouse_id": warehouse_id, "quantity": quantity,
        "movement_type": movement_type, "movement_date": movement_date, "reference_number": reference_number,
        "source_system": SOURCE_SYSTEM,
    }
    row["raw_data"] = {**row, "movement_date": movement_date.isoformat(), "reason": reason}
    return row


class ProductFactory(BronzeFactory):
    """One product of the catalog, with its opening stock in every warehouse.

    ``ProductFactory(category="Books", subcategory="Fiction")`` picks the category (and
    subcategory); brand, name, attributes, description, price band and margin follow it from the
    same schemas populate uses (books get an author and no size, clothing and shoes get sizes).
    ``ProductFactory(stocked=False)`` writes the product row alone: fine as long as the test
    creates no stock movement at all (the contract wants every product stocked in every warehouse).
    """

    class Meta:
        model = RawProduct

    class Params:
        drawn = factory.Faker("bronze_product", category=factory.SelfAttribute("..category"),
                              subcategory=factory.SelfAttribute("..subcategory"))
        stocked = True

    product_id = IdSequence("PROD", 8, PRODUCT_BASE)
    category = factory.Faker("bronze_category")
    subcategory = factory.Faker("bronze_subcategory", category=factory.SelfAttribute("..category"))
    brand = factory.LazyAttribute(lambda o: o.drawn["brand"])
    product_name = factory.LazyAttribute(lambda o: o.drawn["product_name"])
    description = factory.LazyAttribute(lambda o: o.drawn["description"])
    price = factory.Faker("bronze_price", category=factory.SelfAttribute("..category"),
                          subcategory=factory.SelfAttribute("..subcategory"))
    cost = factory.Faker("bronze_cost", price=factory.SelfAttribute("..price"), category=factory.SelfAttribute("..category"))
    currency = v.CURRENCY
    attributes = factory.LazyAttribute(lambda o: o.drawn["attributes"])
    supplier_id = factory.LazyFunction(lambda: f"SUP{rng().randint(1, 500):05d}")
    sku = factory.LazyAttribute(lambda o: f"{o.category[:3].upper()}-{o.product_id[4:]}")

    stock = Hook(_open_stock)


# --- stock bookkeeping ------------------------------------------------------------------------------
def stock_of(product_id: str, warehouse_id: str, *, sql: bool) -> Stock:
    """Opening stock and outgoing units of a (product, warehouse), from the registry or the database."""
    session = current_session()
    reg = registry(session)
    key = (product_id, warehouse_id)
    stock = reg.stock.get(key)
    if stock is None:
        stock = reg.stock[key] = Stock()
        if sql and known(session, RawProduct, product_id) is None:
            # A product the factories did not make may already have movements in the database.
            start = settings.start
            with session.no_autoflush:
                stock.opening = session.scalars(
                    select(RawInventory).where(
                        RawInventory.product_id == product_id, RawInventory.warehouse_id == warehouse_id,
                        RawInventory.movement_type == "IN", RawInventory.movement_date == start,
                    ).limit(1)
                ).first()
                stock.outgoing = -int(session.scalar(
                    select(func.coalesce(func.sum(RawInventory.quantity), 0)).where(
                        RawInventory.product_id == product_id, RawInventory.warehouse_id == warehouse_id,
                        RawInventory.quantity < 0,
                    )
                ))
    return stock


def is_opening(movement: RawInventory) -> bool:
    return movement.movement_type == "IN" and movement.movement_date == settings.start


def _book(movement: RawInventory) -> None:
    """Record a created movement in the stock ledger (called right after it is added to the session)."""
    stock = stock_of(movement.product_id, movement.warehouse_id, sql=True)
    if is_opening(movement):
        if stock.opening is not None and stock.opening is not movement:
            raise ContractError(
                "inventory_initial_in",
                f"{movement.product_id} already has its opening stock in {movement.warehouse_id}; "
                "use InventoryFactory(product=..., warehouse_id=...) to add stock later"
            )
        stock.opening = movement
    elif movement.quantity < 0:
        stock.outgoing += -movement.quantity


def _ensure_opening(movement: RawInventory, step: Any, extracted: Any) -> None:
    """Every later movement needs the opening ``IN`` of its (product, warehouse), large enough."""
    if not is_create(step) or is_opening(movement):
        return
    stock = stock_of(movement.product_id, movement.warehouse_id, sql=True)
    needed = stock.outgoing + STOCK_MARGIN
    if stock.opening is None:
        step.recurse(InventoryFactory, {
            "product_id": movement.product_id, "warehouse_id": movement.warehouse_id, "opening": True,
            "quantity": max(needed, rng().randint(100, 500)),
        })
    elif stock.opening.quantity < stock.outgoing:
        stock.opening.quantity = needed
        refresh_raw(stock.opening)


def _purchase_order(o: Any) -> str:
    """A restock is a purchase order placed a supplier lead time (3-10 days) before it arrives, as populate's."""
    placed = o.movement_date - dt.timedelta(days=rng().randint(3, 10))
    return f"PO-{placed:%Y%m%d}-{rng().randint(1, 999_999_999):09d}"


def _later(o: Any) -> dt.datetime:
    return between(settings.start + dt.timedelta(hours=1), settings.end - dt.timedelta(minutes=1))


def _check_movement(o: Any, step: Any) -> bool:
    """Refuse a given movement_date outside the window (an opening is at its start, by definition)."""
    at = given(step, "movement_date")
    if isinstance(at, dt.datetime) and at != settings.start:
        check_in_window(at, "inventory_in_window", "movement_date")
    return True


class InventoryFactory(BronzeFactory):
    """One stock movement; by default a restock: an ``IN`` from a purchase order inside the window.

    ``adjustment=True`` is a small negative ``ADJUSTMENT`` (shrinkage, count). Every movement makes
    sure the opening stock of its (product, warehouse) exists and covers what left. ``opening=True``
    is that opening ``IN`` at the window start (``ProductFactory`` makes them, one per warehouse).
    ``InventoryFactory(product=p, warehouse_id="WH002")`` reuses the product.
    """

    class Meta:
        model = RawInventory
        exclude = ("contract", "product")

    class Params:
        reason = "restock"
        opening = factory.Trait(
            movement_date=factory.LazyFunction(lambda: settings.start),
            quantity=factory.LazyFunction(lambda: rng().randint(100, 500)),
            reference_number=None,
            reason="opening_stock",
        )
        adjustment = factory.Trait(
            movement_type="ADJUSTMENT",
            movement_date=factory.LazyAttribute(_later),
            quantity=factory.LazyFunction(lambda: -rng().randint(1, 5)),
            reference_number=factory.LazyFunction(lambda: f"ADJ-{rng().randint(100000, 999999)}"),
            reason=factory.Faker("random_element", elements=v.ADJUSTMENT_REASONS),
        )
        raw_extra = factory.LazyAttribute(lambda o: {"reason": o.reason})

    contract = Step(_check_movement)
    inventory_id = IdSequence(None, 0, INVENTORY_BASE)
    product = Parent(ProductFactory, "product_id")
    product_id = factory.SelfAttribute("product.product_id")
    warehouse_id = factory.LazyFunction(lambda: v.warehouse_id(rng().randrange(settings.warehouses)))
    quantity = factory.LazyFunction(lambda: rng().randint(20, 200))
    movement_type = "IN"
    movement_date = factory.LazyAttribute(_later)
    reference_number = factory.LazyAttribute(_purchase_order)

    ensure_stock = Hook(_ensure_opening)

    @classmethod
    def _save(cls, model_class: Any, session: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        obj = super()._save(model_class, session, args, kwargs)
        _book(obj)
        return obj


__all__ = ["InventoryFactory", "ProductFactory", "movement_row", "opening_rows", "product_rows", "stock_of"]
