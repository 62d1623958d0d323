"""A small, hand-built dataset that satisfies every non-realism rule of the bronze contract.

``load_valid_dataset(engine)`` writes it (through the models' tables, so the engine's schema
translation applies) and returns its :class:`Params`: 5 customers (one never orders), 4 products
(sized clothing and shoes, a book, electronics), 20 sessions (12 logged in, 8 guests), 8 orders in
their own sessions covering every status, stock movements of every kind and 4 reviews. Other test
modules reuse it: ``from validate_fixtures import load_valid_dataset``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, Engine, insert

from bronze_factories.engine.params import Params
from bronze_factories.models import (
    RawClickstream,
    RawCustomer,
    RawInventory,
    RawOrder,
    RawProduct,
    RawReview,
    RawSession,
)
from bronze_factories.vocabulary import CITIES, FREE_SHIPPING_OVER, PAYMENT_STATUS, SHIPPING_COST, TAX_RATE
from bronze_factories.vocabulary.people import phone
from bronze_factories.vocabulary.web import ip_in_city, ipv4_text

END_DATE = dt.date(2024, 3, 11)
PARAMS = Params(end_date=END_DATE, customers=5, products=4, orders=8, days=10, sessions_per_day=2,
                events_min=5, events_max=30, warehouses=2)
START, END = PARAMS.start, PARAMS.end
CENT = Decimal("0.01")


def t(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """March 2024 (the window is 2024-03-01 .. 2024-03-11)."""
    return dt.datetime(2024, 3, day, hour, minute)


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def address(city_index: int, street: str) -> dict[str, Any]:
    c = CITIES[city_index]
    return {"street": street, "city": c.city, "state": c.state, "postal_code": c.zips[0], "country": "US"}


def location(city_index: int) -> dict[str, Any]:
    c = CITIES[city_index]
    return {"city": c.city, "state": c.state, "postal_code": c.zips[-1], "country": "US",
            "latitude": c.latitude, "longitude": c.longitude}


CUSTOMERS = [  # id, first, last, city index, registration, gender, marketing opt-in
    ("CUST00000001", "Ada", "Lovelace", 0, dt.datetime(2023, 5, 4, 9, 30), "female", True),
    ("CUST00000002", "Alan", "Turing", 1, dt.datetime(2023, 7, 1, 12, 0), "male", True),
    ("CUST00000003", "Grace", "Hopper", 2, dt.datetime(2023, 11, 20, 18, 15), "female", False),
    ("CUST00000004", "Edsger", "Dijkstra", 3, t(2, 8), "male", False),  # registered inside the window
    ("CUST00000005", "Barbara", "Liskov", 4, dt.datetime(2023, 12, 1, 10, 0), "undisclosed", True),  # never orders
]
HOME = {c[0]: c[3] for c in CUSTOMERS}
TRAVELLING = {12: 6}  # session 12 is its customer's only one away from home
PRODUCTS = [  # id, category, subcategory, brand, price, cost, attributes (within the subcategory's schema)
    ("PROD00000001", "Clothing", "Shirts", "Northline", "25.00", "10.00",
     {"type": "T-Shirt", "color": "Navy", "size": "M", "material": "Cotton", "fit": "Regular", "weight_kg": 0.2}),
    ("PROD00000002", "Books", "Fiction", "Bluequill", "12.50", "8.00",
     {"author": "Maya Collins", "format": "Paperback", "language": "English", "pages": 320}),
    ("PROD00000003", "Electronics", "Headphones", "Sonique", "80.00", "55.00",
     {"type": "Over-Ear", "color": "Graphite", "battery_hours": 30, "noise_cancelling": True, "weight_kg": 0.25}),
    ("PROD00000004", "Shoes", "Running", "Stride", "60.00", "30.00",
     {"type": "Road Running Shoes", "color": "Red", "size": "9", "material": "Mesh", "drop_mm": 8, "weight_kg": 0.6}),
]
PRICE = {p[0]: Decimal(p[4]) for p in PRODUCTS}
DEVICE_SETS = [  # device_type, os, browser, is_mobile
    ("desktop", "Windows", "Chrome", False),
    ("mobile", "iOS", "Safari", True),
    ("tablet", "Android", "Chrome", True),
    ("desktop", "macOS", "Safari", False),
]


@dataclass
class OrderSpec:
    order_id: str
    customer: str
    session: int
    start: dt.datetime  # session start; the purchase follows the funnel at one event per minute
    status: str
    items: list[tuple[str, int, str]]  # product, quantity, discount
    shipped: dt.datetime | None = None
    delivered: dt.datetime | None = None
    returned: dt.datetime | None = None
    cancelled: dt.datetime | None = None
    order_date: dt.datetime = field(init=False)


ORDERS = [
    OrderSpec("ORD0000000001", "CUST00000001", 1, t(1, 10), "delivered", [("PROD00000001", 2, "0.00")],
              shipped=t(2, 9), delivered=t(4, 15)),
    OrderSpec("ORD0000000002", "CUST00000001", 2, t(1, 20), "returned",
              [("PROD00000002", 1, "0.00"), ("PROD00000003", 1, "5.00")],
              shipped=t(2, 10), delivered=t(4, 12), returned=t(6, 11)),
    OrderSpec("ORD0000000003", "CUST00000002", 3, t(2, 11), "cancelled", [("PROD00000004", 1, "0.00")],
              cancelled=t(2, 18)),
    OrderSpec("ORD0000000004", "CUST00000002", 4, t(8, 13), "shipped", [("PROD00000001", 1, "0.00")], shipped=t(9, 10)),
    OrderSpec("ORD0000000005", "CUST00000003", 5, t(10, 10), "pending", [("PROD00000002", 3, "0.00")]),
    OrderSpec("ORD0000000006", "CUST00000003", 6, t(9, 16), "processing", [("PROD00000003", 1, "0.00")]),
    OrderSpec("ORD0000000007", "CUST00000004", 7, t(3, 9, 30), "delivered",
              [("PROD00000001", 1, "0.00"), ("PROD00000004", 1, "6.00")], shipped=t(3, 17), delivered=t(5, 12)),
    OrderSpec("ORD0000000008", "CUST00000001", 8, t(4, 14), "delivered", [("PROD00000003", 1, "0.00")],
              shipped=t(5, 9), delivered=t(7, 10)),
]
# "product" is a page_view of a product page (vocabulary.PRODUCT_PAGE); the funnel never goes back.
BROWSE = ["page_view", "product", "search", "page_view", "product"]
CART = ["page_view", "product", "search", "product", "add_to_cart"]
CHECKOUT = ["page_view", "product", "product", "add_to_cart", "checkout_start"]
OTHER_SESSIONS = [  # session number, user, start, event kinds
    (9, "CUST00000005", t(1, 15), BROWSE),
    (10, "CUST00000002", t(3, 19), CART),
    (11, "CUST00000004", t(6, 12), CHECKOUT),
    (12, "CUST00000001", t(7, 8), BROWSE),
    (13, None, t(1, 12), BROWSE),
    (14, None, t(2, 21), CART),
    (15, None, t(4, 9), CHECKOUT),
    (16, None, t(5, 17), BROWSE),
    (17, None, t(6, 20), BROWSE),
    (18, None, t(7, 13), BROWSE),
    (19, None, t(8, 10), BROWSE),
    (20, None, t(9, 22), BROWSE),
]


def session_id(n: int) -> str:
    return f"SESS{n:012d}"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _rows() -> dict[type, list[dict[str, Any]]]:
    rows: dict[type, list[dict[str, Any]]] = {m: [] for m in (RawCustomer, RawProduct, RawSession, RawClickstream,
                                                               RawOrder, RawInventory, RawReview)}
    for i, (cid, first, last, city, registered, gender, opt_in) in enumerate(CUSTOMERS):
        rec = {"customer_id": cid, "email": f"{first.lower()}.{last.lower()}@example.com",
               "customer_name": f"{first} {last}", "first_name": first, "last_name": last,
               "phone": phone(CITIES[city].area_codes[0], i), "address": address(city, f"{10 + i} Main Street"),
               "registration_date": registered, "date_of_birth": dt.date(1980 + i, 1 + i, 10), "gender": gender}
        raw = {**rec, "registration_date": iso(registered), "date_of_birth": rec["date_of_birth"].isoformat(),
               "marketing_opt_in": opt_in}
        rows[RawCustomer].append({**rec, "raw_data": raw})
    for pid, cat, sub, brand, price, cost, attrs in PRODUCTS:
        rec = {"product_id": pid, "product_name": f"{brand} {sub}", "description": f"A {sub.lower()} by {brand}.",
               "category": cat, "subcategory": sub, "price": Decimal(price), "cost": Decimal(cost), "currency": "USD",
               "attributes": attrs, "supplier_id": "SUP001", "brand": brand, "sku": f"SKU-{pid[-4:]}"}
        rows[RawProduct].append({**rec, "raw_data": {**rec, "price": price, "cost": cost}})

    def add_session(n: int, user: str | None, start: dt.datetime, kinds: list[tuple[str, str]]) -> dt.datetime:
        device_type, os_, browser, mobile = DEVICE_SETS[n % len(DEVICE_SETS)]
        device = {"device_type": device_type, "browser": browser, "operating_system": os_, "is_mobile": mobile}
        sid = session_id(n)
        last = start
        for pos, (kind, page) in enumerate(kinds):
            at = start + dt.timedelta(minutes=pos)
            last = at
            rec = {"event_id": n * 1000 + pos, "session_id": sid, "user_id": user, "event_type": kind,
                   "page_url": page, "referrer": "https://www.google.com/" if pos == 0 else "",
                   "device_info": device, "event_timestamp": at}
            raw = {**rec, "event_timestamp": iso(at)}
            if kind == "purchase":
                raw["order_id"] = purchase_of[n]
            rows[RawClickstream].append({**rec, "raw_data": raw})
        city = TRAVELLING.get(n, HOME[user]) if user else n % 7
        rec = {"session_id": sid, "user_id": user, "start_time": start, "end_time": last,
               "duration_seconds": int((last - start).total_seconds()), "device_type": device_type, "browser": browser,
               "operating_system": os_, "location": location(city), "ip_address": ipv4_text(ip_in_city(city, n)),
               "is_mobile": mobile}
        rows[RawSession].append({**rec, "raw_data": {**rec, "start_time": iso(start), "end_time": iso(last)}})
        return last

    purchase_of = {o.session: o.order_id for o in ORDERS}
    inventory: list[tuple[str, str, int, str, dt.datetime, str | None]] = [
        (p[0], wh, 50, "IN", START, "INIT") for p in PRODUCTS for wh in ("WH001", "WH002")
    ]
    for o in ORDERS:
        kinds = [("page_view", "/")]
        kinds += [("page_view", f"/products/{pid}") for pid, _, _ in o.items]
        kinds += [("add_to_cart", f"/products/{pid}") for pid, _, _ in o.items]
        kinds += [("checkout_start", "/checkout"), ("purchase", "/checkout/confirmation")]
        o.order_date = add_session(o.session, o.customer, o.start, kinds)
        items = []
        for pid, qty, discount in o.items:
            total = money(PRICE[pid] * qty - Decimal(discount))
            items.append({"product_id": pid, "quantity": qty, "unit_price": float(PRICE[pid]),
                          "discount_amount": float(discount), "total_amount": float(total)})
        subtotal = sum((Decimal(str(i["total_amount"])) for i in items), Decimal(0))
        tax = money(subtotal * Decimal(str(TAX_RATE)))
        shipping = Decimal(0) if subtotal >= Decimal(str(FREE_SHIPPING_OVER)) else Decimal(str(SHIPPING_COST))
        city = HOME[o.customer]
        rec = {"order_id": o.order_id, "customer_id": o.customer, "order_date": o.order_date, "status": o.status,
               "shipping_address": address(city, "1 Delivery Rd"), "total_amount": subtotal + tax + shipping}
        raw = {**rec, "order_date": iso(o.order_date), "total_amount": float(subtotal + tax + shipping),
               "items": items, "tax_amount": float(tax), "shipping_cost": float(shipping),
               "discount_amount": float(sum(Decimal(d) for _, _, d in o.items)), "payment_method": "credit_card",
               "payment_status": PAYMENT_STATUS[o.status], "session_id": session_id(o.session),
               "shipped_at": iso(o.shipped), "delivered_at": iso(o.delivered), "returned_at": iso(o.returned),
               "cancelled_at": iso(o.cancelled)}
        rows[RawOrder].append({**rec, "raw_data": raw})
        if o.shipped is not None:
            inventory += [(pid, "WH001", -qty, "OUT", o.shipped, o.order_id) for pid, qty, _ in o.items]
        if o.returned is not None:
            inventory += [(pid, "WH001", qty, "IN", o.returned, o.order_id) for pid, qty, _ in o.items]
    for n, user, start, kinds in OTHER_SESSIONS:
        pages = {"page_view": "/deals", "search": "/search?q=shoes"}
        product_page = f"/products/PROD0000000{1 + n % 4}"
        add_session(n, user, start, [("page_view" if k == "product" else k, pages.get(k, product_page)) for k in kinds])
    inventory += [
        ("PROD00000003", "WH001", -5, "TRANSFER", t(7, 8), "TRF0000000001"),
        ("PROD00000003", "WH002", 5, "TRANSFER", t(7, 8), "TRF0000000001"),
        ("PROD00000002", "WH002", -2, "ADJUSTMENT", t(5, 18), "ADJ0000000001"),
        ("PROD00000001", "WH002", 20, "IN", t(4, 7), "PO-20240301-000000001"),
    ]
    for i, (pid, wh, qty, kind, at, ref) in enumerate(inventory, start=1):
        rec = {"inventory_id": i, "product_id": pid, "warehouse_id": wh, "quantity": qty, "movement_type": kind,
               "movement_date": at, "reference_number": ref}
        rows[RawInventory].append({**rec, "raw_data": {**rec, "movement_date": iso(at)}})
    reviews = [
        ("REV0000000001", "CUST00000001", "PROD00000001", 5, "Love it", t(5, 10), True),
        ("REV0000000002", "CUST00000002", "PROD00000001", 3, "Does the job", t(10, 12), False),
        ("REV0000000003", "CUST00000004", "PROD00000004", 4, "Solid purchase", t(6, 9), True),
        ("REV0000000004", "CUST00000002", "PROD00000004", 2, "Not great", t(4, 10), False),
    ]
    for rid, cid, pid, rating, title, at, verified in reviews:
        rec = {"review_id": rid, "product_id": pid, "customer_id": cid, "rating": rating,
               "review_text": f"{title}.", "review_title": title, "review_date": at, "helpful_count": 0,
               "verified_purchase": verified}
        rows[RawReview].append({**rec, "raw_data": {**rec, "review_date": iso(at)}})
    return rows


def load_valid_dataset(bind: Engine | Connection) -> Params:
    """Insert the dataset (in one transaction when given an engine) and return its parameters."""
    rows = _rows()

    def write(conn: Connection) -> None:
        for model, batch in rows.items():
            conn.execute(insert(model.__table__), batch)

    if isinstance(bind, Connection):
        write(bind)
    else:
        with bind.begin() as conn:
            write(conn)
    return PARAMS
