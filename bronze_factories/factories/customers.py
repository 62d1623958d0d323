"""Customers: the one factory that needs nothing else (``CustomerFactory()`` writes exactly one row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from .. import vocabulary as v
from ..faker_provider import addresses, email_local_part, first_names, genders, last_names, phones
from ..models import RawCustomer
from ..vocabulary import SOURCE_SYSTEM
from .base import (
    CUSTOMER_BASE,
    BronzeFactory,
    ContractError,
    IdSequence,
    JsonFaker,
    between,
    current_session,
    rng,
    settings,
)
from .registry import write_rows


def _registration(o: object = None) -> dt.datetime:
    # A store has history: customers registered up to two years before the window, and early
    # enough (60 days before its end) that an old, delivered or returned order still fits after.
    return between(settings.start - dt.timedelta(days=730), settings.end - dt.timedelta(days=60))


def _email_of(first_name: str, last_name: str, customer_id: str) -> str:
    return f"{email_local_part(first_name, last_name)}.{customer_id[4:]}@example.com"


def _email(o: Any) -> str:
    return _email_of(o.first_name, o.last_name, o.customer_id)


def _birth(o: object = None) -> dt.date:
    age_days = rng().randint(18 * 365, 80 * 365)
    return (settings.end - dt.timedelta(days=age_days)).date()


def same_place(fake: Any, address: dict[str, Any], given: set[str]) -> dict[str, Any]:
    """An address whose state and postal code agree with a given city (or state), as drawn ones do."""
    if "city" not in given and "state" not in given:
        return address
    wanted = {k: address[k] for k in ("city", "state") if k in given}
    cities = [c for c in v.CITIES if all(getattr(c, k) == value for k, value in wanted.items())]
    if not cities:
        return address  # a place the vocabulary does not know: the caller's values, as given
    city = cities[0] if "city" in given else fake.random_element(cities)
    filled = {"city": city.city, "state": city.state}
    if "postal_code" not in given:
        filled["postal_code"] = fake.bronze_postal_code(city)
    return {**address, **filled, **{k: address[k] for k in given}}


def customer_rows(customer_ids: list[str]) -> list[dict[str, Any]]:
    """Column values of new customers, drawn column by column: the rows the declarations describe."""
    r, k = rng(), len(customer_ids)
    columns = zip(customer_ids, first_names(r, k), last_names(r, k), phones(r, k), addresses(r, k), genders(r, k),
                  strict=True)
    rows = []
    for customer_id, first, last, phone, address, gender in columns:
        registered, born = _registration(), _birth()
        row = {
            "customer_id": customer_id, "first_name": first, "last_name": last, "customer_name": f"{first} {last}",
            "email": _email_of(first, last, customer_id), "phone": phone, "address": address,
            "registration_date": registered, "date_of_birth": born, "gender": gender, "source_system": SOURCE_SYSTEM,
        }
        # what BronzeFactory._adjust_kwargs records, without its generic to_json walk
        row["raw_data"] = {**row, "address": dict(address), "registration_date": registered.isoformat(),
                           "date_of_birth": born.isoformat()}
        rows.append(row)
    return rows


class CustomerFactory(BronzeFactory):
    """One customer row. ``CustomerFactory(registration_date=...)`` pins the account's age.

    ``CustomerFactory.create_batch(n)`` without overrides skips factory_boy's per-object build:
    it draws the n rows column by column (:func:`customer_rows`, the same values the declarations
    describe) and writes them with multi-row INSERTs. Why: building one object through factory_boy's
    resolver costs ~0.1 ms even with cheap declarations, and the unit-of-work flush about as much
    again, which kept 10,000 customers at ~1.5x a plain per-row flush loop; drawing the rows
    directly and writing them with one COPY makes it ~16x that loop and ~4x a factory_boy loop that
    adds every row and flushes once (``benchmarks/bench_factories.py``).
    With overrides, or in a subclass that changes a declaration, it is the usual per-object build
    with one flush.
    """

    class Meta:
        model = RawCustomer

    customer_id = IdSequence("CUST", 8, CUSTOMER_BASE)
    first_name = factory.Faker("bronze_first_name")
    last_name = factory.Faker("bronze_last_name")
    customer_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")
    email = factory.LazyAttribute(_email)
    phone = factory.Faker("bronze_phone")
    address = JsonFaker("bronze_address", fill=same_place)
    registration_date = factory.LazyAttribute(_registration)
    date_of_birth = factory.LazyAttribute(_birth)
    gender = factory.Faker("bronze_gender")

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        registered = kwargs.get("registration_date")
        if isinstance(registered, dt.datetime) and registered >= settings.end:
            raise ContractError("customers_registered_before_end",
                                f"registration_date {registered} is not before the window end {settings.end}")
        return super()._adjust_kwargs(**kwargs)

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        if kwargs or cls._meta.declarations != CustomerFactory._meta.declarations:
            return super().create_batch(size, **kwargs)
        ids = cls.customer_id.next_ids(cls, size)
        return write_rows(current_session(), RawCustomer, customer_rows(ids))
