"""What every factory shares: the time window, seeding, session binding, bulk creation and parent reuse.

Time is anchored, never read from the clock: rows fall in the window ``[end - days, end)`` with
``end = 2026-01-01`` unless :func:`seed` (or :func:`set_window`) says otherwise, so a validator run
with ``window=bronze_factories.window()`` checks exactly what the factories meant.

Factories write through the SQLAlchemy session bound with :func:`bind` (the pytest fixture
``bronze_session`` binds one for you). Per session they keep a small registry of what they created
(parents by id, each session's events, each customer's orders, stock per product and warehouse), so
that ``OrderFactory(customer_id=...)`` reuses a parent without a query when it can, and so that a
``create_batch`` of a thousand orders needs no SELECT and exactly one flush.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import factory
import factory.random
from factory import enums
from factory.alchemy import SQLAlchemyModelFactory
from factory.declarations import BaseDeclaration, PostGenerationDeclaration
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..engine.params import Params
from ..faker_provider import BronzeProvider
from ..models import Base, RawClickstream, RawInventory, RawOrder, RawReview, RawSession
from ..vocabulary import SOURCE_SYSTEM
from .registry import fetch, known, natural_key, registry, remember

factory.Faker.add_provider(BronzeProvider)

#: Default end of the window (exclusive): midnight, 2026-01-01. Rows never depend on today's date.
DEFAULT_END_DATE = dt.datetime(2026, 1, 1)
#: Default window length in days, as in the bulk engine.
DEFAULT_DAYS = 365
#: Default seed of :func:`seed` and of the pytest plugin.
DEFAULT_SEED = 42

#: Factory ids start high so they never collide with ids of a bulk-generated dataset; in a bound
#: session they continue after the largest factory id already stored (see :class:`IdSequence`).
CUSTOMER_BASE = 90_000_000
PRODUCT_BASE = 90_000_000
ORDER_BASE = 9_000_000_000
REVIEW_BASE = 9_000_000_000
SESSION_BASE = 900_000_000_000
EVENT_BASE = 9_000_000_000
INVENTORY_BASE = 9_000_000_000

T = TypeVar("T")


# --- the window ------------------------------------------------------------------------------
@dataclass
class Settings:
    """Module-wide factory settings; change them through :func:`seed` or :func:`set_window`."""

    end: dt.datetime = DEFAULT_END_DATE
    days: int = DEFAULT_DAYS
    warehouses: int = Params.warehouses  # the engine's default warehouse count (WH001..WH005)

    @property
    def start(self) -> dt.datetime:
        return self.end - dt.timedelta(days=self.days)


settings = Settings()


def _midnight(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(hour=0, minute=0, second=0, microsecond=0)
    return dt.datetime.combine(value, dt.time())


def set_window(end_date: dt.date | dt.datetime | None = None, days: int | None = None) -> tuple[dt.datetime, dt.datetime]:
    """Move the window the factories write into; returns ``(start, end)``."""
    if end_date is not None:
        settings.end = _midnight(end_date)
    if days is not None:
        if days < 7:
            raise ValueError(f"the window must span at least 7 days, got {days}")
        settings.days = days
    return window()


def window() -> tuple[dt.datetime, dt.datetime]:
    """The half-open window ``(start, end)`` of factory rows: pass it to the validator as ``window=``."""
    return settings.start, settings.end


def seed(value: int = DEFAULT_SEED, *, end_date: dt.date | dt.datetime | None = None, days: int | None = None) -> None:
    """Make the next factory calls reproducible: same seed (and window), same rows.

    Reseeds factory_boy's and Faker's shared random generator, restarts every factory sequence
    and, when given, moves the window. A ``create()`` then continues after the largest factory id
    already stored in the bound session's database (ids never collide with rows of an earlier run),
    so the same seed against the same database state gives the same rows.
    """
    global _generation
    set_window(end_date, days)
    factory.random.reseed_random(value)
    _generation += 1  # bound sessions look up the largest stored ids again before the next create
    pending = [BronzeFactory]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        meta = cls._meta
        if not meta.abstract and meta.model is not None and meta.counter_reference is meta:
            cls.reset_sequence()


# --- errors -------------------------------------------------------------------------------------
class ContractError(ValueError):
    """An override the factories cannot honour without breaking the bronze contract.

    ``rule`` names the validator rule the row would break (e.g. ``order_after_registration``); the
    message says which values clash and what to pass instead. Subclasses ``ValueError``, like the
    factories' other refusals.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.rule = rule


class FactoryDatabaseError(RuntimeError):
    """The database refused rows the factories wrote: one short line, not the INSERT's parameters.

    The driver's error is kept as ``orig`` (and the SQLAlchemy one as ``statement_error``). The
    session must be rolled back before it is used again, as after any failed flush.
    """

    def __init__(self, message: str, orig: BaseException | None = None,
                 statement_error: BaseException | None = None) -> None:
        super().__init__(message)
        self.orig = orig
        self.statement_error = statement_error

    @classmethod
    def of(cls, exc: BaseException) -> FactoryDatabaseError:
        orig = getattr(exc, "orig", None) or exc
        lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
        detail = next((line for line in lines[1:] if line.startswith("DETAIL")), None)
        text = "; ".join(x for x in (lines[0] if lines else "", detail) if x)
        if len(text) > 300:
            text = text[:297] + "..."
        return cls(f"the database refused the factories' rows: {type(orig).__name__}: {text}", orig,
                   exc if exc is not orig else None)


def flush(session: Session) -> None:
    """``session.flush()``, with a database error cut down to :class:`FactoryDatabaseError`."""
    try:
        session.flush()
    except DBAPIError as exc:
        raise FactoryDatabaseError.of(exc) from None


# --- ids -------------------------------------------------------------------------------------------
_generation = 0  # bumped by seed(): stored ids are looked up again after it


class IdSequence(factory.Sequence):
    """A factory id: ``prefix`` + ``base + n`` on ``width`` digits (an integer when no prefix).

    In ``create()`` the sequence continues after the largest factory id already stored in the
    bound session's table (one ``SELECT max()`` per table and session, again after :func:`seed`),
    so a script run twice against one database, or a test next to committed rows, never collides.
    ``build()`` reads no database: it counts from ``base``.
    """

    def __init__(self, prefix: str | None, width: int, base: int) -> None:
        super().__init__(self.format)
        self.prefix, self.width, self.base = prefix, width, base

    def format(self, n: int) -> Any:
        if self.prefix is None:
            return self.base + n
        return f"{self.prefix}{self.base + n:0{self.width}d}"

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        n = int(step.sequence)
        model = step.builder.factory_meta.model
        if is_create(step) and hasattr(model, "__mapper__"):
            n += self.offset(current_session(), model)
        return self.format(n)

    def offset(self, session: Session, model: Any) -> int:
        """How many factory ids of ``model`` the session's database (or this session) already holds."""
        reg = registry(session)
        if reg.generation != _generation:
            reg.offsets.clear()
            reg.generation = _generation
        found = reg.offsets.get(model)
        if found is None:
            column = model.__mapper__.primary_key[0]
            query = select(func.max(column)).where(column >= self.format(0))
            if self.prefix is not None:
                query = query.where(func.length(column) == len(self.format(0)))
            with session.no_autoflush:
                largest = session.scalar(query)
            keys = [key for (m, key), _ in reg.objects.items() if m is model and self._ours(key)]
            values = [self._number(v) for v in (largest, *keys) if v is not None]
            found = reg.offsets[model] = max(values) - self.base + 1 if values else 0
        return found

    def _ours(self, key: Any) -> bool:
        if self.prefix is None:
            return isinstance(key, int) and key >= self.base
        return isinstance(key, str) and len(key) == len(self.format(0)) and key >= self.format(0)

    def _number(self, key: Any) -> int:
        return int(key) if self.prefix is None else int(key[len(self.prefix):])

    def next_ids(self, factory_class: Any, size: int) -> list[Any]:
        """``size`` new ids for a bulk create (the sequence advanced as ``size`` creates would)."""
        shift = self.offset(current_session(), factory_class._meta.model)
        return [self.format(factory_class._meta.next_sequence() + shift) for _ in range(size)]


# --- randomness and time helpers -----------------------------------------------------------
def rng() -> random.Random:
    """factory_boy's random generator (reseeded by :func:`seed`), for values that are not Faker's."""
    return factory.random.randgen


def between(low: dt.datetime, high: dt.datetime) -> dt.datetime:
    """A whole-second time in ``[low, high]`` (``low`` when the interval is empty)."""
    span = int((high - low).total_seconds())
    if span <= 0:
        return low.replace(microsecond=0)
    return low.replace(microsecond=0) + dt.timedelta(seconds=rng().randint(0, span))


def seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=int(value))


# --- JSON records ----------------------------------------------------------------------------
def to_json(value: Any) -> Any:
    """A JSON-ready copy: timestamps as ISO-8601 strings, amounts as numbers with cents."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def columns_of(model: type[Base]) -> list[str]:
    return [c.key for c in model.__mapper__.column_attrs if c.key not in ("raw_data", "ingestion_timestamp")]


def refresh_raw(obj: Base) -> None:
    """Re-copy the columns into ``raw_data`` after a factory changed a stored row (e.g. a longer session)."""
    record = dict(obj.raw_data or {})
    record.update({name: to_json(getattr(obj, name)) for name in columns_of(type(obj))})
    obj.raw_data = record


# --- binding ----------------------------------------------------------------------------------
_bound: ContextVar[Session | None] = ContextVar("bronze_factories_session", default=None)


@contextmanager
def bind(session: Session) -> Iterator[Session]:
    """Make the factories write through ``session`` inside the block (nestable, per thread/task).

    ``create()`` adds and flushes, it never commits: committing is the caller's decision.
    """
    token = _bound.set(session)
    try:
        yield session
    finally:
        _bound.reset(token)


def bound_session() -> Session | None:
    return _bound.get()


def current_session() -> Session:
    session = _bound.get()
    if session is None:
        raise RuntimeError(
            "no SQLAlchemy session bound to the bronze factories: wrap the calls in "
            "`with bronze_factories.bind(session): ...` or use the `bronze_session` pytest fixture"
        )
    return session


#: How long before a caller-given order or session time its customer must have registered: room
#: for the session that leads to the order (its funnel is capped at an hour).
ROOM = dt.timedelta(hours=2)


def check_registered(customer: Any, at: dt.datetime | None, rule: str, what: str,
                     room: dt.timedelta = ROOM) -> None:
    """Refuse a given customer registered too late for a row at ``at`` (``None``: anywhere in the window).

    ``room``: how long before ``at`` (or the window end) the row needs the customer registered.
    """
    registered = getattr(customer, "registration_date", None)
    if registered is None:
        return
    latest = (at if at is not None else settings.end) - room
    if registered > latest:
        when = f"at {at}" if at is not None else f"before the window end {settings.end}"
        raise ContractError(rule, f"customer {customer.customer_id} registered at {registered}, too late for {what} "
                                  f"{when} (it needs the customer registered {room} earlier); pass a customer "
                                  "registered earlier, or none (a new one registered in time is made)")


def check_in_window(at: dt.datetime, rule: str, what: str, before: dt.timedelta = dt.timedelta(0),
                    after: dt.timedelta = dt.timedelta(0)) -> None:
    """Refuse a caller-given time outside the factories' window (``before``/``after``: room it needs)."""
    low, high = settings.start + before, settings.end - after
    if not low <= at < high:
        raise ContractError(rule, f"{what} {at} is outside the factories' window: use a time in [{low}, {high}) "
                                  "(bronze_factories.window(), with room for the rows around it) or move the window "
                                  "with seed()")


# --- declarations --------------------------------------------------------------------------------
_MISSING = object()


def given(step: Any, name: str) -> Any:
    """The value the caller passed for ``name`` (not a default declaration, not None), else ``_MISSING``."""
    value = step.builder.extras.get(name, _MISSING)
    if value is None or isinstance(value, BaseDeclaration | factory.declarations.Parameter):
        return _MISSING
    return value


def is_create(step: Any) -> bool:
    return step.builder.strategy == enums.CREATE_STRATEGY


def resolve(step: Any, model: type[T], factory_class: Any, value: Any, extra: dict[str, Any] | None = None) -> T:
    """A parent given as an object or an id: that row, never a second one.

    An id names the existing row (created by a factory in this session, else read from the
    database); only when no such row exists is one made, with that id. ``build()`` never reads the
    database: an id it does not know yields an unsaved stand-in parent with that id.
    """
    if not isinstance(value, str):
        return value
    session = bound_session()
    if is_create(step):
        obj = fetch(current_session(), model, value)
    else:
        obj = known(session, model, value)
    if obj is not None:
        return obj
    return step.recurse(factory_class, {**(extra or {}), natural_key(model): value})


class Parent(factory.SubFactory):
    """A SubFactory that reuses the parent named by id instead of building a new one.

    ``Parent(CustomerFactory, "customer_id")`` on a field ``customer``: ``customer=<obj>`` uses the
    object, ``customer_id="CUST..."`` looks the customer up (see :func:`resolve`), and only when
    neither is given does a new customer get made. ``when`` names a boolean parameter that must be
    true for a default parent to be made at all (e.g. guest sessions have none).
    """

    def __init__(self, factory_class: Any, id_field: str, when: str | None = None, before: str | None = None,
                 **defaults: Any) -> None:
        super().__init__(factory_class, **defaults)
        self.id_field = id_field
        self.when = when
        self.before = before

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        key = given(step, self.id_field)
        if key is not _MISSING:
            sub = self.get_factory()
            return resolve(step, sub._meta.model, sub, key)
        if self.when is not None and not getattr(instance, self.when):
            return None
        at = given(step, self.before) if self.before else _MISSING
        if isinstance(at, dt.datetime) and "registration_date" not in extra:
            # a new customer for a caller-given time: registered well before it (a day of room for
            # the session that leads to it), never after the window's usual registrations
            high = min(at - ROOM, settings.end - dt.timedelta(days=60))
            extra = {**extra, "registration_date": between(min(high, settings.start - dt.timedelta(days=730)), high)}
        return super().evaluate(instance, step, extra)


class JsonFaker(BaseDeclaration):
    """A JSON attribute drawn by a ``bronze_*`` Faker formatter, open to nested overrides.

    ``CustomerFactory(address__city="Boston")`` (or ``OrderFactory(customer__address__city=...)``)
    sets one key of the drawn record; ``fill`` then makes the other keys agree with the given ones
    (for an address: the state and postal code of that city). ``factory.Faker`` would pass the
    keys to the formatter as arguments instead, which it does not take.
    """

    def __init__(self, formatter: str, fill: Any = None) -> None:
        super().__init__()
        self.formatter = formatter
        self.fill = fill

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        fake = factory.Faker._get_faker()
        record = dict(getattr(fake, self.formatter)())
        if extra:
            given_keys = {k: v for k, v in extra.items() if not isinstance(v, BaseDeclaration)}
            record.update(given_keys)
            if self.fill is not None:
                record = self.fill(fake, record, set(given_keys))
        return record


class Step(BaseDeclaration):
    """A lazy attribute that also sees the build step (what the caller passed, the strategy)."""

    def __init__(self, function: Any) -> None:
        super().__init__()
        self.function = function

    def evaluate(self, instance: Any, step: Any, extra: dict[str, Any]) -> Any:
        return self.function(instance, step)


class Hook(PostGenerationDeclaration):
    """A post-generation hook with the build step, so it can create children with the same strategy.

    pytest-factoryboy calls hooks with value ``None``: that means "do the default" here too.
    """

    def __init__(self, function: Any) -> None:
        super().__init__()
        self.function = function

    def call(self, instance: Any, step: Any, context: Any) -> Any:
        if not isinstance(instance, Base):  # factory.build(dict, FACTORY_CLASS=...): a record, no graph
            return None
        return self.function(instance, step, context.value)


# --- whole graphs --------------------------------------------------------------------------------
#: Per model: the parents a factory resolves (its declarations or parameters) -> the parent's
#: collection the row belongs to (``None``: no collection). ``order.session`` and
#: ``event.product`` are not mapped (the ids live in JSON): they are plain attributes of the
#: objects the factories make.
LINKS: dict[type, dict[str, str | None]] = {
    RawOrder: {"customer": "orders", "session": None},
    RawSession: {"customer": "sessions"},
    RawClickstream: {"session": "events", "product": None},
    RawReview: {"customer": "reviews", "product": "reviews"},
    RawInventory: {"product": "movements"},
}


def link(child: Any, name: str, parent: Any, collection: str | None) -> None:
    """Attach ``parent`` to ``child`` (and ``child`` to the parent's collection) without SQL or history.

    The values are set the way a load sets them (no change events): ``build()`` graphs become
    navigable (``order.customer.orders``, ``session.events``) without a database, and a create
    writes nothing more than the id columns already say. A parent's collection is filled in only
    when it is new like the child (a built child never enters a stored parent's collection) or
    already loaded; otherwise it stays lazy, and the database has every row.
    """
    if name in sa_inspect(type(child)).relationships:
        set_committed_value(child, name, parent)
    else:
        child.__dict__[name] = parent
    if parent is None or collection is None:
        return
    child_new, parent_state = sa_inspect(child).transient, sa_inspect(parent)
    if child_new and not parent_state.transient:
        return
    members = parent.__dict__.get(collection)
    if members is None:
        if parent_state.transient or parent_state.pending:
            set_committed_value(parent, collection, [child])
    elif not any(m is child for m in members):
        members = [*members, child]
        if collection == "events":
            members.sort(key=lambda e: (e.event_timestamp, e.event_id))
        set_committed_value(parent, collection, members)


def _link_parents(instance: Any, step: Any, extracted: Any) -> None:
    if not isinstance(instance, Base):  # e.g. factory.build(dict, FACTORY_CLASS=...)
        return
    attributes = step.attributes or {}  # pytest-factoryboy runs hooks without them: nothing to link
    for name, collection in LINKS.get(type(instance), {}).items():
        parent = attributes.get(name)
        if isinstance(parent, Base):
            link(instance, name, parent, collection)
        elif parent is None and name not in sa_inspect(type(instance)).relationships:
            instance.__dict__[name] = None  # e.g. event.product of a landing page view


# --- the base factory ----------------------------------------------------------------------------
class BronzeFactory(SQLAlchemyModelFactory):
    """Base of the bronze factories: bound session, ``raw_data`` records, one flush per call or batch."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = current_session

    source_system = SOURCE_SYSTEM
    raw_data = None

    parents = Hook(_link_parents)

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
