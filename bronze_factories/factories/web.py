"""Web sessions and their clickstream events.

A session's events always tell a valid story: the first is a ``page_view`` at ``start_time``, all
lie between ``start_time`` and ``end_time``, and funnel stages never go backwards in time (views
and searches, then carts, then checkout, then purchase). A ``purchase`` only ever comes from
:class:`~bronze_factories.factories.OrderFactory`, which owns the order it names.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import factory
from sqlalchemy import select

from .. import vocabulary as v
from ..faker_provider import cities, city_of, ip_address, location
from ..models import RawClickstream, RawProduct, RawSession
from ..vocabulary import web as vw
from .base import (
    _MISSING,
    EVENT_BASE,
    SESSION_BASE,
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
    given,
    is_create,
    refresh_raw,
    resolve,
    rng,
    seconds,
    settings,
)
from .catalog import ProductFactory
from .customers import CustomerFactory
from .registry import known, registry


def stage(event_type: str) -> int:
    """Funnel stage of an event type: views and searches 0, then cart, checkout, purchase."""
    return v.FUNNEL.index(event_type) if event_type in v.FUNNEL else 0


def events_of(web_session: RawSession, step: Any) -> list[RawClickstream]:
    """The session's events known so far: attached to it, made by the factories, plus (create only) the database's."""
    session = bound_session()
    found: dict[int, RawClickstream] = {e.event_id: e for e in web_session.__dict__.get("events") or ()}
    if session is not None:
        for e in registry(session).events.get(web_session.session_id, []):
            found[e.event_id] = e
        if is_create(step) and known(session, RawSession, web_session.session_id) is None:
            with session.no_autoflush:
                rows = session.scalars(select(RawClickstream).where(RawClickstream.session_id == web_session.session_id))
                for e in rows:
                    found.setdefault(e.event_id, e)
    return sorted(found.values(), key=lambda e: (e.event_timestamp, e.event_id))


def stretch(web_session: RawSession, until: dt.datetime) -> None:
    """Extend a session so that it still ends with its last event."""
    if web_session.end_time is None or until > web_session.end_time:
        web_session.end_time = until
        web_session.duration_seconds = int((until - web_session.start_time).total_seconds())
        if web_session.raw_data is not None:
            refresh_raw(web_session)


# --- sessions -----------------------------------------------------------------------------------
def _start(o: Any) -> dt.datetime:
    low = settings.start
    if o.customer is not None and o.customer.registration_date is not None:
        low = max(low, o.customer.registration_date + dt.timedelta(minutes=1))
    high = settings.end - seconds(sum(o.gaps)) - dt.timedelta(minutes=1)
    return between(low, max(low, high))


def _session_events(web_session: RawSession, step: Any, extracted: Any) -> None:
    """The landing ``page_view`` at start_time, then the browsing views spread up to end_time."""
    if extracted is False:
        return
    products = [resolve(step, RawProduct, ProductFactory, p) for p in (web_session_products(step) or [])]
    pages: list[tuple[str, RawProduct | None]] = [("page_view", None)] * max(0, web_session_views(step, products))
    pages += [("page_view", p) for p in products]
    rng().shuffle(pages)
    start, end = web_session.start_time, web_session.end_time or web_session.start_time
    span = int((end - start).total_seconds())
    offsets = sorted(rng().randint(1, span) for _ in pages) if span >= 1 else [0] * len(pages)
    step.recurse(ClickstreamFactory, {"session": web_session, "event_timestamp": start, "landing": True})
    for (event_type, product), offset in zip(pages, offsets, strict=True):
        step.recurse(ClickstreamFactory, {
            "session": web_session, "event_type": event_type, "product": product,
            "event_timestamp": start + seconds(offset),
        })


def _habits(customer: Any) -> random.Random:
    """A generator seeded by the customer's id: their devices and home addresses are the same in
    every session, whichever test or order makes it."""
    return random.Random(f"habits:{customer.customer_id}")


def _device(o: Any) -> dict[str, Any]:
    """A guest's device, or one of the one or two a customer keeps."""
    if o.customer is None:
        return _draw_device(rng())
    habits = _habits(o.customer)
    kept = [_draw_device(habits)]
    if habits.random() < vw.SECOND_DEVICE_SHARE:
        kept.append(_draw_device(habits))
    return dict(rng().choice(kept))


def _draw_device(r: random.Random) -> dict[str, Any]:
    device = r.choices(v.DEVICES, weights=[d.weight for d in v.DEVICES])[0]
    return {"device_type": device.device_type, "browser": r.choices(device.browsers, device.browser_weights)[0],
            "operating_system": device.operating_system, "is_mobile": device.is_mobile}


def _where(o: Any) -> tuple[dict[str, Any], str]:
    """Location and IP address: a customer at home most of the time (their ZIP code, one of their
    two home addresses), else travelling; a guest anywhere; the address always of the city's blocks."""
    r = rng()
    home = city_of(o.customer.address) if o.customer is not None else None
    if home is not None and r.random() < v.HOME_CITY_SHARE:
        habits = _habits(o.customer)
        ips = [ip_address(habits, home) for _ in range(vw.HOME_IPS)]
        return location(r, home, o.customer.address.get("postal_code")), r.choice(ips)
    city = cities(r)[0]
    if o.customer is not None:  # the same address whenever this customer is in this city
        return location(r, city), ip_address(random.Random(f"travel:{o.customer.customer_id}:{city}"), city)
    return location(r, city), ip_address(r, city)


def web_session_products(step: Any) -> list[Any] | None:
    return step.attributes.get("products") if step.attributes else None


def web_session_views(step: Any, products: list[Any]) -> int:
    if step.attributes and "page_views" in step.attributes:
        return int(step.attributes["page_views"])
    return rng().randint(1, 4)


def _check_session(o: Any, step: Any) -> bool:
    """Refuse a given start_time outside the window or before the given customer registered."""
    at = given(step, "start_time")
    at = at if isinstance(at, dt.datetime) else None
    if at is not None:
        check_in_window(at, "sessions_in_window", "start_time")
    if given(step, "customer") is not _MISSING or given(step, "user_id") is not _MISSING:
        # a given start only needs the customer registered by then; a drawn one needs room in the window
        check_registered(o.customer, at, "session_user_registered", "a session",
                         room=dt.timedelta(0) if at is not None else dt.timedelta(hours=1))
    return True


class WebSessionFactory(BronzeFactory):
    """A web session with its events: a landing ``page_view`` and a few more views.

    Guest by default (no extra rows); ``logged_in=True`` makes (or ``customer=``/``user_id=`` names)
    its customer, registered before the session starts. ``products=[...]`` adds product page views,
    ``page_views=n`` sets the number of other views (0: only the landing page).
    """

    class Meta:
        model = RawSession
        exclude = ("contract", "customer")

    class Params:
        logged_in = False
        guest = factory.Trait(logged_in=False)
        page_views = factory.LazyFunction(lambda: rng().randint(1, 4))
        products = None
        device = factory.LazyAttribute(_device)
        where = factory.LazyAttribute(_where)
        gaps = factory.LazyAttribute(
            lambda o: [rng().randint(15, 180) for _ in range(o.page_views + len(o.products or []))]
        )

    contract = Step(_check_session)
    session_id = IdSequence("SESS", 12, SESSION_BASE)
    customer = Parent(CustomerFactory, "user_id", when="logged_in", before="start_time")
    user_id = factory.LazyAttribute(lambda o: o.customer.customer_id if o.customer is not None else None)
    start_time = factory.LazyAttribute(_start)
    end_time = factory.LazyAttribute(lambda o: o.start_time + seconds(sum(o.gaps)))
    duration_seconds = factory.LazyAttribute(lambda o: int((o.end_time - o.start_time).total_seconds()))
    device_type = factory.LazyAttribute(lambda o: o.device["device_type"])
    browser = factory.LazyAttribute(lambda o: o.device["browser"])
    operating_system = factory.LazyAttribute(lambda o: o.device["operating_system"])
    is_mobile = factory.LazyAttribute(lambda o: o.device_type != "desktop")
    location = factory.LazyAttribute(lambda o: o.where[0])
    ip_address = factory.LazyAttribute(lambda o: o.where[1])

    events = Hook(_session_events)


# --- events --------------------------------------------------------------------------------------
class EventSession(Parent):
    """The event's session: the one given, else a new guest session that starts before a given time."""

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        at = given(step, "event_timestamp")
        if isinstance(at, dt.datetime) and given(step, self.id_field) is _MISSING:
            check_in_window(at, "events_in_window", "event_timestamp")
            extra = {"start_time": at - seconds(rng().randint(30, 600)), "page_views": 0, **extra}
        return super().evaluate(instance, step, extra)


def _check_event(o: Any, step: Any) -> bool:
    """Refuse a given event_timestamp that the session's story cannot hold (see the module docstring)."""
    at = given(step, "event_timestamp")
    if not isinstance(at, dt.datetime):
        return True
    check_in_window(at, "events_in_window", "event_timestamp")
    web_session = o.session
    if at < web_session.start_time:
        raise ContractError("session_events_within_session",
                            f"event_timestamp {at} is before session {web_session.session_id} starts "
                            f"({web_session.start_time})")
    k = stage(o.event_type)
    for e in events_of(web_session, step):
        if (stage(e.event_type) > k and e.event_timestamp <= at) or (stage(e.event_type) < k and e.event_timestamp > at):
            raise ContractError("session_funnel_order",
                                f"a {o.event_type} at {at} would put session {web_session.session_id}'s funnel out of "
                                f"order (its {e.event_type} is at {e.event_timestamp})")
    if o.event_type != "page_view" and at == web_session.start_time:
        raise ContractError("session_first_event_page_view",
                            f"a {o.event_type} at the session start {at}: a session opens with a page_view")
    return True


def _place(o: Any, step: Any) -> dt.datetime:
    """A time for a new event that keeps the session's story valid (see the module docstring)."""
    web_session = o.session
    if o.event_type == "purchase" and o.order_id is None:
        raise ContractError("purchase_event_has_order",
                            "a purchase event belongs to an order: use OrderFactory(session=...) instead")
    events = events_of(web_session, step)
    if not events:
        return web_session.start_time
    k = stage(o.event_type)
    low = max([e.event_timestamp for e in events if stage(e.event_type) <= k] or [web_session.start_time])
    later = [e.event_timestamp for e in events if stage(e.event_type) > k]
    high = min(later) if later else web_session.end_time or low
    gap = 2 if o.event_type == "checkout_start" else 1  # room for the add_to_cart a bare checkout gets
    if (high - low).total_seconds() >= 2 * gap:
        return between(low + dt.timedelta(seconds=gap), high - dt.timedelta(seconds=1 if later else 0))
    if not later:
        return low + seconds(rng().randint(15, 120))  # the session grows to hold it
    return low


def _page(o: Any) -> str:
    if o.product is not None:
        return f"{v.PRODUCT_PAGE}{o.product.product_id}"
    if o.event_type == "checkout_start":
        return v.CHECKOUT_PAGE
    if o.event_type == "purchase":
        return v.CONFIRMATION_PAGE
    if o.event_type == "search":
        return f"{v.SEARCH_PAGE}{o.search_term}"
    return o.landing_page


def _details(o: Any) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if o.product is not None:
        details["product_id"] = o.product.product_id
    if o.order_id is not None:
        details["order_id"] = o.order_id
    return details


def _after_event(event_row: RawClickstream, step: Any, extracted: Any) -> None:
    web_session = (step.attributes or {}).get("session")
    if web_session is None:  # pytest-factoryboy runs hooks with a bare step: find the session by id
        web_session = resolve(step, RawSession, WebSessionFactory, event_row.session_id)
    stretch(web_session, event_row.event_timestamp)
    if event_row.event_type == "checkout_start":
        # a checkout needs something in the cart: add one between the views and the checkout
        at = event_row.event_timestamp
        earlier = [e for e in events_of(web_session, step) if e.event_timestamp < at or e is event_row]
        if not any(e.event_type == "add_to_cart" for e in earlier):
            views = [e.event_timestamp for e in earlier if stage(e.event_type) == 0 and e.event_timestamp < at]
            low = max(views or [web_session.start_time])
            step.recurse(ClickstreamFactory, {
                "session": web_session, "event_type": "add_to_cart",
                "event_timestamp": between(low + dt.timedelta(seconds=1), at - dt.timedelta(seconds=1)),
            })


class ClickstreamFactory(BronzeFactory):
    """One event in a session (a new guest session unless ``session=``/``session_id=`` names one).

    The default is a ``page_view`` placed where it keeps the session valid; ``product=`` makes it a
    product page, ``event_type="add_to_cart"`` (with a product, made if not given) or
    ``"checkout_start"`` go after the views. Purchases come only from ``OrderFactory``.
    """

    class Meta:
        model = RawClickstream
        exclude = ("contract", "session")

    class Params:
        landing = False
        needs_product = factory.LazyAttribute(lambda o: o.event_type == "add_to_cart")
        product = Parent(ProductFactory, "product_id", when="needs_product")
        product_id = factory.LazyAttribute(lambda o: o.product.product_id if o.product is not None else None)
        order_id = None
        landing_page = factory.Faker("bronze_landing_page")
        search_term = factory.Faker("word")
        raw_extra = factory.LazyAttribute(_details)

    event_id = IdSequence(None, 0, EVENT_BASE)
    session = EventSession(WebSessionFactory, "session_id")
    contract = Step(_check_event)
    session_id = factory.SelfAttribute("session.session_id")
    user_id = factory.SelfAttribute("session.user_id")
    event_type = "page_view"
    page_url = factory.LazyAttribute(_page)
    referrer = factory.Maybe("landing", yes_declaration=factory.Faker("bronze_referrer"), no_declaration="")
    device_info = factory.LazyAttribute(lambda o: {
        "device_type": o.session.device_type, "browser": o.session.browser,
        "operating_system": o.session.operating_system, "is_mobile": o.session.is_mobile,
    })
    event_timestamp = Step(_place)

    after = Hook(_after_event)


__all__ = ["ClickstreamFactory", "WebSessionFactory", "events_of", "stage", "stretch"]
