"""Reviews: written by a customer who ordered the product before, verified exactly when it was delivered."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import factory
from sqlalchemy import select, text

from ..models import RawCustomer, RawOrder, RawProduct, RawReview
from .base import (
    _MISSING,
    REVIEW_BASE,
    ROOM,
    BronzeFactory,
    ContractError,
    IdSequence,
    Parent,
    Step,
    between,
    bound_session,
    check_in_window,
    current_session,
    given,
    is_create,
    resolve,
    rng,
    settings,
)
from .catalog import ProductFactory
from .customers import CustomerFactory
from .orders import OrderFactory
from .registry import fetch, known, registry


def _order_given(step: Any) -> bool:
    return given(step, "order") is not _MISSING or given(step, "order_id") is not _MISSING


def _ordered_product(order: RawOrder) -> str:
    return order.raw_data["items"][0]["product_id"]


class ReviewParent(Parent):
    """Customer or product of the review: the one given, else the given order's, else a new one."""

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        if given(step, self.id_field) is _MISSING and _order_given(step):
            order = instance.order
            if self.id_field == "customer_id":
                return resolve(step, RawCustomer, CustomerFactory, order.customer_id)
            return resolve(step, RawProduct, ProductFactory, _ordered_product(order))
        return super().evaluate(instance, step, extra)


def purchases(customer_id: str, product_id: str, step: Any) -> list[RawOrder]:
    """Orders of this customer that contain this product (factory-made, plus the database's in create)."""
    session = bound_session()
    found: dict[str, RawOrder] = {}
    if session is None:
        return []
    for order in registry(session).orders.get(customer_id, []):
        if any(item["product_id"] == product_id for item in (order.raw_data or {}).get("items", [])):
            found[order.order_id] = order
    if is_create(step) and known(session, RawCustomer, customer_id) is None:
        probe = json.dumps([{"product_id": product_id}])
        with session.no_autoflush:
            rows = session.scalars(
                select(RawOrder).where(RawOrder.customer_id == customer_id)
                .where(text("raw_data->'items' @> CAST(:probe AS jsonb)").bindparams(probe=probe))
            )
            for order in rows:
                found.setdefault(order.order_id, order)
    return sorted(found.values(), key=lambda o: (o.order_date, o.order_id))


def _order(o: Any, step: Any) -> RawOrder:
    key = given(step, "order_id")
    if key is not _MISSING:
        found = fetch(current_session(), RawOrder, key) if is_create(step) else known(bound_session(), RawOrder, key)
        if found is None:
            raise LookupError(f"no order {key!r}: create it first, e.g. OrderFactory(order_id={key!r})")
        return found
    at = given(step, "review_date")
    at = at if isinstance(at, dt.datetime) else None
    existing = purchases(o.customer.customer_id, o.product.product_id, step)
    if existing:
        if at is not None and at < existing[0].order_date + dt.timedelta(hours=1):
            raise ContractError("review_after_order", f"review_date {at} is before {o.customer.customer_id}'s first "
                                                      f"order of {o.product.product_id} ({existing[0].order_date})")
        return existing[0]
    overrides: dict[str, Any] = {"customer": o.customer, "products": [o.product], "status": "delivered"}
    if at is not None:
        # the order the review needs, placed early enough to be delivered before it (or at least before it)
        registered = o.customer.registration_date or settings.start
        low = max(settings.start, registered) + ROOM
        high = at - dt.timedelta(days=8) if at - dt.timedelta(days=8) >= low else at - dt.timedelta(hours=1)
        if high < low:
            raise ContractError("review_after_order", f"review_date {at} leaves no room for the order it needs after "
                                                      f"{low} (the window start or the customer's registration)")
        overrides["order_date"] = between(low, high)
    return step.recurse(OrderFactory, overrides)


def _check_review(o: Any, step: Any) -> bool:
    """Refuse a given review_date outside the window (before anything is made)."""
    at = given(step, "review_date")
    if isinstance(at, dt.datetime):
        check_in_window(at, "reviews_in_window", "review_date")
    return True


def _deliveries(o: Any, step: Any) -> tuple[dt.datetime, list[dt.datetime]]:
    """First order time and the delivery times of every order of (customer, product)."""
    orders = {x.order_id: x for x in purchases(o.customer.customer_id, o.product.product_id, step)}
    orders.setdefault(o.order.order_id, o.order)
    first = min(x.order_date for x in orders.values())
    delivered = sorted(
        dt.datetime.fromisoformat(x.raw_data["delivered_at"])
        for x in orders.values() if (x.raw_data or {}).get("delivered_at")
    )
    return first, delivered


def _review_date(o: Any, step: Any) -> dt.datetime:
    first, delivered = _deliveries(o, step)
    last = settings.end - dt.timedelta(minutes=1)
    if o.verified and delivered:
        return between(delivered[0] + dt.timedelta(hours=1), last)
    high = min(delivered[0] - dt.timedelta(minutes=1), last) if delivered else last
    return between(first + dt.timedelta(hours=1), high)


def _verified(o: Any, step: Any) -> bool:
    _, delivered = _deliveries(o, step)
    return any(d < o.review_date for d in delivered)


class ReviewFactory(BronzeFactory):
    """A review by a customer who ordered the product first (the order is made if none exists).

    ``verified=False`` puts the review before the delivery; ``rating=1..5`` sets the tone of title
    and text. ``customer=``/``customer_id=``, ``product=``/``product_id=`` and ``order=``/``order_id=``
    reuse those rows. One review per (customer, product): a second one raises ``ValueError``.
    """

    class Meta:
        model = RawReview
        exclude = ("contract", "customer", "product", "order")

    class Params:
        verified = True
        order_id = None

    contract = Step(_check_review)
    review_id = IdSequence("REV", 10, REVIEW_BASE)
    customer = ReviewParent(CustomerFactory, "customer_id")
    customer_id = factory.SelfAttribute("customer.customer_id")
    product = ReviewParent(ProductFactory, "product_id")
    product_id = factory.SelfAttribute("product.product_id")
    order = Step(_order)
    rating = factory.Faker("bronze_rating")
    review_title = factory.Faker("bronze_review_title", rating=factory.SelfAttribute("..rating"))
    review_text = factory.Faker(
        "bronze_review_text", rating=factory.SelfAttribute("..rating"), product=factory.SelfAttribute("..product")
    )
    review_date = Step(_review_date)
    verified_purchase = Step(_verified)
    helpful_count = factory.LazyFunction(lambda: min(500, int(rng().paretovariate(1.2)) - 1))

    @classmethod
    def _save(cls, model_class: Any, session: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        key = (kwargs["customer_id"], kwargs["product_id"])
        duplicate = key in registry(session).reviews
        if not duplicate and known(session, RawCustomer, key[0]) is None:
            with session.no_autoflush:
                duplicate = session.scalar(
                    select(RawReview.review_id).where(RawReview.customer_id == key[0], RawReview.product_id == key[1])
                ) is not None
        if duplicate:
            raise ContractError("review_unique_per_customer_product",
                                f"{key[0]} already reviewed {key[1]}: the contract allows one review per "
                                "(customer, product)")
        return super()._save(model_class, session, args, kwargs)


__all__ = ["ReviewFactory", "purchases"]
