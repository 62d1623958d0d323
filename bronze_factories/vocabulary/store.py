"""Store-wide constants: the source system, currency, order and payment statuses, money rules, inventory."""

from __future__ import annotations

SOURCE_SYSTEM = "ecommerce_platform"
CURRENCY = "USD"

# --- Orders ---------------------------------------------------------------------------------
ORDER_STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled", "returned")
OPEN_STATUSES = frozenset({"pending", "processing"})  # no stock has left the warehouse
SHIPPED_STATUSES = frozenset({"shipped", "delivered", "returned"})  # one OUT movement per item
PAYMENT_METHODS = ("credit_card", "debit_card", "paypal", "apple_pay", "google_pay", "gift_card")
PAYMENT_METHOD_WEIGHTS = (0.42, 0.20, 0.18, 0.10, 0.07, 0.03)
#: payment_status that agrees with each order status
PAYMENT_STATUS = {
    "pending": "pending",
    "processing": "authorized",
    "shipped": "completed",
    "delivered": "completed",
    "cancelled": "voided",
    "returned": "refunded",
}
TAX_RATE = 0.08
FREE_SHIPPING_OVER = 50.0
SHIPPING_COST = 5.99
#: basket sizes 1..5 items, mostly 1-2
BASKET_SIZES = (1, 2, 3, 4, 5)
BASKET_WEIGHTS = (0.55, 0.27, 0.11, 0.05, 0.02)

# --- Inventory ------------------------------------------------------------------------------
MOVEMENT_TYPES = ("IN", "OUT", "ADJUSTMENT", "TRANSFER")
ADJUSTMENT_REASONS = ("shrinkage", "damaged", "cycle_count")


def warehouse_id(index: int) -> str:
    """``WH001`` for index 0: warehouses are numbered from one."""
    return f"WH{index + 1:03d}"

