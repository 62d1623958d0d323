"""The vocabulary's cities, ZIP codes, area codes, street parts and IP blocks as numpy arrays.

Built once per process (the tables never change within a run): draws are indices into these
arrays, so a customer's address or a session's location is a few integers until the row is
formatted, and the formatting picks strings by index.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .. import vocabulary as V
from ..vocabulary import geography as G
from ..vocabulary import web as W
from .rng import pick

MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class Places:
    city_weight: np.ndarray  # population per city
    zip_ptr: np.ndarray  # city k's ZIP codes are zips[zip_ptr[k]:zip_ptr[k + 1]]
    zips: tuple[str, ...]
    area_ptr: np.ndarray
    area_codes: tuple[str, ...]
    block_ptr: np.ndarray  # city k's /20 IP blocks are blocks[block_ptr[k]:block_ptr[k + 1]]
    blocks: np.ndarray
    street_names: tuple[str, ...]  # STREET_COMMON, then the surnames
    street_suffixes: tuple[str, ...]

    def count(self, ptr: np.ndarray, city: np.ndarray) -> np.ndarray:
        return ptr[city + 1] - ptr[city]

    def pick_cities(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return pick(rng, self.city_weight, n)

    def pick_in(self, rng: np.random.Generator, ptr: np.ndarray, city: np.ndarray) -> np.ndarray:
        """Uniform index (relative to the city's first) into a per-city list."""
        return (rng.random(len(city)) * self.count(ptr, city)).astype(np.int64)

    def pick_streets(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """House numbers, street-name indices and suffix indices of ``n`` street lines."""
        digits = pick(rng, G.HOUSE_NUMBER_DIGIT_WEIGHTS, n) + 1
        low = 10 ** (digits - 1)
        number = low + (rng.random(n) * (10 ** digits - low)).astype(np.int64)
        common = rng.random(n) < G.STREET_COMMON_SHARE
        name = np.where(common, rng.integers(0, len(G.STREET_COMMON), n),
                        len(G.STREET_COMMON) + pick(rng, G.STREET_SURNAME_WEIGHTS, n))
        suffix = pick(rng, G.STREET_SUFFIX_WEIGHTS, n)
        return number, name, suffix

    def ip(self, city: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Addresses that 32-bit hashes ``h`` pick in the cities' blocks (same rule as ``vocabulary.web.ip_in_city``)."""
        h = h.astype(np.int64) & 0xFFFFFFFF
        host = ((h >> 8) & 15) * 256 + 1 + (h & 255) % 254
        block = self.blocks[self.block_ptr[city] + (h >> 12) % self.count(self.block_ptr, city)]
        return block + host


def _ptr(lists: list[tuple]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64)


@functools.lru_cache(maxsize=1)
def places() -> Places:
    cities = V.CITIES
    blocks = W.city_ip_blocks()
    return Places(
        city_weight=np.array([c.population for c in cities], dtype=float),
        zip_ptr=_ptr([c.zips for c in cities]), zips=tuple(z for c in cities for z in c.zips),
        area_ptr=_ptr([c.area_codes for c in cities]), area_codes=tuple(a for c in cities for a in c.area_codes),
        block_ptr=_ptr(list(blocks)), blocks=np.array([b for bs in blocks for b in bs], dtype=np.int64),
        street_names=G.STREET_COMMON + G.STREET_SURNAMES, street_suffixes=G.STREET_SUFFIXES,
    )


def mix(*keys: np.ndarray | int) -> np.ndarray:
    """A 64-bit hash of integer keys (splitmix64 finaliser), for values derived from ids, not from a stream."""
    with np.errstate(over="ignore"):
        h = np.uint64(0x9E3779B97F4A7C15)
        for k in keys:
            h = (h ^ np.asarray(k).astype(np.uint64)) * np.uint64(0xBF58476D1CE4E5B9)
            h = (h ^ (h >> np.uint64(31))) * np.uint64(0x94D049BB133111EB)
            h = h ^ (h >> np.uint64(29))
    return h


def ipv4(addresses: np.ndarray) -> list[str]:
    a = addresses.astype(np.int64)
    return [f"{x >> 24}.{x >> 16 & 255}.{x >> 8 & 255}.{x & 255}" for x in a.tolist()]


def _device_tables() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Per (device, browser) pair: the device index, the pair's weight and the browser, for one draw."""
    device, weight, browser = [], [], []
    for d, dev in enumerate(V.DEVICES):
        for b, w in zip(dev.browsers, dev.browser_weights, strict=True):
            device.append(d)
            weight.append(dev.weight * w)
            browser.append(b)
    return np.array(device), np.array(weight), tuple(browser)


PAIR_DEVICE, PAIR_WEIGHT, PAIR_BROWSER = _device_tables()
