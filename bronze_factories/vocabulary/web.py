"""Devices, browsers, pages, referrers and event types of web sessions."""

from __future__ import annotations

import functools
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

# --- who browses from where -----------------------------------------------------------------------
#: A logged-in session is in the customer's home city this often; otherwise they are travelling
#: (another city, drawn by population).
HOME_CITY_SHARE = 0.8
#: Customers who use two devices (a phone and a computer, say) rather than one.
SECOND_DEVICE_SHARE = 0.45
#: Customers keep a home connection and a mobile one: their sessions at home come from these.
HOME_IPS = 2

#: IPv4 ranges that are not public unicast (RFC 6890 and friends): never an address of ours.
RESERVED_IPV4 = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
)
#: Each city owns blocks of 4,096 addresses (/20), one per this many inhabitants (at least one),
#: so that an address says where its session is, as geo-IP databases do.
PEOPLE_PER_IP_BLOCK = 250_000
IP_BLOCK_BITS = 12


def reserved_ranges() -> tuple[tuple[int, int], ...]:
    """:data:`RESERVED_IPV4` as inclusive integer ranges."""
    import ipaddress

    nets = (ipaddress.IPv4Network(n) for n in RESERVED_IPV4)
    return tuple((int(n.network_address), int(n.broadcast_address)) for n in nets)


def is_public(address: int) -> bool:
    return not any(lo <= address <= hi for lo, hi in reserved_ranges())


@functools.lru_cache(maxsize=1)
def city_ip_blocks() -> tuple[tuple[int, ...], ...]:
    """Per city of :data:`~.geography.CITIES`, the first addresses of its /20 blocks.

    Blocks are spread over the whole public space by an odd multiplier (a bijection modulo 2^20),
    skipping any block that touches a reserved range; the same cities always get the same blocks.
    """
    from .geography import CITIES

    reserved = reserved_ranges()
    size = 1 << IP_BLOCK_BITS
    blocks: list[tuple[int, ...]] = []
    j = 0
    for city in CITIES:
        mine = []
        for _ in range(max(1, city.population // PEOPLE_PER_IP_BLOCK)):
            while True:
                start = ((j * 0x9E3779B1 + 0x5BD1E995) % (1 << 20)) << IP_BLOCK_BITS
                j += 1
                if not any(lo <= start + size - 1 and start <= hi for lo, hi in reserved):
                    break
            mine.append(start)
        blocks.append(tuple(mine))
    return tuple(blocks)


def ip_in_city(city: int, h: int) -> int:
    """The address a 32-bit hash ``h`` picks in city ``city``'s blocks (last octet 1-254)."""
    blocks = city_ip_blocks()[city]
    host = (h >> 8 & 15) * 256 + 1 + (h & 255) % 254
    return blocks[(h >> 12) % len(blocks)] + host


def ipv4_text(address: int) -> str:
    return f"{address >> 24}.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}"
