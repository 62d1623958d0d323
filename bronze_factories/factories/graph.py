"""Whole graphs: parents and children linked the way a load links them, without SQL or history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.attributes import set_committed_value

from ..models import Base, RawClickstream, RawInventory, RawOrder, RawReview, RawSession

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


def link_parents(instance: Any, step: Any, extracted: Any) -> None:
    if not isinstance(instance, Base):  # e.g. factory.build(dict, FACTORY_CLASS=...)
        return
    attributes = step.attributes or {}  # pytest-factoryboy runs hooks without them: nothing to link
    for name, collection in LINKS.get(type(instance), {}).items():
        parent = attributes.get(name)
        if isinstance(parent, Base):
            link(instance, name, parent, collection)
        elif parent is None and name not in sa_inspect(type(instance)).relationships:
            instance.__dict__[name] = None  # e.g. event.product of a landing page view


__all__ = ["LINKS", "link", "link_parents"]
