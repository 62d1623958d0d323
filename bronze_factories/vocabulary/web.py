"""Devices, browsers, pages, referrers and event types of web sessions."""

from __future__ import annotations

from typing import NamedTuple


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
