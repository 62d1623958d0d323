"""Orders and everything an order implies.

``OrderFactory()`` makes a customer (registered before the order), its products, the logged-in web
session it was placed in (views of the products, add_to_cart each, checkout_start, and the
``purchase`` at ``order_date``), and, for shipped/delivered/returned orders, the ``OUT`` movements
at ``shipped_at`` (with the opening stock they need) and, for returns, the ``IN`` back.
The status decides the order's age at the window end, its fulfilment timestamps and its
``payment_status``. The order's whole lifecycle is drawn when it is made (``order.lifecycle``, see
:mod:`.lifecycle`): the row shows it as of the window end, and :func:`bronze_factories.advance`
moves it on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from .. import vocabulary as v
from ..faker_provider import cents
from ..models import RawCustomer, RawOrder, RawProduct, RawSession
from .advance import follow
from .base import (
    _MISSING,
    ORDER_BASE,
    BronzeFactory,
    ContractError,
    Hook,
    IdSequence,
    Parent,
    Step,
    between,
    bound_session,
    check_in_window,
    check_registered,
    current_session,
    given,
    is_create,
    resolve,
    rng,
    seconds,
    settings,
)
from .catalog import InventoryFactory, ProductFactory
from .customers import CustomerFactory
from .lifecycle import AGE, MAX_AGE, Lifecycle, draw, from_row
from .registry import fetch, known
from .web import ClickstreamFactory, WebSessionFactory, events_of, stretch


def _session_given(step: Any) -> bool:
    return given(step, "session") is not _MISSING or given(step, "session_id") is not _MISSING


def _check_overrides(o: Any, step: Any) -> bool:
    """Refuse overrides that would break the contract, before anything is made (the first declaration).

    A refused call raises :class:`ContractError` naming the rule and leaves no rows behind; what the
    factory still controls adapts instead (a new customer registered before a given ``order_date``).
    """
    at = given(step, "order_date")
    status = o.status
    if status not in AGE:
        raise ContractError("order_status_age",
                            f"unknown order status {status!r}; use one of: {', '.join(v.ORDER_STATUSES)}")
    if isinstance(at, dt.datetime):
        check_in_window(at, "orders_in_window", "order_date", before=dt.timedelta(hours=1), after=dt.timedelta(minutes=1))
        limit = MAX_AGE.get(status)
        if limit is not None and settings.end - at > limit:
            raise ContractError("order_status_age", f"a {status} order is at most {limit.days} days old at the "
                                                    f"window end {settings.end}; order_date {at} is older")
    at = at if isinstance(at, dt.datetime) else None
    if _session_given(step):
        web_session = o.session
        if at is not None:
            events = events_of(web_session, step)
            last = max([e.event_timestamp for e in events] or [web_session.start_time])
            if at <= last + dt.timedelta(minutes=1):
                raise ContractError("session_funnel_order",
                                    f"order_date {at} is not after the last event of session "
                                    f"{web_session.session_id} ({last}) with a minute for the funnel")
    elif given(step, "customer") is not _MISSING or given(step, "customer_id") is not _MISSING:
        # room for the session before the order (its funnel is at most an hour) and a minute more
        check_registered(o.customer, at, "order_after_registration", "an order",
                         room=dt.timedelta(hours=1, minutes=2))
    return True


class OrderCustomer(Parent):
    """The order's customer: the one given, else the owner of the given session, else a new one."""

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        if given(step, "customer_id") is _MISSING and _session_given(step):
            web_session = instance.session
            if web_session.user_id is None:
                raise ContractError(
                    "order_session_same_customer",
                    f"session {web_session.session_id} is a guest session: an order is placed in a logged-in "
                    "session of its customer; pass a session of the customer, or no session"
                )
            return resolve(step, RawCustomer, CustomerFactory, web_session.user_id)
        return super().evaluate(instance, step, extra)


def _lines(o: Any, step: Any) -> list[dict[str, Any]]:
    chosen = o.products
    if chosen is None and o.product is not None:
        chosen = [o.product]
    if chosen is None and o.product_id is not None:
        chosen = [o.product_id]
    if chosen is None:
        products = [step.recurse(ProductFactory, {}) for _ in range(o.basket_size)]
    else:
        products = [resolve(step, RawProduct, ProductFactory, p) for p in chosen]
    lines, seen = [], set()
    for product in products:
        if product.product_id in seen:
            continue
        seen.add(product.product_id)
        quantity = o.quantity or rng().choices((1, 2, 3), weights=(0.75, 0.18, 0.07))[0]
        price = cents(product.price)
        gross = price * quantity
        rate = o.discount_rate if o.discount_rate is not None else (0.10 if rng().random() < 0.2 else 0.0)
        discount = cents(gross * Decimal(str(rate)))
        lines.append({
            "product": product, "product_id": product.product_id, "quantity": quantity,
            "unit_price": price, "discount_amount": discount, "total_amount": gross - discount,
        })
    if not lines:
        raise ContractError("order_items_well_formed", "an order needs at least one product")
    return lines


def _order_date(o: Any, step: Any) -> dt.datetime:
    if _session_given(step):
        web_session = o.session
        if web_session.user_id != o.customer.customer_id:
            raise ContractError(
                "order_session_same_customer",
                f"session {web_session.session_id} belongs to {web_session.user_id}, not to the order's customer "
                f"{o.customer.customer_id}"
            )
        events = events_of(web_session, step)
        if any(e.event_type == "purchase" for e in events):
            raise ContractError("order_purchase_event",
                                f"session {web_session.session_id} already holds a purchase; use another session")
        last = max([e.event_timestamp for e in events] or [web_session.start_time])
        return last + seconds(o.funnel_seconds)
    registered = o.customer.registration_date or settings.start
    low = max(settings.start, registered) + seconds(o.funnel_seconds) + dt.timedelta(minutes=1)
    youngest, oldest = AGE[o.status]
    high = settings.end - youngest
    if oldest is not None:
        low = max(low, settings.end - oldest)
    return between(low, max(low, high))


def _lifecycle(o: Any) -> Lifecycle:
    return draw(o.order_date, o.status, settings.end, rng(), settings.epoch)


def _details(o: Any) -> dict[str, Any]:
    items = [{k: line[k] for k in ("product_id", "quantity", "unit_price", "discount_amount", "total_amount")}
             for line in o.lines]
    return {
        "items": items,
        "subtotal": o.subtotal,
        "tax_amount": o.tax_amount,
        "shipping_cost": o.shipping_cost,
        "discount_amount": sum((line["discount_amount"] for line in o.lines), Decimal("0.00")),
        "payment_method": o.payment_method,
        "payment_status": v.PAYMENT_STATUS[o.status],
        "session_id": o.session.session_id,
        "warehouse_id": o.warehouse_id,
        "currency": v.CURRENCY,
        **{k: o.timeline[k] for k in ("shipped_at", "delivered_at", "returned_at", "cancelled_at")},
    }


def _session(o: Any, step: Any) -> RawSession:
    key = given(step, "session_id")
    if key is not _MISSING:
        return existing_session(step, key)
    return step.recurse(WebSessionFactory, {
        "customer": o.customer, "start_time": o.order_date - seconds(o.funnel_seconds),
        "end_time": o.order_date, "page_views": 0,
    })


def existing_session(step: Any, key: Any) -> RawSession:
    """The session an order names by id: it must exist (an order cannot invent the session it was placed in)."""
    if not isinstance(key, str):
        return key
    session = bound_session()
    found = fetch(current_session(), RawSession, key) if is_create(step) else known(session, RawSession, key)
    if found is None:
        raise LookupError(f"no web session {key!r}: create it first, e.g. WebSessionFactory(customer=...)")
    return found


def _fulfil(order: RawOrder, step: Any, extracted: Any) -> None:
    """The order's funnel events in its session and, once shipped, its stock movements."""
    details = order.raw_data or {}
    attrs = step.attributes or {}
    web_session = attrs.get("session") or existing_session(step, details["session_id"])
    lines = attrs.get("lines") or [
        {**item, "product": resolve(step, RawProduct, ProductFactory, item["product_id"])} for item in details["items"]
    ]
    products = [line["product"] for line in lines]
    lifecycle = attrs.get("lifecycle") or from_row(order.order_date, details, settings.end)
    follow(order, lifecycle, current_session() if is_create(step) else None)
    # view each product, cart each, checkout, purchase: stages never go backwards in time
    funnel = [("page_view", p) for p in products] + [("add_to_cart", p) for p in products]
    funnel += [("checkout_start", None), ("purchase", None)]
    events = events_of(web_session, step)
    last = max([e.event_timestamp for e in events] or [web_session.start_time])
    span = int((order.order_date - last).total_seconds())
    cuts = sorted(rng().sample(range(1, span), len(funnel) - 1)) if span > len(funnel) else [0] * (len(funnel) - 1)
    stretch(web_session, order.order_date)
    for (event_type, product), offset in zip(funnel, [*cuts, span], strict=True):
        step.recurse(ClickstreamFactory, {
            "session": web_session, "event_type": event_type, "product": product,
            "event_timestamp": last + seconds(max(offset, 0)),
            "order_id": order.order_id if event_type == "purchase" else None,
        })
    if not is_create(step) or order.status not in v.SHIPPED_STATUSES:
        return
    shipped_at = dt.datetime.fromisoformat(details["shipped_at"])
    warehouse = details["warehouse_id"]
    for line in lines:
        step.recurse(InventoryFactory, {
            "product": line["product"], "warehouse_id": warehouse, "movement_type": "OUT",
            "quantity": -line["quantity"], "movement_date": shipped_at, "reference_number": order.order_id,
            "reason": "sale",
        })
    if order.status == "returned" and details.get("returned_at"):
        returned_at = dt.datetime.fromisoformat(details["returned_at"])
        for line in lines:
            step.recurse(InventoryFactory, {
                "product": line["product"], "warehouse_id": warehouse, "movement_type": "IN",
                "quantity": line["quantity"], "movement_date": returned_at, "reference_number": order.order_id,
                "reason": "return",
            })


class OrderFactory(BronzeFactory):
    """An order with its whole story (see the module docstring); ``delivered`` unless told otherwise.

    Status: ``OrderFactory(status="returned")`` or a trait, ``OrderFactory(pending=True)``.
    Parents are reused, never duplicated: ``customer=``/``customer_id=``, ``products=[p, "PROD..."]``,
    ``product=``/``product_id=``, ``session=``/``session_id=`` (a logged-in session of the customer).
    Items: ``basket_size=``, ``quantity=``, ``discount_rate=``; shipping from ``warehouse_id=``.
    ``order.lifecycle`` holds the times of every transition, past and future (``advance()`` reaches them).
    """

    class Meta:
        model = RawOrder
        exclude = ("contract", "customer", "session")

    class Params:
        pending = factory.Trait(status="pending")
        processing = factory.Trait(status="processing")
        shipped = factory.Trait(status="shipped")
        delivered = factory.Trait(status="delivered")
        cancelled = factory.Trait(status="cancelled")
        returned = factory.Trait(status="returned")
        products = None
        product = None
        product_id = None
        basket_size = factory.Faker("bronze_basket_size")
        quantity = None
        discount_rate = None
        payment_method = factory.Faker("bronze_payment_method")
        warehouse_id = factory.LazyFunction(lambda: v.warehouse_id(rng().randrange(settings.warehouses)))
        session_id = factory.LazyAttribute(lambda o: o.session.session_id)
        lines = Step(_lines)
        funnel_seconds = factory.LazyAttribute(
            lambda o: min(3600, sum(rng().randint(10, 90) for _ in range(2 * len(o.lines) + 2)))
        )
        subtotal = factory.LazyAttribute(lambda o: sum((line["total_amount"] for line in o.lines), Decimal("0.00")))
        tax_amount = factory.LazyAttribute(lambda o: cents(o.subtotal * Decimal(str(v.TAX_RATE))))
        shipping_cost = factory.LazyAttribute(
            lambda o: Decimal("0.00") if o.subtotal >= Decimal(str(v.FREE_SHIPPING_OVER)) else cents(v.SHIPPING_COST)
        )
        lifecycle = factory.LazyAttribute(_lifecycle)
        timeline = factory.LazyAttribute(lambda o: o.lifecycle.visible(settings.end))
        raw_extra = factory.LazyAttribute(_details)

    contract = Step(_check_overrides)
    order_id = IdSequence("ORD", 10, ORDER_BASE)
    customer = OrderCustomer(CustomerFactory, "customer_id", before="order_date")
    customer_id = factory.SelfAttribute("customer.customer_id")
    status = "delivered"
    order_date = Step(_order_date)
    session = Step(_session)
    shipping_address = factory.LazyAttribute(lambda o: dict(o.customer.address or {}))
    total_amount = factory.LazyAttribute(lambda o: o.subtotal + o.tax_amount + o.shipping_cost)

    fulfil = Hook(_fulfil)

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        """``size`` orders with their graphs; without overrides (or with ``status=`` only) drawn and written in bulk.

        See :mod:`.order_batch` for why; any other override, or a subclass that changes a
        declaration, takes the usual per-object build with one flush.
        """
        status = kwargs.get("status", "delivered")
        meta, ours = cls._meta, OrderFactory._meta  # (``declarations`` rebuilds traits: compare the parts)
        if (set(kwargs) - {"status"} or status not in AGE or meta.base_declarations != ours.base_declarations
                or meta.parameters != ours.parameters):
            return super().create_batch(size, **kwargs)
        from .order_batch import order_batch

        return order_batch(cls, size, status)


__all__ = ["AGE", "OrderFactory"]
