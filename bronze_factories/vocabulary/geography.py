"""Places: city, state and postal prefix belong together."""

from __future__ import annotations

from typing import NamedTuple


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
