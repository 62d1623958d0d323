"""The value tables that both the factories and the bulk engine read.

Keeping them in one module is what stops the two paths from drifting: a category, a browser
or a status exists here or nowhere. Everything is a plain tuple or dict so that the engine can
turn it into numpy arrays once and the Faker provider can pick from it per call.
"""

from __future__ import annotations

from typing import NamedTuple

SOURCE_SYSTEM = "ecommerce_platform"
CURRENCY = "USD"


class Category(NamedTuple):
    name: str
    subcategories: tuple[str, ...]
    brands: tuple[str, ...]
    price_range: tuple[float, float]  # list price, log-uniform between the bounds
    margin_range: tuple[float, float]  # cost = price * (1 - margin)
    sizes: tuple[str, ...]  # empty: the category has no sizes (books, electronics...)
    weight: float  # share of the catalog


CATEGORIES: tuple[Category, ...] = (
    Category("Electronics", ("Smartphones", "Laptops", "Headphones", "Cameras", "Accessories"),
             ("Apex", "Voltix", "Nordtek", "Lumina", "Sonique"), (15.0, 1500.0), (0.10, 0.35), (), 0.16),
    Category("Clothing", ("Shirts", "Pants", "Dresses", "Jackets", "Activewear"),
             ("Urban Thread", "Northline", "Coastal Co", "Vela", "Ironweave"), (9.0, 250.0), (0.40, 0.70),
             ("XS", "S", "M", "L", "XL", "XXL"), 0.18),
    Category("Shoes", ("Sneakers", "Boots", "Sandals", "Formal", "Running"),
             ("Stride", "Peakfoot", "Solace", "Trailmark", "Ember"), (20.0, 300.0), (0.35, 0.60),
             ("6", "7", "8", "9", "10", "11", "12"), 0.10),
    Category("Home & Kitchen", ("Cookware", "Furniture", "Bedding", "Decor", "Appliances"),
             ("Hearth", "Casa Nova", "Oakridge", "Pureform", "Kindred"), (8.0, 900.0), (0.25, 0.55), (), 0.14),
    Category("Books", ("Fiction", "Non-fiction", "Children", "Science", "Cooking"),
             ("Penrose Press", "Bluequill", "Harbor Books", "Lantern House", "Folio & Co"), (5.0, 60.0),
             (0.20, 0.45), (), 0.12),
    Category("Sports & Outdoors", ("Camping", "Fitness", "Cycling", "Water Sports", "Team Sports"),
             ("Summitline", "Kinetic", "Wildpath", "Tidal", "Ridgeback"), (10.0, 800.0), (0.25, 0.50), (), 0.10),
    Category("Beauty", ("Skincare", "Makeup", "Haircare", "Fragrance", "Bath"),
             ("Glow Lab", "Verdant", "Lumiere", "Aqua Pura", "Rosewell"), (5.0, 150.0), (0.45, 0.75), (), 0.10),
    Category("Toys & Games", ("Board Games", "Puzzles", "Dolls", "Building Sets", "Outdoor Toys"),
             ("Playwise", "Brickhaus", "Funforge", "Tinkertot", "Jolly Jam"), (5.0, 200.0), (0.30, 0.55), (), 0.10),
)
CATEGORY_BY_NAME = {c.name: c for c in CATEGORIES}
SIZED_CATEGORIES = frozenset(c.name for c in CATEGORIES if c.sizes)

COLORS = ("Black", "White", "Navy", "Red", "Green", "Gray", "Blue", "Beige", "Brown", "Pink")
MATERIALS = ("Cotton", "Polyester", "Leather", "Steel", "Aluminium", "Wood", "Plastic", "Glass", "Wool", "Bamboo")
PRODUCT_ADJECTIVES = ("Classic", "Premium", "Essential", "Pro", "Ultra", "Eco", "Smart", "Compact", "Deluxe", "Everyday")

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


# --- Web sessions ---------------------------------------------------------------------------
class Device(NamedTuple):
    device_type: str
    operating_system: str
    browsers: tuple[str, ...]
    browser_weights: tuple[float, ...]
    weight: float

    @property
    def is_mobile(self) -> bool:
        return self.device_type != "desktop"


DEVICES: tuple[Device, ...] = (
    Device("desktop", "Windows", ("Chrome", "Edge", "Firefox"), (0.65, 0.22, 0.13), 0.30),
    Device("desktop", "macOS", ("Safari", "Chrome", "Firefox"), (0.55, 0.38, 0.07), 0.12),
    Device("desktop", "Linux", ("Chrome", "Firefox"), (0.55, 0.45), 0.02),
    Device("mobile", "iOS", ("Safari", "Chrome"), (0.88, 0.12), 0.22),
    Device("mobile", "Android", ("Chrome", "Samsung Internet", "Firefox"), (0.78, 0.17, 0.05), 0.24),
    Device("tablet", "iOS", ("Safari", "Chrome"), (0.90, 0.10), 0.07),
    Device("tablet", "Android", ("Chrome", "Samsung Internet"), (0.80, 0.20), 0.03),
)
#: A product page is a ``page_view`` whose page_url is ``PRODUCT_PAGE + product_id``. Within a session the
#: funnel stages never go backwards in time: views and searches, then carts, then checkout, then purchase.
EVENT_TYPES = ("page_view", "search", "add_to_cart", "checkout_start", "purchase")
FUNNEL = ("page_view", "add_to_cart", "checkout_start", "purchase")
PRODUCT_PAGE = "/products/"
SEARCH_PAGE = "/search?q="
CHECKOUT_PAGE = "/checkout"
CONFIRMATION_PAGE = "/checkout/confirmation"
LANDING_PAGES = ("/", "/deals", "/new-arrivals", "/search", "/account", "/help")
REFERRERS = (
    "https://www.google.com/", "https://www.bing.com/", "https://www.facebook.com/",
    "https://www.instagram.com/", "https://t.co/", "https://newsletter.example.com/", "",
)
REFERRER_WEIGHTS = (0.38, 0.07, 0.10, 0.08, 0.04, 0.08, 0.25)  # "" = direct traffic
LOGGED_IN_SHARE = 0.60

# --- Places: city, state and postal prefix belong together ----------------------------------
class City(NamedTuple):
    city: str
    state: str
    postal_prefix: str  # 3 digits; the postal code is prefix + 2 digits
    latitude: float
    longitude: float
    weight: float


CITIES: tuple[City, ...] = (
    City("New York", "NY", "100", 40.71, -74.01, 0.12),
    City("Los Angeles", "CA", "900", 34.05, -118.24, 0.09),
    City("Chicago", "IL", "606", 41.88, -87.63, 0.06),
    City("Houston", "TX", "770", 29.76, -95.37, 0.06),
    City("Phoenix", "AZ", "850", 33.45, -112.07, 0.04),
    City("Philadelphia", "PA", "191", 39.95, -75.17, 0.04),
    City("San Antonio", "TX", "782", 29.42, -98.49, 0.03),
    City("San Diego", "CA", "921", 32.72, -117.16, 0.03),
    City("Dallas", "TX", "752", 32.78, -96.80, 0.04),
    City("Austin", "TX", "787", 30.27, -97.74, 0.03),
    City("Seattle", "WA", "981", 47.61, -122.33, 0.04),
    City("Denver", "CO", "802", 39.74, -104.99, 0.03),
    City("Boston", "MA", "021", 42.36, -71.06, 0.04),
    City("Miami", "FL", "331", 25.76, -80.19, 0.04),
    City("Atlanta", "GA", "303", 33.75, -84.39, 0.04),
    City("Portland", "OR", "972", 45.52, -122.68, 0.03),
    City("Minneapolis", "MN", "554", 44.98, -93.27, 0.03),
    City("Detroit", "MI", "482", 42.33, -83.05, 0.03),
    City("Nashville", "TN", "372", 36.16, -86.78, 0.03),
    City("Charlotte", "NC", "282", 35.23, -80.84, 0.03),
    City("Columbus", "OH", "432", 39.96, -83.00, 0.03),
    City("Las Vegas", "NV", "891", 36.17, -115.14, 0.03),
    City("Baltimore", "MD", "212", 39.29, -76.61, 0.02),
    City("Salt Lake City", "UT", "841", 40.76, -111.89, 0.02),
    City("Kansas City", "MO", "641", 39.10, -94.58, 0.02),
)
COUNTRY = "US"
GENDERS = ("female", "male", "non-binary", "undisclosed")
GENDER_WEIGHTS = (0.49, 0.47, 0.02, 0.02)

# --- Reviews: title and text agree with the rating --------------------------------------------
RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (0.05, 0.07, 0.13, 0.30, 0.45)  # mean 4.03
REVIEW_TITLES = {
    1: ("Very disappointed", "Do not buy", "Broke after a week", "Waste of money"),
    2: ("Not great", "Below expectations", "Meh, would not reorder", "Poor quality"),
    3: ("It's okay", "Average product", "Does the job", "Mixed feelings"),
    4: ("Very good", "Happy with it", "Solid purchase", "Would recommend"),
    5: ("Excellent!", "Love it", "Perfect, exactly as described", "Best purchase this year"),
}
REVIEW_SENTENCES = {
    1: ("The {p} stopped working almost immediately.", "Quality is far below what the photos suggest.",
        "I asked for a refund.", "Customer service never answered."),
    2: ("The {p} feels cheap for the price.", "It works, but only just.",
        "Sizing and finish were not as described.", "I expected much better."),
    3: ("The {p} is fine for everyday use.", "Nothing special, nothing terrible.",
        "Delivery was on time.", "Good enough for the price."),
    4: ("The {p} works well and looks good.", "Good value for money.",
        "Arrived quickly and well packed.", "A few small flaws, but I like it."),
    5: ("The {p} is fantastic, I use it every day.", "Outstanding quality for the price.",
        "Exceeded my expectations in every way.", "Already ordered another one as a gift."),
}
