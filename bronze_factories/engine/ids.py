"""Identifier formats of the contract (``CUST`` + 8 digits, ...) and the numeric id schemes."""

from __future__ import annotations

#: inventory_id ranges: initial stock < ORDER_MOVEMENTS <= order OUT/return < DAILY_OPERATIONS <= the rest
ORDER_MOVEMENTS = 1_000_000_000_000
DAILY_OPERATIONS = 2_000_000_000_000
OPS_PER_DAY = 1_000_000


def customer_id(index: int) -> str:
    return f"CUST{index + 1:08d}"


def product_id(index: int) -> str:
    return f"PROD{index + 1:08d}"


def order_id(index: int) -> str:
    return f"ORD{index + 1:010d}"


def review_id(index: int) -> str:
    return f"REV{index + 1:010d}"


def session_id(index: int) -> str:
    return f"SESS{index + 1:012d}"
