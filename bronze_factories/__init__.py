"""Realistic, referentially consistent e-commerce data for the bronze layer of a warehouse."""

from .models import (
    RawClickstream,
    RawCustomer,
    RawInventory,
    RawOrder,
    RawProduct,
    RawReview,
    RawSession,
)

__all__ = [
    "RawClickstream",
    "RawCustomer",
    "RawInventory",
    "RawOrder",
    "RawProduct",
    "RawReview",
    "RawSession",
]
