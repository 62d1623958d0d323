"""``OrderFactory.create_batch(n)``: n whole order graphs drawn table by table, then written in bulk.

Why a second path: one ``OrderFactory()`` builds about twenty objects through factory_boy's resolver
(customer, products and their opening stock, session, funnel events, OUT movements), each with its
declarations, hooks and registry bookkeeping, then lets the unit of work sort and flush them; that
costs ~10 ms an order graph whether the flush comes per order or once per batch. Here the values
of every table are drawn first, in plain Python (customers as ``CustomerFactory.create_batch``
draws them, the others by the rules their declarations follow), then each table is written with
one ``COPY`` (multi-row INSERTs off psycopg2), parents before children, through the bound
session's connection: inside the caller's transaction, so a test's rollback takes them away.

The rows are the ones the declarations describe (same vocabulary, same distributions, same
contract), drawn in another order: the same seed gives the same batch, not the same rows as ``n``
single calls. The objects returned are persistent, linked (``order.customer``, ``order.session``,
``session.events``...) and known to the registry, as after a flush.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from .. import vocabulary as v
from ..faker_provider import cents
from ..models import RawClickstream, RawCustomer, RawInventory, RawOrder, RawProduct, RawSession
from ..vocabulary import SOURCE_SYSTEM
from .advance import follow
from .binding import current_session
from .catalog import InventoryFactory, ProductFactory, movement_row, opening_rows, product_rows
from .clock import settings
from .customers import CustomerFactory, customer_rows
from .draws import between, rng, seconds
from .lifecycle import AGE, Lifecycle, draw
from .registry import Stock, registry, write_rows
from .web import ClickstreamFactory, WebSessionFactory, _device, _where

ZERO = Decimal("0.00")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def order_batch(factory_class: Any, size: int, status: str = "delivered") -> list[RawOrder]:
    """``size`` orders of ``status`` with their whole graphs, written in bulk (see the module docstring)."""
    session = current_session()
    r = rng()
    start, end = settings.start, settings.end
    order_ids = factory_class.order_id.next_ids(factory_class, size)
    customers = customer_rows(CustomerFactory.customer_id.next_ids(CustomerFactory, size))
    baskets = r.choices(v.BASKET_SIZES, weights=v.BASKET_WEIGHTS, k=size)
    products = product_rows(ProductFactory.product_id.next_ids(ProductFactory, sum(baskets)))
    quantities = r.choices((1, 2, 3), weights=(0.75, 0.18, 0.07), k=len(products))
    payment = r.choices(v.PAYMENT_METHODS, weights=v.PAYMENT_METHOD_WEIGHTS, k=size)
    session_ids = WebSessionFactory.session_id.next_ids(WebSessionFactory, size)
    youngest, oldest = AGE[status]

    orders, sessions, events, outgoing = [], [], [], []
    lifecycles: list[Lifecycle] = []
    first = 0
    for j, order_id in enumerate(order_ids):
        customer = customers[j]
        lines = []
        for product, quantity in zip(products[first:first + baskets[j]], quantities[first:first + baskets[j]],
                                     strict=True):
            gross = product["price"] * quantity
            discount = cents(gross * Decimal("0.1")) if r.random() < 0.2 else ZERO
            lines.append({"product_id": product["product_id"], "quantity": quantity, "unit_price": product["price"],
                          "discount_amount": discount, "total_amount": gross - discount})
        first += baskets[j]
        funnel = min(3600, sum(r.randint(10, 90) for _ in range(2 * len(lines) + 2)))
        warehouse = v.warehouse_id(r.randrange(settings.warehouses))
        low = max(start, customer["registration_date"]) + seconds(funnel) + dt.timedelta(minutes=1)
        if oldest is not None:
            low = max(low, end - oldest)
        order_date = between(low, max(low, end - youngest))
        lifecycles.append(draw(order_date, status, end, r, settings.epoch))
        times = lifecycles[-1].visible(end)

        session_id = session_ids[j]
        sessions.append(_session_row(session_id, customer, order_date - seconds(funnel), order_date))
        events.extend(_event_rows(sessions[-1], order_id, [line["product_id"] for line in lines]))

        subtotal = sum((line["total_amount"] for line in lines), ZERO)
        tax = cents(subtotal * Decimal(str(v.TAX_RATE)))
        shipping = ZERO if subtotal >= Decimal(str(v.FREE_SHIPPING_OVER)) else cents(v.SHIPPING_COST)
        total = subtotal + tax + shipping
        row = {"order_id": order_id, "customer_id": customer["customer_id"], "order_date": order_date,
               "status": status, "shipping_address": dict(customer["address"]), "total_amount": total,
               "source_system": SOURCE_SYSTEM}
        row["raw_data"] = {
            **row, "order_date": order_date.isoformat(), "total_amount": float(total),
            "shipping_address": dict(customer["address"]),
            "items": [{**line, "unit_price": float(line["unit_price"]), "discount_amount": float(line["discount_amount"]),
                       "total_amount": float(line["total_amount"])} for line in lines],
            "subtotal": float(subtotal), "tax_amount": float(tax), "shipping_cost": float(shipping),
            "discount_amount": float(sum((line["discount_amount"] for line in lines), ZERO)),
            "payment_method": payment[j], "payment_status": v.PAYMENT_STATUS[status], "session_id": session_id,
            "warehouse_id": warehouse, "currency": v.CURRENCY, **{k: _iso(t) for k, t in times.items()},
        }
        orders.append(row)
        for line in lines:
            if times["shipped_at"] is not None:
                outgoing.append((line["product_id"], warehouse, -line["quantity"], "OUT", times["shipped_at"],
                                 order_id, "sale"))
            if times["returned_at"] is not None:
                outgoing.append((line["product_id"], warehouse, line["quantity"], "IN", times["returned_at"],
                                 order_id, "return"))

    product_ids = [p["product_id"] for p in products]
    inventory_ids = InventoryFactory.inventory_id.next_ids(InventoryFactory,
                                                           len(products) * settings.warehouses + len(outgoing))
    movements = opening_rows(inventory_ids, product_ids)
    movements += [movement_row(i, *m) for i, m in zip(inventory_ids[len(movements):], outgoing, strict=True)]
    event_ids = ClickstreamFactory.event_id.next_ids(ClickstreamFactory, len(events))
    for event_id, event in zip(event_ids, events, strict=True):
        event["event_id"] = event["raw_data"]["event_id"] = event_id

    objs = _write(session, customers, products, sessions, events, orders, movements)
    for order, lifecycle in zip(objs, lifecycles, strict=True):
        follow(order, lifecycle, session)
    return objs


def _session_row(session_id: str, customer: dict[str, Any], start_time: dt.datetime,
                 end_time: dt.datetime) -> dict[str, Any]:
    """The logged-in session an order is placed in: it opens ``funnel`` seconds before the purchase."""
    owner = SimpleNamespace(customer=SimpleNamespace(customer_id=customer["customer_id"], address=customer["address"]))
    device = _device(owner)
    location, ip = _where(owner)
    row = {"session_id": session_id, "user_id": customer["customer_id"], "start_time": start_time,
           "end_time": end_time, "duration_seconds": int((end_time - start_time).total_seconds()),
           "device_type": device["device_type"], "browser": device["browser"],
           "operating_system": device["operating_system"], "location": location, "ip_address": ip,
           "is_mobile": device["device_type"] != "desktop", "source_system": SOURCE_SYSTEM}
    row["raw_data"] = {**row, "start_time": start_time.isoformat(), "end_time": end_time.isoformat(),
                       "location": dict(location)}
    return row


def _event_rows(web_session: dict[str, Any], order_id: str, product_ids: list[str]) -> list[dict[str, Any]]:
    """The landing page view at the session start, then view, cart, checkout and purchase at ``end_time``."""
    r = rng()
    device = {k: web_session[k] for k in ("device_type", "browser", "operating_system", "is_mobile")}
    start, end = web_session["start_time"], web_session["end_time"]
    landing = ("page_view", None, r.choice(v.LANDING_PAGES), r.choices(v.REFERRERS, v.REFERRER_WEIGHTS)[0], 0)
    funnel = [("page_view", p) for p in product_ids] + [("add_to_cart", p) for p in product_ids]
    funnel += [("checkout_start", None), ("purchase", None)]
    span = int((end - start).total_seconds())
    cuts = sorted(r.sample(range(1, span), len(funnel) - 1)) if span > len(funnel) else [0] * (len(funnel) - 1)
    pages = {"checkout_start": v.CHECKOUT_PAGE, "purchase": v.CONFIRMATION_PAGE}
    steps = [landing] + [
        (event_type, product, f"{v.PRODUCT_PAGE}{product}" if product else pages[event_type], "", max(offset, 0))
        for (event_type, product), offset in zip(funnel, [*cuts, span], strict=True)
    ]
    rows = []
    for event_type, product, page, referrer, offset in steps:
        at = start + seconds(offset)
        row = {"event_id": None, "session_id": web_session["session_id"], "user_id": web_session["user_id"],
               "event_type": event_type, "page_url": page, "referrer": referrer, "device_info": device,
               "event_timestamp": at, "source_system": SOURCE_SYSTEM}
        extra: dict[str, Any] = {"product_id": product} if product else {}
        if event_type == "purchase":
            extra["order_id"] = order_id
        row["raw_data"] = {**row, "device_info": dict(device), "event_timestamp": at.isoformat(), **extra}
        row["product"] = product  # the product object is linked after the write (see _write)
        rows.append(row)
    return rows


def _write(session: Any, customers: list[dict[str, Any]], products: list[dict[str, Any]],
           sessions: list[dict[str, Any]], events: list[dict[str, Any]], orders: list[dict[str, Any]],
           movements: list[dict[str, Any]]) -> list[RawOrder]:
    """Write every table (parents first) and link the objects the way a load would (no change events)."""
    customer_objs = write_rows(session, RawCustomer, customers)
    by_customer = {c.customer_id: c for c in customer_objs}
    product_objs = write_rows(session, RawProduct, products)
    by_product = {p.product_id: p for p in product_objs}
    session_objs = write_rows(session, RawSession, sessions,
                              links=[{"customer": by_customer[s["user_id"]]} for s in sessions])
    by_session = {s.session_id: s for s in session_objs}
    event_products = [e.pop("product") for e in events]
    write_rows(session, RawClickstream, events,
               links=[{"session": by_session[e["session_id"]], "product": by_product.get(p)}
                      for e, p in zip(events, event_products, strict=True)])
    order_objs = write_rows(session, RawOrder, orders,
                            links=[{"customer": by_customer[o["customer_id"]],
                                    "session": by_session[o["raw_data"]["session_id"]]} for o in orders])
    movement_objs = write_rows(session, RawInventory, movements,
                               links=[{"product": by_product[m["product_id"]]} for m in movements])
    stock = registry(session).stock
    for movement in movement_objs:
        ledger = stock.setdefault((movement.product_id, movement.warehouse_id), Stock())
        if movement.raw_data["reason"] == "opening_stock":
            ledger.opening = movement
        elif movement.quantity < 0:
            ledger.outgoing += -movement.quantity
    return order_objs


__all__ = ["order_batch"]
