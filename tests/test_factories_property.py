"""Property-style: random mixes of overrides over every factory never leave a contract-breaking row.

A seeded loop of 200 mixes (each a few factory calls with random overrides, some of them outside
the contract on purpose). After each mix the validator's relationship, time and consistency rules
run over what was written: every mix passes, or a call raised the documented ``ContractError``
(and the rows written before it are still valid). Each mix runs in a SAVEPOINT rolled back after it,
so the tables stay small and the validator fast.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import bronze_factories
from bronze_factories import (
    ClickstreamFactory,
    ContractError,
    CustomerFactory,
    InventoryFactory,
    OrderFactory,
    ProductFactory,
    ReviewFactory,
    WebSessionFactory,
)
from bronze_factories import vocabulary as v
from bronze_factories.validate import validate

MIXES = 200
CATEGORIES = {"relationship", "time", "consistency"}


def a_time(r: random.Random) -> dt.datetime:
    """Mostly inside the window, sometimes just outside it or at its edges."""
    start, end = bronze_factories.window()
    roll = r.random()
    if roll < 0.08:
        return end + dt.timedelta(days=r.randint(0, 30))
    if roll < 0.14:
        return start - dt.timedelta(days=r.randint(1, 30))
    if roll < 0.2:
        return end - dt.timedelta(seconds=r.randint(1, 7200))
    return start + dt.timedelta(seconds=r.randint(0, int((end - start).total_seconds()) - 1))


def pick(r: random.Random, options: dict[str, Any]) -> dict[str, Any]:
    """A random subset of the options (values that are callables are drawn now)."""
    chosen = {}
    for key, value in options.items():
        if r.random() < 0.35:
            chosen[key] = value() if callable(value) else value
    return chosen


def call(r: random.Random, made: dict[str, list[Any]]) -> None:
    """One factory call with random overrides, reusing rows made earlier in the mix."""
    def one(kind: str) -> Any:
        return r.choice(made[kind]) if made[kind] else None

    kind = r.choice(["customer", "product", "order", "order", "review", "session", "event", "inventory"])
    if kind == "customer":
        kw = pick(r, {"registration_date": lambda: a_time(r), "address__city": lambda: r.choice(v.CITIES).city,
                      "gender": lambda: r.choice(v.GENDERS)})
        made["customer"].append(CustomerFactory(**kw))
    elif kind == "product":
        # not stocked=False: the documented way to write a product row without its opening stock
        kw = pick(r, {"category": lambda: r.choice(list(v.CATEGORY_BY_NAME))})
        made["product"].append(ProductFactory(**kw))
    elif kind == "order":
        kw = pick(r, {"status": lambda: r.choice(v.ORDER_STATUSES), "customer": lambda: one("customer"),
                      "order_date": lambda: a_time(r), "products": lambda: made["product"][-2:] or None,
                      "quantity": lambda: r.randint(1, 4), "basket_size": lambda: r.randint(1, 4),
                      "discount_rate": lambda: r.choice([0.0, 0.1, 0.25]),
                      "customer__address__city": lambda: r.choice(v.CITIES).city,
                      "session": lambda: one("member_session")})
        if kw.get("session") is not None:
            kw.pop("customer", None)
            kw.pop("customer__address__city", None)
        kw = {k: val for k, val in kw.items() if val is not None}
        if "customer" in kw:
            kw.pop("customer__address__city", None)
        made["order"].append(OrderFactory(**kw))
    elif kind == "review":
        kw = pick(r, {"rating": lambda: r.randint(1, 5), "verified": lambda: r.random() < 0.5,
                      "customer": lambda: one("customer"), "product": lambda: one("product"),
                      "review_date": lambda: a_time(r)})
        made["review"].append(ReviewFactory(**{k: val for k, val in kw.items() if val is not None}))
    elif kind == "session":
        kw = pick(r, {"logged_in": True, "customer": lambda: one("customer"), "page_views": lambda: r.randint(0, 4),
                      "products": lambda: made["product"][-1:] or None, "start_time": lambda: a_time(r)})
        kw = {k: val for k, val in kw.items() if val is not None}
        web_session = WebSessionFactory(**kw)
        made["session"].append(web_session)
        if web_session.user_id is not None:
            made["member_session"].append(web_session)
    elif kind == "event":
        kw = pick(r, {"event_type": lambda: r.choice(["page_view", "search", "add_to_cart", "checkout_start"]),
                      "session": lambda: one("session"), "product": lambda: one("product"),
                      "event_timestamp": lambda: a_time(r)})
        ClickstreamFactory(**{k: val for k, val in kw.items() if val is not None})
    else:
        kw = pick(r, {"adjustment": True, "product": lambda: one("product"),
                      "warehouse_id": lambda: v.warehouse_id(r.randrange(5)), "movement_date": lambda: a_time(r)})
        InventoryFactory(**{k: val for k, val in kw.items() if val is not None})


def test_random_override_mixes_keep_the_contract_or_raise_contract_error(bronze_session):
    refused: dict[str, int] = {}
    calls = 0
    for mix in range(MIXES):
        r = random.Random(mix)
        savepoint = bronze_session.begin_nested()
        made: dict[str, list[Any]] = {k: [] for k in ("customer", "product", "order", "review", "session",
                                                      "member_session")}
        for _ in range(r.randint(1, 4)):
            calls += 1
            try:
                call(r, made)
            except ContractError as exc:  # the documented refusal; anything else fails the test
                refused[exc.rule] = refused.get(exc.rule, 0) + 1
        bronze_session.flush()
        report = validate(bronze_session.connection(), window=bronze_factories.window(), categories=CATEGORIES)
        assert report.ok, f"mix {mix}:\n{report.format()}"
        savepoint.rollback()
    assert calls >= MIXES
    # the mixes did reach refusals (dates outside the window, late customers...) as well as successes
    assert sum(refused.values()) >= 10 and calls - sum(refused.values()) >= MIXES, refused
