"""The declarations the factories share: parents reused by id, JSON overrides, steps and hooks that see the build."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import factory
from factory import enums
from factory.declarations import BaseDeclaration, PostGenerationDeclaration

from ..models import Base
from .binding import bound_session, current_session
from .checks import ROOM
from .clock import settings
from .draws import between
from .registry import fetch, known, natural_key

T = TypeVar("T")

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


__all__ = ["_MISSING", "Hook", "JsonFaker", "Parent", "Step", "given", "is_create", "resolve"]
