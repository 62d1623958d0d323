"""The base factory: bound session, ``raw_data`` records, one flush per call or batch; and :func:`seed`.

Factories write through the SQLAlchemy session bound with :func:`bind` (the pytest fixture
``bronze_session`` binds one for you). Per session they keep a small registry of what they created
(parents by id, each session's events, each customer's orders, stock per product and warehouse), so
that ``OrderFactory(customer_id=...)`` reuses a parent without a query when it can, and so that a
``create_batch`` of a thousand orders needs no SELECT beyond where each table's ids continue.

What every factory shares lives in modules of its own, re-exported here: the window
(:mod:`.clock`), refusals (:mod:`.errors`, :mod:`.checks`), ids (:mod:`.ids`), draws
(:mod:`.draws`), ``raw_data`` records (:mod:`.records`), binding (:mod:`.binding`), declarations
(:mod:`.declarations`) and graph links (:mod:`.graph`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
import factory.random
from factory import enums
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session

from ..faker_provider import BronzeProvider
from ..vocabulary import SOURCE_SYSTEM
from .binding import bind, bound_session, current_session
from .checks import ROOM, check_in_window, check_registered
from .clock import DEFAULT_DAYS, DEFAULT_END_DATE, DEFAULT_SEED, Settings, rewind, set_window, settings, window
from .declarations import _MISSING, Hook, JsonFaker, Parent, Step, given, is_create, resolve
from .draws import between, rng, seconds
from .errors import ContractError, FactoryDatabaseError, flush
from .graph import LINKS, link, link_parents
from .ids import (
    CUSTOMER_BASE,
    EVENT_BASE,
    INVENTORY_BASE,
    ORDER_BASE,
    PRODUCT_BASE,
    REVIEW_BASE,
    SESSION_BASE,
    IdSequence,
    new_generation,
)
from .records import columns_of, refresh_raw, to_json
from .registry import registry, remember

factory.Faker.add_provider(BronzeProvider)


def seed(value: int = DEFAULT_SEED, *, end_date: dt.date | dt.datetime | None = None, days: int | None = None) -> None:
    """Make the next factory calls reproducible: same seed (and window), same rows.

    Reseeds factory_boy's and Faker's shared random generator, restarts every factory sequence
    and, when given, moves the window. A ``create()`` then continues after the largest factory id
    already stored in the bound session's database (ids never collide with rows of an earlier run),
    so the same seed against the same database state gives the same rows. The clock starts again
    from the window's end: what :func:`advance` moved is taken back.
    """
    rewind()
    set_window(end_date, days)
    factory.random.reseed_random(value)
    new_generation()  # bound sessions look up the largest stored ids again before the next create
    pending = [BronzeFactory]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        meta = cls._meta
        if not meta.abstract and meta.model is not None and meta.counter_reference is meta:
            cls.reset_sequence()


class BronzeFactory(SQLAlchemyModelFactory):
    """Base of the bronze factories: bound session, ``raw_data`` records, one flush per call or batch."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = current_session

    source_system = SOURCE_SYSTEM
    raw_data = None

    parents = Hook(link_parents)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        # raw_data is the complete record: every column plus the details that live only in JSON.
        if kwargs.get("raw_data") is None:
            model = cls._meta.model
            # factory.build(dict, FACTORY_CLASS=...) has no mapper: the record is every field then
            names = columns_of(model) if hasattr(model, "__mapper__") else [k for k in kwargs if k != "raw_extra"]
            record = {name: to_json(kwargs.get(name)) for name in names if name in kwargs}
            record.update(to_json(kwargs.get("raw_extra") or {}))
            kwargs["raw_data"] = record
        kwargs.pop("raw_extra", None)
        return kwargs

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        if strategy != enums.CREATE_STRATEGY:
            return super()._generate(strategy, params)
        session = current_session()
        reg = registry(session)
        reg.depth += 1
        try:
            obj = super()._generate(strategy, params)
        finally:
            reg.depth -= 1
        if reg.depth == 0 and reg.deferred == 0:
            flush(session)
        return obj

    @classmethod
    def _save(cls, model_class: Any, session: Session, args: Any, kwargs: dict[str, Any]) -> Any:
        obj = model_class(*args, **kwargs)
        session.add(obj)
        remember(session, obj)
        return obj

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        # pytest-factoryboy runs post-generation hooks after create() returned: flush what they added.
        if create:
            session = current_session()
            reg = registry(session)
            if reg.depth == 0 and reg.deferred == 0:
                flush(session)

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        """Create ``size`` rows (with their graphs) and write them with one flush (multi-row INSERTs)."""
        session = current_session()
        reg = registry(session)
        reg.deferred += 1
        try:
            objs = [cls.create(**kwargs) for _ in range(size)]
        finally:
            reg.deferred -= 1
        if reg.deferred == 0:
            flush(session)
        return objs


__all__ = [
    "CUSTOMER_BASE", "DEFAULT_DAYS", "DEFAULT_END_DATE", "DEFAULT_SEED", "EVENT_BASE", "INVENTORY_BASE", "LINKS",
    "ORDER_BASE", "PRODUCT_BASE", "REVIEW_BASE", "ROOM", "SESSION_BASE", "_MISSING", "BronzeFactory", "ContractError",
    "FactoryDatabaseError", "Hook", "IdSequence", "JsonFaker", "Parent", "Settings", "Step", "between", "bind",
    "bound_session", "check_in_window", "check_registered", "columns_of", "current_session", "flush", "given",
    "is_create", "link", "link_parents", "refresh_raw", "resolve", "rng", "seconds", "seed", "set_window", "settings",
    "to_json", "window",
]
